//go:build !linux

package printer

import (
	"errors"
	"os"
	"runtime"
)

const serialFlags = 0

// newSerial: serial ports are set up with Linux's termios ioctls only.
func newSerial(Device, Options) (Printer, error) {
	return nil, errors.New("serial printers work on Linux only; on " + runtime.GOOS +
		" connect the printer over the network (tcp://HOST:9100) or as a device file")
}

func configure(*os.File, Device) error { return errors.ErrUnsupported }
func queued(*os.File) int              { return 0 }
func discardOutput(*os.File)           {}
