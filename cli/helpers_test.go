package cli_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/cli"
	"cryptopos/pos"
	"cryptopos/pos/postest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// cet is the shop's time zone in the tests: fixed, so that the tests need
// no time zone database.
var cet = time.FixedZone("CET", 3600)

// t0 is "now" in the tests: 2026-03-14 18:30 CET.
var t0 = time.Date(2026, 3, 14, 18, 30, 0, 0, cet)

type rig struct {
	t        *testing.T
	clock    *postest.Clock
	journal  *postest.Journal
	provider *postest.Provider
	deps     cli.Deps
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, clock: postest.NewClock(t0), journal: postest.NewJournal()}
	r.provider = postest.NewProvider(r.clock, 30*time.Minute)
	r.deps = cli.Deps{
		Journal:      r.journal,
		Engine:       r.engine,
		ShopCurrency: pos.Currency{Code: "EUR", Decimals: 2},
		MaxAmount:    decimal.RequireFromString("1000"),
		PayOptions:   []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}},
		Location:     cet,
		Clock:        r.clock,
	}
	return r
}

// engine is Deps.Engine: a fresh engine on the rig's provider and journal,
// as main.go makes one per command.
func (r *rig) engine() (*pos.Engine, func(), error) {
	e := pos.NewEngine(r.provider, r.journal, r.clock, pos.EngineConfig{
		TerminalID: "till-1", Random: &postest.Random{}, LateWatch: -1,
	}, nil)
	return e, e.Close, nil
}

type command func(args []string, deps cli.Deps, stdout, stderr io.Writer) int

// run runs a command to its end.
func (r *rig) run(cmd command, args ...string) (stdout, stderr string, code int) {
	r.t.Helper()
	var out, errOut bytes.Buffer
	code = cmd(args, r.deps, &out, &errOut)
	return out.String(), errOut.String(), code
}

// syncBuffer is a bytes.Buffer safe for a command writing and a test reading.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is a command running in the background.
type running struct {
	r              *rig
	stdout, stderr *syncBuffer
	done           chan int
}

func (r *rig) start(cmd command, args ...string) *running {
	bg := &running{r: r, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan int, 1)}
	go func() { bg.done <- cmd(args, r.deps, bg.stdout, bg.stderr) }()
	return bg
}

// waitFor waits until ok holds; the deadline only guards against a hang.
func (bg *running) waitFor(what string, ok func() bool) {
	bg.r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		select {
		case code := <-bg.done:
			bg.r.t.Fatalf("the command ended (exit %d) before %s\nstdout:\n%s\nstderr:\n%s", code, what, bg.stdout, bg.stderr)
		default:
		}
		if time.Now().After(deadline) {
			bg.r.t.Fatalf("never saw %s\nstdout:\n%s\nstderr:\n%s", what, bg.stdout, bg.stderr)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitOutput waits until stdout has n lines.
func (bg *running) waitOutput(n int) {
	bg.r.t.Helper()
	bg.waitFor("line "+string(rune('0'+n)), func() bool { return strings.Count(bg.stdout.String(), "\n") >= n })
}

// wait returns the exit code.
func (bg *running) wait() int {
	bg.r.t.Helper()
	select {
	case code := <-bg.done:
		return code
	case <-time.After(5 * time.Second):
		bg.r.t.Fatalf("the command did not end\nstdout:\n%s\nstderr:\n%s", bg.stdout, bg.stderr)
	}
	return -1
}

// drive advances the clock a second at a time until the command ends, and
// returns its exit code.
func (bg *running) drive() int {
	bg.r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-bg.done:
			return code
		default:
		}
		bg.r.clock.Advance(time.Second)
		time.Sleep(200 * time.Microsecond)
	}
	bg.r.t.Fatalf("the command did not end\nstdout:\n%s\nstderr:\n%s", bg.stdout, bg.stderr)
	return -1
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./cli -update rewrites it; review the diff)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func money(amount, code string) pos.Money { return pos.Money{Amount: dec(amount), Currency: code} }

// record puts an invoice in the journal as the engine would have: created
// (status creating) at CreatedAt, then one event per step.
func (r *rig) record(inv pos.Invoice, steps ...step) {
	r.t.Helper()
	ctx := context.Background()
	first := inv
	first.Status, first.UpdatedAt = pos.StatusCreating, inv.CreatedAt
	first.ProviderID, first.URL, first.PayAmount, first.Paid, first.Network = "", "", pos.Money{}, pos.Money{}, ""
	first.ProviderStatus, first.Reason, first.Late, first.Dismissed, first.ReplacedBy = "", "", false, false, ""
	if err := r.journal.Insert(ctx, first, "sale started at the terminal"); err != nil {
		r.t.Fatal(err)
	}
	for _, s := range steps {
		cur := inv
		cur.Status, cur.UpdatedAt = s.status, s.at
		if err := r.journal.Update(ctx, cur, "status "+string(s.status)); err != nil {
			r.t.Fatal(err)
		}
	}
	if err := r.journal.Update(ctx, inv, "final state"); err != nil {
		r.t.Fatal(err)
	}
}

type step struct {
	at     time.Time
	status pos.Status
}

func at(hour, minute int) time.Time { return time.Date(2026, 3, 14, hour, minute, 0, 0, cet) }
