//go:build unix

package printer

import (
	"bytes"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A device that takes no data (a FIFO nobody reads stands in for a
// printer that stopped reading): the write stalls and Print returns by
// the deadline with a sentence.
func TestUSBPrinterStalls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no FIFO:", err)
	}
	p, _ := OpenDevice(Device{Transport: USB, Path: path}, Options{StatusWait: 10 * time.Millisecond})
	timeout := 300 * time.Millisecond
	err, took := printWithin(t, p, bytes.Repeat([]byte("x"), 4<<20), timeout)
	want := "The USB printer " + path + " did not take the job within 300ms: is it out of paper, its cover open, or switched off?"
	if ProblemOf(err) != Stalled || err.Error() != want {
		t.Errorf("%v, want %q", err, want)
	}
	if took > timeout+time.Second {
		t.Errorf("Print returned after %s, the deadline was %s", took, timeout)
	}
}
