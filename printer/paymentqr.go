package printer

import (
	"errors"
	"fmt"

	"cryptopos/pos"
	"cryptopos/printer/escpos"
)

// Errors of PaymentQR.
var (
	ErrNoPaymentPage = errors.New("the invoice has no payment page yet: wait until the provider has answered")
	ErrSaleOver      = errors.New("the sale is over: there is nothing left to pay")
)

// PaymentQR lays out the payment QR for the customer, for counters where
// the screen faces the cashier: the shop's name, "Scan to pay", the amount,
// the crypto amount and network when known, the QR code of the payment
// page, the order id and the time the invoice expires, and a cut. It
// refuses an invoice without a payment page and a sale already over.
func PaymentQR(inv pos.Invoice, shop Shop, f Format) ([]byte, error) {
	if inv.Status.Final() {
		return nil, fmt.Errorf("%w (%s)", ErrSaleOver, inv.Status.Words())
	}
	if inv.URL == "" {
		return nil, ErrNoPaymentPage
	}
	f = f.withDefaults()
	b := f.builder()
	header(b, Shop{Name: shop.Name})
	b.Rule()
	b.Bold(true).Line("Scan to pay").Bold(false)
	b.Bold(true).Double(true).Line(fiat(inv.Amount)).Double(false).Bold(false)
	if line := inv.PayLine(); line != "" {
		b.Line(line)
	}
	if remaining, ok := inv.Outstanding(); ok && !remaining.Amount.Equal(inv.PayAmount.Amount) {
		b.Line("Still to pay: " + remaining.String())
	}
	b.Blank()
	f.qr(b, inv.URL)
	b.Line("Order " + inv.OrderID)
	if !inv.ExpiresAt.IsZero() {
		b.Line("Pay before " + f.time(inv.ExpiresAt))
	}
	b.Align(escpos.Left).Feed(1).Cut()
	return b.Bytes(), nil
}
