package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

// TestUnderpaidShortfallAgreesWithTheReport: what the Result screen says is
// missing and what the day report counts as received add up to the amount.
func TestUnderpaidShortfallAgreesWithTheReport(t *testing.T) {
	btc := func(s string) pos.Money { return pos.Money{Amount: decimal.RequireFromString(s), Currency: "BTC"} }
	tests := []struct {
		name          string
		asked, paid   pos.Money
		missing, have string
	}{
		// 12.50 x 0.0001 / 0.00021345 = 5.856: 5.86 received, 6.64 missing
		// (the screen once worked the missing part out on its own: 6.65).
		{"rounding differs", btc("0.00021345"), btc("0.0001"), "About 6.64 EUR is missing", "5.86"},
		{"the harness's rate", btc("0.00020833"), btc("0.0001"), "About 6.50 EUR is missing", "6.00"},
		// Worth 12.4994: the report counts it whole, and nothing is missing
		// to the cent (the screen once said 0.01).
		{"a satoshi short", btc("0.00020833"), btc("0.00020832"), "Ask for the rest with a new sale", "12.50"},
		{"paid in another coin", btc("0.00020833"), pos.Money{Amount: decimal.RequireFromString("5"), Currency: "USDT"},
			"Ask for the rest with a new sale", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			inv := h.sale("12.50", "2")
			h.provider.Set(inv.OrderID, pos.StatusUnderpaid, func(u *pos.Update) { u.PayAmount, u.Paid = tt.asked, tt.paid })
			h.press("r")
			h.waitText("UNDERPAID")
			if !strings.Contains(h.screen(), tt.missing) {
				t.Errorf("want %q on screen:\n%s", tt.missing, h.screen())
			}
			from, to := pos.DayBounds(t0, t0.Location())
			list, err := h.journal.List(context.Background(), pos.Filter{From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			r := pos.Summarize(list, from, to, "EUR")
			if got := pos.FormatAmount(r.Underpaid, "EUR"); got != tt.have {
				t.Errorf("the report counts %s received, want %s", got, tt.have)
			}
			if rest, ok := fiatShortfall(h.m.result.inv); ok && !rest.Amount.Add(r.Underpaid).Equal(h.m.result.inv.Amount.Amount) {
				t.Errorf("missing %s and received %s do not add up to %s", rest, r.Underpaid, h.m.result.inv.Amount)
			}
		})
	}
}
