package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cryptopos/pos/postest"
)

// fuzzToken is the relay's bearer token in the fuzz tests; the seed corpus
// sends it, also where it does not belong.
const fuzzToken = "fz-tok-8d3f0a6c2b9e4f17a5c0"

// fuzzMaxBody keeps the relay's body cap small, so that 413 is reachable.
const fuzzMaxBody = 4096

// verdictReceiver is a fake provider whose verdict the request carries:
// X-Fuzz-Verdict "ok" accepts the callback (id X-Fuzz-Id, status
// X-Fuzz-Status, final when X-Fuzz-Final is "1", payload the body, or none
// when X-Fuzz-Payload is "none"), "ignored" ignores it, "broken" finds it
// authentic but unreadable, anything else is forged. Like a real provider
// it never knows the relay's token: a request that holds it anywhere is
// forged. accepted counts the callbacks it accepted.
type verdictReceiver struct{ accepted int }

func (v *verdictReceiver) Provider() string { return "fuzz" }

func (v *verdictReceiver) Receive(h http.Header, body []byte) (Callback, error) {
	if bytes.Contains(body, []byte(fuzzToken)) {
		return Callback{}, fmt.Errorf("the token in the body: %w", ErrForged)
	}
	for _, vals := range h {
		for _, val := range vals {
			if strings.Contains(val, fuzzToken) {
				return Callback{}, fmt.Errorf("the token in a header: %w", ErrForged)
			}
		}
	}
	switch h.Get("X-Fuzz-Verdict") {
	case "ok":
		cb := Callback{ID: h.Get("X-Fuzz-Id"), Status: h.Get("X-Fuzz-Status"), Final: h.Get("X-Fuzz-Final") == "1", Payload: body}
		if h.Get("X-Fuzz-Payload") == "none" {
			cb.Payload = nil
		}
		v.accepted++
		return cb, nil
	case "ignored":
		return Callback{}, fmt.Errorf("another kind: %w", ErrIgnored)
	case "broken":
		return Callback{}, errors.New("authentic but unreadable")
	}
	return Callback{}, fmt.Errorf("no verdict: %w", ErrForged)
}

// Newer keeps the first final status; otherwise a different status is newer.
func (v *verdictReceiver) Newer(prev, next Callback) bool {
	return !prev.Final && (next.Final || next.Status != prev.Status)
}

// parseHeaders reads "Name: value" lines, keeping only what an HTTP/1.1
// server would let through to a handler.
func parseHeaders(b []byte) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(strings.TrimSuffix(line, "\r"), ":")
		if !ok || name == "" || strings.IndexFunc(name, func(r rune) bool {
			return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
		}) >= 0 {
			continue
		}
		value = strings.Trim(value, " \t")
		if strings.IndexFunc(value, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }) >= 0 {
			continue
		}
		h.Add(name, value)
	}
	return h
}

// FuzzServer sends any request (method, path, query, header lines and
// body) to a relay with a fake provider "fuzz" whose verdict the request's
// headers choose (see verdictReceiver), on a real store.
//   - it never panics;
//   - the status is one the Server documents (200, 400, 401, 403, 404, 405,
//     413), or a redirect to the cleaned path for a path that is not clean;
//     never 5xx: the store works;
//   - a callback is answered 200 only when the receiver accepted or
//     ignored it, 403 when forged, 400 when unreadable or without an id or
//     JSON payload, 413 over the cap;
//   - the store logs a callback only when the receiver accepted it, and
//     then exactly one, answered 200;
//   - an invoice is read (200 with a Record, or 404 no_callback) only with
//     the right bearer token, else 401 with a challenge;
//   - no answer holds the token, unless the request's path or query does
//     (the 400 answers quote a bad wait= or after=): the fake provider
//     refuses any callback holding it, so nothing stored holds it.
func FuzzServer(f *testing.F) {
	// Not f.TempDir: its strict clean-up has been seen to trip over the
	// store's -wal and -shm files going away under load.
	dir, err := os.MkdirTemp("", "relay-fuzz-")
	if err != nil {
		f.Fatal(err)
	}
	store, err := OpenStore(filepath.Join(dir, "relay.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		store.Close()
		os.RemoveAll(dir)
	})
	rcv := &verdictReceiver{}
	srv, err := New(Options{Store: store, Token: fuzzToken, MaxBody: fuzzMaxBody, LongPollMax: 5 * time.Millisecond,
		Clock: postest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		f.Fatal(err)
	}
	srv.Add(rcv)
	count := func(t *testing.T) int {
		var n int
		if err := store.db.QueryRow(`SELECT count(*) FROM callbacks`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	f.Fuzz(func(t *testing.T, method, reqPath, query string, headers, body []byte) {
		if !strings.HasPrefix(reqPath, "/") {
			reqPath = "/" + reqPath
		}
		target := reqPath
		if query != "" {
			target += "?" + query
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || method == "" || strings.IndexFunc(method, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
			return // the HTTP server answers 400 before any handler
		}
		req := &http.Request{Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: parseHeaders(headers), Host: "relay.test", RemoteAddr: "192.0.2.7:4711",
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
		req = req.WithContext(context.Background())

		before, acceptedBefore := count(t), rcv.accepted
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		code, answer := w.Code, w.Body.String()
		accepted := rcv.accepted - acceptedBefore
		logged := count(t) - before

		switch code {
		case 200, 400, 401, 403, 404, 405, 413:
		case 301, 307, 308:
			if cleanPath(u.Path) == u.Path && cleanPath(u.EscapedPath()) == u.EscapedPath() && method != http.MethodConnect {
				t.Fatalf("%s %s: redirect %d for a clean path", method, target, code)
			}
		default:
			t.Fatalf("%s %s: status %d is not a documented one: %q", method, target, code, answer)
		}

		var all strings.Builder
		all.WriteString(answer)
		for k, vs := range w.Header() {
			all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
		if strings.Contains(all.String(), fuzzToken) && !strings.Contains(target, fuzzToken) {
			t.Fatalf("%s %s: the answer shows the token:\n%s", method, target, all.String())
		}

		if logged != 0 && (accepted != 1 || logged != 1 || code != 200) {
			t.Fatalf("%s %s: %d callbacks logged, %d accepted, answered %d", method, target, logged, accepted, code)
		}
		if accepted > 0 && code == 200 && logged != 1 {
			t.Fatalf("%s %s: an accepted callback answered 200 but %d logged", method, target, logged)
		}

		isCallback := method == http.MethodPost && u.Path == "/callbacks/fuzz"
		if isCallback {
			switch verdict := req.Header.Get("X-Fuzz-Verdict"); {
			case int64(len(body)) > fuzzMaxBody:
				if code != 413 {
					t.Fatalf("a body of %d bytes answered %d", len(body), code)
				}
			case code == 403:
				if accepted != 0 || verdict == "ok" && !bytes.Contains(body, []byte(fuzzToken)) && !strings.Contains(fmt.Sprint(req.Header), fuzzToken) {
					t.Fatalf("verdict %q answered 403", verdict)
				}
			case code == 200:
				if verdict != "ok" && verdict != "ignored" {
					t.Fatalf("verdict %q answered 200", verdict)
				}
			case code == 400:
				if verdict != "broken" && verdict != "ok" {
					t.Fatalf("verdict %q answered 400", verdict)
				}
			default:
				t.Fatalf("a callback answered %d", code)
			}
		}

		isRead := (method == http.MethodGet || method == http.MethodHead) && strings.HasPrefix(u.Path, "/v1/invoices/") &&
			!strings.Contains(strings.TrimPrefix(u.Path, "/v1/invoices/"), "/") && u.Path != "/v1/invoices/"
		if isRead && cleanPath(u.Path) == u.Path {
			scheme, tok, _ := strings.Cut(req.Header.Get("Authorization"), " ")
			authorized := strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(tok) == fuzzToken
			switch {
			case !authorized && code != 401:
				t.Fatalf("GET %s without the token answered %d: %q", target, code, answer)
			case !authorized && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer "):
				t.Fatalf("a 401 without a challenge")
			case authorized && code != 200 && code != 404 && code != 400:
				t.Fatalf("GET %s with the token answered %d: %q", target, code, answer)
			case authorized && code == 200 && method == http.MethodGet:
				var rec Record
				if err := json.Unmarshal(w.Body.Bytes(), &rec); err != nil || rec.ID == "" || rec.Version < 1 {
					t.Fatalf("GET %s answered 200 with %q (%v)", target, answer, err)
				}
			}
		}
		if code == 200 && !isCallback && !isRead && !(method == http.MethodGet || method == http.MethodHead) {
			t.Fatalf("%s %s answered 200", method, target)
		}
	})
}

// cleanPath is the path ServeMux serves without redirecting.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		if len(p) == len(np)+1 && strings.HasPrefix(p, np) {
			return p
		}
		np += "/"
	}
	return np
}

// roundTrip is an http.RoundTripper that answers every request itself.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzClient checks how a terminal reads any answer (status, Content-Type
// and body) of a relay to Invoice:
//   - it never panics;
//   - it returns a record only for a 200 whose record is the invoice asked
//     for;
//   - ErrNoCallback only for a 404 that says no_callback, ErrUnauthorized
//     for 401 and 403 only;
//   - no error shows the token, even when the answer echoes it, and every
//     error is one line.
func FuzzClient(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		var sent *http.Request
		hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			sent = r
			return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
				Header: http.Header{"Content-Type": {contentType}}, Body: io.NopCloser(bytes.NewReader(body)),
				ContentLength: int64(len(body)), Request: r}, nil
		})}
		c := &Client{BaseURL: "https://relay.test/base", Token: fuzzToken, Provider: "cryptoprocessing", HTTP: hc}
		const id = "pos-1 /?#%é"
		rec, err := c.Invoice(context.Background(), id)
		if sent == nil {
			t.Fatalf("nothing was sent: %v", err)
		}
		if got := sent.URL.EscapedPath(); got != "/base/v1/invoices/pos-1%20%2F%3F%23%25%C3%A9" {
			t.Fatalf("the invoice was asked at %s", got)
		}
		if err == nil {
			if status != 200 || rec.ID != id {
				t.Fatalf("HTTP %d read as the record %+v", status, rec)
			}
			return
		}
		msg := err.Error()
		if strings.Contains(msg, fuzzToken) {
			t.Fatalf("the error shows the token: %q", msg)
		}
		if strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("the error is not one line: %q", msg)
		}
		if errors.Is(err, ErrNoCallback) && status != 404 {
			t.Fatalf("HTTP %d read as no callback: %v", status, err)
		}
		if errors.Is(err, ErrUnauthorized) != (status == 401 || status == 403) {
			t.Fatalf("HTTP %d read as %v", status, err)
		}
	})
}
