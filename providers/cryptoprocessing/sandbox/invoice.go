package sandbox

import (
	"time"

	"cryptopos/providers/sandboxkit"

	"github.com/shopspring/decimal"
)

// CancelledError is the error text of an invoice cancelled through the
// API. The real text is undocumented (spec §15.3); this one is the
// sandbox's choice.
const CancelledError = "Invoice cancelled by merchant."

// The error texts of failed invoices (spec §7).
const (
	ErrorNotPaid        = "Timer expired. User not paid."
	ErrorPaidLess       = "Timer expired. User paid less than requested."
	ErrorProcessingLong = "Timer expired. Transactions were in status processing too long."
)

// InvoiceState is one invoice as the sandbox keeps it.
type InvoiceState struct {
	ID               int64
	Code             string // the page's code: URL ends /invoice/{Code}
	ForeignID        string
	EndUserReference string
	Title            string
	Description      string
	Currency         string          // what the merchant receives: fiat or crypto code
	Amount           decimal.Decimal // in Currency
	Timer            bool
	Type             string // fill_or_kill or good_until_expired
	URL              string
	URLSuccess       string
	URLFailed        string
	// HasEmail and SenderType say what customer data came with the
	// invoice; the sandbox keeps no personal data.
	HasEmail   bool
	SenderType string

	// SenderCurrency, SenderAmount and Address are set once the coin is
	// fixed (at creation for a pre-selected coin).
	SenderCurrency string
	SenderAmount   decimal.Decimal
	Address        string
	AddressID      int64

	Status string
	Error  string
	// FixedAt starts the window; ExpiresAt ends it (release_at in the
	// create reply, expires_at in callbacks). Zero while no timer runs.
	FixedAt   time.Time
	ExpiresAt time.Time
	Extended  bool // the 24-hour mempool window applies

	Transactions []Tx
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Tx is one blockchain deposit to the invoice's address.
type Tx struct {
	ID            int64
	Amount        decimal.Decimal
	TxID          string
	Confirmations int
}

func (inv *InvoiceState) clone() InvoiceState {
	c := *inv
	c.Transactions = append([]Tx(nil), inv.Transactions...)
	return c
}

// Final reports whether the invoice is confirmed or failed.
func (inv *InvoiceState) Final() bool { return inv.Status == "confirmed" || inv.Status == "failed" }

// coinFixed reports whether the payer's coin is known.
func (inv *InvoiceState) coinFixed() bool { return inv.SenderCurrency != "" }

// Paid is what arrived, in the coin, confirmed or not.
func (inv *InvoiceState) Paid() decimal.Decimal {
	sum := decimal.Zero
	for _, tx := range inv.Transactions {
		sum = sum.Add(tx.Amount)
	}
	return sum
}

// confirmedPaid is what arrived with at least one confirmation.
func (inv *InvoiceState) confirmedPaid() decimal.Decimal {
	sum := decimal.Zero
	for _, tx := range inv.Transactions {
		if tx.Confirmations > 0 {
			sum = sum.Add(tx.Amount)
		}
	}
	return sum
}

// Remaining is what is still due in the coin, never below zero.
func (inv *InvoiceState) Remaining() decimal.Decimal {
	rest := inv.SenderAmount.Sub(inv.Paid())
	if rest.IsNegative() {
		return decimal.Zero
	}
	return rest
}

// unconfirmed reports a transaction waiting in the mempool.
func (inv *InvoiceState) unconfirmed() bool {
	for _, tx := range inv.Transactions {
		if tx.Confirmations == 0 {
			return true
		}
	}
	return false
}

// invoiceJSON is the data of a create reply (spec §5.2), in the
// documentation's field order; amounts are 8-decimal strings, fiat too.
type invoiceJSON struct {
	ID               int64   `json:"id"`
	URL              string  `json:"url"`
	ForeignID        string  `json:"foreign_id"`
	EndUserReference string  `json:"end_user_reference"`
	Address          *string `json:"address"`
	Title            string  `json:"title"`
	Status           string  `json:"status"`
	Currency         string  `json:"currency"`
	Amount           string  `json:"amount"`
	SenderCurrency   *string `json:"sender_currency"`
	SenderAmount     *string `json:"sender_amount"`
	FixedAt          *int64  `json:"fixed_at"`
	ReleaseAt        *int64  `json:"release_at"`
	SecondsLeft      *int64  `json:"seconds_left"`
}

func (inv *InvoiceState) toJSON(now time.Time) invoiceJSON {
	j := invoiceJSON{
		ID: inv.ID, URL: inv.URL, ForeignID: inv.ForeignID, EndUserReference: inv.EndUserReference,
		Address: sandboxkit.NullIfEmpty(inv.Address), Title: inv.Title, Status: inv.Status, Currency: inv.Currency,
		Amount: inv.Amount.StringFixed(8), SenderCurrency: sandboxkit.NullIfEmpty(inv.SenderCurrency),
		FixedAt: unix(inv.FixedAt), ReleaseAt: unix(inv.ExpiresAt),
	}
	if inv.coinFixed() {
		j.SenderAmount = sandboxkit.NullIfEmpty(inv.SenderAmount.StringFixed(8))
	}
	if !inv.ExpiresAt.IsZero() {
		left := int64(inv.ExpiresAt.Sub(now) / time.Second)
		if left < 0 {
			left = 0
		}
		j.SecondsLeft = &left
	}
	return j
}

func unix(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := t.Unix()
	return &v
}
