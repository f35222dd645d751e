package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cryptopos/providers/cryptoprocessing"
	"cryptopos/relay"
)

const (
	benchToken  = "bench-token-0123456789abcdef"
	benchAPIKey = "bench_api_key"
	benchSecret = "bench_secret_key_AbCdEf0123"
)

// relayEnv is a relay as `cryptopos relay` runs it: an SQLite store on
// disk, the real Cryptoprocessing receiver, served on loopback by Serve.
type relayEnv struct {
	url   string
	store *relay.Store
}

func newRelay(b *testing.B) *relayEnv {
	b.Helper()
	if testing.Short() {
		b.Skip("a relay on disk and loopback HTTP")
	}
	store, err := relay.OpenStore(filepath.Join(b.TempDir(), "relay.db"))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := relay.New(relay.Options{Store: store, Token: benchToken})
	if err != nil {
		b.Fatal(err)
	}
	rcv, err := cryptoprocessing.NewReceiver(cryptoprocessing.Config{APIKey: benchAPIKey, SecretKey: benchSecret})
	if err != nil {
		b.Fatal(err)
	}
	srv.Add(rcv)
	ctx, cancel := context.WithCancel(context.Background())
	url, wait, err := relay.Serve(ctx, "127.0.0.1:0", srv, nil)
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	b.Cleanup(func() { cancel(); _ = wait(); store.Close() })
	return &relayEnv{url: url, store: store}
}

// callback is an invoice callback as Cryptoprocessing sends it, signed.
type callback struct {
	body []byte
	sig  string
}

func newCallback(id, status string) callback {
	body := fmt.Appendf(nil, `{"id":%d,"foreign_id":%q,"type":"invoice","crypto_address":{"id":1,"currency":"BTC","address":"2N8pRWfMJ1fhdcr2bHMUN6tQzD1mDdSXQmt","tag":null},`+
		`"currency_sent":{"currency":"BTC","amount":"0.00309556","remaining_amount":"0.00000000"},"transactions":[],"fees":[],`+
		`"error":null,"status":%q,"fixed_at":1592308917,"expires_at":1592395375,"url":"https:\/\/pos.example\/ok"}`,
		len(id), id, status)
	return callback{body: body, sig: cryptoprocessing.Sign(body, benchSecret)}
}

func (c callback) post(client *http.Client, url string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url+"/callbacks/cryptoprocessing", bytes.NewReader(c.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Processing-Key", benchAPIKey)
	req.Header.Set("X-Processing-Signature", c.sig)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// timings collects the durations of parallel workers.
type timings struct {
	mu  sync.Mutex
	all []time.Duration
}

func (t *timings) add(d []time.Duration) {
	t.mu.Lock()
	t.all = append(t.all, d...)
	t.mu.Unlock()
}

// report adds the rate (unit per second of wall time) and the p50 and p99
// latencies in milliseconds.
func (t *timings) report(b *testing.B, unit string, elapsed time.Duration) {
	if len(t.all) == 0 {
		return
	}
	slices.Sort(t.all)
	q := func(p float64) float64 {
		return float64(t.all[int(p*float64(len(t.all)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(len(t.all))/elapsed.Seconds(), unit+"/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // the rate says it; ns/op of parallel work misleads
}

// parallel runs b.N operations on n workers, each taking the next number
// from a shared counter, and reports the rate and latencies.
func parallel(b *testing.B, n int, unit string, op func(worker, i int) error) {
	var next atomic.Int64
	var lat timings
	var wg sync.WaitGroup
	var failed atomic.Bool
	b.ResetTimer()
	start := time.Now()
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, b.N/n+1)
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N || failed.Load() {
					break
				}
				t := time.Now()
				if err := op(w, i); err != nil {
					failed.Store(true)
					b.Error(err)
					break
				}
				mine = append(mine, time.Since(t))
			}
			lat.add(mine)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	lat.report(b, unit, elapsed)
}

// BenchmarkRelayCallbacks is verified callbacks per second end to end, as
// Cryptoprocessing would deliver them: signed HTTP POSTs over loopback
// (keep-alive) from 16 concurrent senders to a relay served by Serve, each
// checked by the real Cryptoprocessing receiver (X-Processing-Key, the
// HMAC-SHA512 of the raw body, the JSON) and stored durably
// (synchronous=FULL) before the 200. Ids go through created, pending,
// processing, confirmed, then repeat (duplicates of a final state).
// Target: 2,000/s with p99 under 50 ms on 2 cores.
func BenchmarkRelayCallbacks(b *testing.B) {
	const senders, ids = 16, 256
	e := newRelay(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}, Timeout: 30 * time.Second}
	statuses := []string{"created", "pending", "processing", "confirmed"}
	cbs := make([][]callback, senders)
	for s := range cbs {
		for k := range ids * len(statuses) {
			cbs[s] = append(cbs[s], newCallback(fmt.Sprintf("pos-s%02d-%04d", s, k%ids), statuses[k/ids]))
		}
	}
	seq := make([]int, senders)
	parallel(b, senders, "callbacks", func(w, _ int) error {
		c := cbs[w][seq[w]%len(cbs[w])]
		seq[w]++
		code, err := c.post(client, e.url)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("POST = %d", code)
		}
		return err
	})
}

// BenchmarkStatusReads is terminals reading invoice statuses from the
// relay, GET /v1/invoices/{id} with the bearer token through the
// terminals' own relay.Client, over loopback HTTP with keep-alive, from
// 1, 8 and 64 concurrent terminals, on a store of 1,000 invoices.
func BenchmarkStatusReads(b *testing.B) {
	for _, clients := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			const ids = 1000
			e := newRelay(b)
			seed := &http.Client{Timeout: 30 * time.Second}
			for i := range ids {
				if code, err := newCallback(fmt.Sprintf("pos-%04d", i), "processing").post(seed, e.url); err != nil || code != http.StatusOK {
					b.Fatalf("seeding: %d %v", code, err)
				}
			}
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			rc := &relay.Client{BaseURL: e.url, Token: benchToken, HTTP: hc}
			ctx := context.Background()
			parallel(b, clients, "reads", func(_, i int) error {
				rec, err := rc.Invoice(ctx, fmt.Sprintf("pos-%04d", i%ids))
				if err == nil && rec.Status != "processing" {
					err = fmt.Errorf("status %q", rec.Status)
				}
				return err
			})
		})
	}
}
