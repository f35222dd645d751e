package printer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// serialFlags open a serial port without making it the controlling
// terminal (O_NOCTTY) and without waiting for the modem's carrier
// (O_NONBLOCK); a tty can always be polled, so Go's poller gives its reads
// and writes deadlines.
const serialFlags = unix.O_NOCTTY | unix.O_NONBLOCK

var bauds = map[int]uint32{
	1200: unix.B1200, 2400: unix.B2400, 4800: unix.B4800, 9600: unix.B9600, 19200: unix.B19200,
	38400: unix.B38400, 57600: unix.B57600, 115200: unix.B115200, 230400: unix.B230400,
}

func newSerial(d Device, o Options) (Printer, error) {
	if _, ok := bauds[d.Baud]; !ok {
		return nil, fmt.Errorf("%d is not a baud rate cryptopos can set", d.Baud)
	}
	return &serialPrinter{dev: d, opts: o}, nil
}

// configure sets the port raw, as cfmakeraw does, at the device's baud
// rate with 8 data bits, no parity, one stop bit, the receiver on, modem
// lines ignored, and the flow control asked for; then drops whatever the
// port had received before.
func configure(f *os.File, d Device) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var cerr error
	err = rc.Control(func(fd uintptr) {
		t, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
		if err != nil {
			cerr = fmt.Errorf("it is not a serial port (%w)", err)
			return
		}
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR |
			unix.ICRNL | unix.IXON | unix.IXOFF | unix.IXANY
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB | unix.CSTOPB | unix.CRTSCTS | unix.CBAUD
		t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL | bauds[d.Baud]
		t.Ispeed, t.Ospeed = bauds[d.Baud], bauds[d.Baud]
		switch d.Flow {
		case FlowRTSCTS:
			t.Cflag |= unix.CRTSCTS
		case FlowXONXOFF:
			t.Iflag |= unix.IXON | unix.IXOFF
		}
		t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
		if err := unix.IoctlSetTermios(int(fd), unix.TCSETS, t); err != nil {
			cerr = err
			return
		}
		_ = unix.IoctlSetInt(int(fd), unix.TCFLSH, unix.TCIFLUSH)
	})
	if err != nil {
		return err
	}
	return cerr
}

// queued is the number of bytes still in the port's output queue
// (TIOCOUTQ); 0 when it cannot say.
func queued(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	_ = rc.Control(func(fd uintptr) {
		if v, err := unix.IoctlGetInt(int(fd), unix.TIOCOUTQ); err == nil {
			n = v
		}
	})
	return n
}

// discardOutput drops what the port has not sent (TCFLSH TCOFLUSH), so
// closing it does not wait for a printer that takes nothing.
func discardOutput(f *os.File) {
	if rc, err := f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) { _ = unix.IoctlSetInt(int(fd), unix.TCFLSH, unix.TCOFLUSH) })
	}
}
