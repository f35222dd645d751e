//go:build unix

package crash

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"cryptopos/e2e/e2ekit"
	"cryptopos/providers/cryptoprocessing"
	"cryptopos/relay"
)

// relayKeys are a Cryptoprocessing account's keys and a relay token.
type relayKeys struct{ APIKey, SecretKey, Token string }

func newRelayKeys(tag string) relayKeys {
	return relayKeys{
		APIKey:    tag + "-api-key-" + e2ekit.RandomHex(8),
		SecretKey: tag + "-secret-key-" + e2ekit.RandomHex(12),
		Token:     tag + "-relay-token-" + e2ekit.RandomHex(12),
	}
}

// relayRig is a `cryptopos relay --config` that can be killed and started
// again on the same store.
type relayRig struct {
	t                       *testing.T
	keys                    relayKeys
	env                     []string
	dir, config, store, log string
	proc                    *daemon
	url                     atomic.Pointer[string] // "" while down
}

var relayListening = regexp.MustCompile(`cryptopos relay listening on (http://\S+)\n`)

// newRelayRig writes a relay config (mode 0600) in dir.
func newRelayRig(t *testing.T, dir string, k relayKeys) *relayRig {
	r := &relayRig{t: t, keys: k, env: cleanEnv(t, dir), dir: dir,
		config: filepath.Join(dir, "relay.toml"), store: filepath.Join(dir, "relay.db"), log: filepath.Join(dir, "relay.log")}
	writeFile(t, r.config, e2ekit.RelayConfig("cryptopos relay, crash test",
		e2ekit.RelayKeys{Token: k.Token, APIKey: k.APIKey, SecretKey: k.SecretKey}, r.store, r.log), 0o600)
	empty := ""
	r.url.Store(&empty)
	return r
}

// start runs the relay and waits until it listens.
func (r *relayRig) start() {
	r.t.Helper()
	r.proc = startDaemon(r.t, "the relay", r.env, "relay", "--config", r.config)
	url := r.proc.waitOutput(r.t, relayListening)[1]
	r.url.Store(&url)
}

// kill SIGKILLs the relay.
func (r *relayRig) kill() {
	empty := ""
	r.url.Store(&empty)
	r.proc.kill()
}

// post sends a signed callback; it returns the HTTP status, or 0 when the
// relay could not be reached or the answer was lost.
func (r *relayRig) post(c *http.Client, body []byte) int {
	url := *r.url.Load()
	if url == "" {
		return 0
	}
	req, err := http.NewRequest(http.MethodPost, url+cryptoprocessing.CallbackPath, bytes.NewReader(body))
	if err != nil {
		r.t.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Processing-Key", r.keys.APIKey)
	req.Header.Set("X-Processing-Signature", cryptoprocessing.Sign(body, r.keys.SecretKey))
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

// get reads a record as a terminal does; code 0 when unreachable.
func (r *relayRig) get(c *http.Client, id, token string) (int, relay.Record) {
	url := *r.url.Load()
	if url == "" {
		return 0, relay.Record{}
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/invoices/"+id, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, relay.Record{}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, relay.Record{}
	}
	var rec relay.Record
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &rec); err != nil {
			r.t.Errorf("GET %s: %v in %s", id, err, body)
		}
	}
	return resp.StatusCode, rec
}

// cpRank orders Cryptoprocessing's status words as the relay keeps them:
// a final one (confirmed, failed) beats an open one, and confirmed beats
// failed.
var cpRank = map[string]int{"created": 1, "pending": 2, "processing": 3, "failed": 4, "confirmed": 5}

var cpFinal = map[string]bool{"failed": true, "confirmed": true}

// TestRelayCrash SIGKILLs a standalone relay 100+ times while clients post
// signed Cryptoprocessing callbacks for many invoices from several
// goroutines, starting it again on the same store each time. Every
// callback it answered 200 must be in the store afterwards (in its log of
// callbacks, byte for byte, and counted in the invoice's record), records
// never go back (a reader watching them during the run sees versions only
// grow and a final status never replaced), and the store is sound.
func TestRelayCrash(t *testing.T) {
	needBinary(t)
	t.Parallel()
	seed := envUint(t, "CRYPTOPOS_CRASH_SEED", uint64(time.Now().UnixNano()))
	kills := int(envUint(t, "CRYPTOPOS_RELAY_KILLS", 110))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("TestRelayCrash seed %d: rerun with CRYPTOPOS_CRASH_SEED=%d go test -run TestRelayCrash ./e2e/crash/", seed, seed)
		}
	})
	rng := rand.New(rand.NewPCG(seed, 0x72656c6179))
	r := newRelayRig(t, t.TempDir(), newRelayKeys("crash"))
	r.start()

	const posters, invoices = 6, 40
	ids := make([]string, invoices)
	for i := range ids {
		ids[i] = fmt.Sprintf("crash-%d-%02d", seed%100000, i)
	}
	words := []string{"created", "pending", "pending", "processing", "processing", "confirmed", "failed"}

	type ack struct {
		id, status string
		body       []byte
	}
	var (
		mu       sync.Mutex
		acked    []ack
		answered = map[int]int{} // HTTP status → count
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	for g := range posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prng := rand.New(rand.NewPCG(seed, uint64(g)))
			c := &http.Client{Timeout: 5 * time.Second}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				id, word := ids[prng.IntN(invoices)], words[prng.IntN(len(words))]
				body := []byte(fmt.Sprintf(`{"id":%d,"foreign_id":%q,"type":"invoice","status":%q,"error":"",`+
					`"currency_sent":{"currency":"BTC","amount":"0.00100000","remaining_amount":"0.00%d00000"},"poster":%d,"n":%d}`,
					1000+prng.IntN(invoices), id, word, prng.IntN(10), g, n))
				code := r.post(c, body)
				mu.Lock()
				answered[code]++
				if code == http.StatusOK {
					acked = append(acked, ack{id, word, body})
				}
				mu.Unlock()
				if code == 0 {
					time.Sleep(2 * time.Millisecond) // down: wait for the restart
				}
			}
		}()
	}
	// A terminal's view: records only ever move forward.
	var regressions []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := &http.Client{Timeout: 5 * time.Second}
		seen := map[string]relay.Record{}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id := ids[i%invoices]
			code, rec := r.get(c, id, r.keys.Token)
			if code != http.StatusOK {
				continue
			}
			prev, ok := seen[id]
			if ok && (rec.Version < prev.Version || rec.Callbacks < prev.Callbacks ||
				prev.Final && (!rec.Final || cpRank[rec.Status] < cpRank[prev.Status])) {
				mu.Lock()
				regressions = append(regressions, fmt.Sprintf("%s went from %s v%d c%d (final %t) to %s v%d c%d (final %t)",
					id, prev.Status, prev.Version, prev.Callbacks, prev.Final, rec.Status, rec.Version, rec.Callbacks, rec.Final))
				mu.Unlock()
			}
			seen[id] = rec
		}
	}()

	start := time.Now()
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(rng.Int64N(int64(40 * time.Millisecond))))
		r.kill()
		if out := r.proc.stdout.String() + r.proc.stderr.String(); strings.Contains(out, "panic:") {
			t.Fatalf("the relay panicked:\n%s", out)
		}
		r.start()
	}
	close(stop)
	wg.Wait()
	took := time.Since(start)

	// Every callback answered 200, after a last restart.
	r.kill()
	r.start()
	c := &http.Client{Timeout: 5 * time.Second}
	perID := map[string][]ack{}
	for _, a := range acked {
		perID[a.id] = append(perID[a.id], a)
	}
	for _, id := range ids {
		as := perID[id]
		if len(as) == 0 {
			continue
		}
		code, rec := r.get(c, id, r.keys.Token)
		if code != http.StatusOK {
			t.Errorf("%s: %d callbacks were answered 200, but the relay answers %d", id, len(as), code)
			continue
		}
		best, final := "", false
		for _, a := range as {
			if cpRank[a.status] > cpRank[best] {
				best = a.status
			}
			final = final || cpFinal[a.status]
		}
		if rec.Callbacks < int64(len(as)) || cpRank[rec.Status] < cpRank[best] || final && !rec.Final {
			t.Errorf("%s: %d callbacks were answered 200, the best %s (final %t); the relay keeps %s (final %t) of %d callbacks",
				id, len(as), best, final, rec.Status, rec.Final, rec.Callbacks)
		}
	}
	for _, s := range regressions {
		t.Errorf("a record went back: %s", s)
	}
	if !r.proc.stop() || !exitedCleanly(r.proc.cmd.ProcessState) {
		t.Errorf("the relay did not stop cleanly at SIGINT: %v\n%s", r.proc.cmd.ProcessState, r.proc.stderr)
	}

	// The store: sound, each record agrees with its log, and the log has
	// every callback answered 200, byte for byte.
	db, err := sql.Open("sqlite", "file:"+r.store+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	integrityCheck(t, "relay store", r.store)
	var bad int
	if err := db.QueryRow(`SELECT count(*) FROM records r WHERE
		r.callbacks <> (SELECT count(*) FROM callbacks c WHERE c.provider = r.provider AND c.id = r.id) OR
		r.version <> (SELECT count(*) FROM callbacks c WHERE c.provider = r.provider AND c.id = r.id AND c.kept) OR
		r.payload <> (SELECT payload FROM callbacks c WHERE c.provider = r.provider AND c.id = r.id AND c.kept ORDER BY seq DESC LIMIT 1)`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d records disagree with the store's log of callbacks (%v)", bad, err)
	}
	rows, err := db.Query(`SELECT payload FROM callbacks`)
	if err != nil {
		t.Fatal(err)
	}
	logged := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		logged[p] = true
	}
	rows.Close()
	missing := 0
	for _, a := range acked {
		if !logged[string(a.body)] {
			missing++
			if missing <= 5 {
				t.Errorf("a callback answered 200 is not in the store: %s", a.body)
			}
		}
	}
	if missing > 5 {
		t.Errorf("... %d callbacks answered 200 are missing in all", missing)
	}
	codes := make([]string, 0, len(answered))
	for code, n := range answered {
		codes = append(codes, fmt.Sprintf("%d: %d", code, n))
		if code != 0 && code != http.StatusOK {
			t.Errorf("%d callbacks were answered %d; want 200 (or no answer, while the relay is down)", n, code)
		}
	}
	sort.Strings(codes)
	if len(acked) < kills {
		t.Errorf("only %d callbacks were answered 200 in %d lives of the relay: the test exercised little", len(acked), kills)
	}
	t.Logf("seed %d: %d kills in %s; %d callbacks answered 200, %d logged in the store; answers (0 = none): %s",
		seed, kills, took.Round(time.Millisecond), len(acked), len(logged), strings.Join(codes, ", "))
	checkNoSecrets(t, "the relay's log", e2ekit.ReadFile(r.log), r.keys.all()...)
}

func (k relayKeys) all() []string { return []string{k.APIKey, k.SecretKey, k.Token} }

// TestRelaySlowAndBigClients treats `cryptopos relay` as a black box: a
// slow-loris client trickling its headers is cut off within the server's
// ReadHeaderTimeout, and a body over the 1 MiB cap gets 413 and stores
// nothing, signed or not. (Forged and missing signatures, tokens, and the
// same limits with short timeouts are tested in package relay.)
func TestRelaySlowAndBigClients(t *testing.T) {
	needBinary(t)
	t.Parallel()
	r := newRelayRig(t, t.TempDir(), newRelayKeys("limits"))
	r.start()
	url := *r.url.Load()
	addr := strings.TrimPrefix(url, "http://")

	t.Run("slow-loris", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		closed := make(chan time.Duration, 1)
		go func() {
			b := make([]byte, 512)
			for {
				if _, err := conn.Read(b); err != nil {
					closed <- time.Since(start)
					return
				}
			}
		}()
		head := "POST " + cryptoprocessing.CallbackPath + " HTTP/1.1\r\nHost: relay\r\nX-Trickle: "
		limit := relay.ReadHeaderTimeout + 2*time.Second
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			b := []byte{'a'}
			if i < len(head) {
				b = []byte{head[i]}
			}
			_, werr := conn.Write(b)
			select {
			case d := <-closed:
				if d < relay.ReadHeaderTimeout-time.Second {
					t.Errorf("the relay cut a trickling client off after %s, before its ReadHeaderTimeout %s", d, relay.ReadHeaderTimeout)
				}
				return
			case <-tick.C:
			}
			if werr != nil {
				return // cut off: the next read reports it
			}
			if time.Since(start) > limit {
				t.Fatalf("a client trickling its headers one byte every 200 ms is still connected after %s (ReadHeaderTimeout %s)",
					time.Since(start).Round(time.Millisecond), relay.ReadHeaderTimeout)
			}
		}
	})

	t.Run("body over the cap", func(t *testing.T) {
		t.Parallel()
		c := &http.Client{Timeout: 10 * time.Second}
		id := "big-" + e2ekit.RandomHex(4)
		body := []byte(fmt.Sprintf(`{"id":1,"foreign_id":%q,"type":"invoice","status":"confirmed","pad":"%s"}`,
			id, strings.Repeat("x", relay.DefaultMaxBody)))
		got413 := 0
		for _, signed := range []bool{true, false} {
			req, _ := http.NewRequest(http.MethodPost, url+cryptoprocessing.CallbackPath, bytes.NewReader(body))
			if signed {
				req.Header.Set("X-Processing-Key", r.keys.APIKey)
				req.Header.Set("X-Processing-Signature", cryptoprocessing.Sign(body, r.keys.SecretKey))
			}
			resp, err := c.Do(req)
			if err != nil {
				// The server may close the connection once it has
				// answered, while the client still writes the body.
				if !errorsIsReset(err) {
					t.Fatalf("POST %d bytes (signed %t): %v", len(body), signed, err)
				}
				continue
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %d bytes (signed %t): %d, want 413", len(body), signed, resp.StatusCode)
			} else {
				got413++
			}
		}
		if got413 == 0 {
			t.Error("no body over the cap was answered 413 (the connection was cut each time)")
		}
		if code, _ := r.get(c, id, r.keys.Token); code != http.StatusNotFound {
			t.Errorf("after bodies over the cap, the relay answers %d for %s, want 404 (nothing stored)", code, id)
		}
		// Just under the cap is taken.
		small := []byte(fmt.Sprintf(`{"id":1,"foreign_id":%q,"type":"invoice","status":"pending"}`, id))
		if code := r.post(c, small); code != http.StatusOK {
			t.Errorf("a signed callback under the cap: %d, want 200", code)
		}
	})
}

func errorsIsReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// checkNoSecrets fails t if text holds any secret, raw or encoded, naming
// where (the line, with the secret masked).
func checkNoSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		for _, form := range secretForms(secret) {
			if i := strings.Index(text, form.text); i >= 0 {
				line := text[strings.LastIndex(text[:i], "\n")+1:]
				line, _, _ = strings.Cut(line, "\n")
				if len(line) > 300 {
					start := max(0, strings.Index(line, form.text)-100)
					line = "…" + line[start:min(len(line), start+200+len(form.text))] + "…"
				}
				t.Errorf("%s contains a secret (%d characters, %s) at byte %d, masked here:\n%q", what, len(secret), form.name, i,
					strings.ReplaceAll(line, form.text, "«SECRET»"))
			}
		}
	}
}
