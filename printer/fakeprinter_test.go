package printer

import (
	"bytes"
	"net"
	"sync"
	"testing"
)

// fakePrinter is a network receipt printer on 127.0.0.1: it accepts
// connections, reads each to its end and keeps what it read, answering
// DLE EOT status requests as it goes, as a real printer does.
type fakePrinter struct {
	ln net.Listener
	// offline and paper are its answers to DLE EOT 2 and DLE EOT 4.
	offline, paper byte
	// mute printers never answer status requests; deaf ones never read.
	mute, deaf bool
	// onAccept is called as a connection is accepted.
	onAccept func()
	// stopAfter makes the printer stop reading after that many bytes
	// (0: never), as one with a full buffer does.
	stopAfter int

	mu   sync.Mutex
	hook func(read int)
	jobs [][]byte
	done chan struct{}
	quit chan struct{}
}

// newFakePrinter starts a printer, set up by the functions given before
// it serves.
func newFakePrinter(t *testing.T, setup ...func(*fakePrinter)) *fakePrinter {
	t.Helper()
	return newFakePrinterAt(t, "127.0.0.1:0", setup...)
}

// newFakePrinterAt starts a printer at addr.
func newFakePrinterAt(t *testing.T, addr string, setup ...func(*fakePrinter)) *fakePrinter {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakePrinter{ln: ln, offline: 0x12, paper: 0x12, done: make(chan struct{}, 16), quit: make(chan struct{})}
	for _, set := range setup {
		set(f)
	}
	t.Cleanup(func() { ln.Close(); close(f.quit) })
	go f.serve()
	return f
}

func (f *fakePrinter) addr() string { return f.ln.Addr().String() }

func (f *fakePrinter) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.handle(c)
	}
}

func (f *fakePrinter) handle(c net.Conn) {
	defer c.Close()
	if f.onAccept != nil {
		f.onAccept()
	}
	if f.deaf {
		<-f.quit // hold the connection, read nothing
		return
	}
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		chunk := buf[:n]
		if f.stopAfter > 0 && len(got)+n > f.stopAfter {
			chunk = chunk[:f.stopAfter-len(got)] // what did not fit stays in the network
		}
		got = append(got, chunk...)
		f.mu.Lock()
		hook := f.hook
		f.mu.Unlock()
		if hook != nil {
			hook(len(got))
		}
		if !f.mute {
			for i := 0; i+2 < len(chunk); i++ {
				if chunk[i] == 0x10 && chunk[i+1] == 0x04 {
					switch chunk[i+2] {
					case 2:
						c.Write([]byte{f.answer(&f.offline)})
					case 4:
						c.Write([]byte{f.answer(&f.paper)})
					}
				}
			}
		}
		if err != nil || f.stopAfter > 0 && len(got) >= f.stopAfter {
			break
		}
	}
	if f.stopAfter > 0 {
		<-f.quit // stuck: holds the connection, reads no more
	}
	f.mu.Lock()
	f.jobs = append(f.jobs, got)
	f.mu.Unlock()
	f.done <- struct{}{}
}

func (f *fakePrinter) answer(b *byte) byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *b
}

func (f *fakePrinter) setPaper(b byte) {
	f.mu.Lock()
	f.paper = b
	f.mu.Unlock()
}

// received returns everything the printer read, connection by connection.
func (f *fakePrinter) received() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.jobs...)
}

// withoutStatus drops the status requests a transport sends around a job.
func withoutStatus(b []byte) []byte {
	for _, req := range [][]byte{{0x10, 0x04, 2}, {0x10, 0x04, 4}} {
		b = bytes.ReplaceAll(b, req, nil)
	}
	return b
}
