package printer

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: the test plays the printer on the
// master side; the serial printer opens the slave, a serial port as far as
// termios goes.
func openPTY(t *testing.T) (master *os.File, slave string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("no pseudo-terminals:", err)
	}
	t.Cleanup(func() { m.Close() })
	rc, _ := m.SyscallConn()
	var n int
	var ierr error
	rc.Control(func(fd uintptr) {
		if ierr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ierr == nil {
			n, ierr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
		}
	})
	if ierr != nil {
		t.Skip("pseudo-terminal:", ierr)
	}
	return m, fmt.Sprintf("/dev/pts/%d", n)
}

// ptyPrinter reads what arrives at the master until want bytes came,
// answering DLE EOT requests with the given bytes.
func ptyPrinter(master *os.File, offline, paper byte, want int) <-chan []byte {
	out := make(chan []byte, 1)
	go func() {
		var got []byte
		buf := make([]byte, 4096)
		for len(got) < want {
			n, err := master.Read(buf)
			if err != nil {
				break
			}
			chunk := buf[:n]
			for i := 0; i+2 < len(chunk); i++ {
				if chunk[i] == 0x10 && chunk[i+1] == 0x04 {
					switch chunk[i+2] {
					case 2:
						master.Write([]byte{offline})
					case 4:
						master.Write([]byte{paper})
					}
				}
			}
			got = append(got, chunk...)
		}
		out <- got
	}()
	return out
}

func TestSerialPrinter(t *testing.T) {
	master, slave := openPTY(t)
	p, err := Open("serial:"+slave+"?baud=19200&flow=xonxoff", Options{})
	if err != nil {
		t.Fatal(err)
	}
	job := testJob(t)
	received := ptyPrinter(master, 0x12, 0x12, len(job)+9) // the job and three status requests
	if err, _ := printWithin(t, p, job, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	got := <-received
	if !bytes.Equal(withoutStatus(got), job) {
		t.Errorf("the printer got %d bytes of job, want %d", len(withoutStatus(got)), len(job))
	}
	if !bytes.HasPrefix(got, []byte{0x10, 4, 2, 0x10, 4, 4}) || !bytes.HasSuffix(got, []byte{0x10, 4, 4}) {
		t.Error("no status requests around the job")
	}

	// The port was set raw at 19200 baud, 8N1, with XON/XOFF.
	f, err := os.OpenFile(slave, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case tio.Cflag&unix.CBAUD != unix.B19200:
		t.Errorf("speed %#x, want B19200", tio.Cflag&unix.CBAUD)
	case tio.Cflag&unix.CSIZE != unix.CS8 || tio.Cflag&(unix.PARENB|unix.CSTOPB) != 0:
		t.Error("not 8N1")
	case tio.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG) != 0 || tio.Oflag&unix.OPOST != 0:
		t.Error("not raw")
	case tio.Iflag&unix.IXON == 0:
		t.Error("no XON/XOFF")
	}
}

func TestSerialOutOfPaper(t *testing.T) {
	master, slave := openPTY(t)
	p, _ := Open("serial:"+slave+"?baud=9600", Options{})
	received := ptyPrinter(master, 0x32, 0x72, 6)
	err, _ := printWithin(t, p, testJob(t), 5*time.Second)
	if ProblemOf(err) != OutOfPaper {
		t.Errorf("%v, want out of paper", err)
	}
	if got := <-received; len(got) != 6 {
		t.Errorf("the printer got %d bytes, want only the status requests", len(got))
	}
}

// A printer that takes nothing (nobody reads the master): the job does
// not drain, and Print returns by the deadline with a sentence.
func TestSerialStalls(t *testing.T) {
	_, slave := openPTY(t)
	p, _ := Open("serial:"+slave, Options{StatusWait: 10 * time.Millisecond})
	timeout := 300 * time.Millisecond
	err, took := printWithin(t, p, bytes.Repeat([]byte("x"), 1<<20), timeout)
	want := "The serial printer on " + slave + " did not take the job within 300ms"
	if ProblemOf(err) != Stalled || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("%v, want %q", err, want)
	}
	if took > timeout+time.Second {
		t.Errorf("Print returned after %s, the deadline was %s", took, timeout)
	}
}

func TestSerialMissing(t *testing.T) {
	p, _ := Open("serial:/dev/ttyNOSUCH9?baud=19200", Options{})
	err, _ := printWithin(t, p, []byte("x"), time.Second)
	want := "/dev/ttyNOSUCH9 is missing: is the printer's cable plugged in and the printer switched on?"
	if ProblemOf(err) != Unreachable || err.Error() != want {
		t.Errorf("%v, want %q", err, want)
	}
}
