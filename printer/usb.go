package printer

import (
	"context"
	"errors"
	"os"
	"sync"
)

// usbPrinter writes jobs raw to a printer device: /dev/usb/lp0 of the
// Linux usblp driver, or a parallel port. A missing device file says the
// printer is unplugged or off; when the printer answers DLE EOT (a
// bidirectional USB printer) it says when it is out of paper or its cover
// is open; a write that stalls until the deadline says it stopped taking
// data, and on Linux the port status of usblp (LPGETSTATUS) then tells
// whether it is out of paper.
type usbPrinter struct {
	dev  Device
	opts Options
	mu   sync.Mutex // one job at a time
}

func (p *usbPrinter) Device() Device { return p.dev }

const usbHint = "is the printer plugged in and switched on?"

func (p *usbPrinter) Print(ctx context.Context, job []byte) error {
	timeout, dl := budget(ctx), deadline(ctx)
	var g guard
	work := func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		file, readable, err := openDevice(p.dev.Path)
		if err != nil {
			return fileError(p.dev, err, usbHint)
		}
		defer file.Close()
		if !g.set(file) {
			return stalled(p.dev, ctx.Err(), timeout)
		}

		_ = file.SetWriteDeadline(dl) // fails on a device without a poller: inBackground bounds it
		answers := false
		if readable && !p.opts.NoStatusCheck {
			if answers, err = checkStatus(file, p.dev, p.opts.statusWait(), dl); err != nil {
				return err
			}
		}
		if _, err := file.Write(job); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if lpPaperOut(file) {
					return outOfPaper(p.dev)
				}
				return stalled(p.dev, err, timeout)
			}
			return fileError(p.dev, err, usbHint)
		}
		if answers {
			return confirmJob(file, p.dev, dl, timeout)
		}
		return nil
	}
	return inBackground(ctx, work, g.abort, func() error { return stalled(p.dev, ctx.Err(), timeout) })
}

// openDevice opens a printer device for reading and writing, so it can
// answer status requests, or for writing only where reading is refused.
// Where the driver can be polled (usblp can), Go's poller gives reads and
// writes deadlines; elsewhere they block, and inBackground bounds them.
func openDevice(path string) (f *os.File, readable bool, err error) {
	if f, err := openFile(path, os.O_RDWR); err == nil {
		return f, true, nil
	}
	f, err = openFile(path, os.O_WRONLY)
	return f, false, err
}
