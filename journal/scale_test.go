package journal

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/cli"
	"cryptopos/internal/sqlitefile/sqlitetest"
	"cryptopos/pos"
)

// The scale benchmarks run on a journal of a busy shop's decade: 1,000,000
// invoices (-journal.invoices) over ten years, busier on Saturdays and
// busier year by year, with one very busy day (Black Friday, the day
// before "now") of scaleBusyDay sales, realistic outcomes and three events
// per invoice. Building it takes about half a minute, so they are
// benchmarks only (never run by go test without -bench) and skipped under
// -short:
//
//	go test -run '^$' -bench Scale -benchtime 20x ./journal/
//
// Each checks, on the filled journal after PRAGMA optimize, that its
// queries use their indexes.

var (
	// scaleNow is "now" in the scale journal: start-up time.
	scaleNow   = time.Date(2026, 11, 28, 8, 0, 0, 0, scaleZone)
	scaleStart = scaleNow.AddDate(-10, 0, 0)
	// scaleBusy is the very busy day, the day before scaleNow.
	scaleBusy = time.Date(2026, 11, 27, 0, 0, 0, 0, scaleZone)
	scaleZone = time.FixedZone("CET", 3600)
)

const (
	scaleBusyDay    = 2_500 // sales on the busy day
	scaleStuck      = 30    // old invoices stuck on hold, scattered over the years
	scaleOpenLately = 12    // invoices still open in the last hour
)

// BenchmarkScale builds the decade's journal once and runs the start-up
// and report scans on it.
func BenchmarkScale(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a journal of a decade of sales")
	}
	start := time.Now()
	j, err := Open(filepath.Join(b.TempDir(), "journal.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	st, err := fillDecade(j, *benchInvoices)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(j.Path() + suffix); err == nil {
			size += fi.Size()
		}
	}
	b.Logf("built a journal of %d invoices over ten years (%d MB) in %v; %d on the busy day, %d unfinished, %d unpaid in the last 24 h",
		*benchInvoices, size>>20, time.Since(start).Round(time.Millisecond), st.busy, st.unfinished, st.recentUnpaid)
	ctx := context.Background()
	busyFrom, busyTo := pos.DayBounds(scaleBusy.Add(12*time.Hour), scaleZone)
	quietFrom, quietTo := pos.DayBounds(scaleStart.AddDate(0, 0, 10).Add(12*time.Hour), scaleZone)

	// The day's report: the journal's List for the day, and Summarize.
	b.Run("DayReport", func(b *testing.B) {
		checkPlan(b, j, listDayQuery, "invoices_created", busyFrom.UnixMilli(), busyTo.UnixMilli())
		for b.Loop() {
			invs, err := j.List(ctx, pos.Filter{From: busyFrom, To: busyTo})
			if err != nil {
				b.Fatal(err)
			}
			r := pos.Summarize(invs, busyFrom, busyTo, "EUR")
			if r.Invoices != st.busy {
				b.Fatalf("%d invoices in the report, want %d", r.Invoices, st.busy)
			}
		}
	})
	b.Run("QuietDayReport", func(b *testing.B) {
		for b.Loop() {
			invs, err := j.List(ctx, pos.Filter{From: quietFrom, To: quietTo})
			if err != nil {
				b.Fatal(err)
			}
			if r := pos.Summarize(invs, quietFrom, quietTo, "EUR"); r.Invoices == 0 {
				b.Fatal("no sales on a quiet day")
			}
		}
	})
	// The CSV export of the busy day: List, then each invoice's events for
	// its paid-at time.
	b.Run("DayCSV", func(b *testing.B) {
		for b.Loop() {
			invs, err := j.List(ctx, pos.Filter{From: busyFrom, To: busyTo})
			if err != nil {
				b.Fatal(err)
			}
			if err := cli.WriteCSV(ctx, io.Discard, invs, j, scaleZone); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The start-up scans of Engine.Resume: the unfinished invoices, the
	// ones that ended unpaid in the last 24 h (the late-payment watch),
	// and the paid ones of the last 48 h (unacknowledged late payments).
	b.Run("ResumeScan", func(b *testing.B) {
		checkPlan(b, j, unfinishedQuery, "invoices_unfinished")
		checkPlan(b, j, unpaidQuery, "invoices_unpaid", scaleNow.Add(-24*time.Hour).UnixMilli())
		checkPlan(b, j, listLateQuery, "invoices_created", scaleNow.Add(-48*time.Hour).UnixMilli(), "paid", "overpaid", "underpaid")
		for b.Loop() {
			unfinished, err := j.Unfinished(ctx)
			if err != nil {
				b.Fatal(err)
			}
			unpaid, err := j.RecentlyUnpaid(ctx, scaleNow.Add(-24*time.Hour))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := j.List(ctx, pos.Filter{From: scaleNow.Add(-48 * time.Hour),
				Statuses: []pos.Status{pos.StatusPaid, pos.StatusOverpaid, pos.StatusUnderpaid}}); err != nil {
				b.Fatal(err)
			}
			if len(unfinished) != st.unfinished || len(unpaid) != st.recentUnpaid {
				b.Fatalf("%d unfinished and %d recently unpaid, want %d and %d",
					len(unfinished), len(unpaid), st.unfinished, st.recentUnpaid)
			}
		}
	})
	// `cryptopos invoice list --all --status on_hold --limit 50`: a rare
	// status over the whole decade, read through invoices_created, so the
	// whole history (about 0.6 s for a million). An index on (status,
	// created_at) makes it instant but, with the statistics of PRAGMA
	// optimize, SQLite then picks it for RecentlyUnpaid and reads every
	// expired sale of the decade at start-up; ResumeScan's plan check
	// catches that. Scripts that list by status should give a period.
	b.Run("ListRareStatus", func(b *testing.B) {
		for b.Loop() {
			invs, err := j.List(ctx, pos.Filter{Statuses: []pos.Status{pos.StatusOnHold}, Limit: 50})
			if err != nil {
				b.Fatal(err)
			}
			if len(invs) != scaleStuck {
				b.Fatalf("%d on hold, want %d", len(invs), scaleStuck)
			}
		}
	})
	// `cryptopos invoice list --all --limit 20`: the newest sales.
	b.Run("ListNewest", func(b *testing.B) {
		for b.Loop() {
			if invs, err := j.List(ctx, pos.Filter{Limit: 20}); err != nil || len(invs) != 20 {
				b.Fatal(len(invs), err)
			}
		}
	})
}

// listDayQuery is the query List runs for pos.Filter{From, To}; it must
// stay in step with List.
const listDayQuery = `SELECT ` + columns + ` FROM invoices WHERE created_at >= ? AND created_at < ? ORDER BY created_at DESC, order_id DESC`

// listLateQuery is the query List runs for Engine.Resume's late payments:
// pos.Filter{From, Statuses: paid, overpaid, underpaid}.
const listLateQuery = `SELECT ` + columns + ` FROM invoices WHERE created_at >= ? AND status IN (?, ?, ?) ORDER BY created_at DESC, order_id DESC`

// TestListQueryPlans checks, on an empty journal, that the queries of the
// report and the start-up scan that TestQueryPlans does not cover use their
// indexes without sorting. BenchmarkScale checks them again on a million
// invoices.
func TestListQueryPlans(t *testing.T) {
	j := openTemp(t)
	checkPlan(t, j, listDayQuery, "invoices_created", 0, 86_400_000)
	checkPlan(t, j, unpaidQuery, "invoices_unpaid", 0)
	checkPlan(t, j, listLateQuery, "invoices_created", 0, "paid", "overpaid", "underpaid")
}

// checkPlan fails unless SQLite's plan for q uses index and no temporary
// b-tree for the whole ORDER BY.
func checkPlan(tb testing.TB, j *Journal, q, index string, args ...any) {
	tb.Helper()
	p := sqlitetest.Plan(tb, j.db, q, args...)
	if !strings.Contains(p, "INDEX "+index) || strings.Contains(p, "USE TEMP B-TREE FOR ORDER BY") {
		tb.Errorf("plan %q does not use index %s without sorting", p, index)
	}
}

// decadeStats is what fillDecade made, for the benchmarks to check.
type decadeStats struct {
	busy, unfinished, recentUnpaid int
}

// fillDecade writes n invoices over the ten years before scaleNow.
func fillDecade(j *Journal, n int) (decadeStats, error) {
	var st decadeStats
	rng := rand.New(rand.NewPCG(2016, 2026))

	// Sales per day: a shop that doubles its trade over the decade, busier
	// on Saturdays, closed on Sundays, and Black Friday the day before now.
	dayStart := func(d int) time.Time {
		t := scaleStart.AddDate(0, 0, d)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, scaleZone)
	}
	days := 1
	for dayStart(days - 1).Before(scaleBusy) {
		days++
	}
	weights := make([]float64, days)
	total := 0.0
	for d := range weights {
		w := 1 + float64(d)/float64(days)
		switch dayStart(d).Weekday() {
		case time.Saturday:
			w *= 1.6
		case time.Sunday:
			w = 0
		}
		if d == days-1 {
			w = 0 // the busy day has its own count
		}
		weights[d] = w
		total += w
	}
	rest := n - scaleBusyDay - scaleOpenLately
	counts := make([]int, days)
	sum := 0
	for d, w := range weights {
		counts[d] = int(float64(rest) * w / total)
		sum += counts[d]
	}
	for d := 0; sum < rest; d = (d + 7) % (days - 1) { // the rounding's remainder
		if weights[d] > 0 {
			counts[d]++
			sum++
		}
	}
	counts[days-1] = scaleBusyDay
	st.busy = scaleBusyDay
	stuck := map[int]bool{}
	for len(stuck) < scaleStuck {
		stuck[rng.IntN(n-scaleBusyDay-scaleOpenLately)] = true
	}

	tx, err := j.db.Begin()
	if err != nil {
		return st, err
	}
	defer tx.Rollback()
	insInvoice, err := tx.Prepare(`INSERT INTO invoices (` + columns + `) VALUES (` + placeholders + `)`)
	if err != nil {
		return st, err
	}
	insEvent, err := tx.Prepare(`INSERT INTO events (order_id, at, status, provider_status, note) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return st, err
	}
	pays := []pos.PayOption{{Code: "USDT", Network: "tron"}, {Code: "USDT", Network: "tron"}, {Code: "BTC"},
		{Code: "BTC"}, {Code: "BTC"}, {Code: "ETH"}, {}, {}}
	rates := map[string]decimal.Decimal{"USDT": decimal.RequireFromString("0.92"),
		"BTC": decimal.RequireFromString("58000"), "ETH": decimal.RequireFromString("2400")}
	networks := map[string]string{"USDT": "tron", "BTC": "btc", "ETH": "eth"}

	seq := 0
	write := func(created time.Time, open bool) error {
		i := seq
		seq++
		inv := pos.Invoice{
			OrderID:  fmt.Sprintf("pos-%s-%06d", created.UTC().Format("20060102150405"), i%1_000_000),
			Provider: "cryptomus", Amount: pos.NewMoney(decimal.New(100+rng.Int64N(20_000), -2), "EUR"),
			Pay: pays[rng.IntN(len(pays))], CreatedAt: created,
		}
		inv.ProviderID = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, rng.Int64N(1<<48))
		inv.URL = "https://pay.cryptomus.com/pay/" + inv.ProviderID
		inv.ExpiresAt = created.Add(time.Hour)
		code := inv.Pay.Code
		if code == "" {
			code = []string{"USDT", "BTC", "ETH"}[rng.IntN(3)]
		}
		inv.Network = networks[code]
		inv.PayAmount = pos.NewMoney(inv.Amount.Amount.DivRound(rates[code], 8), code)

		roll := rng.IntN(1000)
		var ended time.Duration = time.Duration(30+rng.IntN(900)) * time.Second
		switch {
		case open:
			inv.Status = []pos.Status{pos.StatusWaiting, pos.StatusConfirming, pos.StatusPartial}[rng.IntN(3)]
			ended = time.Duration(rng.IntN(60)) * time.Second
		case stuck[i]:
			inv.Status, inv.Paid = pos.StatusOnHold, inv.PayAmount
		case roll < 800:
			inv.Status, inv.Paid = pos.StatusPaid, inv.PayAmount
			if roll < 8 {
				inv.Late = true
				ended += 2 * time.Hour
			}
		case roll < 830:
			inv.Status = pos.StatusOverpaid
			inv.Paid = pos.NewMoney(inv.PayAmount.Amount.Mul(decimal.RequireFromString("1.05")).Round(8), code)
		case roll < 850:
			inv.Status = pos.StatusUnderpaid
			inv.Paid = pos.NewMoney(inv.PayAmount.Amount.Mul(decimal.RequireFromString("0.6")).Round(8), code)
			ended = time.Hour
		case roll < 940:
			inv.Status, ended = pos.StatusExpired, time.Hour
			if inv.Pay.CustomerChooses() {
				inv.PayAmount, inv.Network = pos.Money{}, ""
			}
		case roll < 980:
			inv.Status, inv.Dismissed = pos.StatusCancelled, true
			inv.Reason = "Cancelled on the terminal."
			ended = time.Hour
		default:
			inv.Status, inv.Reason = pos.StatusFailed, "Cryptomus refused the invoice: Minimum amount 0.5 USDT"
			inv.ProviderID, inv.URL, inv.PayAmount, inv.Paid, inv.Network = "", "", pos.Money{}, pos.Money{}, ""
			ended = time.Second
		}
		inv.ProviderStatus = string(inv.Status)
		inv.UpdatedAt = created.Add(ended)
		if !inv.Status.Final() {
			st.unfinished++
		} else if !inv.Status.Success() && !inv.UpdatedAt.Before(scaleNow.Add(-24*time.Hour)) {
			st.recentUnpaid++
		}
		if _, err := insInvoice.Exec(values(inv)...); err != nil {
			return err
		}
		for _, e := range []struct {
			at     time.Time
			status pos.Status
			note   string
		}{
			{created, pos.StatusCreating, "sale started at the terminal"},
			{created.Add(2 * time.Second), pos.StatusWaiting, "created at Cryptomus; status waiting (check)"},
			{inv.UpdatedAt, inv.Status, "status " + string(inv.Status) + " (" + inv.ProviderStatus + ") from Cryptomus API"},
		} {
			if _, err := insEvent.Exec(inv.OrderID, e.at.UnixMilli(), string(e.status), "", e.note); err != nil {
				return err
			}
		}
		return nil
	}

	for d, c := range counts {
		open, hours := dayStart(d).Add(8*time.Hour), 12*time.Hour // 08:00 to 20:00
		if d == days-1 {
			open, hours = dayStart(d).Add(6*time.Hour), 18*time.Hour
		}
		step := hours / time.Duration(max(c, 1))
		for k := 0; k < c; k++ {
			at := open.Add(time.Duration(k)*step + time.Duration(rng.Int64N(int64(step))))
			if err := write(at.Truncate(time.Millisecond), false); err != nil {
				return st, err
			}
		}
	}
	for k := 0; k < scaleOpenLately; k++ {
		at := scaleNow.Add(-time.Hour + time.Duration(k)*4*time.Minute)
		if err := write(at, true); err != nil {
			return st, err
		}
	}
	if seq != n {
		return st, fmt.Errorf("wrote %d invoices, meant %d", seq, n)
	}
	if err := tx.Commit(); err != nil {
		return st, err
	}
	_, err = j.db.Exec(`PRAGMA optimize`)
	return st, err
}
