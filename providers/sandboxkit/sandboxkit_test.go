package sandboxkit

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"cryptopos/pos"
)

func TestListenServeClose(t *testing.T) {
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || strings.HasSuffix(s.URL, ":0") {
		t.Fatalf("URL %q", s.URL)
	}
	s.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello") }))
	resp, err := http.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hello" {
		t.Errorf("served %q", b)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.URL + "/"); err == nil {
		t.Error("still serving after Close")
	}

	unserved, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := unserved.Close(); err != nil {
		t.Errorf("closing a server that never served: %v", err)
	}
	if _, err := Listen("256.0.0.1:1"); err == nil {
		t.Error("a bad address was accepted")
	}
}

func TestPublicURL(t *testing.T) {
	plain := httptest.NewRequest("GET", "http://shop.test:8089/v1/payment", nil)
	secure := httptest.NewRequest("GET", "https://shop.test/v1/payment", nil)
	secure.TLS = &tls.ConnectionState{}
	for _, tt := range []struct {
		configured string
		r          *http.Request
		want       string
	}{
		{"", plain, "http://shop.test:8089"},
		{"", secure, "https://shop.test"},
		{"http://127.0.0.1:9999", plain, "http://127.0.0.1:9999"},
	} {
		if got := PublicURL(tt.configured, tt.r); got != tt.want {
			t.Errorf("PublicURL(%q, %s) = %q, want %q", tt.configured, tt.r.URL, got, tt.want)
		}
	}
}

func TestReplies(t *testing.T) {
	for _, tt := range []struct {
		name        string
		write       func(http.ResponseWriter)
		status      int
		contentType string
		body        string
	}{
		{"reply", func(w http.ResponseWriter) { Reply(w, 429, "text/plain; charset=UTF-8", []byte("slow down")) },
			429, "text/plain; charset=UTF-8", "slow down"},
		{"json", func(w http.ResponseWriter) { WriteJSON(w, 201, map[string]any{"data": []int{1}}) },
			201, "application/json", `{"data":[1]}`},
		{"error", func(w http.ResponseWriter) { WriteError(w, 409, errors.New("sandbox: invoice pos-1 is final")) },
			409, "application/json", `{"error":"sandbox: invoice pos-1 is final"}`},
		{"bad gateway", WriteBadGateway, 502, "text/html", GatewayPage},
		{"no such invoice", NoSuchInvoice, 404, "text/plain; charset=utf-8", "No such invoice in this sandbox.\n"},
	} {
		rec := httptest.NewRecorder()
		tt.write(rec)
		if rec.Code != tt.status || rec.Header().Get("Content-Type") != tt.contentType || rec.Body.String() != tt.body {
			t.Errorf("%s: %d %q %q", tt.name, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

func TestReadBody(t *testing.T) {
	for _, tt := range []struct {
		size, want int
	}{
		{0, 0}, {100, 100}, {MaxBody, MaxBody}, {MaxBody + 10, MaxBody},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", tt.size)))
		if b, err := ReadBody(r); err != nil || len(b) != tt.want {
			t.Errorf("ReadBody of %d bytes: %d, %v", tt.size, len(b), err)
		}
	}
}

func TestNullIfEmpty(t *testing.T) {
	if NullIfEmpty("") != nil {
		t.Error(`"" is not nil`)
	}
	if p := NullIfEmpty("TXYZ"); p == nil || *p != "TXYZ" {
		t.Errorf("got %v", p)
	}
}

func TestFaultQueue(t *testing.T) {
	type step struct {
		path string
		want string // "" for no fault
	}
	for _, tt := range []struct {
		name  string
		add   func(q *FaultQueue[string])
		steps []step
	}{
		{"empty", func(*FaultQueue[string]) {}, []step{{"/v1/payment", ""}}},
		{"any path, once", func(q *FaultQueue[string]) { q.Add("boom", "", 0) },
			[]step{{"/v1/payment/info", "boom"}, {"/v1/payment/info", ""}}},
		{"one path, twice, trailing slash ignored", func(q *FaultQueue[string]) { q.Add("slow", "/api/v2/invoices/create/", 2) },
			[]step{{"/api/v2/currencies/list", ""}, {"/api/v2/invoices/create", "slow"}, {"/api/v2/invoices/create/", "slow"}, {"/api/v2/invoices/create", ""}}},
		{"first match wins, others wait", func(q *FaultQueue[string]) {
			q.Add("info", "/v1/payment/info", 1)
			q.Add("any", "", 1)
			q.Add("create", "/v1/payment", 1)
		}, []step{{"/v1/payment", "any"}, {"/v1/payment", "create"}, {"/v1/payment", ""}, {"/v1/payment/info", "info"}}},
	} {
		var q FaultQueue[string]
		tt.add(&q)
		for i, s := range tt.steps {
			got, ok := q.Take(s.path)
			if ok != (s.want != "") || got != s.want {
				t.Errorf("%s, step %d (%s): %q %t, want %q", tt.name, i, s.path, got, ok, s.want)
			}
		}
	}
	var q FaultQueue[int]
	q.Add(1, "", 3)
	q.Add(2, "/x", 1)
	if q.Len() != 2 {
		t.Errorf("Len = %d", q.Len())
	}
	q.Clear()
	if _, ok := q.Take("/x"); ok || q.Len() != 0 {
		t.Error("Clear left a fault")
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); q.Add(i, "", 1); q.Take("/") }()
	}
	wg.Wait()
}

func TestDropConnection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { DropConnection(w) }))
	defer srv.Close()
	if resp, err := http.Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer: %s", resp.Status)
	}
	// Without a connection to take over, the handler aborts.
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	DropConnection(httptest.NewRecorder())
}

// invoice is a sandbox's invoice for the admin and simulator tests.
type invoice struct {
	id, status string
}

type book struct {
	mu   sync.Mutex
	list []*invoice
}

func (b *book) find(id string) *invoice {
	for _, inv := range b.list {
		if inv.id == id {
			return inv
		}
	}
	return nil
}

func (b *book) drive(id, action string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	inv := b.find(id)
	if inv == nil {
		return fmt.Errorf("sandbox: no invoice %q", id)
	}
	if inv.status == "paid" {
		return errors.New("sandbox: invoice " + id + " is paid already")
	}
	inv.status = action
	return nil
}

func (b *book) admin() *http.ServeMux {
	mux := http.NewServeMux()
	InvoiceAdmin[invoice, map[string]string]{
		Invoices: func() []invoice {
			b.mu.Lock()
			defer b.mu.Unlock()
			var out []invoice
			for _, inv := range b.list {
				out = append(out, *inv)
			}
			return out
		},
		Invoice: func(id string) (invoice, bool) {
			b.mu.Lock()
			defer b.mu.Unlock()
			if inv := b.find(id); inv != nil {
				return *inv, true
			}
			return invoice{}, false
		},
		Show:    func(inv invoice) map[string]string { return map[string]string{"id": inv.id, "status": inv.status} },
		Unknown: func(id string) error { return errors.New("sandbox: no invoice " + id) },
		Known:   func(action string) bool { return slices.Contains([]string{"paid", "expired"}, action) },
		Drive:   func(r *http.Request, id, action string) error { return b.drive(id, action+r.URL.Query().Get("suffix")) },
	}.Register(mux, "/_sandbox")
	return mux
}

func TestInvoiceAdmin(t *testing.T) {
	b := &book{}
	srv := httptest.NewServer(b.admin())
	defer srv.Close()
	call := func(method, path string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 405 && ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		return resp.StatusCode, string(body)
	}
	if code, body := call("GET", "/_sandbox/invoices"); code != 200 || body != "[]" {
		t.Errorf("empty list: %d %s, want 200 []", code, body)
	}
	b.list = []*invoice{{"pos-a", "open"}, {"pos-b", "open"}}
	for _, tt := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/_sandbox/invoices", 200, `[{"id":"pos-a","status":"open"},{"id":"pos-b","status":"open"}]`},
		{"GET", "/_sandbox/invoices/pos-b", 200, `{"id":"pos-b","status":"open"}`},
		{"GET", "/_sandbox/invoices/nope", 404, `{"error":"sandbox: no invoice nope"}`},
		{"POST", "/_sandbox/invoices/nope/paid", 404, `{"error":"sandbox: no invoice nope"}`},
		{"POST", "/_sandbox/invoices/pos-a/refund", 400, `{"error":"sandbox: unknown action refund"}`},
		{"POST", "/_sandbox/invoices/pos-a/paid", 200, `{"id":"pos-a","status":"paid"}`},
		{"POST", "/_sandbox/invoices/pos-a/expired", 409, `{"error":"sandbox: invoice pos-a is paid already"}`},
		{"POST", "/_sandbox/invoices/pos-b/expired?suffix=-late", 200, `{"id":"pos-b","status":"expired-late"}`},
		{"DELETE", "/_sandbox/invoices/pos-b", 405, "Method Not Allowed\n"},
	} {
		if code, body := call(tt.method, tt.path); code != tt.status || body != tt.body {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, code, body, tt.status, tt.body)
		}
	}
}

func TestSimulator(t *testing.T) {
	b := &book{list: []*invoice{{"uuid-1", "open"}}}
	sim := Simulator[string]{
		Steps: []SimStep[string]{
			{SimAction: pos.SimAction{Key: "p", Name: "pay", Label: "pay"}, Action: "paid"},
			{SimAction: pos.SimAction{Key: "e", Name: "expire", Label: "expire now"}, Action: "expired"},
		},
		ID:    func(inv pos.Invoice) string { return inv.ProviderID },
		Drive: b.drive,
	}
	if got := sim.Actions(); len(got) != 2 || got[0].Key != "p" || got[1].Label != "expire now" {
		t.Errorf("Actions = %+v", got)
	}
	inv := pos.Invoice{OrderID: "pos-1", ProviderID: "uuid-1"}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name   string
		ctx    context.Context
		inv    pos.Invoice
		action pos.SimAction
		status string
		err    string
	}{
		{"done context", cancelled, inv, pos.SimAction{Name: "pay"}, "open", "context canceled"},
		{"unknown", context.Background(), inv, pos.SimAction{Name: "refund", Key: "p"}, "open", `sandbox: the demo cannot "refund"`},
		{"by key without a name", context.Background(), inv, pos.SimAction{Key: "e"}, "expired", ""},
		{"by name", context.Background(), inv, pos.SimAction{Name: "pay", Key: "x"}, "paid", ""},
		{"the sandbox refuses", context.Background(), inv, pos.SimAction{Name: "expire"}, "paid", "sandbox: invoice uuid-1 is paid already"},
		{"another invoice", context.Background(), pos.Invoice{ProviderID: "uuid-9"}, pos.SimAction{Name: "pay"}, "paid", `sandbox: no invoice "uuid-9"`},
	} {
		err := sim.Simulate(tt.ctx, tt.inv, tt.action)
		if fmt.Sprint(err) != tt.err && !(err == nil && tt.err == "") || b.list[0].status != tt.status {
			t.Errorf("%s: %v, status %s; want %q, %s", tt.name, err, b.list[0].status, tt.err, tt.status)
		}
	}
}

func TestPage(t *testing.T) {
	page := NewPage("Pay & Co", "body{color:#123}\n", "{{.Amount}}", "<h1>{{.Amount}}</h1>\n")
	for _, tt := range []struct {
		data struct {
			Amount string
			Final  bool
		}
		want string
	}{
		{struct {
			Amount string
			Final  bool
		}{"1 < 2", false}, `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="3">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay &amp; Co sandbox · 1 &lt; 2</title>
<style>
body{color:#123}
</style></head><body><main>
<h1>1 &lt; 2</h1>
<p class="note">A local stand-in for Pay &amp; Co: no real money moves. This page refreshes every few seconds.</p>
</main></body></html>
`},
		{struct {
			Amount string
			Final  bool
		}{"3 EUR", true}, `<!doctype html>
<html lang="en"><head><meta charset="utf-8">

<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay &amp; Co sandbox · 3 EUR</title>
<style>
body{color:#123}
</style></head><body><main>
<h1>3 EUR</h1>
<p class="note">A local stand-in for Pay &amp; Co: no real money moves. This page refreshes every few seconds.</p>
</main></body></html>
`},
	} {
		rec := httptest.NewRecorder()
		WriteHTML(rec, 409, page, tt.data)
		if rec.Code != 409 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" || rec.Body.String() != tt.want {
			t.Errorf("final %t: %d %q\n%s", tt.data.Final, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}
