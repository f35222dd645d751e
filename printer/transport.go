package printer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// Printer carries jobs to one printer. Print opens the link for each job
// and closes it after, so a printer switched off, unplugged or replaced
// between jobs is found again by the next one.
type Printer interface {
	// Print sends one job. It returns by ctx's deadline (at most a tenth
	// of a second after it), failing with a *Error whose message is a
	// sentence for the cashier. A job that failed may have been printed
	// in part.
	Print(ctx context.Context, job []byte) error
	// Device is the device printed to.
	Device() Device
}

// Options tune the transports. The zero Options checks the paper.
type Options struct {
	// NoStatusCheck skips asking the printer for its paper and cover
	// (DLE EOT 2 and 4) before each job, over the links that can answer
	// (network, serial, bidirectional USB).
	NoStatusCheck bool
	// StatusWait is how long to wait for that answer before printing
	// regardless (default 500 ms); printers that do not answer cost this
	// much per job.
	StatusWait time.Duration
}

// DefaultStatusWait bounds the wait for a status answer.
const DefaultStatusWait = 500 * time.Millisecond

func (o Options) statusWait() time.Duration {
	if o.StatusWait <= 0 {
		return DefaultStatusWait
	}
	return o.StatusWait
}

// Open returns the printer the device value names (see ParseDevice). It
// does not touch the device: problems show when printing.
func Open(device string, o Options) (Printer, error) {
	d, err := ParseDevice(device)
	if err != nil {
		return nil, err
	}
	return OpenDevice(d, o)
}

// OpenDevice is Open for a parsed device.
func OpenDevice(d Device, o Options) (Printer, error) {
	switch d.Transport {
	case TCP:
		return &tcpPrinter{dev: d, opts: o}, nil
	case File:
		return &filePrinter{dev: d}, nil
	case USB:
		return &usbPrinter{dev: d, opts: o}, nil
	case Serial:
		return newSerial(d, o)
	}
	return nil, fmt.Errorf("unknown transport %q", d.Transport)
}

// Problem classifies print failures by what the cashier can do.
type Problem int

// The problems.
const (
	// Unreachable: the printer is not there (off, unplugged, not on the
	// network, a wrong address).
	Unreachable Problem = iota + 1
	// OutOfPaper: the printer says its roll is empty.
	OutOfPaper
	// CoverOpen: the printer says its cover is open.
	CoverOpen
	// Stalled: the printer took the job too slowly or not at all within
	// the timeout (often out of paper, the cover open, or a jam, on links
	// that cannot say).
	Stalled
	// NoPermission: the system does not let cryptopos use the device.
	NoPermission
	// Failed: anything else.
	Failed
)

// Error is a print failure with a sentence for the cashier.
type Error struct {
	Problem Problem
	Device  Device
	// Message is a complete sentence naming the printer.
	Message string
	// Err is the underlying error, for logs.
	Err error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// ProblemOf returns the problem of err, 0 when err is not an *Error.
func ProblemOf(err error) Problem {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Problem
	}
	return 0
}

func newError(p Problem, d Device, err error, format string, args ...any) *Error {
	return &Error{Problem: p, Device: d, Message: fmt.Sprintf(format, args...), Err: err}
}

func outOfPaper(d Device) *Error {
	return newError(OutOfPaper, d, nil, "The printer reports it is out of paper: load a new roll, then print again.")
}

func coverOpen(d Device) *Error {
	return newError(CoverOpen, d, nil, "The printer reports its cover is open: close it, then print again.")
}

func stalled(d Device, err error, timeout time.Duration) *Error {
	return newError(Stalled, d, err, "%s did not take the job within %s: is it out of paper, its cover open, or switched off?",
		capital(d.Name()), round(timeout))
}

// fileError turns the error of opening or writing a device file into a
// sentence.
func fileError(d Device, err error, plugHint string) *Error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return newError(Unreachable, d, err, "%s is missing: %s", d.Path, plugHint)
	case errors.Is(err, fs.ErrPermission):
		group := "lp"
		if d.Transport == Serial {
			group = "dialout"
		}
		return newError(NoPermission, d, err,
			"cryptopos may not write to %s: add its user to the %s group (sudo usermod -aG %s USER), then log in again.",
			d.Path, group, group)
	case errors.Is(err, syscall.ENOSPC) && d.Transport == USB:
		return outOfPaper(d)
	case errors.Is(err, syscall.EIO), errors.Is(err, syscall.EPIPE):
		return newError(Unreachable, d, err, "%s stopped answering: %s", capital(d.Name()), plugHint)
	case errors.Is(err, syscall.EBUSY):
		return newError(Failed, d, err, "%s is in use by another program (a print spooler such as CUPS?).", d.Path)
	}
	return newError(Failed, d, err, "Could not print on %s: %v.", d.Path, trimOp(err))
}

// trimOp drops the "open /dev/x: " of a *PathError, which the sentence
// already says.
func trimOp(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// capital is s with its first letter upper case.
func capital(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// round shows a timeout as people write it, from the time that was left
// when printing started, which is a little less than the timeout: up to
// whole seconds (10s), or tenths below one (300ms).
func round(d time.Duration) time.Duration {
	unit := time.Second
	if d < time.Second {
		unit = 100 * time.Millisecond
	}
	return (d + unit - 1) / unit * unit
}

// budget is the time left before ctx's deadline (10 s when it has none).
func budget(ctx context.Context) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return time.Until(dl)
	}
	return 10 * time.Second
}

// deadline is ctx's deadline, or 10 s from now when it has none.
func deadline(ctx context.Context) time.Time {
	if dl, ok := ctx.Deadline(); ok {
		return dl
	}
	return time.Now().Add(10 * time.Second)
}

// inBackground runs f in a goroutine and returns its error. When ctx ends
// first, abort is called so that f gives up as soon as it can (a device
// with deadlines returns at once), and f's own error is returned if it
// comes within abortGrace; otherwise onTimeout's, and f is left to finish
// alone. This keeps a blocking open or write on a device from holding the
// caller past the deadline.
func inBackground(ctx context.Context, f func() error, abort func(), onTimeout func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	if abort != nil {
		abort()
	}
	select {
	case err := <-done:
		if err != nil {
			return err
		}
		return nil // it finished after all
	case <-time.After(abortGrace):
		return onTimeout()
	}
}

// guard lets inBackground's abort reach a device file that the
// background work opens.
type guard struct {
	mu      sync.Mutex
	f       *os.File
	aborted bool
}

// set hands the open file to the guard; false when the job was aborted
// already.
func (g *guard) set(f *os.File) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.f = f
	return !g.aborted
}

// abort makes the file's pending and future reads and writes fail at
// once, where the device has deadlines.
func (g *guard) abort() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.aborted = true
	if g.f != nil {
		_ = g.f.SetDeadline(time.Unix(1, 0))
	}
}

// abortGrace is how long an aborted device write has to report why.
const abortGrace = 100 * time.Millisecond

// openFile opens a device file, and stats it first so a missing device is
// reported without waiting.
func openFile(path string, flag int) (*os.File, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return os.OpenFile(path, flag, 0)
}
