package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"cryptopos/pos"
)

const invoiceUsage = `Usage:
  cryptopos invoice create --amount 12.50 [--pay BTC|USDT:tron] [--json] [--timeout 1m] [--wait [--wait-timeout 30m]]
  cryptopos invoice watch ID [--json] [--timeout 30m]
  cryptopos invoice list [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD | --all] [--status paid,expired] [--limit N] [--json]

create   starts a sale, as the terminal does, and prints the invoice once the
         provider has made it: order id, provider id, payment URL, amount,
         expiry. Exit 0 created, 1 refused by the provider, 2 usage, 3 no
         answer in time (the invoice stays in the journal; the terminal looks
         it up at its next start). With --wait it then follows the invoice
         like watch and exits like watch.
watch    follows an invoice until it is final, one line (or JSON object) per
         change. Exit 0 paid, 10 underpaid, 11 expired, 12 cancelled,
         13 failed, 14 still open at --timeout, 1 not found, 2 usage, 3 trouble.
list     prints the invoices made on a day (default today), newest first.
`

// Invoice runs `cryptopos invoice` with args (the words after "invoice":
// create, watch or list and their flags) and returns the exit code; see the
// package documentation.
func Invoice(args []string, deps Deps, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, invoiceUsage)
		return ExitUsage
	}
	switch args[0] {
	case "create":
		return newRun(deps, "cryptopos invoice create", stdout, stderr).create(args[1:])
	case "watch":
		return newRun(deps, "cryptopos invoice watch", stdout, stderr).watchCmd(args[1:])
	case "list":
		return newRun(deps, "cryptopos invoice list", stdout, stderr).list(args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, invoiceUsage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "cryptopos invoice: %q is not a command; use create, watch or list\n\n%s", args[0], invoiceUsage)
	return ExitUsage
}

// payOption reads --pay and checks it against the configured coins. "USDT"
// picks "USDT:tron" when that is the only USDT configured.
func (r *run) payOption(s string) (pos.PayOption, error) {
	if strings.TrimSpace(s) == "" {
		return pos.PayOption{}, nil
	}
	o, err := pos.ParsePayOption(s)
	if err != nil {
		return pos.PayOption{}, err
	}
	var byCode []pos.PayOption
	for _, c := range r.PayOptions {
		if c == o {
			return c, nil
		}
		if c.Code == o.Code {
			byCode = append(byCode, c)
		}
	}
	if o.Network == "" && len(byCode) == 1 {
		return byCode[0], nil
	}
	names := make([]string, len(r.PayOptions))
	for i, c := range r.PayOptions {
		names[i] = c.String()
	}
	if len(names) == 0 {
		return pos.PayOption{}, fmt.Errorf("no coins are configured to pre-select; leave out --pay and the customer chooses")
	}
	return pos.PayOption{}, fmt.Errorf("%s is not one of the configured coins (%s); leave out --pay and the customer chooses",
		o.String(), strings.Join(names, ", "))
}

// engine opens the provider and the engine.
func (r *run) engine() (*pos.Engine, func(), int) {
	if r.Engine == nil {
		return nil, nil, r.fail(ExitTrouble, "no provider is configured: set one in the config file")
	}
	e, closeFn, err := r.Engine()
	if err != nil {
		return nil, nil, r.fail(ExitTrouble, "%v", err)
	}
	if closeFn == nil {
		closeFn = e.Close
	}
	return e, closeFn, 0
}

// withTimeout returns a context that ends after d on the run's clock (never
// when d <= 0), and whether it ended for that reason.
func (r *run) withTimeout(d time.Duration) (context.Context, func(), func() bool) {
	ctx, cancel := context.WithCancel(r.ctx)
	timedOut := make(chan struct{})
	if d > 0 {
		after := r.Clock.After(d)
		go func() {
			select {
			case <-after:
				close(timedOut)
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return ctx, cancel, func() bool {
		select {
		case <-timedOut:
			return true
		default:
			return false
		}
	}
}

func (r *run) create(args []string) int {
	fs := newFlags("create", invoiceUsage, r.stderr)
	amountText := fs.String("amount", "", "the sale's `AMOUNT` in the shop currency, e.g. 12.50 (required)")
	payText := fs.String("pay", "", "pre-select a configured `COIN` (BTC, USDT:tron); default: the customer chooses")
	asJSON := fs.Bool("json", false, "print the invoice as one JSON object")
	timeout := fs.Duration("timeout", time.Minute, "how long to wait for the provider to make the invoice")
	wait := fs.Bool("wait", false, "then follow the invoice until it is final, like watch")
	waitTimeout := fs.Duration("wait-timeout", 30*time.Minute, "with --wait: how long to follow it (0: until final)")
	rest, done, code := parse(fs, args)
	if done {
		return code
	}
	if len(rest) > 0 {
		return r.fail(ExitUsage, "unexpected argument %q (see --help)", rest[0])
	}
	if *amountText == "" {
		return r.fail(ExitUsage, "give the amount with --amount, e.g. --amount 12.50")
	}
	amount, err := pos.ParseAmount(*amountText, r.ShopCurrency, r.MaxAmount)
	if err != nil {
		return r.fail(ExitUsage, "%v", err)
	}
	pay, err := r.payOption(*payText)
	if err != nil {
		return r.fail(ExitUsage, "%v", err)
	}

	engine, closeEngine, code := r.engine()
	if engine == nil {
		return code
	}
	defer closeEngine()
	sub := engine.Subscribe()
	defer sub.Close()

	inv, err := engine.StartSale(r.ctx, pos.Sale{Amount: pos.NewMoney(amount, r.ShopCurrency.Code), Pay: pay, Note: "sale started from the command line"})
	var customerErr *pos.CustomerError
	switch {
	case errors.Is(err, pos.ErrNeedCustomer):
		return r.fail(ExitRefused, "%s needs the customer's details to pre-select %s; the command line cannot take them: leave out --pay, or use the terminal",
			engine.Provider().Name(), pay.Label())
	case errors.As(err, &customerErr):
		return r.fail(ExitRefused, "%v", err)
	case err != nil:
		return r.fail(ExitTrouble, "%v", err)
	}

	ctx, cancel, timedOut := r.withTimeout(*timeout)
	var snap pos.Snapshot
	for {
		snap, err = next(ctx, sub, inv.OrderID, func(s pos.Snapshot) bool {
			return s.Invoice.Created() || s.Invoice.Status.Final()
		})
		if err != nil || snap.Invoice.ReplacedBy == "" {
			break
		}
		inv = pos.Invoice{OrderID: snap.Invoice.ReplacedBy}
		r.replaced(snap.Invoice, inv)
	}
	cancel()
	if err != nil {
		why := "stopped"
		if timedOut() {
			why = fmt.Sprintf("%s did not make the invoice within %v", engine.Provider().Name(), *timeout)
		}
		if last, ok := engine.Watching(inv.OrderID); ok && last.Trouble != nil {
			why += ": " + last.Trouble.Error()
		}
		return r.fail(ExitTrouble, "%s. Invoice %s stays in the journal: the terminal looks it up at %s at its next start, or follow it with `cryptopos invoice watch %s`.",
			why, inv.OrderID, engine.Provider().Name(), inv.OrderID)
	}
	inv = snap.Invoice
	if !inv.Created() {
		if inv.Status == pos.StatusFailed {
			return r.fail(ExitRefused, "%s", inv.Reason)
		}
		return r.fail(ExitTrouble, "invoice %s ended %s before %s made it: %s", inv.OrderID, inv.Status.Words(),
			engine.Provider().Name(), inv.Reason)
	}
	if *asJSON {
		writeJSON(r.stdout, invoiceJSON(inv), true)
	} else {
		r.printInvoice(inv)
	}
	if !*wait {
		return ExitOK
	}
	engine.Focus(inv.OrderID)
	return r.follow(sub, inv, *asJSON, *waitTimeout)
}

// printInvoice prints an invoice as "key  value" lines.
func (r *run) printInvoice(inv pos.Invoice) {
	pay := "customer chooses"
	if line := inv.PayLine(); line != "" {
		pay = line
	} else if !inv.Pay.CustomerChooses() {
		pay = inv.Pay.Label()
	}
	t := table{align: "ll"}
	t.add("order_id", inv.OrderID)
	t.add("provider_id", inv.ProviderID)
	t.add("url", inv.URL)
	t.add("amount", inv.Amount.String())
	t.add("pay", pay)
	t.add("expires_at", localTime(inv.ExpiresAt, r.Location))
	t.add("status", string(inv.Status))
	var b strings.Builder
	t.write(&b)
	io.WriteString(r.stdout, b.String())
}

// next returns the next snapshot of the order id that satisfies ok.
func next(ctx context.Context, sub *pos.Subscription, orderID string, ok func(pos.Snapshot) bool) (pos.Snapshot, error) {
	for {
		s, err := sub.Next(ctx)
		if err != nil {
			return pos.Snapshot{}, err
		}
		if s.Invoice.OrderID == orderID && ok(s) {
			return s, nil
		}
	}
}

func (r *run) watchCmd(args []string) int {
	fs := newFlags("watch", invoiceUsage, r.stderr)
	asJSON := fs.Bool("json", false, "print each change as one JSON object per line")
	timeout := fs.Duration("timeout", 30*time.Minute, "stop waiting after this long (0: until final)")
	rest, done, code := parse(fs, args)
	if done {
		return code
	}
	if len(rest) != 1 {
		return r.fail(ExitUsage, "give one invoice's order id: cryptopos invoice watch ID")
	}
	id := rest[0]
	inv, err := r.Journal.Get(r.ctx, id)
	switch {
	case errors.Is(err, pos.ErrNotInJournal):
		return r.fail(ExitNotFound, "there is no invoice %s in the journal", id)
	case err != nil:
		return r.fail(ExitTrouble, "%v", err)
	}
	r.printChange(inv, *asJSON)
	for inv.ReplacedBy != "" {
		next, err := r.Journal.Get(r.ctx, inv.ReplacedBy)
		if err != nil {
			return r.fail(ExitTrouble, "invoice %s was replaced by %s: %v", inv.OrderID, inv.ReplacedBy, err)
		}
		r.replaced(inv, next)
		inv = next
		r.printChange(inv, *asJSON)
	}
	id = inv.OrderID
	if inv.Status.Final() {
		return ExitCode(inv.Status)
	}

	engine, closeEngine, code := r.engine()
	if engine == nil {
		return code
	}
	defer closeEngine()
	if key := engine.Provider().Key(); inv.Provider != key {
		return r.fail(ExitTrouble, "invoice %s was made with %s, and cryptopos is configured for %s", id, inv.Provider, key)
	}
	sub := engine.Subscribe()
	defer sub.Close()
	engine.Focus(id) // before Watch: checked at the poll interval from the first check on
	now, err := engine.Watch(r.ctx, id)
	if err != nil {
		return r.fail(ExitTrouble, "%v", err)
	}
	if now.Status.Final() { // it ended between the two reads
		if changed(inv, now) {
			r.printChange(now, *asJSON)
		}
		return ExitCode(now.Status)
	}
	return r.follow(sub, inv, *asJSON, *timeout)
}

// follow prints each change of the invoice until it is final and returns
// its exit code; ExitOpen when timeout passes or the run's context ends
// first. last is what was printed already.
func (r *run) follow(sub *pos.Subscription, last pos.Invoice, asJSON bool, timeout time.Duration) int {
	ctx, cancel, timedOut := r.withTimeout(timeout)
	defer cancel()
	var trouble string
	for {
		s, err := next(ctx, sub, last.OrderID, func(pos.Snapshot) bool { return true })
		if err != nil {
			if timedOut() {
				return r.fail(ExitOpen, "invoice %s is still open after %v: %s", last.OrderID, timeout, last.Status.Words())
			}
			return r.fail(ExitOpen, "stopped; invoice %s is still open: %s", last.OrderID, last.Status.Words())
		}
		inv := s.Invoice
		if changed(last, inv) {
			r.printChange(inv, asJSON)
			last = inv
		}
		if inv.ReplacedBy != "" {
			// The provider made this one but could not return it: the
			// engine cancelled it and makes the sale again under a new id.
			next := pos.Invoice{OrderID: inv.ReplacedBy, Status: pos.StatusCreating}
			r.replaced(inv, next)
			last = next
			continue
		}
		if t := troubleText(s.Trouble); t != trouble {
			if t != "" {
				fmt.Fprintf(r.stderr, "%s: %s\n", r.name, t)
			}
			trouble = t
		}
		if inv.Status.Final() {
			return ExitCode(inv.Status)
		}
		if !s.Watching {
			return r.fail(ExitTrouble, "stopped watching invoice %s: %s", inv.OrderID, trouble)
		}
	}
}

// replaced says on stderr that the sale goes on under another invoice.
func (r *run) replaced(old, next pos.Invoice) {
	fmt.Fprintf(r.stderr, "%s: invoice %s was replaced by %s; following %s\n", r.name, old.OrderID, next.OrderID, next.OrderID)
}

func troubleText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// changed reports whether b says something new to print after a: another
// status, or more money.
func changed(a, b pos.Invoice) bool {
	return a.Status != b.Status || a.Paid.Currency != b.Paid.Currency || !a.Paid.Amount.Equal(b.Paid.Amount)
}

// printChange prints one line of watch: the local time of the change, the
// status, its words and what arrived; or the invoice as a JSON line.
func (r *run) printChange(inv pos.Invoice, asJSON bool) {
	if asJSON {
		writeJSON(r.stdout, invoiceJSON(inv), true)
		return
	}
	words := inv.Status.Words()
	switch inv.Status {
	case pos.StatusPartial, pos.StatusUnderpaid, pos.StatusOnHold, pos.StatusConfirming:
		if p := inv.PaidLine(); p != "" {
			words += ": " + p + " arrived"
		}
	case pos.StatusPaid, pos.StatusOverpaid:
		if p := inv.PaidLine(); p != "" {
			words += ": " + p
		}
	case pos.StatusFailed, pos.StatusCancelled:
		if inv.Reason != "" {
			words += ": " + inv.Reason
		}
	}
	if inv.Late {
		words += " (late payment)"
	}
	fmt.Fprintf(r.stdout, "%s  %s  %s  %s\n", localTime(inv.UpdatedAt, r.Location), inv.OrderID, inv.Status, words)
}

func (r *run) list(args []string) int {
	fs := newFlags("list", invoiceUsage, r.stderr)
	var p periodFlags
	p.register(fs)
	all := fs.Bool("all", false, "every day, not only today")
	statusText := fs.String("status", "", "only these `STATUSES`, comma separated (paid,expired)")
	limit := fs.Int("limit", 0, "at most `N` invoices, the newest (0: all)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	rest, done, code := parse(fs, args)
	if done {
		return code
	}
	if len(rest) > 0 {
		return r.fail(ExitUsage, "unexpected argument %q (see --help)", rest[0])
	}
	statuses, err := parseStatuses(*statusText)
	if err != nil {
		return r.fail(ExitUsage, "%v", err)
	}
	if *limit < 0 {
		return r.fail(ExitUsage, "--limit must be 0 or more")
	}
	f := pos.Filter{Statuses: statuses, Limit: *limit}
	if *all {
		if p != (periodFlags{}) {
			return r.fail(ExitUsage, "give --all or a date, not both")
		}
	} else {
		per, err := p.resolve(r.Clock.Now(), r.Location)
		if err != nil {
			return r.fail(ExitUsage, "%v", err)
		}
		f.From, f.To = per.from, per.to
	}
	invoices, err := r.Journal.List(r.ctx, f)
	if err != nil {
		return r.fail(ExitTrouble, "%v", err)
	}
	if *asJSON {
		out := make([]InvoiceJSON, 0, len(invoices))
		for _, inv := range invoices {
			out = append(out, invoiceJSON(inv))
		}
		if err := writeJSON(r.stdout, out, false); err != nil {
			return r.fail(ExitTrouble, "%v", err)
		}
		return ExitOK
	}
	if len(invoices) == 0 {
		fmt.Fprintln(r.stdout, "No invoices.")
		return ExitOK
	}
	t := table{align: "llrlll"}
	t.add("created", "order_id", "amount", "pay", "status", "crypto")
	for _, inv := range invoices {
		cryptoText := inv.PaidLine()
		if cryptoText == "" && !inv.PayAmount.IsZero() {
			cryptoText = inv.PayAmount.String() + " asked"
		}
		t.add(inv.CreatedAt.In(r.Location).Format("2006-01-02 15:04"), inv.OrderID, inv.Amount.String(),
			payColumn(inv), string(inv.Status), cryptoText)
	}
	var b strings.Builder
	t.write(&b)
	io.WriteString(r.stdout, b.String())
	if *limit > 0 && len(invoices) == *limit {
		fmt.Fprintf(r.stderr, "%s: showing the newest %s; raise --limit for more\n", r.name, strconv.Itoa(*limit))
	}
	return ExitOK
}

// payColumn is the coin of a sale in the list, with the network where it
// matters (pos.Invoice.NetworkLabel) in the config's form: "USDT:tron",
// but "BTC" and "TRX"; "-" while the customer has not chosen.
func payColumn(inv pos.Invoice) string {
	pay := inv.Coin()
	if pay == "" {
		return "-"
	}
	if inv.NetworkLabel() != "" {
		pay += ":" + network(inv)
	}
	return pay
}
