package sandbox

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Action is something that happens to an invoice: a payment, a status the
// Cryptomus back office sets, the clock running out.
type Action string

// The actions Drive takes.
const (
	// Pay pays what is still owed: the invoice becomes paid (also a late
	// payment to an expired, unpaid invoice).
	Pay Action = "pay"
	// PayOver pays 10 % more than owed: paid_over.
	PayOver Action = "pay_over"
	// PayPartial pays half of what is owed: wrong_amount_waiting when the
	// invoice allows top-ups (is_payment_multiple), else wrong_amount. A
	// payment within accuracy_payment_percent counts as paid.
	PayPartial Action = "pay_partial"
	// TopUp completes a partly paid invoice: paid.
	TopUp Action = "top_up"
	// WrongAmount closes the invoice as underpaid (final), paying half when
	// nothing was paid yet.
	WrongAmount Action = "wrong_amount"
	// ConfirmCheck shows a transaction waiting for confirmations.
	ConfirmCheck Action = "confirm_check"
	// Process sets the status process.
	Process Action = "process"
	// Cancel closes the invoice as cancel, whatever was paid.
	Cancel Action = "cancel"
	// Expire moves expired_at to now: cancel when unpaid, wrong_amount when
	// partly paid.
	Expire Action = "expire"
	// Fail and SystemFail close the invoice as fail and system_fail.
	Fail       Action = "fail"
	SystemFail Action = "system_fail"
	// Lock holds the funds for an AML check: locked, not final.
	Lock Action = "lock"
	// Refund refunds a payment: refund_paid (final).
	Refund Action = "refund"
)

// Drive applies a to the invoice with the uuid or order id id, as the
// customer, the blockchain or Cryptomus would.
func (s *Sandbox) Drive(id string, a Action) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.lookup(id)
	if inv == nil {
		return fmt.Errorf("sandbox: no invoice with uuid or order id %q", id)
	}
	now := s.now()
	inv.expireIfDue(now)
	if err := s.apply(inv, a); err != nil {
		return err
	}
	inv.UpdatedAt = now
	s.opts.Logger.Debug("sandbox: invoice driven", "uuid", inv.UUID, "action", string(a), "status", inv.Status)
	return nil
}

func (s *Sandbox) lookup(id string) *InvoiceState {
	if inv, ok := s.invoices[id]; ok {
		return inv
	}
	if uuid, ok := s.byOrder[id]; ok {
		return s.invoices[uuid]
	}
	return nil
}

func (s *Sandbox) apply(inv *InvoiceState, a Action) error {
	lateOK := (a == Pay || a == PayOver) && inv.Status == "cancel" && !inv.paid()
	refundOK := a == Refund && inv.paid() && !strings.HasPrefix(inv.Status, "refund")
	if inv.IsFinal && !lateOK && !refundOK {
		return fmt.Errorf("sandbox: invoice %s is final (%s); cannot %s", inv.OrderID, inv.Status, a)
	}
	switch a {
	case Pay, PayOver, PayPartial, TopUp, WrongAmount, ConfirmCheck:
		if err := s.ensureCoin(inv); err != nil {
			return err
		}
	}
	owed := inv.PayerAmount.Sub(inv.PaymentAmount)
	switch a {
	case Pay:
		s.receive(inv, owed)
	case PayOver:
		s.receive(inv, owed.Add(inv.PayerAmount.Div(decimal.NewFromInt(10))).RoundUp(coinDecimals(inv.PayerCurrency)))
	case PayPartial:
		half := owed.Div(decimal.NewFromInt(2)).RoundDown(coinDecimals(inv.PayerCurrency))
		if !half.IsPositive() {
			return fmt.Errorf("sandbox: invoice %s has nothing left to underpay", inv.OrderID)
		}
		s.receive(inv, half)
	case TopUp:
		if inv.Status != "wrong_amount_waiting" {
			return fmt.Errorf("sandbox: invoice %s is %s, not partly paid; nothing to top up", inv.OrderID, inv.Status)
		}
		s.receive(inv, owed)
	case WrongAmount:
		if !inv.paid() {
			s.receive(inv, owed.Div(decimal.NewFromInt(2)).RoundDown(coinDecimals(inv.PayerCurrency)))
		}
		inv.Status, inv.IsFinal = "wrong_amount", true
	case ConfirmCheck:
		s.newTx(inv)
		inv.Status = "confirm_check"
	case Process:
		inv.Status = "process"
	case Cancel:
		inv.Status, inv.IsFinal = "cancel", true
	case Expire:
		inv.ExpiresAt = s.now()
		inv.expire(inv.ExpiresAt)
	case Fail:
		inv.Status, inv.IsFinal = "fail", true
	case SystemFail:
		inv.Status, inv.IsFinal = "system_fail", true
	case Lock:
		inv.Status = "locked"
	case Refund:
		if !refundOK {
			return fmt.Errorf("sandbox: invoice %s has no payment to refund", inv.OrderID)
		}
		inv.Status, inv.IsFinal = "refund_paid", true
	default:
		return fmt.Errorf("sandbox: unknown action %q", a)
	}
	return nil
}

// ensureCoin fixes a coin for a customer-chooses invoice, as the customer
// would on the page: the first allowed coin, else USDT on Tron, else the
// first available service. A coin without a network gets its first one.
func (s *Sandbox) ensureCoin(inv *InvoiceState) error {
	if inv.coinFixed() && inv.Network != "" {
		return nil
	}
	var candidates []CurrencyRef
	switch {
	case inv.coinFixed():
		candidates = []CurrencyRef{{Currency: inv.PayerCurrency}}
	case len(inv.Currencies) > 0:
		candidates = inv.Currencies
	default:
		candidates = []CurrencyRef{{Currency: "USDT", Network: "tron"}}
		for _, svc := range s.opts.Services {
			candidates = append(candidates, CurrencyRef{Currency: svc.Currency, Network: svc.Network})
		}
	}
	for _, c := range candidates {
		svc, msg := s.service(c.Currency, c.Network)
		if msg != "" {
			continue
		}
		if inv.coinFixed() {
			inv.Network, inv.Address = svc.Network, newAddress(svc.Network)
			return nil
		}
		if msg := s.fixCoin(inv, svc, svc.Network); msg == "" {
			return nil
		}
	}
	return fmt.Errorf("sandbox: no coin available to pay invoice %s", inv.OrderID)
}

// receive books a payment of amount and settles the status.
func (s *Sandbox) receive(inv *InvoiceState, amount decimal.Decimal) {
	s.newTx(inv)
	inv.PaymentAmount = inv.PaymentAmount.Add(amount)
	fee := decimal.Zero
	if svc, msg := s.service(inv.PayerCurrency, inv.Network); msg == "" {
		fee = svc.FeePercent.Mul(decimal.NewFromInt(int64(100 - inv.Subtract))).Div(decimal.NewFromInt(10000))
	}
	inv.MerchantAmount = inv.PaymentAmount.Mul(decimal.NewFromInt(1).Sub(fee)).RoundDown(8)

	enough := inv.PayerAmount.Mul(decimal.NewFromInt(100).Sub(inv.AccuracyPaymentPercent)).Div(decimal.NewFromInt(100))
	switch {
	case inv.PaymentAmount.GreaterThan(inv.PayerAmount):
		inv.Status, inv.IsFinal = "paid_over", true
	case inv.PaymentAmount.GreaterThanOrEqual(enough):
		inv.Status, inv.IsFinal = "paid", true
	case inv.IsPaymentMultiple:
		inv.Status, inv.IsFinal = "wrong_amount_waiting", false
	default:
		inv.Status, inv.IsFinal = "wrong_amount", true
	}
}

func (s *Sandbox) newTx(inv *InvoiceState) {
	inv.TxID = newTxID(inv.Network)
	if inv.From == "" {
		inv.From = newAddress(inv.Network)
	}
}
