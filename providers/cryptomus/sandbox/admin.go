package sandbox

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"cryptopos/providers/sandboxkit"
)

// adminPrefix is the root of the admin endpoints (see registerAdmin).
const adminPrefix = "/_sandbox"

// driveActions are the actions the admin endpoint accepts, by name.
var driveActions = []Action{
	Pay, PayOver, PayPartial, TopUp, WrongAmount, ConfirmCheck, Process,
	Cancel, Expire, Fail, SystemFail, Lock, Refund,
}

// AdminInvoice is an invoice as the admin endpoints show it. Amounts are
// exact decimal text; fields not known yet (the coin of a customer-chooses
// invoice, a payment) are left out.
type AdminInvoice struct {
	UUID     string `json:"uuid"`
	OrderID  string `json:"order_id"`
	Status   string `json:"status"`
	IsFinal  bool   `json:"is_final"`
	URL      string `json:"url"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	// PayerAmount is what the customer is asked to send in PayerCurrency;
	// PaymentAmount is what arrived so far.
	PayerAmount   string    `json:"payer_amount,omitempty"`
	PayerCurrency string    `json:"payer_currency,omitempty"`
	Network       string    `json:"network,omitempty"`
	PaymentAmount string    `json:"payment_amount,omitempty"`
	Address       string    `json:"address,omitempty"`
	ExpiresAt     time.Time `json:"expires_at"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Refreshes counts renewals of an expired invoice (is_refresh).
	Refreshes int `json:"refreshes"`
}

func (inv InvoiceState) admin() AdminInvoice {
	a := AdminInvoice{
		UUID: inv.UUID, OrderID: inv.OrderID, Status: inv.Status, IsFinal: inv.IsFinal, URL: inv.URL,
		Amount: inv.Amount.StringFixed(currencyDecimals(inv.Currency)), Currency: inv.Currency,
		PayerCurrency: inv.PayerCurrency, Network: inv.Network, Address: inv.Address,
		ExpiresAt: inv.ExpiresAt.UTC(), CreatedAt: inv.CreatedAt.UTC(), UpdatedAt: inv.UpdatedAt.UTC(),
		Refreshes: inv.Refreshes,
	}
	if inv.coinFixed() {
		a.PayerAmount = inv.PayerAmount.String()
	}
	if inv.paid() {
		a.PaymentAmount = inv.PaymentAmount.String()
	}
	return a
}

// registerAdmin adds the admin endpoints. They let a test in another process (an end-to-end test of
// the cryptopos binary, say) inspect and drive the sandbox over HTTP, as a
// test in the same process does with Invoices, Invoice and Drive. They live
// under /_sandbox/, apart from the Cryptomus API under /v1/: they need no
// signature, are never subject to injected faults, and have no counterpart
// at the real Cryptomus.
//
//	GET  /_sandbox/invoices                    every invoice, oldest first: a JSON array of AdminInvoice
//	GET  /_sandbox/invoices/{id}               one invoice by uuid or order id: an AdminInvoice
//	POST /_sandbox/invoices/{id}/{action}      Drive(id, action), then the invoice as an AdminInvoice
//
// Errors are JSON objects {"error": "..."}: 404 for an unknown invoice, 400
// for an unknown action, 409 for an action the invoice's state refuses
// (paying a final invoice, topping up one that is not partly paid).
func (s *Sandbox) registerAdmin() {
	sandboxkit.InvoiceAdmin[InvoiceState, AdminInvoice]{
		Invoices: s.Invoices,
		Invoice:  s.Invoice,
		Show:     InvoiceState.admin,
		Unknown:  func(id string) error { return errors.New("sandbox: no invoice with uuid or order id " + id) },
		Known:    func(action string) bool { return slices.Contains(driveActions, Action(action)) },
		Drive:    func(_ *http.Request, id, action string) error { return s.Drive(id, Action(action)) },
	}.Register(s.mux, adminPrefix)
}
