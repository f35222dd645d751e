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
)

const (
	testMerchant = "merchant-1"
	testKey      = "test-payment-key"
)

// fakeClock is a pos.Clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(time.Duration) <-chan time.Time { return make(chan time.Time) }

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a sandbox behind an httptest server.
type env struct {
	*Sandbox
	srv   *httptest.Server
	clock *fakeClock
}

func newEnv(t *testing.T, change ...func(*Options)) *env {
	t.Helper()
	clock := &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	o := Options{Merchant: testMerchant, PaymentKey: testKey, Clock: clock}
	for _, f := range change {
		f(&o)
	}
	sb := New(o)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return &env{Sandbox: sb, srv: srv, clock: clock}
}

// reply is a raw answer.
type reply struct {
	status int
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("reply %d %q is not JSON: %v", r.status, r.body, err)
	}
	return m
}

// result returns the result object of a successful reply.
func (r reply) result(t *testing.T) map[string]any {
	t.Helper()
	m := r.json(t)
	if r.status != 200 || m["state"] != 0.0 {
		t.Fatalf("want success, got %d %s", r.status, r.body)
	}
	res, ok := m["result"].(map[string]any)
	if !ok {
		t.Fatalf("result is not an object: %s", r.body)
	}
	return res
}

// post sends body signed with the test credentials.
func (e *env) post(t *testing.T, path, body string) reply {
	t.Helper()
	return e.postAs(t, path, body, testMerchant, sign([]byte(body), testKey))
}

func (e *env) postAs(t *testing.T, path, body, merchant, signature string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("merchant", merchant)
	req.Header.Set("sign", signature)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, b}
}

// create makes an invoice and returns its result object.
func (e *env) create(t *testing.T, body string) map[string]any {
	t.Helper()
	return e.post(t, "/v1/payment", body).result(t)
}
