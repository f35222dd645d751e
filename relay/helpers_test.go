package relay

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cryptopos/internal/sqlitefile/sqlitetest"
	"cryptopos/pos/postest"
)

const (
	testToken  = "test-token-0123456789abcdef"
	testKey    = "test-public-key"
	testSecret = "test-secret-AbCdEfG123456"
	fakeName   = "fake"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeReceiver is a Cryptoprocessing-like receiver: HMAC-SHA512 of the raw
// body in X-Test-Signature, the public key in X-Test-Key, and a body
// {"type":"invoice","id":…,"status":…,"final":…}.
type fakeReceiver struct{ name, key, secret string }

func newFake() *fakeReceiver { return &fakeReceiver{fakeName, testKey, testSecret} }

func (f *fakeReceiver) Provider() string { return f.name }

func (f *fakeReceiver) sign(body []byte) string {
	m := hmac.New(sha512.New, []byte(f.secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (f *fakeReceiver) Receive(h http.Header, body []byte) (Callback, error) {
	key, sig := h.Get("X-Test-Key"), h.Get("X-Test-Signature")
	if key == "" || sig == "" {
		return Callback{}, fmt.Errorf("no key or signature: %w", ErrForged)
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(f.key)) != 1 {
		return Callback{}, fmt.Errorf("wrong key: %w", ErrForged)
	}
	got, err := hex.DecodeString(strings.ToLower(sig))
	m := hmac.New(sha512.New, []byte(f.secret))
	m.Write(body)
	if err != nil || !hmac.Equal(got, m.Sum(nil)) {
		return Callback{}, fmt.Errorf("wrong signature: %w", ErrForged)
	}
	var v struct {
		Type   string `json:"type"`
		ID     string `json:"id"`
		Status string `json:"status"`
		Final  bool   `json:"final"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return Callback{}, fmt.Errorf("not JSON: %w", err)
	}
	if v.Type != "invoice" {
		return Callback{}, fmt.Errorf("type %q: %w", v.Type, ErrIgnored)
	}
	return Callback{ID: v.ID, Status: v.Status, Final: v.Final, Payload: body}, nil
}

var rank = map[string]int{"created": 1, "pending": 2, "processing": 3, "confirmed": 10, "failed": 10}

// Newer: a later status beats an earlier one; the first final one stays.
func (f *fakeReceiver) Newer(prev, next Callback) bool {
	if prev.Final {
		return false
	}
	return rank[next.Status] > rank[prev.Status]
}

func cbBody(id, status string) []byte {
	return fmt.Appendf(nil, `{"type":"invoice","id":%q,"status":%q,"final":%v,"note":"a/b <&>"}`, id, status, rank[status] == 10)
}

// env is a Server on a fresh store, with a fake clock and a log buffer.
type env struct {
	t       testing.TB
	store   *Store
	srv     *Server
	clock   *postest.Clock
	fake    *fakeReceiver
	logs    *syncBuffer
	mu      sync.Mutex
	updates []Record
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t testing.TB, tweak ...func(*Options)) *env {
	t.Helper()
	e := &env{t: t, clock: postest.NewClock(t0), fake: newFake(), logs: &syncBuffer{}}
	e.store = openTestStore(t)
	o := Options{
		Store: e.store, Token: testToken, Clock: e.clock,
		Log: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OnUpdate: func(provider, id string, rec Record) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.updates = append(e.updates, rec)
		},
	}
	for _, f := range tweak {
		f(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv.Add(e.fake)
	e.srv = srv
	return e
}

func openTestStore(t testing.TB) *Store {
	t.Helper()
	return sqlitetest.OpenTemp(t, "relay.db", OpenStore)
}

func (e *env) updateCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.updates)
}

// post sends a callback signed by the fake receiver.
func (e *env) post(body []byte) *httptest.ResponseRecorder {
	return e.postWith(fakeName, body, map[string]string{"X-Test-Key": testKey, "X-Test-Signature": e.fake.sign(body)})
}

func (e *env) postWith(provider string, body []byte, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/callbacks/"+provider, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

// get reads an invoice with the token (auth "" sends no Authorization).
func (e *env) get(ctx context.Context, target, auth string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

func (e *env) record(id string) (Record, bool) {
	e.t.Helper()
	rec, err := e.store.Get(context.Background(), fakeName, id)
	if err != nil {
		if strings.Contains(err.Error(), ErrNoCallback.Error()) {
			return Record{}, false
		}
		e.t.Fatal(err)
	}
	return rec, true
}

func (e *env) logged(id string) []LoggedCallback {
	e.t.Helper()
	l, err := e.store.Log(context.Background(), "", id)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// eventually polls cond until it holds, failing after a generous limit.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
