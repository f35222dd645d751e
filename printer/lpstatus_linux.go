package printer

import (
	"os"

	"golang.org/x/sys/unix"
)

// Linux parallel port and usblp ioctls (linux/lp.h).
const (
	lpGetStatus = 0x060b // LPGETSTATUS: the IEEE 1284 status byte
	lpPOutPA    = 0x20   // LP_POUTPA: paper out
)

// lpPaperOut asks the usblp driver (or a parallel port) for the printer's
// port status and reports whether it says "paper out". Printers that do
// not implement the status request make the ioctl fail: false.
func lpPaperOut(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var status int
	var ierr error
	if err := rc.Control(func(fd uintptr) { status, ierr = unix.IoctlGetInt(int(fd), lpGetStatus) }); err != nil {
		return false
	}
	return ierr == nil && status&lpPOutPA != 0
}
