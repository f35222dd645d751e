package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

func TestSaleScreen(t *testing.T) {
	h := newHarness(t)
	h.golden("sale-empty")
	h.typeText("12,50")
	h.golden("sale-typed")
	if got := h.screen(); !strings.Contains(got, "12,50") {
		t.Fatal("typed amount not shown")
	}
}

func TestSaleScreenRefusesBadAmountsSayingWhy(t *testing.T) {
	tests := []struct {
		name, typed, want string
		enter             bool
	}{
		{"too precise", "12.505", "EUR has 2 decimal places at most.", false},
		{"above the maximum", "5000.01", "The most one sale can be is 5000.00 EUR.", false},
		{"two separators", "1.2.", "That is not an amount", false},
		{"zero on enter", "0", "The amount must be more than zero.", true},
		{"empty on enter", "", "Type an amount.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.typeText(tt.typed)
			if tt.enter {
				h.press("enter")
			}
			if !strings.Contains(h.screen(), tt.want) {
				t.Fatalf("want %q on screen:\n%s", tt.want, h.screen())
			}
			h.press("enter")
			if h.m.screen != screenSale {
				t.Fatal("a refused amount moved on")
			}
		})
	}
}

func TestSaleScreenEditing(t *testing.T) {
	h := newHarness(t)
	h.typeText("12.505")
	h.press("backspace")
	if strings.Contains(h.screen(), "decimal places") {
		t.Fatal("error stayed after the fix")
	}
	h.press("esc")
	if h.m.sale.input != "" {
		t.Fatal("esc did not clear the amount")
	}
	h.typeText("1234567890123456")
	if len(h.m.sale.input) != maxInputLen {
		t.Fatalf("input grew to %d characters", len(h.m.sale.input))
	}
}

func TestQuitFromTheSaleScreen(t *testing.T) {
	h := newHarness(t)
	_, cmd := h.m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q does nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
}

func TestCurrencyScreen(t *testing.T) {
	h := newHarness(t)
	h.typeText("12.50")
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.golden("currency")
	h.press("down", "down", "down")
	if h.m.currency.cursor != 0 {
		t.Fatalf("cursor at %d after wrapping", h.m.currency.cursor)
	}
	h.press("7")
	if !strings.Contains(h.screen(), "There is no row 7.") {
		t.Fatal("no message for a missing row")
	}
	h.press("esc")
	h.waitText("Amount (EUR)")
	if h.m.sale.input != "12.50" {
		t.Fatal("going back lost the amount")
	}
}

func TestInvoiceScreenShowsCodeCountdownAndStatus(t *testing.T) {
	h := newHarness(t)
	inv := h.sale("12.50", "2")
	h.golden("invoice-waiting")
	if inv.Pay.Code != "BTC" {
		t.Fatalf("row 2 picked %v", inv.Pay)
	}
	if got := h.journaled(inv.OrderID); got.URL == "" {
		t.Fatal("the QR is on screen but the journal has no URL")
	}
	h.advance(time.Second)
	h.waitText("14:59 left")
	h.waitText("checked just now")
	h.provider.Fail(postest.MethodStatus, postest.Transport(), postest.Transport())
	h.advance(2 * time.Second) // the next poll is due, and fails
	h.waitText("Retrying in 6s")
	h.advance(5 * time.Second)
	h.waitText("checked 8s ago")
}

func TestInvoiceScreenFollowsThePayment(t *testing.T) {
	h := newHarness(t)
	inv := h.sale("12.50", "2")
	h.provider.Set(inv.OrderID, pos.StatusConfirming, nil)
	h.advance(3 * time.Second)
	h.waitText("Payment seen, confirming")

	h.provider.Set(inv.OrderID, pos.StatusPartial, func(u *pos.Update) {
		u.Paid = pos.Money{Amount: decimal.RequireFromString("0.0001"), Currency: "BTC"}
	})
	h.advance(3 * time.Second)
	h.waitText("Partly paid")
	h.golden("invoice-partial")

	h.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	h.advance(3 * time.Second)
	h.waitText("PAID")
}

func TestResultScreens(t *testing.T) {
	btc := func(s string) pos.Money { return pos.Money{Amount: decimal.RequireFromString(s), Currency: "BTC"} }
	tests := []struct {
		name   string
		status pos.Status
		change func(*pos.Update)
		want   []string
	}{
		{"paid", pos.StatusPaid, nil, []string{"PAID", "12.50 EUR · 0.00020833 BTC · 11:30"}},
		{"overpaid", pos.StatusOverpaid, func(u *pos.Update) { u.Paid = btc("0.0003") },
			[]string{"PAID (overpaid)", "The customer sent 0.0003 BTC, more than asked."}},
		{"underpaid", pos.StatusUnderpaid, func(u *pos.Update) { u.Paid = btc("0.0001") },
			[]string{"UNDERPAID", "Received 0.0001 of 0.00020833 BTC.", "About 6.50 EUR is missing"}},
		{"expired", pos.StatusExpired, nil, []string{"EXPIRED", "Nothing was paid", "Press r to renew"}},
		{"failed", pos.StatusFailed, func(u *pos.Update) { u.Reason = "FakePay reports a payment error." },
			[]string{"FAILED", "FakePay reports a payment error."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			inv := h.sale("12.50", "2")
			h.provider.Set(inv.OrderID, tt.status, tt.change)
			h.press("r") // check now
			h.waitText("enter new sale")
			for _, w := range tt.want {
				if !strings.Contains(h.screen(), w) {
					t.Errorf("%q not on screen:\n%s", w, h.screen())
				}
			}
			h.golden("result-" + tt.name)
			if got := h.journaled(inv.OrderID); got.Status != tt.status {
				t.Fatalf("journal says %s", got.Status)
			}
			h.press("enter")
			h.waitText("Amount (EUR)")
		})
	}
}

func TestExpiredInvoiceCanBeRenewed(t *testing.T) {
	h := newHarness(t)
	inv := h.sale("12.50", "1")
	h.advance(15 * time.Minute)
	h.waitText("EXPIRED")
	h.press("r") // too soon: it may have been meant for the Invoice screen
	if h.m.screen != screenResult {
		t.Fatal("r renewed the invoice the moment it expired")
	}
	h.advance(2 * time.Second)
	h.press("r")
	h.waitText("15:00 left")
	if h.m.invoice.snap.Invoice.OrderID != inv.OrderID || h.provider.Invoices() != 1 {
		t.Fatal("renewal made a new sale or invoice")
	}
}

func TestCancelAsksFirstAndKeepsWatching(t *testing.T) {
	h := newHarness(t)
	inv := h.sale("12.50", "1")
	h.press("c")
	h.waitText("Cancel this sale?")
	h.golden("invoice-confirm-cancel")
	h.press("n")
	if strings.Contains(h.screen(), "Cancel this sale?") || h.m.screen != screenInvoice {
		t.Fatal("n did not keep the sale")
	}
	h.press("c", "y")
	h.waitText("CANCELLED")
	h.golden("result-cancelled")
	if got := h.journaled(inv.OrderID); !got.Dismissed {
		t.Fatal("cancel not journaled")
	}
	// The customer pays anyway: the engine still records it.
	h.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	h.advance(15 * time.Second)
	h.waitFor("late payment recorded", func(string) bool {
		return h.journaled(inv.OrderID).Status == pos.StatusPaid
	})
	h.waitText("The customer paid after the sale was cancelled on the terminal.")
	h.golden("result-paid-after-cancel")
}

func TestRefusedInvoiceReturnsToTheChoiceWithTheReason(t *testing.T) {
	h := newHarness(t)
	h.provider.Fail(postest.MethodCreate, postest.Rejected("Minimum amount 0.5 USDT"))
	h.typeText("0.10")
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.press("3")
	h.waitText("Minimum amount 0.5 USDT")
	h.golden("currency-refused")
	if h.m.screen != screenCurrency {
		t.Fatal("not back on the Currency screen")
	}
}

func TestConnectionTroubleIsShownInPlace(t *testing.T) {
	h := newHarness(t)
	h.provider.Fail(postest.MethodCreate, postest.Transport())
	h.typeText("12.50")
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.press("1")
	h.waitText("Retrying in 6s")
	h.golden("invoice-creating-trouble")
	h.advance(6 * time.Second)
	h.waitText("Scan to pay")

	inv := h.m.invoice.snap.Invoice
	h.provider.Fail(postest.MethodStatus, postest.Transport(), postest.Transport())
	h.advance(3 * time.Second)
	h.waitText("Connection problem: Cannot reach")
	h.waitText("Retrying in 6s (last checked 3s")
	h.advance(6 * time.Second)
	h.waitText("Retrying in 12s")
	h.advance(12 * time.Second)
	h.waitFor("trouble gone", func(s string) bool { return !strings.Contains(s, "Connection problem") })
	if h.provider.Invoices() != 1 || inv.OrderID == "" {
		t.Fatal("trouble made a second invoice")
	}
}

func TestResumeShowsTheUnfinishedInvoice(t *testing.T) {
	clock := postest.NewClock(t0)
	journal := postest.NewJournal()
	provider := postest.NewProvider(clock, 15*time.Minute)
	first := pos.NewEngine(provider, journal, clock, pos.EngineConfig{}, nil)
	release := provider.Hold(postest.MethodCreate)
	inv, err := first.StartSale(context.Background(), pos.Sale{Amount: pos.NewMoney(decimal.RequireFromString("12.50"), "EUR")})
	if err != nil {
		t.Fatal(err)
	}
	first.Close() // the terminal dies before the provider answered
	release()

	h := &harness{t: t, clock: clock, provider: provider, journal: journal, msgs: make(chan tea.Msg, 256)}
	h.engine = pos.NewEngine(provider, journal, clock, pos.EngineConfig{}, nil)
	eur, _ := pos.LookupCurrency("EUR")
	h.m = New(Options{Engine: h.engine, Clock: clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount: decimal.RequireFromString("5000"), Location: time.UTC})
	t.Cleanup(func() { h.m.Close(); h.engine.Close() })
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())
	h.waitText("Looking up the invoice at FakePay")
	h.waitText("CANCELLED") // it never reached FakePay: nothing to pay
	h.waitText("The terminal stopped before FakePay created the invoice")
	if h.journaled(inv.OrderID).Status != pos.StatusCancelled {
		t.Fatal("lost create not closed in the journal")
	}
}

func TestSmallWindows(t *testing.T) {
	h := newHarness(t)
	h.sale("12.50", "2")
	h.send(tea.WindowSizeMsg{Width: 60, Height: 30})
	h.golden("invoice-narrow")
	h.send(tea.WindowSizeMsg{Width: 60, Height: 16})
	if !strings.Contains(h.screen(), "too small for a scannable QR code") {
		t.Fatalf("no size message:\n%s", h.screen())
	}
	h.golden("invoice-too-small")
	h.send(tea.WindowSizeMsg{Width: 30, Height: 8})
	if !strings.Contains(h.screen(), "Make the window larger") {
		t.Fatal("tiny window not explained")
	}
	for _, line := range strings.Split(h.screen(), "\n") {
		if len([]rune(line)) > 30 {
			t.Fatalf("line wider than the window: %q", line)
		}
	}
}

// demoSim is a Simulator over the fake provider.
type demoSim struct{ p *postest.Provider }

func (d demoSim) Actions() []pos.SimAction {
	return []pos.SimAction{{Key: "p", Name: "pay", Label: "pay"}, {Key: "e", Name: "expire", Label: "expire now"}}
}

func (d demoSim) Simulate(_ context.Context, inv pos.Invoice, a pos.SimAction) error {
	st := map[string]pos.Status{"pay": pos.StatusPaid, "expire": pos.StatusExpired}[a.Name]
	d.p.Set(inv.OrderID, st, nil)
	return nil
}

func TestDemoKeysPayTheInvoice(t *testing.T) {
	h := newHarness(t, func(o *Options, p *postest.Provider) { o.Simulator, o.Demo = demoSim{p}, true })
	h.sale("12.50", "2")
	h.golden("invoice-demo")
	h.press("p")
	h.waitText("PAID") // at once: the demo asks for a check right after paying
}

// offlineOnce fails the first coin check in transport, then accepts.
type offlineOnce struct {
	*postest.Provider
	calls int
}

func (o *offlineOnce) CheckPayOptions(ctx context.Context, opts []pos.PayOption) error {
	o.calls++
	if o.calls == 1 {
		return postest.Transport()
	}
	return nil
}

func TestCoinCheckIsRepeatedOnceTheProviderAnswers(t *testing.T) {
	clock := postest.NewClock(t0)
	p := &offlineOnce{Provider: postest.NewProvider(clock, 15*time.Minute)}
	h := &harness{t: t, clock: clock, provider: p.Provider, journal: postest.NewJournal(), msgs: make(chan tea.Msg, 256)}
	h.engine = pos.NewEngine(p, h.journal, clock, pos.EngineConfig{}, nil)
	eur, _ := pos.LookupCurrency("EUR")
	h.m = New(Options{Engine: h.engine, Clock: clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount: decimal.RequireFromString("5000"), Location: time.UTC, CheckPayOptions: true,
		PayOptions: []pos.PayOption{{Code: "BTC"}}})
	t.Cleanup(func() { h.m.Close(); h.engine.Close() })
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())
	h.waitText("Could not check the configured coins: Cannot reach FakePay")
	h.sale("12.50", "2")
	h.press("esc") // nothing; the notice is for the Sale screen
	h.waitFor("the notice gone", func(string) bool { return h.m.notice == "" })
	if p.calls != 2 {
		t.Fatalf("coin check ran %d times, want 2", p.calls)
	}
}

func TestStatusLineSaysWhereTheStatusComesFrom(t *testing.T) {
	h := newHarness(t)
	inv := h.sale("12.50", "2")
	if strings.Contains(h.screen(), "via ") {
		t.Fatal("a status from the provider's own API needs no source line")
	}
	h.provider.Set(inv.OrderID, pos.StatusConfirming, func(u *pos.Update) {
		u.Source, u.At = "relay", t0.Add(-20*time.Second)
	})
	h.advance(3 * time.Second)
	h.waitText("via relay · 11:29:40 (23s ago)")
	h.provider.Set(inv.OrderID, pos.StatusConfirming, func(u *pos.Update) { u.Source, u.At = "relay (no callback yet)", time.Time{} })
	h.advance(3 * time.Second)
	h.waitText("via relay (no callback yet)")
}

// oneShot is a provider whose invoices take a single payment.
type oneShot struct{ *postest.Provider }

func (oneShot) TopUps() bool { return false }

func TestPartlyPaidWithoutTopUps(t *testing.T) {
	clock := postest.NewClock(t0)
	p := postest.NewProvider(clock, 15*time.Minute)
	h := &harness{t: t, clock: clock, provider: p, journal: postest.NewJournal(), msgs: make(chan tea.Msg, 256)}
	h.engine = pos.NewEngine(oneShot{p}, h.journal, clock, pos.EngineConfig{}, nil)
	eur, _ := pos.LookupCurrency("EUR")
	h.m = New(Options{Engine: h.engine, Clock: clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount: decimal.RequireFromString("5000"), Location: time.UTC, PayOptions: []pos.PayOption{{Code: "BTC"}}})
	t.Cleanup(func() { h.m.Close(); h.engine.Close() })
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.run(h.m.Init())
	inv := h.sale("12.50", "2")
	h.provider.Set(inv.OrderID, pos.StatusPartial, func(u *pos.Update) {
		u.Paid = pos.Money{Amount: decimal.RequireFromString("0.0001"), Currency: "BTC"}
	})
	h.press("r")
	h.waitText("takes one")
	if strings.Contains(h.screen(), "can top up") {
		t.Fatal("a top-up promised where the provider takes one payment")
	}
}
