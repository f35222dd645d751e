package ui

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

// fakePrinter records what the screens ask it to print.
type fakePrinter struct {
	mu      sync.Mutex
	calls   []string
	retries int
	results chan PrintResult
}

func (f *fakePrinter) record(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return nil
}
func (f *fakePrinter) Receipt(inv pos.Invoice, copy bool) error {
	if !inv.Status.Success() {
		return errors.New("only a sale paid in full has a receipt")
	}
	return f.record("receipt " + inv.OrderID)
}
func (f *fakePrinter) PaymentQR(inv pos.Invoice) error { return f.record("qr " + inv.OrderID) }
func (f *fakePrinter) Report(r pos.Report) error       { return f.record("report") }
func (f *fakePrinter) Retry()                          { f.mu.Lock(); f.retries++; f.mu.Unlock() }
func (f *fakePrinter) Results() <-chan PrintResult     { return f.results }
func (f *fakePrinter) called(s string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c == s {
			return true
		}
	}
	return false
}

func TestPrintKeys(t *testing.T) {
	fp := &fakePrinter{results: make(chan PrintResult, 4)}
	h := newHarness(t, func(o *Options, _ *postest.Provider) { o.Printer = fp })
	inv := h.sale("12.50", "2")
	if !strings.Contains(h.screen(), "P print") {
		t.Fatal("no print key on the invoice screen")
	}
	h.press("P")
	h.waitFor("the payment QR printed", func(string) bool { return fp.called("qr " + inv.OrderID) })

	h.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	h.press("r")
	h.waitText("enter new sale")
	h.press("P")
	h.waitFor("a receipt copy", func(string) bool { return fp.called("receipt " + inv.OrderID) })
	h.waitText("Printing the receipt")

	fp.results <- PrintResult{What: "receipt of " + inv.OrderID, Err: errors.New("The printer at 10.0.0.9:9100 does not answer: is it switched on and on the network?"), Failed: 1}
	h.waitText("PRINTER")
	h.golden("result-print-failed")
	if !strings.Contains(h.screen(), "R print again") {
		t.Fatal("no retry key in the help bar")
	}
	h.press("R")
	h.waitFor("a retry", func(string) bool { fp.mu.Lock(); defer fp.mu.Unlock(); return fp.retries == 1 })
	fp.results <- PrintResult{What: "receipt of " + inv.OrderID}
	h.waitText("Printed the receipt of " + inv.OrderID + ".")
	if strings.Contains(h.screen(), "PRINTER ") {
		t.Fatal("the failure banner stayed after the job printed")
	}

	h.press("enter")
	h.waitText("Amount (EUR)")
	h.press("r")
	h.waitText("End of day")
	h.waitText("Received")
	h.press("P")
	h.waitFor("the report printed", func(string) bool { return fp.called("report") })
}

func TestNoPrintKeysWithoutAPrinter(t *testing.T) {
	h := newHarness(t)
	h.sale("12.50", "2")
	if strings.Contains(h.screen(), "P print") {
		t.Fatal("a print key without a printer")
	}
	h.press("P") // nothing happens
	if h.m.printNote != "" {
		t.Fatalf("note %q", h.m.printNote)
	}
}

func TestRetryPrintFromTheSaleScreen(t *testing.T) {
	fp := &fakePrinter{results: make(chan PrintResult, 4)}
	h := newHarness(t, func(o *Options, _ *postest.Provider) { o.Printer = fp })
	fp.results <- PrintResult{What: "receipt of pos-1", Err: errors.New("The printer is out of paper."), Failed: 1}
	h.waitText("PRINTER")
	h.press("R")
	h.waitFor("a retry", func(string) bool { fp.mu.Lock(); defer fp.mu.Unlock(); return fp.retries == 1 })
	h.press("P") // no job to print here
	if len(fp.calls) != 0 {
		t.Fatalf("P on the Sale screen printed %v", fp.calls)
	}
}
