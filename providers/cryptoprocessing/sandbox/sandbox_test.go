package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStartDeliversInTheBackground(t *testing.T) {
	rc := newReceiver(t)
	srv, err := Start(Options{CallbackURL: rc.URL}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.APIBase() != srv.URL+"/api/v2" || srv.APIKey() != DemoAPIKey || srv.SecretKey() != DemoSecretKey || srv.CallbackURL() != rc.URL {
		t.Errorf("server %+v", srv)
	}
	resp, err := http.Get(srv.APIBase() + "/ping")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ping: %v %v", resp, err)
	}
	resp.Body.Close()
	b := body("pos-bg", "")
	req, _ := http.NewRequest("POST", srv.APIBase()+"/invoices/create", strings.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Processing-Key", DemoAPIKey)
	req.Header.Set("X-Processing-Signature", sign([]byte(b), DemoSecretKey))
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %v %v", resp, err)
	}
	resp.Body.Close()
	if inv, _ := srv.Invoice("pos-bg"); !strings.HasPrefix(inv.URL, srv.URL+"/invoice/") {
		t.Errorf("url %q", inv.URL)
	}
	if err := srv.Drive("pos-bg", Pay); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for rc.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := rc.statuses(t); len(got) != 1 || got[0] != "confirmed" {
		t.Errorf("callbacks %v", got)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	_ = srv.Close() // twice is fine
}
