package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"cryptopos/providers/sandboxkit"

	"github.com/shopspring/decimal"
)

// Action is something that happens to an invoice: the customer's choice or
// payment, the blockchain, the clock, the merchant's cancel.
type Action string

// The actions Drive takes.
const (
	// Choose fixes the coin of a customer-chooses invoice (the default
	// coin unless one is given). Without a timer this starts the 15-minute
	// window: created → pending.
	Choose Action = "choose"
	// Pay sends what remains, confirmed at once: confirmed.
	Pay Action = "pay"
	// PayPart sends half of what remains, confirmed: an instalment of a
	// good_until_expired invoice, which stays pending with
	// remaining_amount counting down.
	PayPart Action = "pay_part"
	// Underpay sends 90 % of what remains, confirmed; the invoice waits
	// for the rest and fails "User paid less than requested" at expiry.
	Underpay Action = "underpay"
	// Overpay sends what remains plus 10 % of the amount: confirmed.
	Overpay Action = "overpay"
	// Mempool puts a transaction of what remains in the mempool:
	// processing; for BTC and BCH the window extends to fixed_at + 24 h.
	Mempool Action = "mempool"
	// Confirm confirms the transactions in the mempool: confirmed when
	// they cover the amount.
	Confirm Action = "confirm"
	// Expire ends the window now: failed, with the error text for what
	// was paid (not paid, paid less, still processing).
	Expire Action = "expire"
	// Cancel fails the invoice as the API's cancel does (CancelledError).
	Cancel Action = "cancel"
)

// Actions lists every action, in menu order.
var Actions = []Action{Choose, Pay, PayPart, Underpay, Overpay, Mempool, Confirm, Expire, Cancel}

// Drive applies a to the invoice with the foreign_id, id or page code id,
// as the customer, the blockchain or the clock would, and queues the
// callback it causes.
func (s *Sandbox) Drive(id string, a Action) error { return s.DriveCoin(id, a, "") }

// DriveCoin is Drive with the coin a customer picks (Choose and the
// payments on an invoice whose coin is not fixed yet); "" picks the
// default coin.
func (s *Sandbox) DriveCoin(id string, a Action, coin string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.lookup(id)
	if inv == nil {
		return fmt.Errorf("sandbox: no invoice with foreign_id, id or code %q", id)
	}
	now := s.now()
	s.expireDue(inv, now)
	if err := s.apply(inv, a, strings.ToUpper(strings.TrimSpace(coin)), now); err != nil {
		return err
	}
	inv.UpdatedAt = now
	s.opts.Logger.Debug("sandbox: invoice driven", "foreign_id", inv.ForeignID, "action", string(a), "status", inv.Status)
	s.changed(inv)
	return nil
}

func (s *Sandbox) lookup(id string) *InvoiceState {
	if inv, ok := s.invoices[id]; ok {
		return inv
	}
	for _, inv := range s.invoices {
		if inv.Code == id || strconv.FormatInt(inv.ID, 10) == id {
			return inv
		}
	}
	return nil
}

func (s *Sandbox) apply(inv *InvoiceState, a Action, coin string, now time.Time) error {
	if inv.Final() {
		return fmt.Errorf("sandbox: invoice %s is %s already; cannot %s", inv.ForeignID, inv.Status, a)
	}
	switch a {
	case Choose:
		if inv.coinFixed() {
			return fmt.Errorf("sandbox: invoice %s is to be paid in %s already", inv.ForeignID, inv.SenderCurrency)
		}
		return s.choose(inv, coin, now)
	case Pay, PayPart, Underpay, Overpay, Mempool:
		if !inv.coinFixed() {
			if err := s.choose(inv, coin, now); err != nil {
				return err
			}
		}
		if inv.Type != "good_until_expired" && len(inv.Transactions) > 0 {
			return fmt.Errorf("sandbox: invoice %s is fill_or_kill and has had its payment", inv.ForeignID)
		}
	}
	rest := inv.Remaining()
	prec := s.precision(inv.SenderCurrency)
	switch a {
	case Choose:
	case Pay:
		s.deposit(inv, rest, 1)
	case PayPart:
		if inv.Type != "good_until_expired" {
			return fmt.Errorf("sandbox: invoice %s is fill_or_kill: instalments need partial_payments (good_until_expired)", inv.ForeignID)
		}
		half := rest.Div(decimal.NewFromInt(2)).RoundDown(prec)
		if !half.IsPositive() {
			return fmt.Errorf("sandbox: invoice %s has nothing left to pay in part", inv.ForeignID)
		}
		s.deposit(inv, half, 1)
	case Underpay:
		s.deposit(inv, rest.Mul(decimal.RequireFromString("0.9")).RoundDown(prec), 1)
	case Overpay:
		s.deposit(inv, rest.Add(inv.SenderAmount.Div(decimal.NewFromInt(10)).RoundUp(prec)), 1)
	case Mempool:
		s.deposit(inv, rest, 0)
		if mempoolExtends(inv.SenderCurrency) && !inv.Extended {
			inv.Extended = true
			inv.ExpiresAt = inv.FixedAt.Add(MempoolWindow)
		}
	case Confirm:
		if !inv.unconfirmed() {
			return fmt.Errorf("sandbox: invoice %s has no transaction in the mempool", inv.ForeignID)
		}
		for i := range inv.Transactions {
			inv.Transactions[i].Confirmations = 1
		}
	case Expire:
		inv.ExpiresAt = now
		s.fail(inv, expiryError(inv))
		return nil
	case Cancel:
		s.fail(inv, CancelledError)
		return nil
	default:
		return fmt.Errorf("sandbox: unknown action %q", a)
	}
	s.settle(inv)
	return nil
}

// choose fixes the coin, the amount in it and the address; without a
// running window it starts one.
func (s *Sandbox) choose(inv *InvoiceState, coin string, now time.Time) error {
	if coin == "" {
		coin = s.opts.DefaultCoin
	}
	c, ok := s.currency(coin)
	if !ok || c.Type != "crypto" {
		return fmt.Errorf("sandbox: %s is not a coin of this account", coin)
	}
	amount, ok := s.convert(inv.Amount, inv.Currency, c.Code)
	if !ok {
		return fmt.Errorf("sandbox: no rate from %s to %s", inv.Currency, c.Code)
	}
	inv.SenderCurrency, inv.SenderAmount = c.Code, amount
	inv.Address, inv.AddressID = newAddress(c.Code), inv.ID+386000
	if inv.ExpiresAt.IsZero() {
		inv.FixedAt, inv.ExpiresAt = now, now.Add(Window)
	}
	if inv.Status == "created" {
		inv.Status = "pending"
	}
	return nil
}

func (s *Sandbox) deposit(inv *InvoiceState, amount decimal.Decimal, confirmations int) {
	inv.Transactions = append(inv.Transactions, Tx{ID: inv.ID*10 + int64(len(inv.Transactions)) + 750000,
		Amount: amount, TxID: sandboxkit.RandomHexDigits(64), Confirmations: confirmations})
}

// settle sets the status from the payments: processing while a
// transaction waits in the mempool, confirmed once the amount is covered,
// else pending (instalments, an underpayment waiting for the rest).
func (s *Sandbox) settle(inv *InvoiceState) {
	switch {
	case inv.unconfirmed():
		inv.Status = "processing"
	case inv.confirmedPaid().GreaterThanOrEqual(inv.SenderAmount) && inv.SenderAmount.IsPositive():
		inv.Status, inv.Error = "confirmed", ""
	default:
		inv.Status = "pending"
	}
}

func (s *Sandbox) fail(inv *InvoiceState, text string) {
	inv.Status, inv.Error = "failed", text
}

// expiryError is the error text of an invoice whose window ran out.
func expiryError(inv *InvoiceState) string {
	switch {
	case inv.unconfirmed():
		return ErrorProcessingLong
	case inv.confirmedPaid().IsPositive():
		return ErrorPaidLess
	}
	return ErrorNotPaid
}

// expireDue fails inv if its window has ended at now, dated at the end of
// the window, and queues the callback.
func (s *Sandbox) expireDue(inv *InvoiceState, now time.Time) {
	if inv.Final() || inv.ExpiresAt.IsZero() || now.Before(inv.ExpiresAt) {
		return
	}
	s.fail(inv, expiryError(inv))
	inv.UpdatedAt = inv.ExpiresAt
	s.opts.Logger.Debug("sandbox: invoice expired", "foreign_id", inv.ForeignID, "error", inv.Error)
	s.changed(inv)
}

// expireAll applies expireDue to every invoice, oldest first.
func (s *Sandbox) expireAll(now time.Time) {
	for _, id := range s.created {
		s.expireDue(s.invoices[id], now)
	}
}

func (s *Sandbox) precision(code string) int32 {
	if c, ok := s.currency(code); ok {
		return c.Precision
	}
	return 8
}

// newAddress makes a deposit address that looks like the coin's.
func newAddress(coin string) string {
	switch coin {
	case "BTC":
		return "2N" + sandboxkit.RandomFrom(sandboxkit.Base58, 33)
	case "BCH":
		return "bchtest:qq" + sandboxkit.RandomHexDigits(38)
	case "LTC":
		return "Q" + sandboxkit.RandomFrom(sandboxkit.Base58, 33)
	case "TRX", "USDTT":
		return "T" + sandboxkit.RandomFrom(sandboxkit.Base58, 33)
	case "SOL":
		return sandboxkit.RandomFrom(sandboxkit.Base58, 44)
	case "XRP":
		return "r" + sandboxkit.RandomFrom(sandboxkit.Base58, 33)
	case "DOGE":
		return "n" + sandboxkit.RandomFrom(sandboxkit.Base58, 33)
	}
	return "0x" + sandboxkit.RandomHexDigits(40)
}
