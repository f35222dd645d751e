// Package cli is cryptopos's command line for the back office and for
// scripts: `cryptopos report` (the end-of-day report, as text, CSV or JSON)
// and `cryptopos invoice create|watch|list`. It uses the same journal and
// the same checkout engine as the terminal, so a sale made from a script is
// in the same history and the same report, and the numbers come from
// pos.Summarize, as on the terminal's report screen. Output is plain text
// on stdout, messages on stderr; there is no Bubble Tea here.
//
// # Exit codes
//
//	0   done: the report was printed; the invoice was created; the watched
//	    invoice is paid (paid or overpaid)
//	1   create: the provider refused the invoice (its sentence is on
//	    stderr), or it needs the customer's details for that coin, which
//	    the command line cannot take; watch: there is no such invoice
//	2   usage: a bad flag, amount, date, coin or status
//	3   trouble: the journal could not be read, no provider is configured,
//	    or the provider did not answer in time. After `invoice create`
//	    the invoice stays in the journal: the terminal looks it up at the
//	    provider at its next start (it is never created twice), and
//	    `cryptopos invoice watch ID` follows it from a script.
//	10  watch: the invoice ended underpaid
//	11  watch: expired unpaid
//	12  watch: cancelled
//	13  watch: failed (refused by the provider)
//	14  watch: stopped waiting (--timeout, or interrupted) while the
//	    invoice is still open
//
// `invoice create --wait` exits like `invoice watch` once created.
//
// # The CSV export
//
// `cryptopos report --csv` writes RFC 4180 CSV (comma separated, CRLF line
// ends, fields with commas, quotes or line breaks in double quotes, quotes
// doubled), a header row, then one row per invoice made in the period,
// oldest first, in this column order (it does not change; new columns are
// only ever added at the end):
//
//	order_id         our order id, the key at the provider
//	created_local    when the sale was made, RFC 3339 in the report's time zone
//	created_utc      the same in UTC, RFC 3339 (2026-03-14T14:09:26Z)
//	amount           the sale's amount in the shop currency (12.50)
//	currency         the shop currency (EUR)
//	pay_currency     the coin paid, or to be paid (BTC, USDT); empty when the
//	                 customer was to choose and the provider never said
//	network          the network of the payment (tron), when known
//	crypto_amount    the crypto amount asked, when known
//	crypto_paid      the crypto amount that arrived, when the provider said
//	value_received   the fiat value of what arrived, at the sale's rate:
//	                 amount when paid or overpaid, the pro-rata share for an
//	                 underpaid sale (rounded to the currency's minor units),
//	                 0.00 otherwise; empty when it cannot be known
//	provider         the provider's key (cryptomus)
//	provider_id      the provider's id of the invoice
//	status           the final (or current) status: creating, waiting,
//	                 confirming, partial, on_hold, paid, overpaid, underpaid,
//	                 expired, cancelled, failed
//	provider_status  the provider's own word for it
//	paid_at_local    when the invoice reached its status paid, overpaid or
//	                 underpaid (the journal's event), in the report's time
//	                 zone; empty for the other statuses
//	paid_at_utc      the same in UTC
//	late             true when the money arrived after the sale had ended
//	                 unpaid, else false
//	dismissed        true when the cashier cancelled the sale on the
//	                 terminal, else false
//	reason           why it failed or was cancelled, in plain words
//	replaces         the order id of an earlier invoice of the same sale
//	                 that this one replaced, or empty
//	replaced_by      the order id of the invoice that replaced this one
//	                 (this one was then cancelled: the provider made it but
//	                 could not return it), or empty
//
// Amounts are exact decimals with a '.' and no thousands separators.
package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

// Deps is what the commands run on; main.go fills it from the
// configuration.
type Deps struct {
	// Journal is the terminal's journal.
	Journal pos.Journal
	// Engine opens the provider and returns a checkout engine on Journal,
	// and a function that closes both; it is called only by the commands
	// that talk to the provider (invoice create and watch). Nil means no
	// provider is configured.
	Engine func() (*pos.Engine, func(), error)
	// ShopCurrency is the currency prices are typed in.
	ShopCurrency pos.Currency
	// MaxAmount caps one sale, as on the keypad; zero is no cap.
	MaxAmount decimal.Decimal
	// PayOptions are the coins the cashier may pre-select; --pay must be
	// one of them (or absent: the customer chooses).
	PayOptions []pos.PayOption
	// Location is the shop's time zone: days and local times are in it
	// (nil: time.Local).
	Location *time.Location
	// Clock is the time (nil: the system clock).
	Clock pos.Clock
	// Context ends the commands early when it is done, e.g. on ctrl+c
	// (nil: never).
	Context context.Context
}

// Exit codes; see the package documentation.
const (
	ExitOK        = 0
	ExitRefused   = 1 // create: the provider refused the invoice
	ExitNotFound  = 1 // watch: no such invoice
	ExitUsage     = 2
	ExitTrouble   = 3
	ExitUnderpaid = 10
	ExitExpired   = 11
	ExitCancelled = 12
	ExitFailed    = 13
	ExitOpen      = 14
)

// ExitCode is the exit code of `invoice watch` for an invoice with status
// s: ExitOK when paid or overpaid, ExitUnderpaid, ExitExpired,
// ExitCancelled or ExitFailed for the other outcomes, and ExitOpen while it
// has none.
func ExitCode(s pos.Status) int {
	switch s {
	case pos.StatusPaid, pos.StatusOverpaid:
		return ExitOK
	case pos.StatusUnderpaid:
		return ExitUnderpaid
	case pos.StatusExpired:
		return ExitExpired
	case pos.StatusCancelled:
		return ExitCancelled
	case pos.StatusFailed:
		return ExitFailed
	}
	return ExitOpen
}

// run is one command's environment, with the defaults filled in.
type run struct {
	Deps
	ctx            context.Context
	stdout, stderr io.Writer
	name           string // "cryptopos report", for messages
}

func newRun(d Deps, name string, stdout, stderr io.Writer) *run {
	if d.Location == nil {
		d.Location = time.Local
	}
	if d.Clock == nil {
		d.Clock = pos.SystemClock{}
	}
	ctx := d.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if d.ShopCurrency.Code == "" {
		d.ShopCurrency = pos.Currency{Code: "EUR", Decimals: 2}
	}
	return &run{Deps: d, ctx: ctx, stdout: stdout, stderr: stderr, name: name}
}

// fail prints "cryptopos report: message" on stderr and returns code.
func (r *run) fail(code int, format string, args ...any) int {
	fmt.Fprintf(r.stderr, "%s: %s\n", r.name, fmt.Sprintf(format, args...))
	return code
}
