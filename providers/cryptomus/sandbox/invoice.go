package sandbox

import (
	"time"

	"cryptopos/providers/sandboxkit"

	"github.com/shopspring/decimal"
)

// InvoiceState is one invoice as the sandbox keeps it.
type InvoiceState struct {
	UUID     string
	OrderID  string
	Amount   decimal.Decimal
	Currency string
	// ToCurrency is the coin asked for at creation; "" for customer chooses.
	ToCurrency string
	// Network, PayerCurrency and PayerAmount are set once a coin is fixed.
	Network       string
	PayerCurrency string
	PayerAmount   decimal.Decimal
	// PaymentAmount is what arrived so far, in PayerCurrency.
	PaymentAmount  decimal.Decimal
	MerchantAmount decimal.Decimal
	Address        string
	From           string
	TxID           string
	Status         string
	IsFinal        bool
	URL            string
	ExpiresAt      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time

	Lifetime               time.Duration
	IsPaymentMultiple      bool
	AccuracyPaymentPercent decimal.Decimal
	Subtract               int
	AdditionalData         string
	URLCallback            string
	URLReturn              string
	URLSuccess             string
	// Currencies is the allow-list of a customer-chooses invoice.
	Currencies []CurrencyRef
	// Refreshes counts renewals with is_refresh.
	Refreshes int
}

// CurrencyRef is one entry of a currencies allow-list.
type CurrencyRef struct {
	Currency string `json:"currency"`
	Network  string `json:"network,omitempty"`
}

func (inv *InvoiceState) clone() InvoiceState {
	c := *inv
	c.Currencies = append([]CurrencyRef(nil), inv.Currencies...)
	return c
}

// coinFixed reports whether the payer's coin is known.
func (inv *InvoiceState) coinFixed() bool { return inv.PayerCurrency != "" }

// paid reports whether any money arrived.
func (inv *InvoiceState) paid() bool { return inv.PaymentAmount.IsPositive() }

// expireIfDue applies the expiry rule at now: an open invoice past its
// expired_at becomes cancel (unpaid) or wrong_amount (partly paid). A
// payment already seen on chain (confirm_check) and funds held (locked) do
// not expire.
func (inv *InvoiceState) expireIfDue(now time.Time) {
	if inv.IsFinal || now.Before(inv.ExpiresAt) {
		return
	}
	switch inv.Status {
	case "check", "process", "wrong_amount_waiting":
	default:
		return
	}
	inv.expire(inv.ExpiresAt)
}

func (inv *InvoiceState) expire(at time.Time) {
	inv.Status, inv.IsFinal = "cancel", true
	if inv.paid() {
		inv.Status = "wrong_amount"
	}
	inv.UpdatedAt = at
}

// msk is the offset Cryptomus writes its times in.
var msk = time.FixedZone("MSK", 3*60*60)

// invoiceJSON is the invoice object of the API (spec §4.3), in the field
// order of the documentation's example.
type invoiceJSON struct {
	UUID            string  `json:"uuid"`
	OrderID         string  `json:"order_id"`
	Amount          string  `json:"amount"`
	PaymentAmount   *string `json:"payment_amount"`
	PayerAmount     *string `json:"payer_amount"`
	DiscountPercent *int    `json:"discount_percent"`
	Discount        string  `json:"discount"`
	PayerCurrency   *string `json:"payer_currency"`
	Currency        string  `json:"currency"`
	MerchantAmount  *string `json:"merchant_amount"`
	Network         *string `json:"network"`
	Address         *string `json:"address"`
	From            *string `json:"from"`
	TxID            *string `json:"txid"`
	PaymentStatus   string  `json:"payment_status"`
	URL             string  `json:"url"`
	ExpiredAt       int64   `json:"expired_at"`
	Status          string  `json:"status"`
	IsFinal         bool    `json:"is_final"`
	AdditionalData  *string `json:"additional_data"`
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
}

func (inv *InvoiceState) toJSON() invoiceJSON {
	j := invoiceJSON{
		UUID:           inv.UUID,
		OrderID:        inv.OrderID,
		Amount:         inv.Amount.StringFixed(currencyDecimals(inv.Currency)),
		Discount:       "0.00000000",
		PayerCurrency:  sandboxkit.NullIfEmpty(inv.PayerCurrency),
		Currency:       inv.Currency,
		Network:        sandboxkit.NullIfEmpty(inv.Network),
		Address:        sandboxkit.NullIfEmpty(inv.Address),
		From:           sandboxkit.NullIfEmpty(inv.From),
		TxID:           sandboxkit.NullIfEmpty(inv.TxID),
		PaymentStatus:  inv.Status,
		URL:            inv.URL,
		ExpiredAt:      inv.ExpiresAt.Unix(),
		Status:         inv.Status,
		IsFinal:        inv.IsFinal,
		AdditionalData: sandboxkit.NullIfEmpty(inv.AdditionalData),
		CreatedAt:      inv.CreatedAt.In(msk).Format(time.RFC3339),
		UpdatedAt:      inv.UpdatedAt.In(msk).Format(time.RFC3339),
	}
	if inv.coinFixed() {
		j.PayerAmount = sandboxkit.NullIfEmpty(inv.PayerAmount.StringFixed(8))
	}
	if inv.paid() {
		j.PaymentAmount = sandboxkit.NullIfEmpty(inv.PaymentAmount.StringFixed(8))
		j.MerchantAmount = sandboxkit.NullIfEmpty(inv.MerchantAmount.StringFixed(8))
	}
	return j
}
