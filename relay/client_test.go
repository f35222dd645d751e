package relay

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestClient(t *testing.T) {
	e := newEnv(t)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	ctx := context.Background()
	c := &Client{BaseURL: ts.URL + "/", Token: testToken}

	if _, err := c.Invoice(ctx, "pos-1"); !errors.Is(err, ErrNoCallback) {
		t.Errorf("Invoice before any callback = %v, want ErrNoCallback", err)
	}
	body := cbBody("pos-1", "processing")
	e.post(body)
	rec, err := c.Invoice(ctx, "pos-1")
	if err != nil || rec.Status != "processing" || rec.Version != 1 || string(rec.Payload) != string(body) || rec.Provider != fakeName || !rec.ReceivedAt.Equal(t0) {
		t.Errorf("Invoice = %+v, %v", rec, err)
	}

	// An id that is not a plain path segment.
	odd := "pos/1 ?#%2F"
	if _, _, err := e.store.Put(ctx, fakeName, Callback{ID: odd, Status: "created", Payload: []byte(`{}`)}, t0, e.fake.Newer); err != nil {
		t.Fatal(err)
	}
	if rec, err := c.Invoice(ctx, odd); err != nil || rec.ID != odd {
		t.Errorf("Invoice(%q) = %+v, %v", odd, rec, err)
	}

	// Provider filter.
	if _, err := (&Client{BaseURL: ts.URL, Token: testToken, Provider: "other"}).Invoice(ctx, "pos-1"); !errors.Is(err, ErrNoCallback) {
		t.Errorf("Invoice of another provider = %v", err)
	}

	// Wait: returns on a change, or at the wait with the current state.
	done := make(chan Record, 1)
	go func() {
		rec, err := c.Wait(ctx, "pos-1", 1, 30*time.Second)
		if err != nil {
			t.Error(err)
		}
		done <- rec
	}()
	eventually(t, "the poll watches", func() bool { return e.watchers() == 1 })
	e.post(cbBody("pos-1", "confirmed"))
	select {
	case rec := <-done:
		if rec.Version != 2 || rec.Status != "confirmed" {
			t.Errorf("Wait = %+v", rec)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return")
	}
	if rec, err := c.Wait(ctx, "pos-1", 2, 50*time.Millisecond); err != nil || rec.Version != 2 {
		t.Errorf("Wait at the timeout = %+v, %v", rec, err)
	}
	if _, err := c.Wait(ctx, "pos-none", 0, 50*time.Millisecond); !errors.Is(err, ErrNoCallback) {
		t.Errorf("Wait for nothing = %v", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Wait(cctx, "pos-1", 2, 30*time.Second); err == nil || !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("Wait with a short context = %v", err)
	}

	// Failures are sentences without the token.
	wrong := "wrong-token-0123456789abcdef"
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closedURL := "http://" + ln.Addr().String()
	ln.Close()
	tests := []struct {
		name string
		c    *Client
		id   string
		is   error
		want string
	}{
		{"wrong token", &Client{BaseURL: ts.URL, Token: wrong}, "pos-1", ErrUnauthorized, "refused the token"},
		{"no token", &Client{BaseURL: ts.URL}, "pos-1", ErrUnauthorized, "check the relay token"},
		{"not a relay", &Client{BaseURL: ts.URL + "/nothing", Token: wrong}, "pos-1", nil, "has no invoice route"},
		{"relay down", &Client{BaseURL: closedURL, Token: wrong}, "pos-1", nil, "could not reach the relay at 127.0.0.1"},
		{"bad address", &Client{BaseURL: "relay.example.com", Token: wrong}, "pos-1", nil, "not a web address"},
		{"address with a password", &Client{BaseURL: "ftp://u:secret@relay.example.com", Token: wrong}, "pos-1", nil, "xxxxx"},
		{"no id", &Client{BaseURL: ts.URL, Token: wrong}, "", nil, "an invoice id is needed"},
	}
	for _, tt := range tests {
		_, err := tt.c.Invoice(ctx, tt.id)
		if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %v saying %q", tt.name, err, tt.is, tt.want)
			continue
		}
		if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: the error shows a secret: %v", tt.name, err)
		}
	}
}

func TestClientOddAnswers(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"5xx with a message", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusInternalServerError, apiError{Error: "store", Message: "The relay could not read its store; try again."})
		}, "answered 500 Internal Server Error: The relay could not read its store"},
		{"gateway page", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
		}, "answered 502 Bad Gateway"},
		{"not a record", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("hello"))
		}, "not a record"},
		{"another invoice", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, Record{ID: "pos-2"})
		}, `for invoice "pos-2" instead of "pos-1"`},
	}
	for _, tt := range tests {
		ts := httptest.NewServer(tt.handler)
		_, err := (&Client{BaseURL: ts.URL, Token: testToken}).Invoice(ctx, "pos-1")
		ts.Close()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
