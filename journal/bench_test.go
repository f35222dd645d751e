package journal

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cryptopos/pos"
)

var benchInvoices = flag.Int("journal.invoices", 1_000_000, "invoices in the journal of the scan benchmarks")

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if bigDir != "" {
		os.RemoveAll(bigDir)
	}
	os.Exit(code)
}

// BenchmarkUpdate is the latency of recording one status change: one
// transaction with an fsync of the WAL.
func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	j := openTemp(b)
	inv := fullInvoice("pos-bench")
	if err := j.Insert(ctx, inv, "sale started"); err != nil {
		b.Fatal(err)
	}
	statuses := []pos.Status{pos.StatusWaiting, pos.StatusConfirming}
	for i := 0; b.Loop(); i++ {
		inv.Status = statuses[i%2]
		inv.UpdatedAt = t0.Add(time.Duration(i) * time.Millisecond)
		if err := j.Update(ctx, inv, "status changed"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsert is the latency of journaling a new sale.
func BenchmarkInsert(b *testing.B) {
	ctx := context.Background()
	j := openTemp(b)
	inv := fullInvoice("")
	for i := 0; b.Loop(); i++ {
		inv.OrderID = fmt.Sprintf("pos-%09d", i)
		if err := j.Insert(ctx, inv, "sale started"); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	bigOnce    sync.Once
	bigDir     string
	bigJournal *Journal
	bigErr     error
)

// bigStart is when the big journal's first sale was made; one sale follows
// every 90 s, about 960 a day.
var bigStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

const bigUnfinished = 20

// big returns a journal of *benchInvoices invoices with two events each,
// all final but the newest bigUnfinished. It is built once per test binary.
func big(b *testing.B) *Journal {
	if testing.Short() {
		b.Skip("builds a journal of a million invoices")
	}
	bigOnce.Do(func() {
		start := time.Now()
		if bigDir, bigErr = os.MkdirTemp("", "journal-bench-"); bigErr != nil {
			return
		}
		if bigJournal, bigErr = Open(filepath.Join(bigDir, "journal.db")); bigErr != nil {
			return
		}
		bigErr = fill(bigJournal, *benchInvoices)
		b.Logf("built a journal of %d invoices in %v", *benchInvoices, time.Since(start).Round(time.Millisecond))
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigJournal
}

func fill(j *Journal, n int) error {
	tx, err := j.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insInvoice, err := tx.Prepare(`INSERT INTO invoices (` + columns + `) VALUES (` + placeholders + `)`)
	if err != nil {
		return err
	}
	insEvent, err := tx.Prepare(`INSERT INTO events (order_id, at, status, provider_status, note) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	finals := []pos.Status{pos.StatusPaid, pos.StatusPaid, pos.StatusPaid, pos.StatusPaid, pos.StatusExpired,
		pos.StatusPaid, pos.StatusPaid, pos.StatusCancelled, pos.StatusPaid, pos.StatusOverpaid}
	inv := fullInvoice("")
	inv.Dismissed, inv.Reason = false, ""
	for i := range n {
		inv.OrderID = fmt.Sprintf("pos-%09d", i)
		inv.CreatedAt = bigStart.Add(time.Duration(i) * 90 * time.Second)
		inv.UpdatedAt = inv.CreatedAt.Add(5 * time.Minute)
		inv.ExpiresAt = inv.CreatedAt.Add(time.Hour)
		inv.Status = finals[i%len(finals)]
		if i >= n-bigUnfinished {
			inv.Status = pos.StatusWaiting
		}
		if _, err := insInvoice.Exec(values(inv)...); err != nil {
			return err
		}
		for _, e := range []struct {
			at     time.Time
			status pos.Status
		}{{inv.CreatedAt, pos.StatusCreating}, {inv.UpdatedAt, inv.Status}} {
			if _, err := insEvent.Exec(inv.OrderID, e.at.UnixMilli(), string(e.status), "", "status changed"); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = j.db.Exec(`PRAGMA optimize`)
	return err
}

// BenchmarkUnfinishedScan is the start-up resume scan in a journal of a
// million invoices, nearly all final.
func BenchmarkUnfinishedScan(b *testing.B) {
	j := big(b)
	ctx := context.Background()
	for b.Loop() {
		got, err := j.Unfinished(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) != bigUnfinished {
			b.Fatalf("%d unfinished invoices, want %d", len(got), bigUnfinished)
		}
	}
}

// BenchmarkDayReport reads one day's invoices (about 960) from a journal of
// a million, the way a report will.
func BenchmarkDayReport(b *testing.B) {
	j := big(b)
	ctx := context.Background()
	day := bigStart.Add(time.Duration(*benchInvoices/2) * 90 * time.Second).Truncate(24 * time.Hour)
	for b.Loop() {
		rows, err := j.db.QueryContext(ctx, `SELECT `+columns+` FROM invoices
			WHERE created_at >= ? AND created_at < ? ORDER BY created_at`,
			day.UnixMilli(), day.Add(24*time.Hour).UnixMilli())
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := scanInvoice(rows); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		if n < 900 {
			b.Fatalf("%d invoices in a day, want about 960", n)
		}
	}
}

// BenchmarkGetAndEvents is opening one sale's history in a big journal.
func BenchmarkGetAndEvents(b *testing.B) {
	j := big(b)
	ctx := context.Background()
	id := fmt.Sprintf("pos-%09d", *benchInvoices/3)
	for b.Loop() {
		if _, err := j.Get(ctx, id); err != nil {
			b.Fatal(err)
		}
		if ev, err := j.Events(ctx, id); err != nil || len(ev) != 2 {
			b.Fatal(len(ev), err)
		}
	}
}
