package printer

import (
	"context"
	"os"
	"sync"
)

// filePrinter appends every job to a file: an archive of what was
// printed, or a printer for tests. It can tell nothing about paper.
type filePrinter struct {
	dev Device
	mu  sync.Mutex // one job at a time, so jobs never interleave
}

func (p *filePrinter) Device() Device { return p.dev }

func (p *filePrinter) Print(ctx context.Context, job []byte) error {
	timeout := budget(ctx)
	return inBackground(ctx, func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		f, err := os.OpenFile(p.dev.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return newError(Failed, p.dev, err, "Could not open %s to write the job: %v.", p.dev.Path, trimOp(err))
		}
		_, err = f.Write(job)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return newError(Failed, p.dev, err, "Could not write the job to %s: %v.", p.dev.Path, trimOp(err))
		}
		return nil
	}, nil, func() error { return stalled(p.dev, ctx.Err(), timeout) })
}
