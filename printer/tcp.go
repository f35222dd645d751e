package printer

import (
	"context"
	"errors"
	"io"
	"net"
	"time"
)

// tcpPrinter prints on a network printer's raw port. A connection refused
// or never answered says the printer is off or not on the network; the
// printer's answers to DLE EOT before the job say when it is out of paper
// or its cover is open, and after the job that it took it all (or ran out
// of paper on the way); a write, or an answer, that does not come by the
// deadline says it stopped taking data. A printer that never answers
// DLE EOT is trusted once the job is in the network's buffers.
type tcpPrinter struct {
	dev  Device
	opts Options
}

func (p *tcpPrinter) Device() Device { return p.dev }

// drainWait bounds the wait for the printer to close the connection after
// the job: it then has read every byte.
const drainWait = 2 * time.Second

func (p *tcpPrinter) Print(ctx context.Context, job []byte) error {
	timeout, dl := budget(ctx), deadline(ctx)
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", p.dev.Addr)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && !dnsErr.IsTimeout {
			return newError(Unreachable, p.dev, err,
				"The printer's address %s cannot be found: check the device in the [printer] section of the config.", p.dev.Addr)
		}
		return newError(Unreachable, p.dev, err,
			"The printer at %s does not answer: is it switched on and on the network?", p.dev.Addr)
	}
	defer conn.Close()
	_ = conn.SetDeadline(dl)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	answers := false
	if !p.opts.NoStatusCheck {
		if answers, err = checkStatus(conn, p.dev, p.opts.statusWait(), dl); err != nil {
			return err
		}
	}
	if _, err := conn.Write(job); err != nil {
		if isTimeout(err) {
			return stalled(p.dev, err, timeout)
		}
		return newError(Unreachable, p.dev, err,
			"The printer at %s closed the connection in the middle of the job: is it switched on?", p.dev.Addr)
	}
	if answers {
		if err := confirmJob(conn, p.dev, dl, timeout); err != nil {
			return err
		}
	}
	// Tell the printer the job is complete and give it a moment to read
	// it all and hang up, so the next job does not find it still busy.
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		end := time.Now().Add(drainWait)
		if end.After(dl) {
			end = dl
		}
		_ = conn.SetReadDeadline(end)
		_, _ = io.Copy(io.Discard, conn)
	}
	return nil
}
