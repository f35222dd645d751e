package pos_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

func TestLatePaymentAfterExpiryIsRecorded(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	r.clock.Advance(15 * time.Minute)
	s := r.until("expired", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusExpired })
	if !s.Watching || !s.LateWatch || s.NextCheck.Sub(r.clock.Now()) != time.Minute {
		t.Fatalf("an expired sale should be checked gently for a late payment: %+v", s)
	}
	// The checks back off: 1, 2, 4, 5, 5 minutes.
	for _, want := range []time.Duration{2, 4, 5, 5} {
		r.clock.Advance(s.NextCheck.Sub(r.clock.Now()))
		s = r.next()
		if got := s.NextCheck.Sub(r.clock.Now()); got != want*time.Minute {
			t.Fatalf("late check in %v, want %vm", got, want)
		}
	}
	r.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	r.clock.Advance(5 * time.Minute)
	s = r.until("paid late", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusPaid })
	if !s.Invoice.Late || s.Invoice.LateAcknowledged || s.Watching {
		t.Fatalf("late payment: %+v", s)
	}
	events, _ := r.journal.Events(context.Background(), inv.OrderID)
	if last := events[len(events)-1]; !strings.HasPrefix(last.Note, "late payment") {
		t.Fatalf("last event %q", last.Note)
	}

	if err := r.engine.Acknowledge(context.Background(), inv.OrderID); err != nil {
		t.Fatal(err)
	}
	if stored, _ := r.journal.Get(context.Background(), inv.OrderID); !stored.LateAcknowledged {
		t.Fatal("acknowledgement not journaled")
	}
}

func TestMoreMoneyForAnUnderpaidSaleIsALatePayment(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	btc := func(s string) pos.Money { return pos.Money{Amount: decimal.RequireFromString(s), Currency: "BTC"} }
	r.provider.Set(inv.OrderID, pos.StatusUnderpaid, func(u *pos.Update) { u.Paid = btc("0.0001") })
	r.clock.Advance(3 * time.Second)
	r.until("underpaid", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusUnderpaid })
	r.provider.Set(inv.OrderID, pos.StatusUnderpaid, func(u *pos.Update) { u.Paid = btc("0.00015") })
	r.clock.Advance(time.Minute)
	s := r.until("more money", func(s pos.Snapshot) bool { return s.Invoice.Late })
	if s.Invoice.Status != pos.StatusUnderpaid || !s.LateWatch {
		t.Fatalf("still underpaid, still watched: %+v", s)
	}
}

func TestLateWatchEndsAfterADay(t *testing.T) {
	r := newRig(t, nil)
	r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	r.clock.Advance(15 * time.Minute)
	r.until("expired", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusExpired })
	r.clock.Advance(25 * time.Hour)
	s := r.until("stopped", func(s pos.Snapshot) bool { return !s.Watching })
	if s.LateWatch || s.Invoice.Late {
		t.Fatalf("after a day: %+v", s)
	}
}

func TestResumeWatchesRecentlyUnpaidAndShowsUnseenLatePayments(t *testing.T) {
	ctx := context.Background()
	clock := postest.NewClock(t0)
	journal := postest.NewJournal()
	provider := postest.NewProvider(clock, 15*time.Minute)
	put := func(id string, st pos.Status, updated time.Time, late, ack bool) {
		inv := pos.Invoice{OrderID: id, Provider: "fake", Amount: eur("5"), CreatedAt: updated.Add(-time.Hour),
			UpdatedAt: updated, Status: st, ProviderID: "fake-" + id, URL: "https://pay.example/" + id,
			Late: late, LateAcknowledged: ack}
		if err := journal.Insert(ctx, inv, "test"); err != nil {
			t.Fatal(err)
		}
	}
	put("recent-expired", pos.StatusExpired, t0.Add(-time.Hour), false, false)
	put("old-expired", pos.StatusExpired, t0.Add(-48*time.Hour), false, false)
	put("late-unseen", pos.StatusPaid, t0.Add(-2*time.Hour), true, false)
	put("late-seen", pos.StatusPaid, t0.Add(-2*time.Hour), true, true)

	e := pos.NewEngine(provider, journal, clock, pos.EngineConfig{}, nil)
	defer e.Close()
	sub := e.Subscribe()
	defer sub.Close()
	if _, _, err := e.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Watching("recent-expired"); !ok {
		t.Fatal("a sale that expired an hour ago is not watched for a late payment")
	}
	if _, ok := e.Watching("old-expired"); ok {
		t.Fatal("a sale that expired two days ago is still watched")
	}
	seen := map[string]bool{}
	for s := range snapshots(t, sub) {
		seen[s.Invoice.OrderID] = true
		if seen["late-unseen"] && seen["recent-expired"] {
			break
		}
	}
	if seen["late-seen"] {
		t.Fatal("an acknowledged late payment was shown again")
	}
}

func TestWatchPicksUpOneInvoice(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	r.engine.Close()

	e := pos.NewEngine(r.provider, r.journal, r.clock, pos.EngineConfig{}, nil)
	defer e.Close()
	sub := e.Subscribe()
	defer sub.Close()
	got, err := e.Watch(context.Background(), inv.OrderID)
	if err != nil || got.OrderID != inv.OrderID {
		t.Fatalf("watch: %+v %v", got, err)
	}
	r.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	r.clock.Advance(15 * time.Second)
	for s := range snapshots(t, sub) {
		if s.Invoice.Status == pos.StatusPaid {
			break
		}
	}
	if _, err := e.Watch(context.Background(), "no-such-order"); err == nil {
		t.Fatal("watching an unknown order id should fail")
	}
}

func TestAlreadyTakenOrderIDIsCancelledAndReplaced(t *testing.T) {
	r := newRig(t, func(p *postest.Provider) pos.Provider { return postest.Cancelling{Provider: p} })
	dup := &pos.ProviderError{Kind: pos.ErrKindDuplicate, Message: "FakePay says the order id is already taken."}
	r.provider.Fail(postest.MethodCreate, postest.ErrLostReply, dup)
	old := r.sale()
	r.until("trouble", func(s pos.Snapshot) bool { return s.Trouble != nil })
	r.clock.Advance(6 * time.Second) // the retry after the lost reply
	s := r.until("replaced", func(s pos.Snapshot) bool { return s.Invoice.ReplacedBy != "" })
	if s.Invoice.OrderID != old.OrderID || s.Invoice.Status != pos.StatusCancelled {
		t.Fatalf("old invoice: %+v", s.Invoice)
	}
	next := s.Invoice.ReplacedBy
	s = r.until("the replacement created", func(s pos.Snapshot) bool {
		return s.Invoice.OrderID == next && s.Invoice.Created()
	})
	if s.Invoice.Replaces != old.OrderID || s.Invoice.Amount.String() != "12.50 EUR" || s.Invoice.Pay.Code != "BTC" {
		t.Fatalf("replacement: %+v", s.Invoice)
	}
	// Never two live invoices for one sale: the first is cancelled at the provider.
	if r.provider.Calls(postest.MethodCancel) != 1 || r.provider.Invoices() != 2 {
		t.Fatalf("%d cancels, %d invoices", r.provider.Calls(postest.MethodCancel), r.provider.Invoices())
	}
	stored, _ := r.journal.Get(context.Background(), old.OrderID)
	if stored.Status != pos.StatusCancelled || stored.ReplacedBy != next {
		t.Fatalf("journal has the old one as %+v", stored)
	}
	if _, ok := r.engine.Watching(next); !ok {
		t.Fatal("the replacement is not watched")
	}
}

func TestDiscoverPicksUpSalesOfAnotherProcess(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	// A script's engine on the same journal and provider.
	script := pos.NewEngine(r.provider, r.journal, r.clock, pos.EngineConfig{TerminalID: "cli"}, nil)
	defer script.Close()
	inv, err := script.StartSale(ctx, pos.Sale{Amount: eur("4"), Note: "sale started from the command line"})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if got, _ := r.journal.Get(ctx, inv.OrderID); got.Created() {
			break
		}
		runtime.Gosched()
	}
	if err := r.engine.Discover(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.engine.Watching(inv.OrderID); !ok {
		t.Fatal("the terminal does not watch the script's sale")
	}
	events, _ := r.journal.Events(ctx, inv.OrderID)
	if events[0].Note != "sale started from the command line" {
		t.Fatalf("first event %q", events[0].Note)
	}
}

// Trouble during the late-payment watch is not journaled: the sale's
// UpdatedAt still dates its end, so a restart does not stretch the 24 h.
func TestLateWatchTroubleKeepsTheEndDate(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	r.clock.Advance(15 * time.Minute)
	r.until("expired", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusExpired })
	ended, _ := r.journal.Get(context.Background(), inv.OrderID)
	r.provider.Fail(postest.MethodStatus, postest.Transport())
	r.clock.Advance(time.Minute)
	r.until("trouble", func(s pos.Snapshot) bool { return s.Trouble != nil })
	stored, _ := r.journal.Get(context.Background(), inv.OrderID)
	if !stored.UpdatedAt.Equal(ended.UpdatedAt) {
		t.Fatalf("UpdatedAt moved from %v to %v during the late watch", ended.UpdatedAt, stored.UpdatedAt)
	}
}
