package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"cryptopos/pos"
	"cryptopos/printer"
	"cryptopos/ui"
)

// printing is the receipt printer as the terminal uses it: it builds the
// jobs, prints them in the background, journals what was printed, tells
// the screen, and prints a receipt when a sale turns paid (auto_print).
type printing struct {
	shop     printer.Shop
	format   printer.Format
	engine   *pos.Engine
	provider string
	queue    *printer.Queue
	log      *slog.Logger
	results  chan ui.PrintResult
	stop     func()
}

// startPrinting opens the printer's queue; nil when printing is off.
func startPrinting(cfg printer.Config, shopName string, loc *time.Location, e *pos.Engine, log *slog.Logger) (*printing, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	dev, err := cfg.Open()
	if err != nil {
		return nil, err
	}
	p := &printing{
		shop: cfg.Shop(shopName), format: cfg.Format(loc), engine: e,
		provider: e.Provider().Name(), log: log, results: make(chan ui.PrintResult, 16),
	}
	o := cfg.QueueOptions()
	o.OnResult = p.done
	p.queue = printer.NewQueue(dev, o)
	if cfg.AutoPrint {
		p.stop = p.autoPrint()
	}
	return p, nil
}

func (p *printing) close() {
	if p.stop != nil {
		p.stop()
	}
	p.queue.Close()
}

// done journals an attempt and tells the screen; it runs on the queue's
// goroutine.
func (p *printing) done(r printer.Result) {
	if r.Err != nil {
		p.log.Warn("printing failed", "job", r.Job.Label(), "err", r.Err)
	} else {
		p.log.Info("printed", "job", r.Job.Label(), "device", r.Device.String())
	}
	if r.Job.OrderID != "" {
		if err := p.engine.Note(context.Background(), r.Job.OrderID, r.Note()); err != nil {
			p.log.Warn("could not journal the print", "order_id", r.Job.OrderID, "err", err)
		}
	}
	select {
	case p.results <- ui.PrintResult{What: r.Job.Label(), Err: r.Err, Failed: len(p.queue.Failed())}:
	default: // the screen is behind; the next result tells it
	}
}

// Receipt queues the receipt of a paid sale.
func (p *printing) Receipt(inv pos.Invoice, copy bool) error {
	data, err := printer.Receipt(printer.ReceiptData{Invoice: inv, ProviderName: p.provider, Copy: copy}, p.shop, p.format)
	if err != nil {
		return err
	}
	p.queue.Submit(printer.Job{Kind: printer.KindReceipt, OrderID: inv.OrderID, Data: data})
	return nil
}

// PaymentQR queues the payment page's QR code for the customer.
func (p *printing) PaymentQR(inv pos.Invoice) error {
	data, err := printer.PaymentQR(inv, p.shop, p.format)
	if err != nil {
		return err
	}
	p.queue.Submit(printer.Job{Kind: printer.KindPaymentQR, OrderID: inv.OrderID, Data: data})
	return nil
}

// Report queues the end-of-day report.
func (p *printing) Report(r pos.Report) error {
	p.queue.Submit(printer.Job{Kind: printer.KindReport, Data: printer.DayReport(r, p.shop, p.format)})
	return nil
}

// Retry prints the failed jobs again.
func (p *printing) Retry() { p.queue.Retry() }

// Results reports every attempt.
func (p *printing) Results() <-chan ui.PrintResult { return p.results }

// autoPrint prints a sale's receipt when it turns paid: while on screen,
// after a restart that finds it paid, or as a late payment. A sale found
// paid before this process first watched it is not printed again.
func (p *printing) autoPrint() (stop func()) {
	sub := p.engine.Subscribe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			s, err := sub.Next(context.Background())
			if err != nil {
				return
			}
			if !s.TurnedPaid {
				continue
			}
			if err := p.Receipt(s.Invoice, false); err != nil {
				p.log.Warn("no receipt for a paid sale", "order_id", s.Invoice.OrderID, "err", err)
			}
		}
	}()
	return func() { sub.Close(); wg.Wait() }
}
