package printer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// JobKind says what a job prints.
type JobKind string

// The kinds of jobs.
const (
	KindReceipt   JobKind = "receipt"    // a paid sale's receipt
	KindPaymentQR JobKind = "payment_qr" // the payment QR for the customer
	KindReport    JobKind = "report"     // the end-of-day report
)

// Words is the kind for people: "receipt", "payment QR", "day report".
func (k JobKind) Words() string {
	switch k {
	case KindPaymentQR:
		return "payment QR"
	case KindReport:
		return "day report"
	}
	return string(k)
}

// Job is one print job.
type Job struct {
	// ID is set by Submit, unique in the queue.
	ID int64
	// Kind says what is printed.
	Kind JobKind
	// OrderID is the sale printed; empty for a report.
	OrderID string
	// Data is the ESC/POS job.
	Data []byte
	// Submitted is when the job was submitted (set by Submit).
	Submitted time.Time
	// Attempts counts the attempts so far; Err is the last one's error.
	Attempts int
	Err      error
}

// Label names the job: "receipt of till-1-…", "day report".
func (j Job) Label() string {
	if j.OrderID == "" {
		return j.Kind.Words()
	}
	return j.Kind.Words() + " of " + j.OrderID
}

// Result is the outcome of one attempt at a job.
type Result struct {
	Job Job
	// Err is nil when the job was printed; else a sentence for the cashier
	// (usually a *Error), and the job is kept among the failed ones.
	Err error
	// At is when the attempt ended.
	At time.Time
	// Device is where it was printed.
	Device Device
}

// Note is the result for the journal: "receipt printed on the USB printer
// /dev/usb/lp0 at 2026-11-21 14:03:05" or "receipt not printed: The
// printer ….".
func (r Result) Note() string {
	if r.Err != nil {
		return fmt.Sprintf("%s not printed: %s", r.Job.Kind.Words(), r.Err)
	}
	return fmt.Sprintf("%s printed on %s at %s", r.Job.Kind.Words(), r.Device.Name(), r.At.Format(time.DateTime))
}

// QueueOptions tune a Queue.
type QueueOptions struct {
	// Timeout bounds one attempt (default 10 s).
	Timeout time.Duration
	// OnResult is called after every attempt, on the queue's goroutine,
	// one at a time, in order: to journal what was printed, to tell the
	// cashier. The next job waits for it, so keep it short.
	OnResult func(Result)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// ErrClosed is the error of jobs submitted to a closed queue.
var ErrClosed = errors.New("printing has stopped: the terminal is shutting down")

// Queue prints jobs in the background, one at a time, each attempt bounded
// by the timeout. Submit never waits; a job that fails is kept, with its
// error, until Retry submits it again or Discard drops it. Its methods are
// safe for concurrent use.
type Queue struct {
	printer Printer
	opts    QueueOptions

	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{}
	done   chan struct{}

	mu      sync.Mutex
	nextID  int64
	pending []Job
	current *Job
	failed  []Job
	closed  bool
}

// NewQueue starts a queue printing on p. Close stops it.
func NewQueue(p Printer, o QueueOptions) *Queue {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{printer: p, opts: o, ctx: ctx, cancel: cancel,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	go q.run()
	return q
}

// Printer returns the printer the queue prints on.
func (q *Queue) Printer() Printer { return q.printer }

// Submit adds a job at the end of the queue and returns at once, with the
// job's ID and submission time set. After Close the job is not queued: it
// comes back with Err set to ErrClosed.
func (q *Queue) Submit(j Job) Job {
	q.mu.Lock()
	q.nextID++
	j.ID, j.Submitted, j.Attempts, j.Err = q.nextID, q.opts.Now(), 0, nil
	if q.closed {
		q.mu.Unlock()
		j.Err = ErrClosed
		return j
	}
	q.pending = append(q.pending, j)
	q.mu.Unlock()
	q.poke()
	return j
}

// Retry submits every failed job again, in the order they were first
// submitted, and returns how many.
func (q *Queue) Retry() int {
	q.mu.Lock()
	jobs := q.failed
	q.failed = nil
	if q.closed {
		q.failed = jobs
		q.mu.Unlock()
		return 0
	}
	slices.SortFunc(jobs, func(a, b Job) int { return int(a.ID - b.ID) })
	q.pending = append(q.pending, jobs...)
	q.mu.Unlock()
	q.poke()
	return len(jobs)
}

// RetryJob submits the failed job with the ID again; false when there is
// none.
func (q *Queue) RetryJob(id int64) bool {
	q.mu.Lock()
	i := slices.IndexFunc(q.failed, func(j Job) bool { return j.ID == id })
	if i < 0 || q.closed {
		q.mu.Unlock()
		return false
	}
	q.pending = append(q.pending, q.failed[i])
	q.failed = slices.Delete(q.failed, i, i+1)
	q.mu.Unlock()
	q.poke()
	return true
}

// Discard drops every failed job and returns how many.
func (q *Queue) Discard() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.failed)
	q.failed = nil
	return n
}

// Pending returns the jobs waiting to print, the one printing first.
func (q *Queue) Pending() []Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []Job
	if q.current != nil {
		out = append(out, *q.current)
	}
	return append(out, q.pending...)
}

// Failed returns the jobs whose last attempt failed, oldest first, each
// with its error.
func (q *Queue) Failed() []Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.failed)
}

// Close stops the queue: the attempt under way is cancelled (and kept
// among the failed jobs), jobs still waiting are dropped, and Close
// returns once the queue's goroutine has ended. It returns the jobs that
// never printed.
func (q *Queue) Close() []Job {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		<-q.done
		return nil
	}
	q.closed = true
	q.mu.Unlock()
	q.cancel()
	<-q.done
	q.mu.Lock()
	defer q.mu.Unlock()
	left := append(slices.Clone(q.failed), q.pending...)
	q.pending = nil
	return left
}

func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue) run() {
	defer close(q.done)
	for {
		q.mu.Lock()
		if len(q.pending) == 0 || q.closed {
			q.mu.Unlock()
			select {
			case <-q.wake:
				continue
			case <-q.ctx.Done():
				return
			}
		}
		j := q.pending[0]
		q.pending = q.pending[1:]
		q.current = &j
		q.mu.Unlock()

		ctx, cancel := context.WithTimeout(q.ctx, q.opts.Timeout)
		err := q.printer.Print(ctx, j.Data)
		cancel()
		if err != nil && q.ctx.Err() != nil && ProblemOf(err) == 0 {
			err = ErrClosed
		}

		q.mu.Lock()
		q.current = nil
		j.Attempts++
		j.Err = err
		if err != nil {
			q.failed = append(q.failed, j)
		}
		q.mu.Unlock()
		q.report(j, err)
	}
}

func (q *Queue) report(j Job, err error) {
	if q.opts.OnResult != nil {
		q.opts.OnResult(Result{Job: j, Err: err, At: q.opts.Now(), Device: q.printer.Device()})
	}
}
