package relay

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// signedCallback is a callback as a provider sends it.
type signedCallback struct {
	body []byte
	sig  string
}

// benchCallbacks returns n signed callbacks for the goroutine g: ids
// g-0…g-(ids-1), each going through the statuses in order, so that the
// first rounds change records and later ones are duplicates of a final one.
func benchCallbacks(f *fakeReceiver, g, n, ids int) []signedCallback {
	out := make([]signedCallback, n)
	for k := range out {
		body := cbBody(fmt.Sprintf("pos-g%03d-%05d", g, k%ids), crashStatuses[min(k/ids, len(crashStatuses)-1)])
		out[k] = signedCallback{body, f.sign(body)}
	}
	return out
}

// latencies collects per-operation durations of parallel goroutines.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, d...)
}

func (l *latencies) report(b *testing.B, start time.Time) {
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	q := func(p float64) float64 {
		return float64(l.all[int(p*float64(len(l.all)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(len(l.all))/time.Since(start).Seconds(), "callbacks/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkCallbacks is verified callbacks through ServeHTTP: HMAC-SHA512
// over the raw body, then a durable (synchronous=FULL) store on disk, from
// parallel senders (b.SetParallelism(8) goroutines per CPU).
func BenchmarkCallbacks(b *testing.B) {
	e := newEnv(b)
	var g atomic.Int32
	var lat latencies
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		cbs := benchCallbacks(e.fake, int(g.Add(1)), 4096, 512)
		var mine []time.Duration
		for k := 0; pb.Next(); k++ {
			c := cbs[k%len(cbs)]
			req := httptest.NewRequest(http.MethodPost, "/callbacks/fake", strings.NewReader(string(c.body)))
			req.Header.Set("X-Test-Key", testKey)
			req.Header.Set("X-Test-Signature", c.sig)
			w := httptest.NewRecorder()
			t := time.Now()
			e.srv.ServeHTTP(w, req)
			mine = append(mine, time.Since(t))
			if w.Code != http.StatusOK {
				b.Errorf("POST = %d %s", w.Code, w.Body.String())
				return
			}
		}
		lat.add(mine)
	})
	b.StopTimer()
	lat.report(b, start)
}

// BenchmarkCallbacksHTTP is BenchmarkCallbacks over loopback HTTP through
// Serve, with keep-alive connections.
func BenchmarkCallbacksHTTP(b *testing.B) {
	e := newEnv(b)
	ctx, cancel := context.WithCancel(context.Background())
	url, wait, err := Serve(ctx, "127.0.0.1:0", e.srv, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { cancel(); wait() }()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var g atomic.Int32
	var lat latencies
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		cbs := benchCallbacks(e.fake, int(g.Add(1)), 4096, 512)
		var mine []time.Duration
		for k := 0; pb.Next(); k++ {
			c := cbs[k%len(cbs)]
			req, _ := http.NewRequest(http.MethodPost, url+"/callbacks/fake", strings.NewReader(string(c.body)))
			req.Header.Set("X-Test-Key", testKey)
			req.Header.Set("X-Test-Signature", c.sig)
			t := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mine = append(mine, time.Since(t))
			if resp.StatusCode != http.StatusOK {
				b.Errorf("POST = %d", resp.StatusCode)
				return
			}
		}
		lat.add(mine)
	})
	b.StopTimer()
	lat.report(b, start)
}

// BenchmarkGet is terminals reading records through ServeHTTP.
func BenchmarkGet(b *testing.B) {
	e := newEnv(b)
	const ids = 1000
	for i := range ids {
		body := cbBody(fmt.Sprintf("pos-%04d", i), "processing")
		if w := e.post(body); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/v1/invoices/pos-%04d", n.Add(1)%ids), nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			w := httptest.NewRecorder()
			e.srv.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Errorf("GET = %d", w.Code)
				return
			}
		}
	})
}
