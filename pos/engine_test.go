package pos_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

var t0 = time.Date(2026, 11, 21, 11, 30, 0, 0, time.UTC)

type rig struct {
	t        *testing.T
	clock    *postest.Clock
	provider *postest.Provider
	journal  *postest.Journal
	engine   *pos.Engine
	sub      *pos.Subscription
}

func newRig(t *testing.T, wrap func(*postest.Provider) pos.Provider) *rig {
	t.Helper()
	r := &rig{t: t, clock: postest.NewClock(t0), journal: postest.NewJournal()}
	r.provider = postest.NewProvider(r.clock, 15*time.Minute)
	var p pos.Provider = r.provider
	if wrap != nil {
		p = wrap(r.provider)
	}
	r.engine = pos.NewEngine(p, r.journal, r.clock, pos.EngineConfig{}, nil)
	r.sub = r.engine.Subscribe()
	t.Cleanup(func() { r.sub.Close(); r.engine.Close() })
	return r
}

func eur(s string) pos.Money { return pos.Money{Amount: decimal.RequireFromString(s), Currency: "EUR"} }

// next returns the next snapshot; the deadline only guards against a hang.
func (r *rig) next() pos.Snapshot {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := r.sub.Next(ctx)
	if err != nil {
		r.t.Fatalf("no snapshot: %v", err)
	}
	return s
}

// until returns the first snapshot that satisfies ok.
func (r *rig) until(what string, ok func(pos.Snapshot) bool) pos.Snapshot {
	r.t.Helper()
	for i := 0; i < 50; i++ {
		if s := r.next(); ok(s) {
			return s
		}
	}
	r.t.Fatalf("never saw %s", what)
	return pos.Snapshot{}
}

func (r *rig) sale() pos.Invoice {
	r.t.Helper()
	inv, err := r.engine.StartSale(context.Background(), pos.Sale{Amount: eur("12.50"), Pay: pos.PayOption{Code: "BTC"}})
	if err != nil {
		r.t.Fatal(err)
	}
	r.engine.Focus(inv.OrderID)
	return inv
}

func TestStartSaleJournalsBeforeCallingTheProvider(t *testing.T) {
	r := newRig(t, nil)
	release := r.provider.Hold(postest.MethodCreate)
	inv := r.sale()

	got, err := r.journal.Get(context.Background(), inv.OrderID)
	if err != nil {
		t.Fatalf("invoice not in the journal before the provider answered: %v", err)
	}
	if got.Status != pos.StatusCreating || got.Amount.String() != "12.50 EUR" {
		t.Fatalf("journaled %+v", got)
	}
	release()
	s := r.until("waiting", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusWaiting })
	if s.Invoice.URL == "" || s.Invoice.ExpiresAt.IsZero() || !s.LastChecked.Equal(t0) {
		t.Fatalf("snapshot after create: %+v", s)
	}
	stored, _ := r.journal.Get(context.Background(), inv.OrderID)
	if stored.URL != s.Invoice.URL || stored.Status != pos.StatusWaiting {
		t.Fatalf("journal not updated after create: %+v", stored)
	}
}

func TestCreateRetriesWithTheSameOrderID(t *testing.T) {
	r := newRig(t, nil)
	r.provider.Fail(postest.MethodCreate, postest.ErrLostReply, postest.Transport())
	inv := r.sale()

	for i, wantDelay := range []time.Duration{6 * time.Second, 12 * time.Second} {
		s := r.next()
		if s.Trouble == nil || s.Invoice.Status != pos.StatusCreating {
			t.Fatalf("attempt %d: want trouble while creating, got %+v", i, s)
		}
		if d := s.NextCheck.Sub(r.clock.Now()); d != wantDelay {
			t.Fatalf("attempt %d: retry in %v, want %v", i, d, wantDelay)
		}
		r.clock.Advance(wantDelay)
	}
	s := r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	if s.Trouble != nil || s.Invoice.OrderID != inv.OrderID {
		t.Fatalf("after retry: %+v", s)
	}
	if n := r.provider.Invoices(); n != 1 {
		t.Fatalf("provider holds %d invoices for one sale", n)
	}
	if n := r.provider.Calls(postest.MethodCreate); n != 3 {
		t.Fatalf("create called %d times, want 3", n)
	}
	if n := len(r.journal.All()); n != 1 {
		t.Fatalf("journal holds %d sales, want 1", n)
	}
}

func TestPollingBacksOffOnErrorsUpToTheCap(t *testing.T) {
	r := newRig(t, nil)
	r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	r.provider.Fail(postest.MethodStatus, postest.Transport(), postest.Transport(), postest.Transport(),
		postest.Transport(), postest.Transport())

	r.clock.Advance(3 * time.Second) // the normal poll interval
	for _, want := range []time.Duration{6, 12, 24, 30, 30} {
		s := r.next()
		if s.Trouble == nil {
			t.Fatalf("no trouble reported: %+v", s)
		}
		if got := s.NextCheck.Sub(r.clock.Now()); got != want*time.Second {
			t.Fatalf("back-off %v, want %vs", got, want)
		}
		r.clock.Advance(want * time.Second)
	}
	s := r.next()
	if s.Trouble != nil || s.NextCheck.Sub(r.clock.Now()) != 3*time.Second {
		t.Fatalf("after recovery: trouble=%v next in %v", s.Trouble, s.NextCheck.Sub(r.clock.Now()))
	}
}

func TestWatchStopsOnFinalAndRecordsEveryChange(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })

	r.provider.Set(inv.OrderID, pos.StatusConfirming, nil)
	r.clock.Advance(3 * time.Second)
	r.until("confirming", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusConfirming })

	r.provider.Set(inv.OrderID, pos.StatusPaid, func(u *pos.Update) {
		u.Paid = pos.Money{Amount: decimal.RequireFromString("0.00020833"), Currency: "BTC"}
	})
	r.clock.Advance(3 * time.Second)
	s := r.until("paid", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusPaid })
	if s.Watching || !s.NextCheck.IsZero() {
		t.Fatalf("still watching a paid invoice: %+v", s)
	}
	calls := r.provider.Calls(postest.MethodStatus)
	r.clock.Advance(time.Minute)
	if r.provider.Calls(postest.MethodStatus) != calls {
		t.Fatal("polled after the final status")
	}
	events, _ := r.journal.Events(context.Background(), inv.OrderID)
	var statuses []string
	for _, e := range events {
		statuses = append(statuses, string(e.Status))
	}
	if got := strings.Join(statuses, ","); got != "creating,waiting,confirming,paid" {
		t.Fatalf("journal events: %s", got)
	}
}

func TestRefusedCreateFailsWithTheProvidersWords(t *testing.T) {
	r := newRig(t, nil)
	r.provider.Fail(postest.MethodCreate, postest.Rejected("Minimum amount 0.5 USDT"))
	inv := r.sale()
	s := r.until("failed", func(s pos.Snapshot) bool { return s.Invoice.Status.Final() })
	if s.Invoice.Status != pos.StatusFailed || !strings.Contains(s.Invoice.Reason, "Minimum amount 0.5 USDT") {
		t.Fatalf("got %+v", s.Invoice)
	}
	if s.Invoice.Created() || s.Watching {
		t.Fatalf("refused sale should be over: %+v", s)
	}
	stored, _ := r.journal.Get(context.Background(), inv.OrderID)
	if stored.Status != pos.StatusFailed {
		t.Fatalf("journal has %s", stored.Status)
	}
}

func TestDismissKeepsWatchingAndRecordsALatePayment(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })

	dismissed, err := r.engine.Dismiss(context.Background(), inv.OrderID)
	if err != nil || !dismissed.Dismissed {
		t.Fatalf("dismiss: %+v, %v", dismissed, err)
	}
	r.engine.Focus("")
	s := r.next()
	if !s.Watching || s.NextCheck.Sub(r.clock.Now()) != 15*time.Second {
		t.Fatalf("dismissed invoice should be watched in the background: %+v", s)
	}
	r.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	r.clock.Advance(15 * time.Second)
	s = r.until("paid", func(s pos.Snapshot) bool { return s.Invoice.Status.Final() })
	if s.Invoice.Status != pos.StatusPaid {
		t.Fatalf("late payment recorded as %s", s.Invoice.Status)
	}
	stored, _ := r.journal.Get(context.Background(), inv.OrderID)
	if stored.Status != pos.StatusPaid || !stored.Dismissed {
		t.Fatalf("journal: %+v", stored)
	}
}

func TestDismissedInvoiceThatExpiresIsCancelled(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	if _, err := r.engine.Dismiss(context.Background(), inv.OrderID); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(16 * time.Minute)
	s := r.until("final", func(s pos.Snapshot) bool { return s.Invoice.Status.Final() })
	if s.Invoice.Status != pos.StatusCancelled || s.Invoice.ProviderStatus != "expired" {
		t.Fatalf("got %s (%s)", s.Invoice.Status, s.Invoice.ProviderStatus)
	}
}

func TestDismissVoidsTheInvoiceWhereTheProviderCan(t *testing.T) {
	r := newRig(t, func(p *postest.Provider) pos.Provider { return postest.Cancelling{Provider: p} })
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	if _, err := r.engine.Dismiss(context.Background(), inv.OrderID); err != nil {
		t.Fatal(err)
	}
	s := r.until("cancelled", func(s pos.Snapshot) bool { return s.Invoice.Status.Final() })
	if s.Invoice.Status != pos.StatusCancelled || r.provider.Calls(postest.MethodCancel) != 1 {
		t.Fatalf("got %s after %d cancel calls", s.Invoice.Status, r.provider.Calls(postest.MethodCancel))
	}
}

func TestResumePicksUpUnfinishedInvoices(t *testing.T) {
	ctx := context.Background()
	clock := postest.NewClock(t0)
	journal := postest.NewJournal()
	provider := postest.NewProvider(clock, 15*time.Minute)

	// A first run: one sale created at the provider, one that crashed
	// before the provider saw it, one older sale already paid.
	first := pos.NewEngine(provider, journal, clock, pos.EngineConfig{}, nil)
	sub := first.Subscribe()
	shown, _ := first.StartSale(ctx, pos.Sale{Amount: eur("12.50")})
	for s := range snapshots(t, sub) {
		if s.Invoice.Created() {
			break
		}
	}
	sub.Close()
	first.Close()
	lost := pos.Invoice{OrderID: "pos-lost", Provider: "fake", Amount: eur("3.00"),
		CreatedAt: t0.Add(-time.Minute), UpdatedAt: t0.Add(-time.Minute), Status: pos.StatusCreating}
	if err := journal.Insert(ctx, lost, "sale started"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)

	second := pos.NewEngine(provider, journal, clock, pos.EngineConfig{}, nil)
	defer second.Close()
	sub = second.Subscribe()
	defer sub.Close()
	latest, ok, err := second.Resume(ctx)
	if err != nil || !ok || latest.OrderID != shown.OrderID {
		t.Fatalf("resume returned %v %v %v, want %s", latest.OrderID, ok, err, shown.OrderID)
	}
	seen := map[string]pos.Status{}
	for s := range snapshots(t, sub) {
		seen[s.Invoice.OrderID] = s.Invoice.Status
		if len(seen) == 2 {
			break
		}
	}
	if seen[shown.OrderID] != pos.StatusWaiting || seen["pos-lost"] != pos.StatusCancelled {
		t.Fatalf("after resume: %v", seen)
	}
	if provider.Invoices() != 1 || provider.Calls(postest.MethodCreate) != 1 {
		t.Fatalf("resume created invoices: %d invoices, %d creates", provider.Invoices(), provider.Calls(postest.MethodCreate))
	}
}

// snapshots yields snapshots until the consumer breaks.
func snapshots(t *testing.T, sub *pos.Subscription) func(func(pos.Snapshot) bool) {
	return func(yield func(pos.Snapshot) bool) {
		for i := 0; i < 50; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			s, err := sub.Next(ctx)
			cancel()
			if err != nil {
				t.Fatalf("no snapshot: %v", err)
			}
			if !yield(s) {
				return
			}
		}
		t.Fatal("too many snapshots")
	}
}

func TestReissueRenewsAnExpiredInvoiceUnderTheSameOrderID(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	r.clock.Advance(15 * time.Minute)
	r.until("expired", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusExpired })

	renewed, err := r.engine.Reissue(context.Background(), inv.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.OrderID != inv.OrderID || renewed.Status != pos.StatusWaiting || renewed.Remaining(r.clock.Now()) != 15*time.Minute {
		t.Fatalf("renewed: %+v", renewed)
	}
	if r.provider.Invoices() != 1 {
		t.Fatal("reissue made a second invoice")
	}
	s := r.until("watched again", func(s pos.Snapshot) bool { return s.Watching })
	if s.Invoice.Status != pos.StatusWaiting {
		t.Fatalf("after reissue: %s", s.Invoice.Status)
	}
	if _, err := r.engine.Reissue(context.Background(), inv.OrderID); err == nil {
		t.Fatal("renewing an open invoice should fail")
	}
}

func TestJournalFailureIsRetried(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })

	r.journal.Fail(errors.New("disk full"), 1)
	r.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	r.clock.Advance(3 * time.Second)
	s := r.next()
	if s.Trouble == nil || !strings.Contains(s.Trouble.Error(), "journal") || !s.Watching {
		t.Fatalf("want journal trouble and a retry, got %+v", s)
	}
	r.clock.Advance(s.NextCheck.Sub(r.clock.Now()))
	r.until("journaled", func(s pos.Snapshot) bool { return s.Trouble == nil })
	stored, _ := r.journal.Get(context.Background(), inv.OrderID)
	if stored.Status != pos.StatusPaid {
		t.Fatalf("journal has %s after the retry", stored.Status)
	}
}

func TestStartSaleFailsWhenTheJournalDoes(t *testing.T) {
	r := newRig(t, nil)
	r.journal.Fail(errors.New("disk full"), 5)
	if _, err := r.engine.StartSale(context.Background(), pos.Sale{Amount: eur("1")}); err == nil {
		t.Fatal("a sale that is not journaled must not start")
	}
	if r.provider.Calls(postest.MethodCreate) != 0 {
		t.Fatal("the provider was called for a sale not in the journal")
	}
}

func TestOrderIDsAreUniqueAndProviderSafe(t *testing.T) {
	r := newRig(t, nil)
	valid := regexp.MustCompile(`^pos-[0-9a-hjkmnp-tv-z]{13}$`)
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		inv, err := r.engine.StartSale(context.Background(), pos.Sale{Amount: eur("1")})
		if err != nil {
			t.Fatal(err)
		}
		if !valid.MatchString(inv.OrderID) || seen[inv.OrderID] {
			t.Fatalf("bad or repeated order id %q", inv.OrderID)
		}
		seen[inv.OrderID] = true
	}
}

// TurnedPaid marks the one snapshot in which a sale turns paid: the moment
// its receipt prints. A restart that finds a sale paid at its first check
// marks it too, since no receipt was printed for it yet.
func TestTurnedPaidMarksTheMomentASaleIsPaid(t *testing.T) {
	r := newRig(t, nil)
	inv := r.sale()
	s := r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	if s.TurnedPaid {
		t.Fatal("a waiting sale turned paid")
	}
	r.provider.Set(inv.OrderID, pos.StatusConfirming, nil)
	r.clock.Advance(3 * time.Second)
	if s := r.until("confirming", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusConfirming }); s.TurnedPaid {
		t.Fatal("a confirming sale turned paid")
	}
	r.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	r.clock.Advance(3 * time.Second)
	if s := r.until("paid", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusPaid }); !s.TurnedPaid {
		t.Fatal("the paid snapshot is not marked TurnedPaid")
	}
	if snap, watched := r.engine.Watching(inv.OrderID); watched {
		t.Fatalf("still watched: %+v", snap)
	}

	// The terminal stops with a sale waiting; the customer pays meanwhile.
	inv = r.sale()
	r.until("created", func(s pos.Snapshot) bool { return s.Invoice.Created() })
	r.sub.Close()
	r.engine.Close()
	r.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	second := pos.NewEngine(r.provider, r.journal, r.clock, pos.EngineConfig{}, nil)
	defer second.Close()
	sub := second.Subscribe()
	defer sub.Close()
	if _, _, err := second.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	for s := range snapshots(t, sub) {
		if s.Invoice.OrderID == inv.OrderID && s.Invoice.Status == pos.StatusPaid {
			if !s.TurnedPaid {
				t.Fatal("a sale found paid after a restart is not marked TurnedPaid")
			}
			break
		}
	}
}

// After the shop switches provider, an unfinished sale of the old one is
// not looked up at the new one (where it would read as never created).
func TestResumeAndWatchLeaveAnotherProvidersSalesAlone(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, nil)
	other := pos.Invoice{OrderID: "pos-other", Provider: "elsewhere", Amount: eur("3.00"),
		CreatedAt: t0, UpdatedAt: t0, Status: pos.StatusWaiting, URL: "https://elsewhere.example/pay/1"}
	if err := r.journal.Insert(ctx, other, "sale started"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := r.engine.Resume(ctx); err != nil || ok {
		t.Fatalf("Resume = %v, %v; want nothing to show", ok, err)
	}
	if _, err := r.engine.Watch(ctx, other.OrderID); err == nil || !strings.Contains(err.Error(), "elsewhere") {
		t.Fatalf("Watch = %v, want an error naming the sale's provider", err)
	}
	r.clock.Advance(time.Minute)
	if _, watched := r.engine.Watching(other.OrderID); watched || r.provider.Calls(postest.MethodStatus) != 0 {
		t.Fatal("another provider's sale was watched")
	}
	if got, _ := r.journal.Get(ctx, other.OrderID); got.Status != pos.StatusWaiting {
		t.Fatalf("status %s, want it left as it was", got.Status)
	}
}
