package printer

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/printer/escpos"
)

// DayReport lays out the end-of-day report: the period and the time of
// printing, the number and amount of the sales, per status the count and
// amount (statuses with sales only), what was taken, received underpaid
// and is still open, per coin the sales, value and crypto received, then
// the late payments and the exceptions one by one, and a cut. It prints
// what pos.Report holds, in its words.
func DayReport(r pos.Report, shop Shop, f Format) []byte {
	f = f.withDefaults()
	b := f.builder()
	header(b, Shop{Name: shop.Name})
	b.Bold(true).Line("DAY REPORT").Bold(false)
	b.Line(period(r, f.Location))
	b.Line("Printed " + f.time(f.Now()))
	b.Align(escpos.Left).Rule()

	cur := r.Currency
	amt := func(d decimal.Decimal) string { return fiat(pos.Money{Amount: d, Currency: cur}) }
	b.Pair("Sales", strconv.Itoa(r.Invoices))
	b.Pair("Amount of all sales", amt(r.Amount))
	b.Rule()

	if r.Invoices > 0 {
		b.Bold(true).Line("By status").Bold(false)
		for _, s := range r.ByStatus {
			if s.Count > 0 {
				b.Pair(fmt.Sprintf("%s (%d)", statusLabel(s.Status), s.Count), amt(s.Amount))
			}
		}
		b.Rule()
	}

	b.Pair("Taken, paid in full", amt(r.Taken))
	if !r.Underpaid.IsZero() || r.UnderpaidUnknown > 0 {
		b.Pair("Underpaid, received", amt(r.Underpaid))
	}
	if r.UnderpaidUnknown > 0 {
		b.Indent(2, fmt.Sprintf("+ %s of unknown value", pos.Plural(r.UnderpaidUnknown, "underpaid sale")))
	}
	b.Bold(true).Pair("Received in all", amt(r.Received)).Bold(false)
	if r.Open > 0 {
		b.Pair("Still open: "+pos.Plural(r.Open, "sale"), amt(r.OpenAmount))
	}

	if len(r.ByCoin) > 0 {
		b.Rule().Bold(true).Line("Received by coin").Bold(false)
		for _, c := range r.ByCoin {
			name := c.Coin
			if name == pos.CoinNotChosen {
				name = "Coin not known"
			}
			b.Pair(fmt.Sprintf("%s (%d)", name, c.Sales), amt(c.Value))
			received, unknown := c.CryptoWords()
			if received != "" {
				b.Pair("", received)
			}
			if unknown != "" {
				b.Indent(2, unknown)
			}
		}
	}

	entries(b, f, r, "Late payments", r.Late)
	entries(b, f, r, "Exceptions", r.Exceptions)
	if r.Invoices == 0 && len(r.Exceptions) == 0 {
		b.Rule().Align(escpos.Center).Line("No sales in this period.")
	}
	b.Align(escpos.Left).Feed(1).Cut()
	return b.Bytes()
}

// entries lists sales one by one: when, the order id, what it is, its
// amount and what arrived.
func entries(b *escpos.Builder, f Format, r pos.Report, title string, list []pos.Entry) {
	if len(list) == 0 {
		return
	}
	b.Rule().Bold(true).Line(fmt.Sprintf("%s (%d)", title, len(list))).Bold(false)
	oneDay := sameDay(r, f.Location)
	for _, e := range list {
		inv := e.Invoice
		when := inv.CreatedAt.In(f.Location).Format("15:04")
		if !oneDay {
			when = inv.CreatedAt.In(f.Location).Format("01-02 15:04")
		}
		what := statusLabel(inv.Status)
		if e.Kind != "" {
			what = e.Kind.Words()
		}
		b.Line(when + " " + inv.OrderID)
		b.Pair("  "+what, fiat(inv.Amount))
		if paid := inv.PaidLine(); paid != "" {
			line := paid + " arrived"
			if e.Kind == pos.ExceptionUnderpaid && e.ValueKnown {
				line += ", worth " + fiat(e.Value)
			}
			b.Indent(2, line)
		}
	}
}

// statusLabel is a status in a word or two, for the report's narrow lines.
func statusLabel(s pos.Status) string {
	switch s {
	case pos.StatusCreating:
		return "Creating"
	case pos.StatusWaiting:
		return "Waiting"
	case pos.StatusConfirming:
		return "Confirming"
	case pos.StatusPartial:
		return "Partly paid"
	case pos.StatusOnHold:
		return "On hold"
	case pos.StatusPaid:
		return "Paid"
	case pos.StatusOverpaid:
		return "Overpaid"
	case pos.StatusUnderpaid:
		return "Underpaid"
	case pos.StatusExpired:
		return "Expired"
	case pos.StatusCancelled:
		return "Cancelled"
	case pos.StatusFailed:
		return "Failed"
	}
	return string(s)
}

// period names the report's period in loc: "2026-11-21" for one calendar
// day, "2026-11-20 to 2026-11-22" for several (both days included).
func period(r pos.Report, loc *time.Location) string {
	switch {
	case r.From.IsZero() && r.To.IsZero():
		return "All sales"
	case r.To.IsZero():
		return "From " + r.From.In(loc).Format("2006-01-02 15:04")
	case r.From.IsZero():
		return "Until " + r.To.In(loc).Format("2006-01-02 15:04")
	case sameDay(r, loc):
		return r.From.In(loc).Format("2006-01-02")
	}
	from, _ := pos.DayBounds(r.From, loc)
	_, to := pos.DayBounds(r.To.Add(-time.Nanosecond), loc)
	if from.Equal(r.From) && to.Equal(r.To) {
		return r.From.In(loc).Format("2006-01-02") + " to " + r.To.Add(-time.Nanosecond).In(loc).Format("2006-01-02")
	}
	return r.From.In(loc).Format("2006-01-02 15:04") + " to " + r.To.In(loc).Format("2006-01-02 15:04")
}

// sameDay reports whether the report covers exactly one calendar day.
func sameDay(r pos.Report, loc *time.Location) bool {
	if r.From.IsZero() || r.To.IsZero() {
		return false
	}
	from, to := pos.DayBounds(r.From, loc)
	return from.Equal(r.From) && to.Equal(r.To)
}
