package sandbox

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// rawPost sends a signed request with client and returns its error.
func (e *env) rawPost(t *testing.T, client *http.Client, path, body string) error {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Processing-Key", testKey)
	req.Header.Set("X-Processing-Signature", sign([]byte(body), testSecret))
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return err
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

func TestFaultServerErrorShapes(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		fault  Fault
		status int
		body   string
	}{
		{Fault{Kind: FaultStatus500}, 500, ServerErrorBody},
		{Fault{Kind: FaultStatus500, Body: ServerErrorCoded}, 500, ServerErrorCoded},
		{Fault{Kind: FaultStatus500, Status: 503, Body: ServerErrorNested}, 503, ServerErrorNested},
	} {
		e.InjectFault(tt.fault)
		r := e.post(t, createPath, body("pos-5xx", ""))
		if r.status != tt.status || string(r.body) != tt.body || r.ctype != "application/json" {
			t.Errorf("%+v: %d %q %q", tt.fault, r.status, r.ctype, r.body)
		}
	}
	if e.Count() != 0 {
		t.Error("a create answered with a server error was processed")
	}
}

func TestFaultReset(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-c", ""))
	e.InjectFault(Fault{Kind: FaultReset, Path: apiPrefix + "/invoices/pos-c/cancel/"})
	if err := e.rawPost(t, e.srv.Client(), apiPrefix+"/invoices/pos-c/cancel/", `{}`); err == nil {
		t.Fatal("a reset cancel was answered")
	}
	if inv, _ := e.Invoice("pos-c"); inv.Status != "failed" || inv.Error != CancelledError {
		t.Errorf("the cancel behind the reset was not processed: %s %q", inv.Status, inv.Error)
	}
}

func TestFaultLateReply(t *testing.T) {
	e := newEnv(t)
	e.InjectFault(Fault{Kind: FaultLateReply, Path: createPath, Delay: time.Hour})
	if err := e.rawPost(t, &http.Client{Timeout: 100 * time.Millisecond}, createPath, body("pos-late", "")); err == nil {
		t.Fatal("answered within the delay")
	}
	if _, ok := e.Invoice("pos-late"); !ok {
		t.Error("the create behind the late reply was not processed")
	}
	if r := e.post(t, createPath, body("pos-late", "")); r.status != 400 {
		t.Errorf("the retry: %d %s, want already taken", r.status, r.body)
	}
	e.InjectFault(Fault{Kind: FaultLateReply, Delay: 20 * time.Millisecond})
	start := time.Now()
	if r := e.post(t, currenciesPath, `{}`); r.status != 200 || time.Since(start) < 20*time.Millisecond {
		t.Errorf("late reply within the client's patience: %d after %v", r.status, time.Since(start))
	}
	e.closeWithin(t, 5*time.Second)
}

func TestFaultLatency(t *testing.T) {
	e := newEnv(t)
	e.InjectFault(Fault{Kind: FaultLatency, Path: createPath, Delay: 20 * time.Millisecond})
	start := time.Now()
	if r := e.post(t, createPath, body("pos-slow", "")); r.status != 201 || time.Since(start) < 20*time.Millisecond {
		t.Errorf("latency: %d after %v", r.status, time.Since(start))
	}
	e.InjectFault(Fault{Kind: FaultLatency, Path: createPath, Delay: time.Hour})
	if err := e.rawPost(t, &http.Client{Timeout: 100 * time.Millisecond}, createPath, body("pos-gone", "")); err == nil {
		t.Fatal("answered within the latency")
	}
	e.closeWithin(t, 5*time.Second)
	if _, ok := e.Invoice("pos-gone"); ok || e.Count() != 1 {
		t.Error("a create whose client gave up during the latency was processed")
	}
}

func TestAdminFaultOptions(t *testing.T) {
	e := newEnv(t)
	var out map[string]string
	q := url.Values{"path": {createPath}, "times": {"2"}, "status": {"503"}}
	if code := e.admin(t, "POST", "/_sandbox/faults/status_500?"+q.Encode(), &out); code != 200 {
		t.Fatalf("fault: %d %v", code, out)
	}
	for i := 0; i < 2; i++ {
		if r := e.post(t, createPath, body("pos-a", "")); r.status != 503 {
			t.Errorf("request %d: %d", i, r.status)
		}
	}
	if r := e.post(t, createPath, body("pos-a", "")); r.status != 201 {
		t.Errorf("after times=2: %d", r.status)
	}
	if code := e.admin(t, "POST", "/_sandbox/faults/latency?delay=30ms", &out); code != 200 {
		t.Fatalf("latency fault: %d %v", code, out)
	}
	start := time.Now()
	if r := e.post(t, currenciesPath, `{}`); r.status != 200 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("latency: %d after %v", r.status, time.Since(start))
	}
	for _, bad := range []string{"times=0", "times=x", "delay=soon", "delay=-1s", "status=404", "status=abc"} {
		if code := e.admin(t, "POST", "/_sandbox/faults/status_500?"+bad, &out); code != 400 || out["error"] == "" {
			t.Errorf("%s: %d %v", bad, code, out)
		}
	}
	if e.PendingFaults() != 0 {
		t.Errorf("%d faults queued by bad requests", e.PendingFaults())
	}
}
