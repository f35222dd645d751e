package printer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"cryptopos/pos"
	"cryptopos/printer/escpos"
)

// ReceiptData is a paid sale to print the receipt of.
type ReceiptData struct {
	// Invoice is the sale; its TxID, when the provider gave one, is
	// printed as the transaction.
	Invoice pos.Invoice
	// ProviderName names the provider for people ("Cryptomus"); by default
	// the invoice's provider key with a capital.
	ProviderName string
	// PaidAt is when the sale was paid (the journal event that made it
	// paid); by default the invoice's UpdatedAt.
	PaidAt time.Time
	// Copy marks a reprint: "COPY" and the time of printing at the top.
	Copy bool
}

// ErrNotPaid is returned by Receipt for a sale that is not paid in full.
var ErrNotPaid = errors.New("only a sale paid in full has a receipt")

// Receipt lays out the receipt of a sale paid in full (paid or overpaid):
// the shop's name and header, the date and time of payment, the order id,
// the status, the amount in the shop currency, the crypto amount with its
// network and the rate, the provider and its invoice id, the transaction
// id when known, a QR code of the invoice page as the customer's digital
// receipt, the footer, and a cut. It returns ErrNotPaid for other sales.
func Receipt(d ReceiptData, shop Shop, f Format) ([]byte, error) {
	inv := d.Invoice
	if !inv.Status.Success() {
		return nil, fmt.Errorf("%w: %s is %s", ErrNotPaid, inv.OrderID, inv.Status.Words())
	}
	f = f.withDefaults()
	b := f.builder()
	header(b, shop)
	if d.Copy {
		b.Bold(true).Line("COPY").Bold(false)
		b.Line("Printed " + f.time(f.Now()))
	}
	b.Align(escpos.Left).Rule()
	paidAt := d.PaidAt
	if paidAt.IsZero() {
		paidAt = inv.UpdatedAt
	}
	b.Pair("Date", f.time(paidAt))
	b.Pair("Order", inv.OrderID)
	b.Rule()

	b.Align(escpos.Center).Bold(true).Double(true).Line(inv.Status.Words()).Double(false).Bold(false)
	if inv.Late {
		b.Line("Paid after the invoice had ended")
	}
	b.Align(escpos.Left)
	b.Bold(true).Pair("Amount", fiat(inv.Amount)).Bold(false)
	cryptoLines(b, inv)
	b.Pair("Provider", providerName(d))
	if inv.ProviderID != "" {
		b.Pair("Invoice", inv.ProviderID)
	}
	if tx := strings.TrimSpace(inv.TxID); tx != "" {
		b.Pair("Transaction", tx)
	}
	b.Rule()

	if inv.URL != "" {
		b.Align(escpos.Center).Line("Your digital receipt:")
		f.qr(b, inv.URL)
	}
	footer(b, shop)
	b.Align(escpos.Left).Feed(1).Cut()
	return b.Bytes(), nil
}

// cryptoLines prints what the customer paid in crypto: the amount that
// arrived, the amount asked when it differs (an overpayment), the network
// where it matters, and the rate of the sale.
func cryptoLines(b *escpos.Builder, inv pos.Invoice) {
	received, ok := inv.CryptoReceived()
	if ok {
		b.Pair("Crypto paid", received.String())
	}
	asked := inv.PayAmount
	if !asked.IsZero() && (!ok || asked.Currency != received.Currency || !asked.Amount.Equal(received.Amount)) {
		b.Pair("Crypto asked", asked.String())
	}
	if n := inv.NetworkLabel(); n != "" {
		b.Pair("Network", n)
	}
	base := asked
	if base.IsZero() {
		base = received
	}
	if r, ok := rate(inv.Amount, base); ok {
		b.Pair("Rate", r)
	}
}

func providerName(d ReceiptData) string {
	if d.ProviderName != "" {
		return d.ProviderName
	}
	return capital(d.Invoice.Provider)
}
