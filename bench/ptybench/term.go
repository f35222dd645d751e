package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
)

// frame is the emulated screen right after one read from the pty: when the
// bytes arrived and what the screen showed once they were applied.
type frame struct {
	at     time.Time
	screen string
}

// term is a program running in a pseudo-terminal, its output fed to a
// terminal emulator (vt10x) as it arrives. Every read is stamped on
// arrival, before it is parsed, so the emulator's own cost is not counted.
type term struct {
	cmd     *exec.Cmd
	ptm     *os.File
	started time.Time // just before exec
	done    chan struct{}
	in      chan chunk // reads, stamped, on their way to parse

	mu      sync.Mutex
	vt      vt10x.Terminal
	partial []byte // an incomplete UTF-8 sequence at the end of the last read
	raw     []byte // everything the program wrote, for -dump
	frames  []frame
	changed chan struct{} // closed and replaced on every read
	readErr error
}

// start runs bin with args and env in a cols x rows pseudo-terminal. The pty
// is opened and sized before the clock starts: started is taken just
// before fork/exec.
func start(bin string, args, env []string, cols, rows int) (*term, error) {
	ptm, pts, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("opening a pty: %w", err)
	}
	if err := pty.Setsize(ptm, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		ptm.Close()
		pts.Close()
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	t := &term{cmd: cmd, ptm: ptm, done: make(chan struct{}), changed: make(chan struct{}), in: make(chan chunk, 1024),
		vt: vt10x.New(vt10x.WithSize(cols, rows))}
	t.started = time.Now()
	if err := cmd.Start(); err != nil {
		ptm.Close()
		pts.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	pts.Close() // the child has its copy
	go t.read()
	go t.parse()
	go func() { _ = cmd.Wait(); close(t.done) }()
	return t, nil
}

// read only reads and stamps: parsing happens in parse, so that the
// emulator's work on one piece of a frame never delays the read (and the
// time stamp) of the next.
func (t *term) read() {
	for {
		buf := make([]byte, 64<<10)
		n, err := t.ptm.Read(buf)
		at := time.Now()
		t.in <- chunk{at: at, data: buf[:n], err: err}
		if err != nil {
			close(t.in)
			return
		}
	}
}

type chunk struct {
	at   time.Time
	data []byte
	err  error
}

// parse feeds what read stamped to the emulator, one frame per read.
func (t *term) parse() {
	for c := range t.in {
		t.mu.Lock()
		if len(c.data) > 0 {
			t.raw = append(t.raw, c.data...)
			data := append(t.partial, c.data...)
			w, _ := t.vt.Write(data)
			t.partial = append([]byte(nil), data[w:]...)
			t.frames = append(t.frames, frame{at: c.at, screen: t.vt.String()})
		}
		if c.err != nil {
			t.readErr = c.err
		}
		close(t.changed)
		t.changed = make(chan struct{})
		t.mu.Unlock()
	}
}

// mark is a position in the list of frames, to look at what came after it.
func (t *term) mark() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.frames)
}

// waitFor waits until a frame from index from on satisfies ok, and returns
// that frame and its index.
func (t *term) waitFor(from int, timeout time.Duration, what string, ok func(screen string) bool) (frame, int, error) {
	deadline := time.After(timeout)
	for i := from; ; {
		t.mu.Lock()
		for ; i < len(t.frames); i++ {
			if ok(t.frames[i].screen) {
				f := t.frames[i]
				t.mu.Unlock()
				return f, i, nil
			}
		}
		changed, rerr := t.changed, t.readErr
		t.mu.Unlock()
		if rerr != nil {
			return frame{}, 0, fmt.Errorf("waiting for %s: the program's output ended (%v); screen:\n%s", what, rerr, t.screen())
		}
		select {
		case <-changed:
		case <-deadline:
			return frame{}, 0, fmt.Errorf("waited %v for %s; screen:\n%s", timeout, what, t.screen())
		}
	}
}

// waitText waits for s on the screen in a frame from index from on.
func (t *term) waitText(from int, s string) (frame, int, error) {
	return t.waitFor(from, 20*time.Second, fmt.Sprintf("%q", s), func(screen string) bool { return strings.Contains(screen, s) })
}

// quiet waits until no output has arrived for d (at most limit).
func (t *term) quiet(d, limit time.Duration) {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		t.mu.Lock()
		last := t.started
		if n := len(t.frames); n > 0 {
			last = t.frames[n-1].at
		}
		t.mu.Unlock()
		if time.Since(last) >= d {
			return
		}
		time.Sleep(d / 4)
	}
}

func (t *term) frameAt(i int) frame {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.frames[i]
}

func (t *term) framesFrom(i int) []frame {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]frame(nil), t.frames[i:]...)
}

func (t *term) screen() string {
	return t.vt.String()
}

func (t *term) rawOutput() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.raw...)
}

// send types s; the time returned is taken just before the write.
func (t *term) send(s string) (time.Time, error) {
	at := time.Now()
	_, err := io.WriteString(t.ptm, s)
	return at, err
}

// stop asks the program to quit with ctrl+c and waits for it, killing it
// after a while.
func (t *term) stop() error {
	_, _ = t.send("\x03")
	var err error
	select {
	case <-t.done:
	case <-time.After(5 * time.Second):
		_ = t.cmd.Process.Kill()
		<-t.done
		err = errors.New("did not quit within 5 s of ctrl+c; killed")
	}
	t.ptm.Close()
	return err
}
