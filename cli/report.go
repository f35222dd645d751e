package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

const reportUsage = `Usage: cryptopos report [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD] [--csv | --json]

The end-of-day report of the sales made on a day (default today), or from
--from to --to (both days included), in the shop's time zone: counts and
totals per status and per coin, the late payments and the exceptions one by
one. --csv writes one row per invoice for the accountant instead; --json the
report's numbers for other software.
`

// Report runs `cryptopos report` with args (the words after "report") and
// returns the exit code: ExitOK, ExitUsage, or ExitTrouble when the journal
// cannot be read.
func Report(args []string, deps Deps, stdout, stderr io.Writer) int {
	r := newRun(deps, "cryptopos report", stdout, stderr)
	fs := newFlags("report", reportUsage, stderr)
	var p periodFlags
	p.register(fs)
	asCSV := fs.Bool("csv", false, "write one CSV row per invoice (RFC 4180) instead of the report")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	rest, done, code := parse(fs, args)
	if done {
		return code
	}
	if len(rest) > 0 {
		return r.fail(ExitUsage, "unexpected argument %q (see --help)", rest[0])
	}
	if *asCSV && *asJSON {
		return r.fail(ExitUsage, "give --csv or --json, not both")
	}
	per, err := p.resolve(r.Clock.Now(), r.Location)
	if err != nil {
		return r.fail(ExitUsage, "%v", err)
	}
	invoices, err := r.Journal.List(r.ctx, pos.Filter{From: per.from, To: per.to})
	if err != nil {
		return r.fail(ExitTrouble, "%v", err)
	}
	// The journal lists newest first; reports and CSV read oldest first.
	slices.Reverse(invoices)

	switch {
	case *asCSV:
		err = WriteCSV(r.ctx, stdout, invoices, r.Journal, r.Location)
	case *asJSON:
		rep := pos.Summarize(invoices, per.from, per.to, r.ShopCurrency.Code)
		err = writeJSON(stdout, reportJSON(rep, r.Location), false)
	default:
		rep := pos.Summarize(invoices, per.from, per.to, r.ShopCurrency.Code)
		err = WriteReport(stdout, rep, per.Label(), r.Location)
	}
	if err != nil {
		return r.fail(ExitTrouble, "%v", err)
	}
	return ExitOK
}

// CSVHeader is the header row of the CSV export, in its stable column
// order; the package documentation says what each column holds.
var CSVHeader = []string{
	"order_id", "created_local", "created_utc", "amount", "currency", "pay_currency", "network",
	"crypto_amount", "crypto_paid", "value_received", "provider", "provider_id", "status",
	"provider_status", "paid_at_local", "paid_at_utc", "late", "dismissed", "reason", "replaces",
	"replaced_by",
}

// WriteCSV writes the header and one row per invoice, in the order given,
// as RFC 4180 CSV with CRLF line ends. Local times are in loc; the paid-at
// time is read from the invoice's events in j.
func WriteCSV(ctx context.Context, w io.Writer, invoices []pos.Invoice, j pos.Journal, loc *time.Location) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, inv := range invoices {
		paidAt, err := PaidAt(ctx, j, inv)
		if err != nil {
			return err
		}
		value := ""
		if v, ok := inv.ValueReceived(); ok {
			value = fiat(v)
		}
		row := []string{
			inv.OrderID, localTime(inv.CreatedAt, loc), utcTime(inv.CreatedAt),
			fiat(inv.Amount), inv.Amount.Currency, inv.Coin(), network(inv),
			crypto(inv.PayAmount), crypto(inv.Paid), value, inv.Provider, inv.ProviderID,
			string(inv.Status), inv.ProviderStatus, localTime(paidAt, loc), utcTime(paidAt),
			strconv.FormatBool(inv.Late), strconv.FormatBool(inv.Dismissed), inv.Reason, inv.Replaces,
			inv.ReplacedBy,
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// PaidAt is when the invoice reached its status, if that is paid, overpaid
// or underpaid: the time of the first journal event with that status (the
// zero time for other statuses, or when no event has it).
func PaidAt(ctx context.Context, j pos.Journal, inv pos.Invoice) (time.Time, error) {
	if !inv.Status.Success() && inv.Status != pos.StatusUnderpaid {
		return time.Time{}, nil
	}
	events, err := j.Events(ctx, inv.OrderID)
	if err != nil {
		return time.Time{}, err
	}
	for _, e := range events {
		if e.Status == inv.Status {
			return e.At, nil
		}
	}
	return time.Time{}, nil
}

func localTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func utcTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteReport writes the report as text for people, with aligned columns:
// the status table, the coin table, the totals, then the late payments and
// the exceptions one by one. label names the period ("2026-03-14").
func WriteReport(w io.Writer, r pos.Report, label string, loc *time.Location) error {
	cur := r.Currency
	amt := func(d decimal.Decimal) string { return pos.FormatAmount(d, cur) }
	var b strings.Builder
	fmt.Fprintf(&b, "Sales report %s\n", label)
	fmt.Fprintf(&b, "Sales made from %s to %s, time zone %s. Amounts in %s.\n\n",
		r.From.In(loc).Format("2006-01-02 15:04 MST"), r.To.In(loc).Format("2006-01-02 15:04 MST"), loc, cur)

	st := table{align: "lrr"}
	st.add("Status", "Sales", cur)
	for _, s := range r.ByStatus {
		st.add(s.Status.Words(), strconv.Itoa(s.Count), amt(s.Amount))
	}
	st.add("All", strconv.Itoa(r.Invoices), amt(r.Amount))
	st.write(&b)
	b.WriteString("\n")

	if len(r.ByCoin) == 0 {
		b.WriteString("Received by coin: nothing.\n")
	} else {
		ct := table{align: "lrrl"}
		ct.add("Received by coin", "Sales", cur+" value", "Crypto received")
		sales := 0
		for _, c := range r.ByCoin {
			sales += c.Sales
			name := c.Coin
			if name == pos.CoinNotChosen {
				name = "Not chosen"
			}
			received, unknown := c.CryptoWords()
			if unknown != "" {
				received = strings.TrimSpace(received + " (" + unknown + ")")
			}
			ct.add(name, strconv.Itoa(c.Sales), amt(c.Value), received)
		}
		ct.add("All", strconv.Itoa(sales), amt(r.Received), "")
		ct.write(&b)
	}
	b.WriteString("\n")

	tt := table{align: "lrl"}
	tt.add("Taken, paid in full", amt(r.Taken), cur)
	tt.add("Underpaid, value received", amt(r.Underpaid), cur)
	tt.add("Received in all", amt(r.Received), cur)
	tt.add("Still open: "+pos.Plural(r.Open, "sale"), amt(r.OpenAmount), cur)
	tt.write(&b)
	if r.UnderpaidUnknown > 0 {
		fmt.Fprintf(&b, "Not in the value received: %s without crypto amounts.\n",
			pos.Plural(r.UnderpaidUnknown, "underpaid sale"))
	}

	fmt.Fprintf(&b, "\nLate payments: %d\n", len(r.Late))
	lt := table{align: "llrll", indent: "  "}
	for _, e := range r.Late {
		inv := e.Invoice
		lt.add(inv.CreatedAt.In(loc).Format("2006-01-02 15:04"), inv.OrderID, inv.Amount.String(),
			inv.Status.Words(), inv.PaidLine())
	}
	lt.write(&b)

	fmt.Fprintf(&b, "\nExceptions: %d\n", len(r.Exceptions))
	et := table{align: "llrll", indent: "  "}
	for _, e := range r.Exceptions {
		inv := e.Invoice
		et.add(inv.CreatedAt.In(loc).Format("2006-01-02 15:04"), inv.OrderID, inv.Amount.String(),
			e.Kind.Words(), exceptionWords(e))
	}
	et.write(&b)

	_, err := io.WriteString(w, b.String())
	return err
}

func exceptionWords(e pos.Entry) string {
	inv := e.Invoice
	paid := inv.PaidLine()
	switch e.Kind {
	case pos.ExceptionUnderpaid:
		if !e.ValueKnown {
			return "the provider did not say how much arrived"
		}
		return paid + " arrived, worth " + e.Value.String()
	case pos.ExceptionOverpaid:
		if paid == "" {
			return "more than asked arrived"
		}
		return paid + " arrived"
	case pos.ExceptionOnHold:
		if paid == "" {
			return ""
		}
		return paid + " arrived"
	case pos.ExceptionCancelledOpen, pos.ExceptionOtherCurrency:
		s := inv.Status.Words()
		if paid != "" {
			s += ", " + paid + " arrived"
		}
		return s
	}
	return paid
}

// table lines up columns; align has one letter per column, l or r.
type table struct {
	align  string
	indent string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(b *strings.Builder) {
	var widths []int
	for _, row := range t.rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range t.rows {
		var line strings.Builder
		line.WriteString(t.indent)
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if i < len(t.align) && t.align[i] == 'r' {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}
