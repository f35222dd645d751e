package journal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cryptopos/internal/sqlitefile/sqlitetest"
	"cryptopos/pos"
)

// crash is TestCrashSafety's harness; TestHelperProcess is its child.
var crash = sqlitetest.Crash{
	Env:      "CRYPTOPOS_JOURNAL_CRASH",
	Helper:   "TestHelperProcess",
	Kills:    10,
	MaxLines: 60,
	Watchdog: 20 * time.Second,
}

// TestHelperProcess is the child of TestCrashSafety, not a test: it writes
// invoices to the journal until it is killed, printing "inserted ID" or
// "updated ID" once each write has been committed.
func TestHelperProcess(t *testing.T) {
	path, prefix, ok := crash.Child()
	if !ok {
		return
	}
	j, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	// os.Stdout is unbuffered: each line is in the pipe when Fprintf returns.
	for i := 0; i < 100_000; i++ {
		inv := fullInvoice(fmt.Sprintf("%s-%05d", prefix, i))
		inv.Status = pos.StatusCreating
		if err := j.Insert(ctx, inv, "sale started at the terminal"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Fprintf(os.Stdout, "inserted %s\n", inv.OrderID)
		inv.Status = pos.StatusWaiting
		if err := j.Update(ctx, inv, "created at Cryptomus"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Fprintf(os.Stdout, "updated %s\n", inv.OrderID)
	}
	os.Exit(0)
}

// TestCrashSafety kills a writing process at random moments and checks that
// every write it saw committed is in the journal, and the file is sound.
// (SIGKILL loses what the process had not handed to the OS; the OS's buffers
// survive it, so this tests the process-crash half of synchronous=FULL.)
func TestCrashSafety(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	ctx := context.Background()
	for round := range crash.Rounds() {
		inserted, updated := map[string]bool{}, map[string]bool{}
		kill := crash.Kill(t, round, path, func(line string) bool {
			verb, id, ok := strings.Cut(line, " ")
			switch {
			case !ok:
				return false
			case verb == "inserted":
				inserted[id] = true
			case verb == "updated":
				updated[id] = true
			default:
				return false
			}
			return true
		})

		j, err := Open(path)
		if err != nil {
			t.Fatalf("round %d: reopening after the kill: %v", round, err)
		}
		for id := range inserted {
			inv, err := j.Get(ctx, id)
			if err != nil {
				t.Errorf("round %d: %s was reported committed: %v", round, id, err)
				continue
			}
			events, err := j.Events(ctx, id)
			if err != nil {
				t.Errorf("round %d: %s: %v", round, id, err)
				continue
			}
			want := pos.StatusCreating
			if updated[id] {
				want = pos.StatusWaiting
			}
			// An update committed just before the kill may not have been
			// reported; one reported must be there.
			switch {
			case updated[id] && (inv.Status != pos.StatusWaiting || len(events) != 2):
				t.Errorf("round %d: %s was reported updated but is %q with %d events", round, id, inv.Status, len(events))
			case inv.Status == pos.StatusCreating && len(events) != 1,
				inv.Status == pos.StatusWaiting && len(events) != 2:
				t.Errorf("round %d: %s is %q with %d events: a write was split from its event", round, id, inv.Status, len(events))
			case inv.Status != want && inv.Status != pos.StatusWaiting:
				t.Errorf("round %d: %s is %q, want %q", round, id, inv.Status, want)
			}
		}
		// Including writes the child did not live to report: no invoice
		// without the event of its latest status.
		var split int
		err = j.db.QueryRow(`SELECT count(*) FROM invoices i WHERE NOT EXISTS
			(SELECT 1 FROM events e WHERE e.order_id = i.order_id AND e.status = i.status)`).Scan(&split)
		if err != nil || split != 0 {
			t.Errorf("round %d: %d invoices lack the event of their status (%v)", round, split, err)
		}
		var check string
		if err := j.db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Errorf("round %d: integrity_check = %q, %v", round, check, err)
		}
		var fkProblems int
		if err := j.db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fkProblems); err != nil || fkProblems != 0 {
			t.Errorf("round %d: %d foreign key problems, %v", round, fkProblems, err)
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after %d lines; %d inserts and %d updates reported", round, kill, len(inserted), len(updated))
	}
}
