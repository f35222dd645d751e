package cryptoprocessing

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cryptopos/pos"
	"cryptopos/pos/postest"
	"cryptopos/providers/internal/providertest"
	"cryptopos/relay"

	"github.com/shopspring/decimal"
)

const (
	testAPIKey    = "test-api-key-0123456789"
	testSecretKey = "test-secret-key-abcdefghijklmnop"
	testOrderID   = "pos-01hzx3k9q2"
)

var testNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func newFakeClock() *postest.Clock { return postest.NewClock(testNow) }

// logBuffer collects the client's log output at debug level.
type logBuffer = providertest.Logs

// secretsAbsent fails the test when text holds a key or any of extra.
func secretsAbsent(t *testing.T, what, text string, extra ...string) {
	t.Helper()
	for _, s := range append([]string{testAPIKey, testSecretKey, "relay-token-0123456789"}, extra...) {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s shows %q:\n%s", what, s, text)
		}
	}
}

// newTestClient returns a client for baseURL with the test keys, its log,
// and the clock it uses. It checks at the end that the log shows no key.
func newTestClient(t *testing.T, baseURL string, change ...func(*Config, *Options)) (*Client, *logBuffer, *postest.Clock) {
	t.Helper()
	logs := &logBuffer{}
	clock := newFakeClock()
	cfg := Config{BaseURL: baseURL, APIKey: testAPIKey, SecretKey: testSecretKey}
	opts := Options{ShopName: "Corner Café", Logger: logs.Logger(), Clock: clock, RelayURL: "https://relay.example.com"}
	for _, f := range change {
		f(&cfg, &opts)
	}
	c, err := New(cfg, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { secretsAbsent(t, "the log", logs.String()) })
	return c, logs, clock
}

// captured is one request as the server saw it.
type captured struct {
	method, path, key, signature, contentType string
	body                                      []byte
}

// recordingServer answers every request with status and reply, and keeps
// what it received.
type recordingServer struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []captured
	status int
	ctype  string
	reply  string
}

func newRecordingServer(t *testing.T, status int, reply string) *recordingServer {
	t.Helper()
	rs := &recordingServer{status: status, reply: reply, ctype: "application/json"}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, captured{r.Method, r.URL.EscapedPath(), r.Header.Get("X-Processing-Key"),
			r.Header.Get("X-Processing-Signature"), r.Header.Get("Content-Type"), body})
		status, ctype, reply := rs.status, rs.ctype, rs.reply
		rs.mu.Unlock()
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *recordingServer) answer(status int, ctype, reply string) {
	rs.mu.Lock()
	rs.status, rs.ctype, rs.reply = status, ctype, reply
	rs.mu.Unlock()
}

func (rs *recordingServer) last(t *testing.T) captured {
	t.Helper()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.reqs) == 0 {
		t.Fatal("the server received no request")
	}
	return rs.reqs[len(rs.reqs)-1]
}

func (rs *recordingServer) count() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.reqs)
}

func testInvoice(amount, currency string, pay pos.PayOption) pos.Invoice {
	return pos.Invoice{OrderID: testOrderID, Provider: Key,
		Amount: pos.NewMoney(decimal.RequireFromString(amount), currency), Pay: pay, Status: pos.StatusCreating}
}

// fakeRelay is a RelayReader with canned answers.
type fakeRelay struct {
	mu    sync.Mutex
	recs  map[string]relay.Record
	err   error
	calls int
}

func (f *fakeRelay) Invoice(_ context.Context, id string) (relay.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return relay.Record{}, f.err
	}
	rec, ok := f.recs[id]
	if !ok {
		return relay.Record{}, relay.ErrNoCallback
	}
	return rec, nil
}

func (f *fakeRelay) put(id, payload string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.recs == nil {
		f.recs = map[string]relay.Record{}
	}
	p, _ := parseCallback([]byte(payload))
	f.recs[id] = relay.Record{Provider: Key, ID: id, Status: p.statusWord(), Payload: []byte(payload), ReceivedAt: at}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
