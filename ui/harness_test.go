package ui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var t0 = time.Date(2026, 11, 21, 11, 30, 0, 0, time.UTC)

// harness drives the root model the way a Bubble Tea program would: every
// command runs in its own goroutine and its message comes back to Update.
type harness struct {
	t        *testing.T
	m        *Model
	clock    *postest.Clock
	provider *postest.Provider
	journal  *postest.Journal
	engine   *pos.Engine
	msgs     chan tea.Msg
	bells    atomic.Int32 // "\a" written to the terminal
}

type harnessOption func(*Options, *postest.Provider)

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	return newHarnessAt(t, t0, opts...)
}

// newHarnessAt is newHarness with the clock starting at start.
func newHarnessAt(t *testing.T, start time.Time, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, clock: postest.NewClock(start), journal: postest.NewJournal(), msgs: make(chan tea.Msg, 256)}
	h.provider = postest.NewProvider(h.clock, 15*time.Minute)
	h.engine = pos.NewEngine(h.provider, h.journal, h.clock, pos.EngineConfig{Random: &postest.Random{}}, nil)
	eur, _ := pos.LookupCurrency("EUR")
	o := Options{
		Engine: h.engine, Clock: h.clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount:  decimal.RequireFromString("5000"),
		PayOptions: []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}},
		Location:   time.UTC,
	}
	for _, opt := range opts {
		opt(&o, h.provider)
	}
	h.m = New(o)
	t.Cleanup(func() { h.m.Close(); h.engine.Close() })
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())
	return h
}

// run executes a command like the program does, batches included.
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				h.run(c)
			}
			return
		}
		if raw, ok := msg.(tea.RawMsg); ok && raw.Msg == "\a" {
			h.bells.Add(1)
		}
		if msg != nil {
			h.msgs <- msg
		}
	}()
}

func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// keyMsg builds the message a terminal key press produces.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// press sends keys, handling what each one caused before the next, as a
// person typing at human speed would see.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
		h.settle()
	}
}

// typeText presses each character of s.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.press(string(r))
	}
}

// settle handles the messages that are ready now, without waiting.
func (h *harness) settle() {
	for {
		select {
		case msg := <-h.msgs:
			h.send(msg)
		default:
			return
		}
	}
}

// waitFor handles messages until the screen satisfies ok. The deadline
// guards against a hang; nothing here waits for a timer.
func (h *harness) waitFor(what string, ok func(screen string) bool) {
	h.t.Helper()
	deadline := time.After(20 * time.Second)
	recheck := time.NewTicker(5 * time.Millisecond) // for effects of commands that send no message
	defer recheck.Stop()
	for {
		if ok(h.screen()) {
			return
		}
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-recheck.C:
		case <-deadline:
			h.t.Fatalf("screen never showed %s; it shows:\n%s", what, h.screen())
		}
	}
}

func (h *harness) waitText(s string) {
	h.t.Helper()
	h.waitFor(strings.TrimSpace(s), func(screen string) bool { return strings.Contains(screen, s) })
}

// advance moves the clock and handles what that caused.
func (h *harness) advance(d time.Duration) {
	h.clock.Advance(d)
	h.settle()
}

// screen is the view as plain text.
func (h *harness) screen() string { return ansi.Strip(h.m.View().Content) }

// golden compares the plain-text screen with testdata/name.golden.
func (h *harness) golden(name string) {
	h.t.Helper()
	got := h.screen()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("no golden file (run go test ./ui -update): %v", err)
	}
	if got != string(want) {
		h.t.Errorf("screen %s differs from the golden file.\n--- got:\n%s\n--- want:\n%s", name, got, want)
	}
}

// sale types an amount, picks a row and waits for the QR.
func (h *harness) sale(amount, row string) pos.Invoice {
	h.t.Helper()
	h.typeText(amount)
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.press(row)
	h.waitFor("the invoice", func(string) bool {
		return h.m.screen == screenInvoice && h.m.invoice.snap.Invoice.Created()
	})
	return h.m.invoice.snap.Invoice
}

func (h *harness) journaled(orderID string) pos.Invoice {
	h.t.Helper()
	inv, err := h.journal.Get(context.Background(), orderID)
	if err != nil {
		h.t.Fatal(err)
	}
	return inv
}
