package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"cryptopos/pos/postest"
)

const (
	testKey    = "test-api-key"
	testSecret = "test-secret-key"
)

var start = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// receiver is a callback endpoint that records what it gets and answers
// with the codes queued (200 when none).
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	got   []received
	codes []int
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Clone(), body})
		code := http.StatusOK
		if len(rc.codes) > 0 {
			code, rc.codes = rc.codes[0], rc.codes[1:]
		}
		rc.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) answer(codes ...int) {
	rc.mu.Lock()
	rc.codes = append(rc.codes, codes...)
	rc.mu.Unlock()
}

// statuses lists the status of every callback received, in order.
func (rc *receiver) statuses(t *testing.T) []string {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, g := range rc.got {
		var cb struct{ Status string }
		if err := json.Unmarshal(g.body, &cb); err != nil {
			t.Fatalf("callback %q is not JSON: %v", g.body, err)
		}
		out = append(out, cb.Status)
	}
	return out
}

func (rc *receiver) last(t *testing.T) map[string]any {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.got) == 0 {
		t.Fatal("no callback received")
	}
	var m map[string]any
	if err := json.Unmarshal(rc.got[len(rc.got)-1].body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

// env is a sandbox behind an httptest server, with a callback receiver.
type env struct {
	*Sandbox
	srv   *httptest.Server
	clock *postest.Clock
	rc    *receiver
}

func newEnv(t *testing.T, change ...func(*Options)) *env {
	t.Helper()
	clock := postest.NewClock(start)
	rc := newReceiver(t)
	o := Options{APIKey: testKey, SecretKey: testSecret, Clock: clock, CallbackURL: rc.URL + "/callbacks/cryptoprocessing"}
	for _, f := range change {
		f(&o)
	}
	sb := New(o)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return &env{Sandbox: sb, srv: srv, clock: clock, rc: rc}
}

// reply is a raw answer.
type reply struct {
	status int
	ctype  string
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("reply %d %q is not a JSON object: %v", r.status, r.body, err)
	}
	return m
}

// data returns the data object of a successful reply.
func (r reply) data(t *testing.T) map[string]any {
	t.Helper()
	if r.status/100 != 2 {
		t.Fatalf("want success, got %d %s", r.status, r.body)
	}
	d, ok := r.json(t)["data"].(map[string]any)
	if !ok {
		t.Fatalf("data is not an object: %s", r.body)
	}
	return d
}

// post sends body signed with the test keys.
func (e *env) post(t *testing.T, path, body string) reply {
	t.Helper()
	return e.request(t, http.MethodPost, path, body, map[string]string{
		"Content-Type": "application/json", "X-Processing-Key": testKey, "X-Processing-Signature": sign([]byte(body), testSecret)})
}

func (e *env) request(t *testing.T, method, path, body string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header.Get("Content-Type"), b}
}

// create makes an invoice and returns its data object.
func (e *env) create(t *testing.T, body string) map[string]any {
	t.Helper()
	return e.post(t, "/api/v2/invoices/create", body).data(t)
}

// body is a valid create body with the given foreign_id and extra fields
// (JSON members without braces).
func body(foreignID, extra string) string {
	b := `{"timer":true,"title":"Shop · ` + foreignID + `","currency":"EUR","amount":12.50,"foreign_id":"` + foreignID + `","end_user_reference":"ref1"`
	if extra != "" {
		b += "," + extra
	}
	return b + "}"
}
