package printer

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"
)

// serialPrinter prints on a serial port set raw (8 data bits, no parity,
// one stop bit) at the device's baud rate and flow control. A missing
// port says the cable is unplugged; the printer's answers to DLE EOT say
// when it is out of paper or its cover is open; output that does not
// drain by the deadline (the printer holding it back with RTS/CTS or
// XOFF, or not there at all) says it stopped taking data.
type serialPrinter struct {
	dev  Device
	opts Options
	mu   sync.Mutex // one job at a time
}

func (p *serialPrinter) Device() Device { return p.dev }

const serialHint = "is the printer's cable plugged in and the printer switched on?"

// drainPoll is how often the port's output queue is checked.
const drainPoll = 20 * time.Millisecond

func (p *serialPrinter) Print(ctx context.Context, job []byte) error {
	timeout, dl := budget(ctx), deadline(ctx)
	var g guard
	work := func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		file, err := openFile(p.dev.Path, os.O_RDWR|serialFlags)
		if err != nil {
			return fileError(p.dev, err, serialHint)
		}
		defer file.Close()
		if err := configure(file, p.dev); err != nil {
			return newError(Failed, p.dev, err, "Could not set up the serial port %s: %v.", p.dev.Path, err)
		}
		if !g.set(file) {
			return stalled(p.dev, ctx.Err(), timeout)
		}

		_ = file.SetWriteDeadline(dl)
		answers := false
		if !p.opts.NoStatusCheck {
			if answers, err = checkStatus(file, p.dev, p.opts.statusWait(), dl); err != nil {
				return err
			}
		}
		if _, err := file.Write(job); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				discardOutput(file)
				return stalled(p.dev, err, timeout)
			}
			return fileError(p.dev, err, serialHint)
		}
		// The write ends when the job is in the port's buffer: wait until
		// it has gone down the wire, so closing the port loses nothing.
		for queued(file) > 0 {
			if time.Now().After(dl) || ctx.Err() != nil {
				discardOutput(file)
				return stalled(p.dev, ctx.Err(), timeout)
			}
			time.Sleep(drainPoll)
		}
		if answers {
			return confirmJob(file, p.dev, dl, timeout)
		}
		return nil
	}
	return inBackground(ctx, work, g.abort, func() error { return stalled(p.dev, ctx.Err(), timeout) })
}
