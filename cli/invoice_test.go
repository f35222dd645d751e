package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"cryptopos/cli"
	"cryptopos/pos"
	"cryptopos/pos/postest"
)

func TestCreate(t *testing.T) {
	r := newRig(t)
	out, errOut, code := r.run(cli.Invoice, "create", "--amount", "12,50", "--pay", "BTC")
	if code != cli.ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	golden(t, "create.txt.golden", out)

	all := r.journal.All()
	if len(all) != 1 {
		t.Fatalf("%d invoices in the journal, want 1", len(all))
	}
	inv := all[0]
	if !strings.Contains(out, inv.OrderID) || !strings.Contains(out, inv.URL) || inv.Amount.String() != "12.50 EUR" ||
		inv.Status != pos.StatusWaiting {
		t.Errorf("journal has %+v", inv)
	}
}

func TestCreateJSON(t *testing.T) {
	r := newRig(t)
	out, _, code := r.run(cli.Invoice, "create", "--json", "--amount=7", "--pay", "usdt")
	if code != cli.ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "create.json.golden", out)
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one JSON object on one line:\n%s", out)
	}
	var got cli.InvoiceJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// --pay USDT is the configured USDT:tron.
	if got.Pay != "USDT:tron" || got.Amount != "7.00" || got.URL == "" || got.ExpiresAt == nil || got.Status != "waiting" {
		t.Errorf("got %+v", got)
	}
}

func TestCreateCustomerChooses(t *testing.T) {
	r := newRig(t)
	out, _, code := r.run(cli.Invoice, "create", "--amount", "3")
	if code != cli.ExitOK || !strings.Contains(out, "pay          customer chooses") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestCreateRefused(t *testing.T) {
	r := newRig(t)
	r.provider.Fail(postest.MethodCreate, postest.Rejected("Minimum amount 0.5 USDT"))
	out, errOut, code := r.run(cli.Invoice, "create", "--amount", "0.40", "--pay", "USDT:tron")
	if code != cli.ExitRefused || out != "" {
		t.Fatalf("exit %d, stdout %q; want %d and nothing", code, out, cli.ExitRefused)
	}
	if want := "cryptopos invoice create: FakePay refused the invoice: Minimum amount 0.5 USDT\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	if inv := r.journal.All()[0]; inv.Status != pos.StatusFailed {
		t.Errorf("journal has %s, want failed", inv.Status)
	}
}

// TestCreateUnreachable: the provider never answers; after --timeout the
// command gives up with exit 3 and the invoice stays in the journal for
// the terminal to look up.
func TestCreateUnreachable(t *testing.T) {
	r := newRig(t)
	for i := 0; i < 100; i++ {
		r.provider.Fail(postest.MethodCreate, postest.Transport())
	}
	bg := r.start(cli.Invoice, "create", "--amount", "12.50", "--timeout", "30s")
	code := bg.drive()
	if code != cli.ExitTrouble || bg.stdout.String() != "" {
		t.Fatalf("exit %d, stdout %q; want %d", code, bg.stdout, cli.ExitTrouble)
	}
	inv := r.journal.All()[0]
	errOut := bg.stderr.String()
	for _, want := range []string{
		"FakePay did not make the invoice within 30s: Cannot reach FakePay: connection reset.",
		"Invoice " + inv.OrderID + " stays in the journal",
		"cryptopos invoice watch " + inv.OrderID,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
	}
	if inv.Status != pos.StatusCreating {
		t.Errorf("journal has %s, want creating", inv.Status)
	}
}

func TestCreateUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"create"}, "give the amount with --amount"},
		{[]string{"create", "--amount", "12.505"}, "EUR has 2 decimal places at most."},
		{[]string{"create", "--amount", "abc"}, "That is not an amount"},
		{[]string{"create", "--amount", "0"}, "The amount must be more than zero."},
		{[]string{"create", "--amount", "1000.01"}, "The most one sale can be is 1000.00 EUR."},
		{[]string{"create", "--amount", "5", "--pay", "DOGE"}, "DOGE is not one of the configured coins (BTC, USDT:tron)"},
		{[]string{"create", "--amount", "5", "--pay", "USDT:eth"}, "USDT:eth is not one of the configured coins"},
		{[]string{"create", "--amount", "5", "--pay", "US DT"}, "is not a currency"},
		{[]string{"create", "--amount", "5", "extra"}, `unexpected argument "extra"`},
		{[]string{"create", "--amount"}, "flag needs an argument: -amount"},
		{[]string{"refund"}, `"refund" is not a command`},
		{nil, "Usage:"},
	} {
		r := newRig(t)
		out, errOut, code := r.run(cli.Invoice, tt.args...)
		if code != cli.ExitUsage || out != "" || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d stdout %q stderr %q; want %d and %q", tt.args, code, out, errOut, cli.ExitUsage, tt.want)
		}
		if len(r.journal.All()) != 0 {
			t.Errorf("%q started a sale", tt.args)
		}
	}
}

func TestNoProvider(t *testing.T) {
	r := newRig(t)
	r.deps.Engine = nil
	_, errOut, code := r.run(cli.Invoice, "create", "--amount", "5")
	if code != cli.ExitTrouble || !strings.Contains(errOut, "no provider is configured") {
		t.Errorf("exit %d stderr %q", code, errOut)
	}
}

// TestCreateWait creates an invoice, then follows it to PAID.
func TestCreateWait(t *testing.T) {
	r := newRig(t)
	bg := r.start(cli.Invoice, "create", "--amount", "12.50", "--pay", "BTC", "--wait")
	bg.waitOutput(7) // the invoice, as without --wait
	id := r.journal.All()[0].OrderID
	r.provider.Set(id, pos.StatusPaid, func(u *pos.Update) { u.Paid = u.PayAmount })
	r.clock.Advance(3 * time.Second) // the poll interval of the invoice in focus
	if code := bg.wait(); code != cli.ExitOK {
		t.Fatalf("exit %d, stderr %s", code, bg.stderr)
	}
	lines := strings.Split(strings.TrimSpace(bg.stdout.String()), "\n")
	want := "2026-03-14T18:30:03+01:00  " + id + "  paid  PAID: 0.00020833 BTC"
	if last := lines[len(lines)-1]; last != want {
		t.Errorf("last line %q, want %q", last, want)
	}
}

// sale makes an invoice the way the terminal does, with an engine that is
// then closed: the command line must pick it up from the journal.
func (r *rig) sale(amount string, pay pos.PayOption) pos.Invoice {
	r.t.Helper()
	e, closeEngine, _ := r.engine()
	defer closeEngine()
	sub := e.Subscribe()
	defer sub.Close()
	if _, err := e.StartSale(context.Background(), pos.Sale{Amount: money(amount, "EUR"), Pay: pay}); err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		s, err := sub.Next(ctx)
		if err != nil {
			r.t.Fatal(err)
		}
		if s.Invoice.Created() {
			return s.Invoice
		}
	}
}

func TestWatch(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		name := "text"
		args := []string{"watch"}
		if asJSON {
			name = "json"
			args = append(args, "--json")
		}
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			inv := r.sale("12.50", pos.PayOption{Code: "BTC"})
			r.clock.Advance(time.Minute)
			r.provider.Set(inv.OrderID, pos.StatusPartial, func(u *pos.Update) {
				u.Paid = money("0.0001", "BTC")
			})
			bg := r.start(cli.Invoice, append(args, inv.OrderID)...)
			bg.waitOutput(2) // waiting, from the journal; partial, from the provider
			r.provider.Set(inv.OrderID, pos.StatusPaid, func(u *pos.Update) { u.Paid = u.PayAmount })
			r.clock.Advance(3 * time.Second)
			if code := bg.wait(); code != cli.ExitOK {
				t.Fatalf("exit %d, stderr %s", code, bg.stderr)
			}
			golden(t, "watch."+name+".golden", bg.stdout.String())
		})
	}
}

// TestWatchExitCodes is the table of watch's exit codes.
func TestWatchExitCodes(t *testing.T) {
	for _, tt := range []struct {
		status pos.Status
		code   int
	}{
		{pos.StatusPaid, cli.ExitOK},
		{pos.StatusOverpaid, cli.ExitOK},
		{pos.StatusUnderpaid, 10},
		{pos.StatusExpired, 11},
		{pos.StatusCancelled, 12},
		{pos.StatusFailed, 13},
	} {
		t.Run(string(tt.status), func(t *testing.T) {
			// Already final in the journal: no provider needed.
			r := newRig(t)
			r.deps.Engine = nil
			inv := pos.Invoice{OrderID: "till-1-x", Provider: "fake", Amount: money("5.00", "EUR"),
				CreatedAt: at(9, 0), UpdatedAt: at(9, 5), Status: tt.status}
			r.record(inv)
			out, _, code := r.run(cli.Invoice, "watch", "till-1-x")
			if code != tt.code || cli.ExitCode(tt.status) != tt.code {
				t.Errorf("exit %d (ExitCode %d), want %d", code, cli.ExitCode(tt.status), tt.code)
			}
			if !strings.Contains(out, "till-1-x  "+string(tt.status)) {
				t.Errorf("stdout %q", out)
			}

			// Followed to that end by the engine.
			r = newRig(t)
			sale := r.sale("5.00", pos.PayOption{Code: "BTC"})
			r.provider.Set(sale.OrderID, tt.status, nil)
			bg := r.start(cli.Invoice, "watch", sale.OrderID)
			if code := bg.drive(); code != tt.code {
				t.Errorf("followed: exit %d, want %d; stderr %s", code, tt.code, bg.stderr)
			}
		})
	}

	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not found", []string{"watch", "till-1-nope"}, cli.ExitNotFound, "there is no invoice till-1-nope in the journal"},
		{"no id", []string{"watch"}, cli.ExitUsage, "give one invoice's order id"},
		{"two ids", []string{"watch", "a", "b"}, cli.ExitUsage, "give one invoice's order id"},
		{"bad timeout", []string{"watch", "a", "--timeout", "soon"}, cli.ExitUsage, "invalid value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			_, errOut, code := r.run(cli.Invoice, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d stderr %q, want %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestWatchTimeout(t *testing.T) {
	r := newRig(t)
	inv := r.sale("12.50", pos.PayOption{Code: "BTC"})
	bg := r.start(cli.Invoice, "watch", "--timeout", "10s", inv.OrderID)
	code := bg.drive()
	if code != cli.ExitOpen || !strings.Contains(bg.stderr.String(), "is still open after 10s: Waiting for payment") {
		t.Errorf("exit %d stderr %q, want %d", code, bg.stderr, cli.ExitOpen)
	}
}

func TestWatchInterrupted(t *testing.T) {
	r := newRig(t)
	inv := r.sale("12.50", pos.PayOption{Code: "BTC"})
	ctx, cancel := context.WithCancel(context.Background())
	r.deps.Context = ctx
	bg := r.start(cli.Invoice, "watch", inv.OrderID)
	bg.waitOutput(1)
	cancel()
	if code := bg.wait(); code != cli.ExitOpen {
		t.Errorf("exit %d, want %d", code, cli.ExitOpen)
	}
}

func TestWatchOpenWithoutProvider(t *testing.T) {
	r := newRig(t)
	inv := r.sale("12.50", pos.PayOption{Code: "BTC"})
	r.deps.Engine = nil
	_, errOut, code := r.run(cli.Invoice, "watch", inv.OrderID)
	if code != cli.ExitTrouble || !strings.Contains(errOut, "no provider is configured") {
		t.Errorf("exit %d stderr %q", code, errOut)
	}
}

// TestWatchFollowsReplacement: an invoice replaced by another is followed
// to the replacement's end.
func TestWatchFollowsReplacement(t *testing.T) {
	r := newRig(t)
	r.deps.Engine = nil
	r.record(pos.Invoice{OrderID: "till-1-old", Provider: "fake", Amount: money("5.00", "EUR"),
		CreatedAt: at(9, 0), UpdatedAt: at(9, 1), Status: pos.StatusCancelled, ReplacedBy: "till-1-new"})
	r.record(pos.Invoice{OrderID: "till-1-new", Provider: "fake", Amount: money("5.00", "EUR"),
		CreatedAt: at(9, 1), UpdatedAt: at(9, 4), Status: pos.StatusPaid, Replaces: "till-1-old"})
	out, errOut, code := r.run(cli.Invoice, "watch", "till-1-old")
	if code != cli.ExitOK || !strings.Contains(errOut, "invoice till-1-old was replaced by till-1-new") ||
		!strings.Contains(out, "till-1-new  paid") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

func TestList(t *testing.T) {
	r := newRig(t)
	r.day()
	out, errOut, code := r.run(cli.Invoice, "list")
	if code != cli.ExitOK || errOut != "" {
		t.Fatalf("exit %d stderr %q", code, errOut)
	}
	golden(t, "list.txt.golden", out)

	out, _, code = r.run(cli.Invoice, "list", "--json", "--date", "2026-03-14", "--status", "paid,overpaid", "--limit", "3")
	if code != cli.ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "list.json.golden", out)
	var got []cli.InvoiceJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, inv := range got {
		ids = append(ids, inv.OrderID+" "+inv.Status)
	}
	if want := "till-1-a10 paid, till-1-a08 paid, till-1-a04 paid"; strings.Join(ids, ", ") != want {
		t.Errorf("listed %s, want %s (newest first)", strings.Join(ids, ", "), want)
	}

	out, _, _ = r.run(cli.Invoice, "list", "--json", "--date", "2026-01-01")
	if out != "[]\n" {
		t.Errorf("an empty list is %q, want []", out)
	}
	out, _, _ = r.run(cli.Invoice, "list", "--all", "--status", "paid")
	if n := strings.Count(out, "\n"); n != 1+6 || !strings.Contains(out, "till-1-a11") {
		t.Errorf("--all --status paid lists %d lines, want a header and 6, the next day's too:\n%s", n, out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--status", "paid,lost"}, `"lost" is not a status; use creating, waiting`},
		{[]string{"list", "--all", "--date", "2026-03-14"}, "give --all or a date, not both"},
		{[]string{"list", "--limit", "-1"}, "--limit must be 0 or more"},
	} {
		_, errOut, code := r.run(cli.Invoice, tt.args...)
		if code != cli.ExitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d stderr %q", tt.args, code, errOut)
		}
	}
}

// TestScriptSaleIsInTheReport: a sale made from the command line is in the
// same journal, so in the list and the report.
func TestScriptSaleIsInTheReport(t *testing.T) {
	r := newRig(t)
	if _, _, code := r.run(cli.Invoice, "create", "--amount", "9.99", "--pay", "BTC"); code != cli.ExitOK {
		t.Fatal(code)
	}
	out, _, _ := r.run(cli.Report)
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "Waiting for payment 1 9.99") {
		t.Errorf("the report does not have the sale:\n%s", out)
	}
}
