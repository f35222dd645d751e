package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
)

func TestDayReportShowsTheSummaryNumbers(t *testing.T) {
	h := newHarness(t)
	h.sales() // paid 12.50, expired 7.00, open 3.20
	h.press("r")
	h.waitText("End of day")
	h.waitText("Received")
	h.golden("report-today")

	from, to := pos.DayBounds(t0, time.UTC)
	list, _ := h.journal.List(context.Background(), pos.Filter{From: from, To: to})
	r := pos.Summarize(list, from, to, "EUR")
	for _, want := range []string{
		"3 sales for 22.70 EUR.",
		"Received " + pos.FormatAmount(r.Received, "EUR") + " EUR",
		"Still open: 1 sale for 3.20 EUR.",
		"0.00020833 BTC",
	} {
		if !strings.Contains(h.screen(), want) {
			t.Errorf("report lacks %q:\n%s", want, h.screen())
		}
	}
	h.press("left")
	h.waitText("Fri 20 Nov 2026")
	h.waitText("0 sales for 0.00 EUR.")
	h.press("right", "right") // never past today
	h.waitText("Sat 21 Nov 2026")
	h.press("esc")
	h.waitText("Amount (EUR)")
}
