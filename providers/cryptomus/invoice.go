package cryptomus

import (
	"strings"

	"cryptopos/pos"
)

// invoiceObject is the invoice in create and info replies (spec §4.3).
// Unknown fields are ignored.
type invoiceObject struct {
	UUID            flexString  `json:"uuid"`
	OrderID         flexString  `json:"order_id"`
	Amount          flexDecimal `json:"amount"`
	PaymentAmount   flexDecimal `json:"payment_amount"`
	PayerAmount     flexDecimal `json:"payer_amount"`
	MerchantAmount  flexDecimal `json:"merchant_amount"`
	Discount        flexDecimal `json:"discount"`
	DiscountPercent flexDecimal `json:"discount_percent"`
	Currency        flexString  `json:"currency"`
	PayerCurrency   flexString  `json:"payer_currency"`
	Network         flexString  `json:"network"`
	Address         flexString  `json:"address"`
	From            flexString  `json:"from"`
	TxID            flexString  `json:"txid"`
	Status          flexString  `json:"status"`
	PaymentStatus   flexString  `json:"payment_status"`
	IsFinal         flexBool    `json:"is_final"`
	URL             flexString  `json:"url"`
	ExpiredAt       flexUnix    `json:"expired_at"`
	AdditionalData  flexString  `json:"additional_data"`
	CreatedAt       flexTime    `json:"created_at"`
	UpdatedAt       flexTime    `json:"updated_at"`
}

// statusWord is the word the sale is decided on: status, or payment_status
// when status is missing.
func (o *invoiceObject) statusWord() string {
	if o.Status != "" {
		return strings.ToLower(string(o.Status))
	}
	return strings.ToLower(string(o.PaymentStatus))
}

// update turns the invoice into what the engine records. The caller has
// checked that the invoice has a uuid and a status.
func (c *Client) update(o *invoiceObject) pos.Update {
	word := o.statusWord()
	status, reason, known := mapStatus(word, bool(o.IsFinal))
	if !known {
		c.log.Warn("cryptomus: unknown invoice status; keeping the last known outcome",
			"uuid", string(o.UUID), "status", word, "payment_status", string(o.PaymentStatus), "is_final", bool(o.IsFinal))
	}
	if ps := strings.ToLower(string(o.PaymentStatus)); ps != "" && ps != word {
		c.log.Info("cryptomus: status and payment_status differ; deciding on status",
			"uuid", string(o.UUID), "status", word, "payment_status", ps, "is_final", bool(o.IsFinal))
	}
	if known && status.Final() != bool(o.IsFinal) && status != pos.StatusFailed {
		c.log.Info("cryptomus: is_final disagrees with the status word",
			"uuid", string(o.UUID), "status", word, "is_final", bool(o.IsFinal))
	}

	u := pos.Update{
		ProviderID:     string(o.UUID),
		URL:            string(o.URL),
		Address:        string(o.Address),
		Network:        strings.ToLower(string(o.Network)),
		ExpiresAt:      o.ExpiredAt.T,
		Status:         status,
		ProviderStatus: word,
		Reason:         reason,
		Source:         "Cryptomus API",
	}
	if coin := strings.ToUpper(string(o.PayerCurrency)); coin != "" {
		if o.PayerAmount.Valid && o.PayerAmount.V.IsPositive() {
			u.PayAmount = pos.NewMoney(o.PayerAmount.V, coin)
		}
		if o.PaymentAmount.Valid && o.PaymentAmount.V.IsPositive() {
			u.Paid = pos.NewMoney(o.PaymentAmount.V, coin)
		}
	}
	return u
}
