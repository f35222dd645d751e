package sandbox

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"cryptopos/providers/sandboxkit"
)

// rawPost sends a signed request with client and returns its error.
func (e *env) rawPost(t *testing.T, client *http.Client, path, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("merchant", testMerchant)
	req.Header.Set("sign", sign([]byte(body), testKey))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

// closeWithin closes the server, which waits for its handlers, and fails
// when a handler is still busy after d: it did not notice its client left.
func (e *env) closeWithin(t *testing.T, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { e.srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatal("a handler is still waiting although its client gave up")
	}
}

func TestFaultRateLimited(t *testing.T) {
	e := newEnv(t)
	e.InjectFault(RateLimited("/v1/payment"))
	r := e.post(t, "/v1/payment", `{"amount":"20","currency":"USD","order_id":"rl"}`)
	if r.status != http.StatusTooManyRequests || string(r.body) != sandboxkit.RateLimitText || e.Count() != 0 {
		t.Errorf("rate limited: %d %q, %d invoices", r.status, r.body, e.Count())
	}
	if r := e.post(t, "/v1/payment", `{"amount":"20","currency":"USD","order_id":"rl"}`); r.status != 200 || e.Count() != 1 {
		t.Errorf("after the fault: %d %s", r.status, r.body)
	}
}

func TestFaultReset(t *testing.T) {
	e := newEnv(t)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"f"}`)
	e.InjectFault(Reset("/v1/payment/info"))
	if _, err := e.rawPost(t, e.srv.Client(), "/v1/payment/info", `{"order_id":"f"}`); err == nil {
		t.Error("a reset info was answered")
	}
	// Unlike ResetAfterCreate, it drops a refused create too.
	e.InjectFault(Reset(""))
	if _, err := e.rawPost(t, e.srv.Client(), "/v1/payment", `{"amount":"20","currency":"XXX","order_id":"g"}`); err == nil {
		t.Error("a reset refused create was answered")
	}
	if r := e.post(t, "/v1/payment/info", `{"order_id":"f"}`); r.status != 200 || e.PendingFaults() != 0 {
		t.Errorf("after the faults: %d, %d pending", r.status, e.PendingFaults())
	}
}

func TestFaultLateReply(t *testing.T) {
	e := newEnv(t)
	e.InjectFault(LateReply("/v1/payment", time.Hour))
	impatient := &http.Client{Timeout: 100 * time.Millisecond}
	_, err := e.rawPost(t, impatient, "/v1/payment", `{"amount":"20","currency":"USD","order_id":"late"}`)
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("want a timeout, got %v", err)
	}
	if _, ok := e.Invoice("late"); !ok {
		t.Error("the create behind the late reply was not processed")
	}
	e.InjectFault(LateReply("/v1/payment/info", 20*time.Millisecond))
	start := time.Now()
	if r := e.post(t, "/v1/payment/info", `{"order_id":"late"}`); r.status != 200 || time.Since(start) < 20*time.Millisecond {
		t.Errorf("late reply within the client's patience: %d after %v", r.status, time.Since(start))
	}
	e.closeWithin(t, 5*time.Second)
}

func TestFaultLatencyClientGivesUp(t *testing.T) {
	e := newEnv(t)
	e.InjectFault(Latency("/v1/payment", time.Hour))
	impatient := &http.Client{Timeout: 100 * time.Millisecond}
	if _, err := e.rawPost(t, impatient, "/v1/payment", `{"amount":"20","currency":"USD","order_id":"slow"}`); err == nil {
		t.Fatal("answered within the latency")
	}
	e.closeWithin(t, 5*time.Second)
	if e.Count() != 0 {
		t.Error("a create whose client gave up during the latency was processed")
	}
}
