package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
	"cryptopos/qr/qrscan"
)

// scan decodes the QR code on the screen as a true-colour terminal shows it.
func (h *harness) scan() (string, error) {
	h.t.Helper()
	var out bytes.Buffer
	w := &colorprofile.Writer{Forward: &out, Profile: colorprofile.TrueColor}
	if _, err := w.WriteString(h.m.View().Content); err != nil {
		h.t.Fatal(err)
	}
	return qrscan.Parse(out.String()).Decode()
}

// TestBannersLeaveTheCodeWhole puts a late payment banner and a print note
// over the Invoice screen: the screen is laid out in the rows the banners
// leave, so the code is never cut and still scans.
func TestBannersLeaveTheCodeWhole(t *testing.T) {
	btc := func(s string) pos.Money { return pos.Money{Amount: decimal.RequireFromString(s), Currency: "BTC"} }
	const printerOff = "The printer at 10.0.0.9:9100 does not answer: is it switched on and on the network?"
	tests := []struct {
		name    string
		w, h    int
		late    pos.Status // how the first sale turns out late
		paid    pos.Money
		printer string // the print job's failure; "": the "printing" note
		banner  int    // rows the banners take
		shown   []string
		hidden  []string
	}{
		{"late paid and a print note", 80, 24, pos.StatusPaid, pos.Money{}, "", 2,
			[]string{"LATE PAYMENT", "is now PAID", "Printing the payment QR"}, nil},
		{"late top-up banner on two lines and a print note", 80, 24, pos.StatusUnderpaid, btc("0.0001"), "", 3,
			[]string{"more money arrived", "Received 0.0001 of 0.00020833 BTC", "Printing the payment QR"}, nil},
		{"late paid and a printer failure on two lines", 80, 24, pos.StatusPaid, pos.Money{}, printerOff, 3,
			[]string{"is now PAID", "does not answer", "R: print again"}, nil},
		{"both on two lines, taller window", 80, 30, pos.StatusUnderpaid, btc("0.0001"), printerOff, 4,
			[]string{"Received 0.0001 of 0.00020833 BTC", "R: print again"}, nil},
		{"narrow window", 50, 40, pos.StatusUnderpaid, btc("0.0001"), "", 4,
			[]string{"Received 0.0001", "Printing the payment"}, nil},
		// No room for the code under the whole banners: they give up
		// their second lines, then the printer's news goes.
		{"banners cut to one line each", 80, 23, pos.StatusUnderpaid, btc("0.0001"), printerOff, 2,
			[]string{"more money arrived", "…", "does not answer"}, []string{"R: print again"}},
		{"only the late payment", 80, 22, pos.StatusPaid, pos.Money{}, printerOff, 1,
			[]string{"is now PAID"}, []string{"does not answer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fp := &fakePrinter{results: make(chan PrintResult, 4)}
			h := newHarness(t, func(o *Options, _ *postest.Provider) { o.Printer = fp })
			h.send(tea.WindowSizeMsg{Width: tt.w, Height: tt.h})
			first := h.sale("12.50", "2")
			h.advance(15 * time.Minute)
			h.waitText("EXPIRED")
			h.press("enter")
			h.waitText("Amount (EUR)")

			inv := h.sale("7", "2")
			h.provider.Set(first.OrderID, tt.late, func(u *pos.Update) { u.Paid = tt.paid })
			h.advance(time.Minute) // the watchdog's first late check
			h.waitText("LATE PAYMENT")
			h.press("P")
			h.waitFor("the payment QR printed", func(string) bool { return fp.called("qr " + inv.OrderID) })
			if tt.printer != "" {
				fp.results <- PrintResult{What: "payment QR", Err: errors.New(tt.printer), Failed: 1}
				h.waitFor("the printer's failure", func(string) bool { return h.m.printErr != "" })
			} else if h.m.printNote == "" {
				t.Fatal("no note of the printing")
			}

			screen := strings.Split(h.screen(), "\n")
			if len(screen) != tt.h {
				t.Fatalf("%d lines on a screen of %d", len(screen), tt.h)
			}
			banner := 0
			for _, l := range screen[2:] {
				if strings.Contains(l, "▀") {
					break
				}
				if strings.TrimSpace(l) != "" {
					banner++
				}
			}
			if banner != tt.banner {
				t.Errorf("banners take %d rows, want %d:\n%s", banner, tt.banner, h.screen())
			}
			top := strings.Join(screen[2:2+banner], "\n")
			for _, s := range tt.shown {
				if !strings.Contains(top, s) {
					t.Errorf("%q not in the banners:\n%s", s, top)
				}
			}
			for _, s := range tt.hidden {
				if strings.Contains(top, s) {
					t.Errorf("%q in the banners:\n%s", s, top)
				}
			}
			if !strings.Contains(screen[len(screen)-1], "a seen") {
				t.Errorf("no acknowledge key in the help bar: %q", screen[len(screen)-1])
			}
			got, err := h.scan()
			if err != nil {
				t.Fatalf("code does not scan: %v\n%s", err, h.screen())
			}
			if got != inv.URL {
				t.Fatalf("code says %q, want %q", got, inv.URL)
			}
			// The whole code is on screen: a code of N modules takes N
			// columns and N/2 rows, rounded up.
			cols, rows := 0, 0
			for _, l := range screen {
				if n := strings.Count(l, "▀"); n > 0 {
					cols, rows = max(cols, n), rows+1
				}
			}
			if rows != (cols+1)/2 {
				t.Fatalf("%d rows of a code %d columns wide on screen: it is cut\n%s", rows, cols, h.screen())
			}
		})
	}
}

// TestFittedInvoiceBodyNeedsNoMeasuring checks the Invoice screen's claim
// that its lines are already as wide as the window: fitting its body by
// line count alone gives the same frame as measuring every line.
func TestFittedInvoiceBodyNeedsNoMeasuring(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {80, 20}, {100, 50}, {120, 30}, {60, 30}, {50, 34}, {60, 16}, {40, 12}, {200, 60}}
	checked := 0
	for _, console := range []bool{false, true} {
		h := newHarness(t, func(o *Options, _ *postest.Provider) { o.Console = console })
		inv := h.sale("12.50", "2")
		h.provider.Set(inv.OrderID, pos.StatusPartial, func(u *pos.Update) {
			u.Paid = pos.Money{Amount: decimal.RequireFromString("0.0001"), Currency: "BTC"}
		})
		h.press("r")
		h.waitText("Partly paid")
		for _, sz := range sizes {
			body, fitted := h.m.invoice.view(h.m.c, sz.w, sz.h) // fitted when the code is whole
			if !fitted {
				continue
			}
			checked++
			if got, want := fit(body, sz.w, sz.h, true), fit(body, sz.w, sz.h, false); got != want {
				t.Errorf("console %v, %dx%d: the fitted body is not %d wide:\n%s", console, sz.w, sz.h, sz.w, got)
			}
		}
	}
	if checked < 8 { // beside and below the code, both looks
		t.Fatalf("only %d fitted bodies checked", checked)
	}
}

// journalSales puts n finished sales of today in the journal, the i-th for
// i+1 euros, paid in turn in BTC, USDT and nothing (expired), with a late
// payment now and then: enough for the history and the report to scroll.
func (h *harness) journalSales(n int) {
	h.t.Helper()
	for i := range n {
		at := t0.Add(time.Duration(i-n) * time.Minute)
		inv := pos.Invoice{
			OrderID: fmt.Sprintf("pos-test-%03d", i), Provider: "fake",
			Amount: pos.NewMoney(decimal.NewFromInt(int64(i+1)), "EUR"), Status: pos.StatusPaid,
			CreatedAt: at, UpdatedAt: at,
		}
		switch i % 3 {
		case 0:
			inv.Pay, inv.PayAmount = pos.PayOption{Code: "BTC"}, pos.Money{Amount: decimal.New(int64(i+1), -5), Currency: "BTC"}
		case 1:
			inv.Pay, inv.PayAmount = pos.PayOption{Code: "USDT", Network: "tron"}, pos.Money{Amount: decimal.NewFromInt(int64(i + 1)), Currency: "USDT"}
		default:
			inv.Status = pos.StatusExpired
		}
		if i%5 == 4 && inv.Status == pos.StatusPaid {
			inv.Late = true
		}
		inv.Paid = inv.PayAmount
		if err := h.journal.Insert(context.Background(), inv, "test"); err != nil {
			h.t.Fatal(err)
		}
	}
}

// TestViewChangesNothing draws every kind of screen after keys that scroll
// it, and checks that View left the model as it was: the keys keep the
// scroll in range, and View only reads.
func TestViewChangesNothing(t *testing.T) {
	tests := []struct {
		name  string
		w, h  int
		setup func(h *harness)
		shown string // what must be on screen after the keys
	}{
		{"sale", 80, 24, func(h *harness) { h.typeText("12") }, "12"},
		{"invoice", 80, 24, func(h *harness) { h.sale("12.50", "2") }, "Scan to pay"},
		{"result", 80, 24, func(h *harness) {
			inv := h.sale("12.50", "2")
			h.provider.Set(inv.OrderID, pos.StatusPaid, nil)
			h.press("r")
			h.waitText("enter new sale")
		}, "PAID"},
		{"history scrolled down", 80, 16, func(h *harness) {
			h.journalSales(30)
			h.press("h")
			h.waitText("30 sales")
			for range 20 {
				h.press("down")
			}
		}, "10.00 EUR"}, // the 21st newest of 30
		{"history scrolled down and up", 80, 16, func(h *harness) {
			h.journalSales(30)
			h.press("h")
			h.waitText("30 sales")
			for range 25 {
				h.press("down")
			}
			for range 20 {
				h.press("up")
			}
		}, "25.00 EUR"},
		{"report scrolled past its end", 80, 14, func(h *harness) {
			h.journalSales(30)
			h.press("r")
			h.waitText("Received")
			for range 60 {
				h.press("down")
			}
		}, "pos-test-024  25.00 EUR"}, // the last line
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.send(tea.WindowSizeMsg{Width: tt.w, Height: tt.h})
			tt.setup(h)
			before := *h.m
			first := h.m.View().Content
			if diff := changedFields(before, *h.m); diff != "" {
				t.Fatalf("View changed the model: %s", diff)
			}
			if again := h.m.View().Content; again != first {
				t.Fatal("two Views in a row differ")
			}
			if !strings.Contains(h.screen(), tt.shown) {
				t.Fatalf("%q is not on screen:\n%s", tt.shown, h.screen())
			}
		})
	}
}

// changedFields names the parts of the root model that differ.
func changedFields(a, b Model) string {
	parts := []struct {
		name string
		of   func(m Model) any
	}{
		{"help", func(m Model) any { return m.help }},
		{"screen", func(m Model) any { return m.screen }},
		{"sale", func(m Model) any { return m.sale }},
		{"currency", func(m Model) any { return m.currency }},
		{"customer", func(m Model) any { return m.customer }},
		{"invoice", func(m Model) any { return m.invoice }},
		{"result", func(m Model) any { return m.result }},
		{"history", func(m Model) any { return m.history }},
		{"report", func(m Model) any { return m.report }},
		{"late", func(m Model) any { return m.late }},
		{"pin", func(m Model) any { return m.pin }},
		{"print", func(m Model) any { return []any{m.printNote, m.printErr, m.printFailed} }},
		{"common", func(m Model) any { return *m.c }},
	}
	var changed []string
	for _, p := range parts {
		if !reflect.DeepEqual(p.of(a), p.of(b)) {
			changed = append(changed, p.name)
		}
	}
	if len(changed) == 0 && !reflect.DeepEqual(a, b) {
		changed = append(changed, "another field")
	}
	return strings.Join(changed, ", ")
}
