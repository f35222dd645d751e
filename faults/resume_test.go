package faults

import (
	"context"
	"path/filepath"
	"testing"

	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/pos/postest"
	"cryptopos/providers/cryptomus"
	cmsandbox "cryptopos/providers/cryptomus/sandbox"

	"github.com/shopspring/decimal"
)

// hookJournal is the SQLite journal with a hook after each insert.
type hookJournal struct {
	*journal.Journal
	afterInsert func(pos.Invoice)
}

func (j *hookJournal) Insert(ctx context.Context, inv pos.Invoice, note string) error {
	err := j.Journal.Insert(ctx, inv, note)
	if err == nil && j.afterInsert != nil {
		j.afterInsert(inv)
	}
	return err
}

// TestResumeRacesNewInvoice: Engine.Resume, run while a sale is being
// started (the UI runs it in a command at start-up), takes the invoice
// StartSale has journaled but not yet watched for one whose create may
// have been lost, and looks it up instead of creating it. At Cryptomus
// the look-up finds nothing and the new sale ends CANCELLED ("The
// terminal stopped before Cryptomus created the invoice") without an
// invoice ever being made; the same happens to the replacement of an
// invoice whose answer was lost (Engine.replace). The hook runs Resume in
// that window; in the package's other tests the screen waits for the
// UI's Resume to finish before it sells.
func TestResumeRacesNewInvoice(t *testing.T) {
	t.Parallel()
	clock := postest.NewClock(t0)
	sb := cmsandbox.New(cmsandbox.Options{Clock: clock})
	api := newGate(t, sb)
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = j.Close() })
	client, err := cryptomus.New(cryptomus.Config{BaseURL: api.url() + "/v1", Merchant: sb.Merchant(), PaymentKey: sb.PaymentKey()},
		cryptomus.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	hj := &hookJournal{Journal: j}
	e := pos.NewEngine(client, hj, clock, pos.EngineConfig{Random: &postest.Random{}}, nil)
	t.Cleanup(e.Close)
	hj.afterInsert = func(pos.Invoice) { _, _, _ = e.Resume(context.Background()) }
	sub := e.Subscribe()
	t.Cleanup(sub.Close)

	inv, err := e.StartSale(context.Background(), pos.Sale{Amount: pos.NewMoney(decimal.RequireFromString("12.50"), "EUR")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	s, err := sub.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Invoice.OrderID != inv.OrderID || !s.Invoice.Created() || sb.Count() != 1 {
		t.Errorf("the new sale was looked up, not created: %s %q (trouble %v); Cryptomus holds %d invoices",
			s.Invoice.Status, s.Invoice.Reason, s.Trouble, sb.Count())
	}
}
