package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCallbackRefusals(t *testing.T) {
	big := append(cbBody("pos-big", "created"), bytes.Repeat([]byte(" "), 300)...)
	fake := newFake()
	signed := func(body []byte) map[string]string {
		return map[string]string{"X-Test-Key": testKey, "X-Test-Signature": fake.sign(body)}
	}
	tests := []struct {
		name     string
		provider string
		body     []byte
		headers  map[string]string
		code     int
		answer   string
		log      string // in the log
	}{
		{"forged signature", fakeName, cbBody("pos-1", "confirmed"),
			map[string]string{"X-Test-Key": testKey, "X-Test-Signature": fake.sign(cbBody("pos-1", "created"))},
			http.StatusForbidden, "forbidden", "level=WARN"},
		{"signature of another secret", fakeName, cbBody("pos-1", "confirmed"),
			map[string]string{"X-Test-Key": testKey, "X-Test-Signature": (&fakeReceiver{secret: "other"}).sign(cbBody("pos-1", "confirmed"))},
			http.StatusForbidden, "forbidden", "wrong signature"},
		{"signature not hex", fakeName, cbBody("pos-1", "confirmed"),
			map[string]string{"X-Test-Key": testKey, "X-Test-Signature": "zz"},
			http.StatusForbidden, "forbidden", ""},
		{"wrong key", fakeName, cbBody("pos-1", "confirmed"),
			map[string]string{"X-Test-Key": "nope", "X-Test-Signature": fake.sign(cbBody("pos-1", "confirmed"))},
			http.StatusForbidden, "forbidden", "wrong key"},
		{"no headers", fakeName, cbBody("pos-1", "confirmed"), nil, http.StatusForbidden, "forbidden", "no key or signature"},
		{"no signature", fakeName, cbBody("pos-1", "confirmed"), map[string]string{"X-Test-Key": testKey},
			http.StatusForbidden, "forbidden", ""},
		{"over the cap", fakeName, big, signed(big), http.StatusRequestEntityTooLarge, "too large", "over the cap"},
		{"over the cap, unsigned", fakeName, big, nil, http.StatusRequestEntityTooLarge, "too large", ""},
		{"ignored type", fakeName, []byte(`{"type":"withdrawal","id":"pos-1","status":"confirmed"}`),
			signed([]byte(`{"type":"withdrawal","id":"pos-1","status":"confirmed"}`)), http.StatusOK, "ok", "callback ignored"},
		{"authentic but not JSON", fakeName, []byte(`{"type":`), signed([]byte(`{"type":`)),
			http.StatusBadRequest, "unreadable", `body="{\"type\":"`},
		{"authentic without id", fakeName, []byte(`{"type":"invoice","status":"created"}`),
			signed([]byte(`{"type":"invoice","status":"created"}`)), http.StatusBadRequest, "unreadable", "no invoice id"},
		{"unknown provider", "nobody", cbBody("pos-1", "confirmed"), signed(cbBody("pos-1", "confirmed")),
			http.StatusNotFound, "unknown provider", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.MaxBody = 256 })
			w := e.postWith(tt.provider, tt.body, tt.headers)
			if w.Code != tt.code || strings.TrimSpace(w.Body.String()) != tt.answer {
				t.Errorf("POST = %d %q, want %d %q", w.Code, w.Body.String(), tt.code, tt.answer)
			}
			for _, id := range []string{"pos-1", "pos-big"} {
				if rec, ok := e.record(id); ok {
					t.Errorf("%s was stored: %+v", id, rec)
				}
				if l := e.logged(id); len(l) != 0 {
					t.Errorf("%s was logged: %+v", id, l)
				}
			}
			if n := e.updateCount(); n != 0 {
				t.Errorf("OnUpdate called %d times", n)
			}
			logs := e.logs.String()
			if !strings.Contains(logs, tt.log) {
				t.Errorf("log lacks %q:\n%s", tt.log, logs)
			}
			for _, secret := range []string{testToken, testSecret, "confirmed"} {
				if tt.code != http.StatusBadRequest && strings.Contains(logs, secret) {
					t.Errorf("log contains %q:\n%s", secret, logs)
				}
			}
		})
	}
}

func TestCallbackSequences(t *testing.T) {
	type step struct {
		status             string
		version, callbacks int64
		kept               string // the record's status after the step
		changed            bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"in order", []step{
			{"created", 1, 1, "created", true},
			{"processing", 2, 2, "processing", true},
			{"confirmed", 3, 3, "confirmed", true},
		}},
		{"duplicates", []step{
			{"processing", 1, 1, "processing", true},
			{"processing", 1, 2, "processing", false},
			{"processing", 1, 3, "processing", false},
			{"confirmed", 2, 4, "confirmed", true},
			{"confirmed", 2, 5, "confirmed", false},
		}},
		{"out of order: final, then earlier", []step{
			{"confirmed", 1, 1, "confirmed", true},
			{"processing", 1, 2, "confirmed", false},
			{"created", 1, 3, "confirmed", false},
		}},
		{"out of order: later, then earlier", []step{
			{"processing", 1, 1, "processing", true},
			{"pending", 1, 2, "processing", false},
			{"failed", 2, 3, "failed", true},
			{"confirmed", 2, 4, "failed", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var wantUpdates int
			var lastPayload []byte
			for i, s := range tt.steps {
				e.clock.Advance(time.Second)
				body := cbBody("pos-1", s.status)
				if w := e.post(body); w.Code != http.StatusOK || w.Body.String() != "ok\n" {
					t.Fatalf("step %d: POST = %d %q", i, w.Code, w.Body.String())
				}
				rec, ok := e.record("pos-1")
				if !ok {
					t.Fatalf("step %d: nothing stored", i)
				}
				if s.changed {
					wantUpdates++
					lastPayload = body
					if !rec.ReceivedAt.Equal(e.clock.Now()) {
						t.Errorf("step %d: received at %v, want the clock's %v", i, rec.ReceivedAt, e.clock.Now())
					}
				}
				if rec.Status != s.kept || rec.Version != s.version || rec.Callbacks != s.callbacks || string(rec.Payload) != string(lastPayload) {
					t.Errorf("step %d: record %s v%d c%d %s, want %s v%d c%d", i, rec.Status, rec.Version, rec.Callbacks, rec.Payload, s.kept, s.version, s.callbacks)
				}
				if n := e.updateCount(); n != wantUpdates {
					t.Errorf("step %d: OnUpdate called %d times, want %d", i, n, wantUpdates)
				}
				logged := e.logged("pos-1")
				if len(logged) != i+1 {
					t.Fatalf("step %d: %d callbacks logged", i, len(logged))
				}
				if l := logged[i]; l.Status != s.status || l.Kept != s.changed || string(l.Payload) != string(body) || !l.ReceivedAt.Equal(e.clock.Now()) {
					t.Errorf("step %d: logged %+v", i, l)
				}
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			for i, u := range e.updates {
				if u.Version != int64(i+1) || u.ID != "pos-1" || u.Provider != fakeName {
					t.Errorf("update %d: %+v", i, u)
				}
			}
		})
	}
}

// TestConcurrentCallbacks sends every status of one invoice many times from
// many goroutines, in random order: the record ends final, its version
// counts its changes, and every callback is counted and logged.
func TestConcurrentCallbacks(t *testing.T) {
	e := newEnv(t)
	statuses := []string{"created", "pending", "processing", "confirmed"}
	const goroutines, each = 16, 20
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range each {
				if w := e.post(cbBody("pos-c", statuses[r.IntN(len(statuses))])); w.Code != http.StatusOK {
					t.Errorf("POST = %d %s", w.Code, w.Body.String())
				}
			}
		}()
	}
	wg.Wait()
	rec, ok := e.record("pos-c")
	if !ok {
		t.Fatal("nothing stored")
	}
	logged := e.logged("pos-c")
	var kept []string
	for _, l := range logged {
		if l.Kept {
			kept = append(kept, l.Status)
		}
	}
	if rec.Status != "confirmed" || !rec.Final || rec.Callbacks != goroutines*each || len(logged) != goroutines*each ||
		rec.Version != int64(len(kept)) || kept[len(kept)-1] != "confirmed" {
		t.Errorf("record %s final=%v v%d c%d; %d logged, kept %v", rec.Status, rec.Final, rec.Version, rec.Callbacks, len(logged), kept)
	}
	for i := 1; i < len(kept); i++ {
		if rank[kept[i]] <= rank[kept[i-1]] {
			t.Errorf("kept statuses went back: %v", kept)
		}
	}
	if n := e.updateCount(); n != len(kept) {
		t.Errorf("OnUpdate called %d times for %d changes", n, len(kept))
	}
}

func TestInvoiceAuth(t *testing.T) {
	e := newEnv(t)
	e.post(cbBody("pos-1", "processing"))
	tests := []struct {
		name, auth string
		code       int
		challenge  string
	}{
		{"missing", "", http.StatusUnauthorized, `Bearer realm="cryptopos relay"`},
		{"wrong", "Bearer wrong-token-0123456789abcdef", http.StatusUnauthorized, `Bearer realm="cryptopos relay", error="invalid_token"`},
		{"prefix of the token", "Bearer " + testToken[:len(testToken)-1], http.StatusUnauthorized, `Bearer realm="cryptopos relay", error="invalid_token"`},
		{"token and more", "Bearer " + testToken + "x", http.StatusUnauthorized, `Bearer realm="cryptopos relay", error="invalid_token"`},
		{"another scheme", "Basic " + testToken, http.StatusUnauthorized, `Bearer realm="cryptopos relay", error="invalid_token"`},
		{"the token alone", testToken, http.StatusUnauthorized, `Bearer realm="cryptopos relay", error="invalid_token"`},
		{"right", "Bearer " + testToken, http.StatusOK, ""},
		{"right, scheme in lower case", "bearer " + testToken, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.get(context.Background(), "/v1/invoices/pos-1", tt.auth)
			if w.Code != tt.code || w.Header().Get("WWW-Authenticate") != tt.challenge {
				t.Errorf("GET = %d (WWW-Authenticate %q), want %d (%q)", w.Code, w.Header().Get("WWW-Authenticate"), tt.code, tt.challenge)
			}
			if tt.code == http.StatusUnauthorized {
				if strings.Contains(w.Body.String(), "processing") || strings.Contains(w.Body.String(), testToken) {
					t.Errorf("401 body says too much: %s", w.Body.String())
				}
				var e apiError
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error != "unauthorized" {
					t.Errorf("401 body %s (%v)", w.Body.String(), err)
				}
			}
		})
	}
	// Refused before anything else: a missing invoice and a bad wait are
	// not revealed either.
	for _, target := range []string{"/v1/invoices/nobody", "/v1/invoices/pos-1?wait=x"} {
		if w := e.get(context.Background(), target, ""); w.Code != http.StatusUnauthorized {
			t.Errorf("%s without token = %d", target, w.Code)
		}
	}
	if strings.Contains(e.logs.String(), testToken) || strings.Contains(e.logs.String(), "wrong-token") {
		t.Errorf("a token is in the log:\n%s", e.logs.String())
	}
}

func TestInvoiceJSON(t *testing.T) {
	e := newEnv(t)
	auth := "Bearer " + testToken
	w := e.get(context.Background(), "/v1/invoices/pos-1", auth)
	if w.Code != http.StatusNotFound || w.Body.String() != `{"error":"no_callback","message":"No callback has arrived for this invoice yet."}`+"\n" ||
		w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("before any callback: %d %s %q", w.Code, w.Body.String(), w.Header().Get("Content-Type"))
	}

	e.clock.Set(time.Date(2025, 3, 1, 12, 0, 0, 123_456_789, time.UTC))
	body := cbBody("pos-1", "processing")
	e.post(body)
	w = e.get(context.Background(), "/v1/invoices/pos-1", auth)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("GET = %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"))
	}
	want := `{"provider":"fake","id":"pos-1","status":"processing","final":false,"payload":` + string(body) +
		`,"received_at":"2025-03-01T12:00:00.123Z","version":1,"callbacks":1}` + "\n"
	if w.Body.String() != want {
		t.Errorf("GET body\n%s\nwant\n%s", w.Body.String(), want)
	}

	// ?provider= limits the answer; without it any provider's newest.
	other := &fakeReceiver{"other", testKey, testSecret}
	e.srv.Add(other)
	e.clock.Advance(time.Minute)
	b2 := cbBody("pos-1", "confirmed")
	e.postWith("other", b2, map[string]string{"X-Test-Key": testKey, "X-Test-Signature": other.sign(b2)})
	for target, wantStatus := range map[string]string{
		"/v1/invoices/pos-1":                "confirmed",
		"/v1/invoices/pos-1?provider=fake":  "processing",
		"/v1/invoices/pos-1?provider=other": "confirmed",
		"/v1/invoices/pos-1?provider=none":  "",
	} {
		w := e.get(context.Background(), target, auth)
		var rec Record
		json.Unmarshal(w.Body.Bytes(), &rec)
		if rec.Status != wantStatus || (wantStatus == "" && w.Code != http.StatusNotFound) {
			t.Errorf("%s = %d %s, want status %q", target, w.Code, w.Body.String(), wantStatus)
		}
	}
}

func TestRoutes(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		method, target string
		code           int
		body           string
	}{
		{"GET", "/healthz", http.StatusOK, "ok\n"},
		{"HEAD", "/healthz", http.StatusOK, ""},
		{"POST", "/healthz", http.StatusMethodNotAllowed, ""},
		{"GET", "/callbacks/fake", http.StatusMethodNotAllowed, ""},
		{"PUT", "/v1/invoices/pos-1", http.StatusMethodNotAllowed, ""},
		{"GET", "/", http.StatusNotFound, ""},
		{"GET", "/v1/invoices", http.StatusNotFound, ""},
		{"GET", "/v1/invoices/a/b", http.StatusNotFound, ""},
		{"POST", "/callbacks", http.StatusNotFound, ""},
		{"GET", "/metrics", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, tt.target, nil)
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		if w.Code != tt.code || (tt.body != "" && w.Body.String() != tt.body) {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.target, w.Code, w.Body.String(), tt.code, tt.body)
		}
	}
	e.store.Close()
	w := e.get(context.Background(), "/healthz", "")
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("healthz with the store closed = %d", w.Code)
	}
}

func TestBadWait(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{"wait=soon", "wait=-1s", "wait=-3", "wait=99999999999999999999", "after=x", "after=-1"} {
		w := e.get(context.Background(), "/v1/invoices/pos-1?"+q, "Bearer "+testToken)
		var ae apiError
		if err := json.Unmarshal(w.Body.Bytes(), &ae); w.Code != http.StatusBadRequest || err != nil || !strings.HasSuffix(ae.Message, ".") {
			t.Errorf("%s = %d %s", q, w.Code, w.Body.String())
		}
	}
}

// pollResult is a long-poll's answer.
type pollResult struct {
	code int
	rec  Record
	body string
}

// startPoll runs a GET in a goroutine and returns its answer's channel.
func (e *env) startPoll(ctx context.Context, target string) <-chan pollResult {
	ch := make(chan pollResult, 1)
	go func() {
		w := e.get(ctx, target, "Bearer "+testToken)
		var rec Record
		json.Unmarshal(w.Body.Bytes(), &rec)
		ch <- pollResult{w.Code, rec, w.Body.String()}
	}()
	return ch
}

func (e *env) watchers() int {
	e.store.watch.mu.Lock()
	defer e.store.watch.mu.Unlock()
	return e.store.watch.n
}

func waitResult(t *testing.T, ch <-chan pollResult) pollResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the long-poll did not return")
		return pollResult{}
	}
}

func TestLongPoll(t *testing.T) {
	ctx := context.Background()

	t.Run("returns on the first callback", func(t *testing.T) {
		e := newEnv(t)
		res := e.startPoll(ctx, "/v1/invoices/pos-1?wait=30s")
		eventually(t, "the poll watches", func() bool { return e.watchers() == 1 })
		e.post(cbBody("pos-1", "created"))
		if r := waitResult(t, res); r.code != http.StatusOK || r.rec.Version != 1 || r.rec.Status != "created" {
			t.Errorf("poll = %+v", r)
		}
		eventually(t, "the poll stops watching", func() bool { return e.watchers() == 0 })
	})

	t.Run("returns on a change after the version", func(t *testing.T) {
		e := newEnv(t)
		e.post(cbBody("pos-1", "created"))
		res := e.startPoll(ctx, "/v1/invoices/pos-1?wait=30&after=1")
		eventually(t, "the poll watches", func() bool { return e.watchers() == 1 })
		e.post(cbBody("pos-1", "created")) // a duplicate changes nothing
		e.post(cbBody("pos-2", "created")) // another invoice
		select {
		case r := <-res:
			t.Fatalf("the poll returned on no change: %+v", r)
		default:
		}
		e.post(cbBody("pos-1", "processing"))
		if r := waitResult(t, res); r.code != http.StatusOK || r.rec.Version != 2 || r.rec.Status != "processing" {
			t.Errorf("poll = %+v", r)
		}
	})

	t.Run("returns at once when there is news", func(t *testing.T) {
		e := newEnv(t)
		e.post(cbBody("pos-1", "created"))
		e.post(cbBody("pos-1", "processing"))
		for _, q := range []string{"wait=30s&after=1", "wait=30s", "wait=30s&after=7"} {
			if r := waitResult(t, e.startPoll(ctx, "/v1/invoices/pos-1?"+q)); r.code != http.StatusOK || r.rec.Version != 2 {
				t.Errorf("%s: poll = %+v", q, r)
			}
		}
	})

	t.Run("times out with the current state", func(t *testing.T) {
		e := newEnv(t)
		start := time.Now()
		if r := waitResult(t, e.startPoll(ctx, "/v1/invoices/pos-1?wait=50ms")); r.code != http.StatusNotFound || !strings.Contains(r.body, "no_callback") {
			t.Errorf("poll = %+v", r)
		}
		e.post(cbBody("pos-1", "created"))
		if r := waitResult(t, e.startPoll(ctx, "/v1/invoices/pos-1?wait=50ms&after=1")); r.code != http.StatusOK || r.rec.Version != 1 {
			t.Errorf("poll = %+v", r)
		}
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Errorf("two 50ms polls took %v", d)
		}
	})

	t.Run("wait capped at LongPollMax", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.LongPollMax = 50 * time.Millisecond })
		for _, q := range []string{"wait=1h", "wait=99999"} {
			if r := waitResult(t, e.startPoll(ctx, "/v1/invoices/pos-1?"+q)); r.code != http.StatusNotFound {
				t.Errorf("%s: poll = %+v", q, r)
			}
		}
	})

	t.Run("stops when the client goes away", func(t *testing.T) {
		e := newEnv(t)
		cctx, cancel := context.WithCancel(ctx)
		res := e.startPoll(cctx, "/v1/invoices/pos-1?wait=30s")
		eventually(t, "the poll watches", func() bool { return e.watchers() == 1 })
		cancel()
		if r := waitResult(t, res); r.body != "" {
			t.Errorf("answered a client that left: %+v", r)
		}
		if n := e.watchers(); n != 0 {
			t.Errorf("%d watchers left", n)
		}
	})

	t.Run("many pollers, one change", func(t *testing.T) {
		e := newEnv(t)
		var results []<-chan pollResult
		for i := range 20 {
			q := "/v1/invoices/pos-1?wait=30s"
			if i%2 == 1 {
				q += "&provider=fake"
			}
			results = append(results, e.startPoll(ctx, q))
		}
		eventually(t, "the polls watch", func() bool { return e.watchers() == 20 })
		e.post(cbBody("pos-1", "confirmed"))
		for _, res := range results {
			if r := waitResult(t, res); r.code != http.StatusOK || r.rec.Status != "confirmed" {
				t.Errorf("poll = %+v", r)
			}
		}
	})
}

// TestLongPollSeesOtherProcess: a write by another Store on the same file
// (another process) wakes a long-poll within about a second.
func TestLongPollSeesOtherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the cross-process poll")
	}
	e := newEnv(t)
	other, err := OpenStore(e.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	res := e.startPoll(context.Background(), "/v1/invoices/pos-1?wait=20s")
	eventually(t, "the poll watches", func() bool { return e.watchers() == 1 })
	start := time.Now()
	if _, _, err := other.Put(context.Background(), fakeName, Callback{ID: "pos-1", Status: "created", Payload: cbBody("pos-1", "created")}, t0, e.fake.Newer); err != nil {
		t.Fatal(err)
	}
	r := waitResult(t, res)
	if r.code != http.StatusOK || r.rec.Status != "created" {
		t.Errorf("poll = %+v", r)
	}
	if d := time.Since(start); d > 3*watchEvery {
		t.Errorf("the poll saw the other process's write after %v", d)
	}
}

func TestOnUpdateOncePerChange(t *testing.T) {
	e := newEnv(t)
	var got []string
	e.srv.onUpdate = func(provider, id string, rec Record) {
		got = append(got, fmt.Sprintf("%s/%s:%s v%d", provider, id, rec.Status, rec.Version))
	}
	for _, s := range []string{"created", "created", "processing", "pending", "confirmed", "confirmed", "failed"} {
		e.post(cbBody("pos-1", s))
	}
	e.post(cbBody("pos-2", "failed"))
	want := []string{"fake/pos-1:created v1", "fake/pos-1:processing v2", "fake/pos-1:confirmed v3", "fake/pos-2:failed v1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OnUpdate calls %v, want %v", got, want)
	}
}

func TestNewOptions(t *testing.T) {
	s := openTestStore(t)
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no store", Options{Token: testToken}, "needs a store"},
		{"no token", Options{Store: s}, "needs a token"},
		{"short token", Options{Store: s, Token: "short"}, "too short (5 characters)"},
		{"token with a space", Options{Store: s, Token: "0123456789 abcdef"}, "spaces"},
		{"negative cap", Options{Store: s, Token: testToken, MaxBody: -1}, "negative"},
		{"negative wait", Options{Store: s, Token: testToken, LongPollMax: -1}, "negative"},
	}
	for _, tt := range tests {
		_, err := New(tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New = %v, want %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "0123456789 abcdef") {
			t.Errorf("%s: the error shows the token: %v", tt.name, err)
		}
	}
	srv, err := New(Options{Store: s, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	if srv.maxBody != DefaultMaxBody || srv.longPollMax != DefaultLongPollMax || srv.clock == nil || srv.log == nil {
		t.Errorf("defaults not filled: %+v", srv)
	}
}

// TestAddWhileServing registers receivers while callbacks arrive.
func TestAddWhileServing(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			e.srv.Add(&fakeReceiver{fmt.Sprintf("p%d", i), testKey, testSecret})
		}()
		go func() {
			defer wg.Done()
			e.post(cbBody(fmt.Sprintf("pos-%d", i), "created"))
		}()
	}
	wg.Wait()
	body := cbBody("pos-1", "created")
	if w := e.postWith("p3", body, map[string]string{"X-Test-Key": testKey, "X-Test-Signature": e.fake.sign(body)}); w.Code != http.StatusOK {
		t.Errorf("POST to an added receiver = %d", w.Code)
	}
	e.srv.Add(&fakeReceiver{name: "bad/name"})
	e.srv.Add(nil)
	if !strings.Contains(e.logs.String(), "cannot be a URL path segment") {
		t.Error("a bad provider name was not logged")
	}
}

func TestStoreFailureIs500(t *testing.T) {
	e := newEnv(t)
	e.store.Close()
	w := e.post(cbBody("pos-1", "created"))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("POST with the store closed = %d", w.Code)
	}
	w = e.get(context.Background(), "/v1/invoices/pos-1", "Bearer "+testToken)
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "closed") {
		t.Errorf("GET with the store closed = %d %s", w.Code, w.Body.String())
	}
}
