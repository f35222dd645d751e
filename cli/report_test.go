package cli_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/cli"
	"cryptopos/pos"
)

// awkwardReason has a comma, quotes and a line break, for CSV quoting.
const awkwardReason = "FakePay refused the invoice: Minimum amount 0.5 USDT, \"per network\"\nsee the docs"

// day fills the journal with a day of sales on 2026-03-14 (CET), with one
// sale of every kind the report must handle, and two just outside it.
func (r *rig) day() {
	btc := pos.PayOption{Code: "BTC"}
	usdt := pos.PayOption{Code: "USDT", Network: "tron"}
	base := func(id string, created time.Time, amount string, pay pos.PayOption) pos.Invoice {
		return pos.Invoice{OrderID: id, Provider: "fake", Amount: money(amount, "EUR"), Pay: pay,
			CreatedAt: created, ProviderID: "fake-" + id, URL: "https://pay.example/" + id,
			ExpiresAt: created.Add(30 * time.Minute)}
	}
	with := func(inv pos.Invoice, f func(*pos.Invoice)) pos.Invoice { f(&inv); return inv }
	paid := func(inv pos.Invoice, status pos.Status, when time.Time) pos.Invoice {
		inv.Status, inv.ProviderStatus, inv.UpdatedAt = status, string(status), when
		return inv
	}

	// Just after local midnight, before UTC midnight: in the day.
	inv := with(base("till-1-a00", time.Date(2026, 3, 13, 23, 30, 0, 0, time.UTC), "4.60", pos.PayOption{}),
		func(i *pos.Invoice) { i.Paid = money("5.00", "USDT"); i.Network = "tron" })
	r.record(paid(inv, pos.StatusPaid, inv.CreatedAt.Add(3*time.Minute)),
		step{inv.CreatedAt.Add(3 * time.Minute), pos.StatusPaid})

	inv = with(base("till-1-a01", at(9, 5), "12.50", btc), func(i *pos.Invoice) {
		i.PayAmount, i.Paid, i.Network = money("0.00020833", "BTC"), money("0.00020833", "BTC"), "btc"
	})
	r.record(paid(inv, pos.StatusPaid, at(9, 8)), step{at(9, 5), pos.StatusWaiting}, step{at(9, 8), pos.StatusPaid})

	inv = with(base("till-1-a02", at(10, 15), "20.00", usdt), func(i *pos.Invoice) {
		i.PayAmount, i.Paid, i.Network = money("21.70", "USDT"), money("25.00", "USDT"), "tron"
	})
	r.record(paid(inv, pos.StatusOverpaid, at(10, 20)), step{at(10, 20), pos.StatusOverpaid})

	inv = with(base("till-1-a03", at(11, 0), "10.00", btc), func(i *pos.Invoice) {
		i.PayAmount, i.Paid, i.Network = money("0.0003", "BTC"), money("0.0001", "BTC"), "btc"
	})
	r.record(paid(inv, pos.StatusUnderpaid, at(11, 30)),
		step{at(11, 10), pos.StatusPartial}, step{at(11, 30), pos.StatusUnderpaid})

	inv = base("till-1-a04", at(12, 0), "7.00", pos.PayOption{})
	r.record(paid(inv, pos.StatusPaid, at(12, 4)), step{at(12, 4), pos.StatusPaid})

	inv = with(base("till-1-a05", at(13, 0), "0.40", usdt), func(i *pos.Invoice) {
		i.ProviderID, i.URL, i.Reason = "", "", awkwardReason
	})
	r.record(paid(inv, pos.StatusFailed, at(13, 0)), step{at(13, 0), pos.StatusFailed})

	inv = with(base("till-1-a06", at(14, 0), "15.00", btc), func(i *pos.Invoice) {
		i.PayAmount, i.Paid, i.Network = money("0.0003", "BTC"), money("0.0003", "BTC"), "btc"
		i.ProviderStatus = "locked"
	})
	inv.Status, inv.UpdatedAt = pos.StatusOnHold, at(14, 9)
	r.record(inv, step{at(14, 9), pos.StatusOnHold})

	inv = with(base("till-1-a07", at(15, 0), "3.00", pos.PayOption{}), func(i *pos.Invoice) { i.Dismissed = true })
	inv.Status, inv.UpdatedAt = pos.StatusWaiting, at(15, 1)
	r.record(inv, step{at(15, 0), pos.StatusWaiting})

	inv = with(base("till-1-a08", at(16, 0), "8.00", btc), func(i *pos.Invoice) {
		i.PayAmount, i.Paid, i.Network, i.Late = money("0.0001", "BTC"), money("0.0001", "BTC"), "btc", true
	})
	r.record(paid(inv, pos.StatusPaid, at(17, 10)),
		step{at(16, 30), pos.StatusExpired}, step{at(17, 10), pos.StatusPaid})

	inv = with(base("till-1-a09", at(18, 0), "6.00", btc), func(i *pos.Invoice) {
		i.ProviderID, i.URL, i.ReplacedBy = "", "", "till-1-a10"
		i.Reason = "Replaced by till-1-a10: FakePay made this invoice but could not return it, so it was cancelled."
	})
	r.record(paid(inv, pos.StatusCancelled, at(18, 1)), step{at(18, 1), pos.StatusCancelled})
	inv = with(base("till-1-a10", at(18, 1), "6.00", btc), func(i *pos.Invoice) {
		i.PayAmount, i.Network, i.Replaces = money("0.0001", "BTC"), "btc", "till-1-a09"
	})
	r.record(paid(inv, pos.StatusPaid, at(18, 5)), step{at(18, 5), pos.StatusPaid})

	// Just after local midnight of the next day: not in the day.
	inv = base("till-1-a11", time.Date(2026, 3, 14, 23, 10, 0, 0, time.UTC), "99.00", btc)
	r.record(paid(inv, pos.StatusPaid, inv.CreatedAt.Add(time.Minute)))
}

func TestReportText(t *testing.T) {
	r := newRig(t)
	r.day()
	out, errOut, code := r.run(cli.Report, "--date", "2026-03-14")
	if code != cli.ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	golden(t, "report.txt.golden", out)

	// Today is the default.
	today, _, _ := r.run(cli.Report)
	if today != out {
		t.Errorf("report without --date differs from --date 2026-03-14 (today):\n%s", today)
	}
}

func TestReportCSV(t *testing.T) {
	r := newRig(t)
	r.day()
	out, errOut, code := r.run(cli.Report, "--csv", "--date=2026-03-14")
	if code != cli.ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	golden(t, "report.csv.golden", out)

	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v", err)
	}
	if strings.Join(rows[0], ",") != strings.Join(cli.CSVHeader, ",") {
		t.Errorf("header = %v", rows[0])
	}
	if len(rows) != 1+11 {
		t.Fatalf("%d rows, want a header and 11 invoices", len(rows))
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var found bool
	for _, row := range rows[1:] {
		if len(row) != len(cli.CSVHeader) {
			t.Errorf("row %v has %d fields", row, len(row))
		}
		if row[col["order_id"]] == "till-1-a05" {
			found = true
			if row[col["reason"]] != awkwardReason {
				t.Errorf("reason = %q, want %q", row[col["reason"]], awkwardReason)
			}
		}
	}
	if !found {
		t.Error("the failed invoice is missing")
	}
	// RFC 4180: CRLF line ends, the field quoted and its quotes doubled;
	// the line break inside the field is a CRLF too.
	if !strings.Contains(out, `,"FakePay refused the invoice: Minimum amount 0.5 USDT, ""per network""`+"\r\nsee the docs\",") {
		t.Errorf("the reason is not quoted as RFC 4180 says:\n%q", out)
	}
	if !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\r\n") != 12+1 || strings.Count(out, "\n") != 12+1 {
		t.Errorf("want 12 CRLF-ended records (and one CRLF in a field), and no bare LF")
	}
}

// TestReportMatchesCSV checks the report's totals against the CSV's rows,
// one by one: the same numbers on screen and in the accountant's file.
func TestReportMatchesCSV(t *testing.T) {
	r := newRig(t)
	r.day()
	csvOut, _, _ := r.run(cli.Report, "--csv")
	jsonOut, _, code := r.run(cli.Report, "--json")
	if code != cli.ExitOK {
		t.Fatalf("exit %d", code)
	}
	var rep cli.ReportJSON
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	amount, received := decimal.Zero, decimal.Zero
	byStatus := map[string]decimal.Decimal{}
	count := map[string]int{}
	coins := map[string]decimal.Decimal{}
	for _, row := range rows[1:] {
		a := dec(row[col["amount"]])
		amount = amount.Add(a)
		byStatus[row[col["status"]]] = byStatus[row[col["status"]]].Add(a)
		count[row[col["status"]]]++
		if v := row[col["value_received"]]; v != "" {
			received = received.Add(dec(v))
			coin := row[col["pay_currency"]]
			coins[coin] = coins[coin].Add(dec(v))
		}
	}
	if !dec(rep.Amount).Equal(amount) || !dec(rep.Received).Equal(received) {
		t.Errorf("report amount %s received %s; the CSV rows add up to %s and %s", rep.Amount, rep.Received, amount, received)
	}
	for _, s := range rep.ByStatus {
		if s.Count != count[s.Status] || !dec(s.Amount).Equal(byStatus[s.Status]) {
			t.Errorf("%s: report %d %s, CSV %d %s", s.Status, s.Count, s.Amount, count[s.Status], byStatus[s.Status])
		}
	}
	for _, c := range rep.ByCoin {
		if !dec(c.Value).Equal(coins[c.Coin]) {
			t.Errorf("coin %q: report %s, CSV %s", c.Coin, c.Value, coins[c.Coin])
		}
	}
}

func TestReportJSON(t *testing.T) {
	r := newRig(t)
	r.day()
	out, _, code := r.run(cli.Report, "--json", "--date", "2026-03-14")
	if code != cli.ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "report.json.golden", out)

	// The shape is stable: these keys, always present.
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	want := "amount by_coin by_status currency exceptions from invoices late open open_amount received taken time_zone to underpaid underpaid_unknown"
	if got := keys(m); got != want {
		t.Errorf("report keys:\n%s\nwant\n%s", got, want)
	}
	inv := m["late"].([]any)[0].(map[string]any)
	wantInv := "address amount created_at crypto_amount crypto_paid currency dismissed expires_at final late late_acknowledged " +
		"network order_id pay pay_currency provider provider_id provider_status reason replaced_by replaces status " +
		"status_words updated_at url value_received"
	if got := keys(inv); got != wantInv {
		t.Errorf("invoice keys:\n%s\nwant\n%s", got, wantInv)
	}
}

func keys(m map[string]any) string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return strings.Join(k, " ")
}

func TestReportPeriods(t *testing.T) {
	r := newRig(t)
	r.day()
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string // in stdout (code 0) or stderr
	}{
		{"a day with nothing", []string{"--date", "2026-03-12"}, cli.ExitOK, "All 0 0.00"},
		{"from and to, both included", []string{"--from", "2026-03-13", "--to", "2026-03-15"}, cli.ExitOK,
			"Sales made from 2026-03-13 00:00 CET to 2026-03-16 00:00 CET"},
		{"the next day has the sale after midnight", []string{"--date", "2026-03-15"}, cli.ExitOK,
			"All 1 99.00"},
		{"from alone runs to today", []string{"--from", "2026-03-14"}, cli.ExitOK, "Sales report 2026-03-14\n"},
		{"to before from", []string{"--from", "2026-03-14", "--to", "2026-03-13"}, cli.ExitUsage,
			"--from 2026-03-14 is after --to 2026-03-13"},
		{"date and from", []string{"--date", "2026-03-14", "--from", "2026-03-14"}, cli.ExitUsage, "not both"},
		{"not a date", []string{"--date", "14.03.2026"}, cli.ExitUsage, `"14.03.2026" is not a date: write YYYY-MM-DD`},
		{"csv and json", []string{"--csv", "--json"}, cli.ExitUsage, "give --csv or --json, not both"},
		{"unknown flag", []string{"--day", "x"}, cli.ExitUsage, "flag provided but not defined: -day"},
		{"stray argument", []string{"today"}, cli.ExitUsage, `unexpected argument "today"`},
		{"help", []string{"--help"}, cli.ExitOK, "Usage: cryptopos report"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := r.run(cli.Report, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errOut)
			}
			if !strings.Contains(out+errOut, tt.want) && !strings.Contains(strings.Join(strings.Fields(out), " "), tt.want) {
				t.Errorf("output does not have %q:\n%s%s", tt.want, out, errOut)
			}
		})
	}
}

func TestReportJournalTrouble(t *testing.T) {
	r := newRig(t)
	r.deps.Journal = brokenJournal{r.journal}
	_, errOut, code := r.run(cli.Report)
	if code != cli.ExitTrouble || !strings.Contains(errOut, "disk on fire") {
		t.Errorf("exit %d stderr %q, want %d and the journal's error", code, errOut, cli.ExitTrouble)
	}
}

type brokenJournal struct{ pos.Journal }

var errDisk = errors.New("could not read the invoices from the journal: disk on fire")

func (brokenJournal) List(context.Context, pos.Filter) ([]pos.Invoice, error) { return nil, errDisk }
func (brokenJournal) Get(context.Context, string) (pos.Invoice, error)        { return pos.Invoice{}, errDisk }
