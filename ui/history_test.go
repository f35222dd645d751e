package ui

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, also where the system has none

	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

// sales makes a paid, an expired and an open (cancelled on the terminal) sale.
func (h *harness) sales() (paid, expired, open pos.Invoice) {
	h.t.Helper()
	paid = h.sale("12.50", "2")
	h.provider.Set(paid.OrderID, pos.StatusPaid, func(u *pos.Update) {
		u.Paid = pos.Money{Amount: decimal.RequireFromString("0.00020833"), Currency: "BTC"}
	})
	h.press("r")
	h.waitText("enter new sale")
	h.press("enter")
	h.waitText("Amount (EUR)")

	h.advance(time.Minute)
	expired = h.sale("7", "1")
	h.provider.Set(expired.OrderID, pos.StatusExpired, nil)
	h.press("r")
	h.waitText("EXPIRED")
	h.press("enter")
	h.waitText("Amount (EUR)")

	h.advance(time.Minute)
	open = h.sale("3.20", "3")
	h.press("c", "y")
	h.waitText("CANCELLED")
	h.press("enter")
	h.waitText("Amount (EUR)")
	return paid, expired, open
}

func TestHistoryListsFiltersAndOpens(t *testing.T) {
	h := newHarness(t)
	paid, _, open := h.sales()
	h.press("h")
	h.waitText("History")
	h.waitFor("three sales", func(s string) bool { return strings.Contains(s, "3 sales") })
	h.golden("history-today")
	lines := strings.Split(h.screen(), "\n")
	first := strings.Join(lines[:8], "\n")
	if !strings.Contains(first, "3.20 EUR") || !strings.Contains(first, "CANCELLED (open)") {
		t.Fatalf("newest first, with the open cancelled sale:\n%s", first)
	}

	h.press("s") // paid only
	h.waitFor("paid filter", func(s string) bool { return strings.Contains(s, "· paid") && strings.Contains(s, "1 sale") })
	if !strings.Contains(h.screen(), "12.50 EUR") || strings.Contains(h.screen(), "7.00 EUR") {
		t.Fatalf("paid filter:\n%s", h.screen())
	}
	h.press("enter")
	h.waitText("Timeline")
	h.golden("history-timeline")
	for _, want := range []string{"Order " + paid.OrderID, "sale started at the terminal", "PAID"} {
		if !strings.Contains(h.screen(), want) {
			t.Fatalf("timeline lacks %q:\n%s", want, h.screen())
		}
	}
	h.press("esc")
	h.waitText("History")

	h.press("s", "s") // open ones
	h.waitFor("open filter", func(s string) bool { return strings.Contains(s, "· open") && strings.Contains(s, "1 sale") })
	h.press("enter")
	h.waitText("Timeline")
	if !strings.Contains(h.screen(), "w watch again") {
		t.Fatal("an open sale offers no way to watch it again")
	}
	h.press("w")
	h.waitText("Scan to pay")
	if h.m.invoice.snap.Invoice.OrderID != open.OrderID {
		t.Fatalf("watching %s, want %s", h.m.invoice.snap.Invoice.OrderID, open.OrderID)
	}
}

func TestHistoryOtherDays(t *testing.T) {
	h := newHarness(t)
	h.sale("1", "1")
	h.press("c", "y")
	h.waitText("CANCELLED")
	h.press("enter")
	h.waitText("Amount (EUR)")
	h.advance(24 * time.Hour)
	h.press("h")
	h.waitText("No sales match")
	h.press("t")
	h.waitFor("all days", func(s string) bool { return strings.Contains(s, "all days") && strings.Contains(s, "1 sale") })
	if !strings.Contains(h.screen(), "11-21 11:30") {
		t.Fatalf("other days show the date:\n%s", h.screen())
	}
	h.press("esc")
	h.waitText("Amount (EUR)")
}

func TestLatePaymentBannerAndBell(t *testing.T) {
	h := newHarness(t)
	inv := h.sale("12.50", "2")
	h.advance(15 * time.Minute)
	h.waitText("EXPIRED")
	h.press("enter")
	h.waitText("Amount (EUR)")
	if h.bells.Load() != 0 {
		t.Fatal("the bell rang before any late payment")
	}

	h.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	h.advance(time.Minute) // the watchdog's first late check
	h.waitText("LATE PAYMENT")
	h.golden("sale-late-banner")
	h.waitFor("the bell", func(string) bool { return h.bells.Load() == 1 })
	if !strings.Contains(h.screen(), "a seen") {
		t.Fatal("the acknowledge key is not in the help bar")
	}
	// The banner stays on every screen until acknowledged.
	h.typeText("5")
	h.press("enter")
	h.waitText("How will the customer pay?")
	if !strings.Contains(h.screen(), "LATE PAYMENT") {
		t.Fatal("the banner left with the screen")
	}
	h.press("a")
	h.waitFor("the banner gone", func(s string) bool { return !strings.Contains(s, "LATE PAYMENT") })
	if !h.journaled(inv.OrderID).LateAcknowledged {
		t.Fatal("acknowledgement not journaled")
	}
}

// TestHistoryTodayWhereDSTSkipsMidnight: where a daylight-saving change
// skips midnight the day starts at the change, and a sale made late the
// evening before is not one of today's.
func TestHistoryTodayWhereDSTSkipsMidnight(t *testing.T) {
	tests := []struct {
		zone             string
		evening, sameDay string // local times of the sales, the change between them
		now              string // local time the history is opened
	}{
		{"America/Santiago", "2026-09-05 23:30", "2026-09-06 01:30", "2026-09-06 10:00"},
		{"America/Havana", "2026-03-07 23:30", "2026-03-08 01:30", "2026-03-08 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			at := func(s string) time.Time {
				ts, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
				if err != nil {
					t.Fatal(err)
				}
				return ts
			}
			h := newHarnessAt(t, at(tt.evening), func(o *Options, _ *postest.Provider) { o.Location = loc })
			for i, when := range []string{tt.evening, tt.sameDay} {
				h.advance(at(when).Sub(h.clock.Now()))
				h.sale([]string{"4", "9"}[i], "1")
				h.press("c", "y")
				h.waitText("CANCELLED")
				h.press("enter")
				h.waitText("Amount (EUR)")
			}
			h.advance(at(tt.now).Sub(h.clock.Now()))
			h.press("h")
			h.waitFor("today's sales", func(string) bool { return h.m.screen == screenHistory && !h.m.history.loading })
			if s := h.screen(); !strings.Contains(s, "· today") || !strings.Contains(s, "1 sale") ||
				strings.Contains(s, "4.00 EUR") || !strings.Contains(s, "9.00 EUR") {
				t.Fatalf("today's sales, from the change on:\n%s", s)
			}
		})
	}
}
