package printer

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// stubPrinter prints by calling do; it records the jobs it was given.
type stubPrinter struct {
	mu   sync.Mutex
	do   func(ctx context.Context, job []byte) error
	jobs [][]byte
}

func (s *stubPrinter) Device() Device { return Device{Transport: File, Path: "/stub"} }

func (s *stubPrinter) Print(ctx context.Context, job []byte) error {
	s.mu.Lock()
	s.jobs = append(s.jobs, job)
	do := s.do
	s.mu.Unlock()
	if do == nil {
		return nil
	}
	return do(ctx, job)
}

func (s *stubPrinter) setDo(do func(ctx context.Context, job []byte) error) {
	s.mu.Lock()
	s.do = do
	s.mu.Unlock()
}

// resultsOf returns a queue option that sends every result to a channel.
func collect() (QueueOptions, <-chan Result) {
	ch := make(chan Result, 100)
	return QueueOptions{Timeout: time.Second, OnResult: func(r Result) { ch <- r }}, ch
}

func next(t *testing.T, ch <-chan Result) Result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no result")
	}
	return Result{}
}

// Submit returns at once even while the printer hangs; jobs print one at
// a time in order.
func TestQueueSubmitNeverWaits(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	running, most := 0, 0
	p := &stubPrinter{do: func(ctx context.Context, job []byte) error {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		defer func() { mu.Lock(); running--; mu.Unlock() }()
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	o, results := collect()
	q := NewQueue(p, o)
	defer q.Close()

	start := time.Now()
	var jobs []Job
	for i, order := range []string{"a", "b", "c"} {
		j := q.Submit(Job{Kind: KindReceipt, OrderID: order, Data: []byte(order)})
		if j.ID != int64(i+1) || j.Submitted.IsZero() {
			t.Errorf("job %+v", j)
		}
		jobs = append(jobs, j)
	}
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Errorf("Submit took %s with the printer hanging", took)
	}
	if pending := q.Pending(); len(pending) != 3 {
		t.Errorf("%d pending, want 3", len(pending))
	}
	close(release)
	for _, want := range jobs {
		r := next(t, results)
		if r.Err != nil || r.Job.ID != want.ID || r.Job.Attempts != 1 || r.At.IsZero() {
			t.Errorf("result %+v, want job %d printed", r, want.ID)
		}
		if r.Note() == "" || r.Device.Path != "/stub" {
			t.Errorf("result note %q, device %+v", r.Note(), r.Device)
		}
	}
	if most != 1 {
		t.Errorf("%d jobs printed at once", most)
	}
	if len(q.Pending()) != 0 || len(q.Failed()) != 0 {
		t.Error("jobs left over")
	}
}

// A failed job is kept with its error; Retry prints it.
func TestQueueRetry(t *testing.T) {
	offline := &Error{Problem: Unreachable, Message: "The printer at 10.0.0.9:9100 does not answer: is it switched on and on the network?"}
	p := &stubPrinter{do: func(context.Context, []byte) error { return offline }}
	o, results := collect()
	q := NewQueue(p, o)
	defer q.Close()

	q.Submit(Job{Kind: KindReceipt, OrderID: "a", Data: []byte("A")})
	q.Submit(Job{Kind: KindReport, Data: []byte("R")})
	for range 2 {
		if r := next(t, results); !errors.Is(r.Err, offline) || r.Note() != r.Job.Kind.Words()+" not printed: "+offline.Message {
			t.Errorf("result %+v, note %q", r, r.Note())
		}
	}
	failed := q.Failed()
	if len(failed) != 2 || failed[0].OrderID != "a" || failed[0].Err != offline || failed[0].Attempts != 1 ||
		failed[1].Label() != "day report" {
		t.Fatalf("failed jobs %+v", failed)
	}

	p.setDo(nil) // the printer is back
	if n := q.Retry(); n != 2 {
		t.Errorf("Retry() = %d", n)
	}
	for _, want := range []string{"A", "R"} {
		r := next(t, results)
		if r.Err != nil || string(r.Job.Data) != want || r.Job.Attempts != 2 {
			t.Errorf("retry result %+v, want %s printed on the second attempt", r, want)
		}
	}
	if len(q.Failed()) != 0 || q.Retry() != 0 {
		t.Error("failed jobs left after the retry")
	}
}

func TestQueueRetryJobAndDiscard(t *testing.T) {
	p := &stubPrinter{do: func(context.Context, []byte) error { return errors.New("no") }}
	o, results := collect()
	q := NewQueue(p, o)
	defer q.Close()
	a := q.Submit(Job{Kind: KindReceipt, OrderID: "a"})
	q.Submit(Job{Kind: KindReceipt, OrderID: "b"})
	next(t, results)
	next(t, results)
	p.setDo(nil)
	if !q.RetryJob(a.ID) || q.RetryJob(a.ID) || q.RetryJob(99) {
		t.Error("RetryJob")
	}
	if r := next(t, results); r.Err != nil || r.Job.OrderID != "a" {
		t.Errorf("%+v", r)
	}
	if n := q.Discard(); n != 1 || len(q.Failed()) != 0 {
		t.Errorf("Discard() = %d", n)
	}
}

// Each attempt is bounded by the timeout, whatever the printer does with
// its context.
func TestQueueTimeout(t *testing.T) {
	p := &stubPrinter{do: func(ctx context.Context, _ []byte) error {
		<-ctx.Done()
		return &Error{Problem: Stalled, Message: "stalled"}
	}}
	o, results := collect()
	o.Timeout = 50 * time.Millisecond
	q := NewQueue(p, o)
	defer q.Close()
	q.Submit(Job{Kind: KindPaymentQR, OrderID: "a"})
	if r := next(t, results); ProblemOf(r.Err) != Stalled || r.Job.Kind.Words() != "payment QR" {
		t.Errorf("%+v", r)
	}
}

func TestQueueClose(t *testing.T) {
	started := make(chan struct{})
	p := &stubPrinter{do: func(ctx context.Context, _ []byte) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	o, results := collect()
	q := NewQueue(p, o)
	q.Submit(Job{Kind: KindReceipt, OrderID: "printing"})
	q.Submit(Job{Kind: KindReceipt, OrderID: "waiting"})
	<-started
	left := q.Close()
	if len(left) != 2 || left[0].OrderID != "printing" || left[1].OrderID != "waiting" {
		t.Errorf("Close left %+v", left)
	}
	if r := next(t, results); !errors.Is(r.Err, ErrClosed) {
		t.Errorf("the cancelled job: %v", r.Err)
	}
	if j := q.Submit(Job{Kind: KindReceipt}); !errors.Is(j.Err, ErrClosed) {
		t.Errorf("Submit after Close: %v", j.Err)
	}
	if q.Retry() != 0 || q.Close() != nil {
		t.Error("a closed queue retries")
	}
}

// The queue against a real transport: a printer switched off fails the
// job with its sentence; switched on, Retry prints it.
func TestQueueWithNetworkPrinter(t *testing.T) {
	fp := newFakePrinter(t)
	addr := fp.addr()
	fp.ln.Close() // switched off
	p, _ := Open("tcp://"+addr, Options{})
	o, results := collect()
	q := NewQueue(p, o)
	defer q.Close()
	job := q.Submit(Job{Kind: KindReceipt, OrderID: "till-1-a", Data: testJob(t)})
	r := next(t, results)
	if ProblemOf(r.Err) != Unreachable || r.Job.ID != job.ID {
		t.Fatalf("%+v", r)
	}
	// Switched on again at the same address.
	fp2 := newFakePrinterAt(t, addr)
	q.Retry()
	if r := next(t, results); r.Err != nil {
		t.Fatalf("retry: %v", r.Err)
	}
	<-fp2.done
	if got := fp2.received(); len(got) != 1 || len(withoutStatus(got[0])) != len(job.Data) {
		t.Error("the retried job did not arrive")
	}
}
