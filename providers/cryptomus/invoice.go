package cryptomus

import (
	"strings"

	"cryptopos/pos"
	"cryptopos/providers/flexjson"
)

// invoiceObject is the invoice in create and info replies (spec §4.3).
// Unknown fields are ignored.
type invoiceObject struct {
	UUID            flexjson.String  `json:"uuid"`
	OrderID         flexjson.String  `json:"order_id"`
	Amount          flexjson.Decimal `json:"amount"`
	PaymentAmount   flexjson.Decimal `json:"payment_amount"`
	PayerAmount     flexjson.Decimal `json:"payer_amount"`
	MerchantAmount  flexjson.Decimal `json:"merchant_amount"`
	Discount        flexjson.Decimal `json:"discount"`
	DiscountPercent flexjson.Decimal `json:"discount_percent"`
	Currency        flexjson.String  `json:"currency"`
	PayerCurrency   flexjson.String  `json:"payer_currency"`
	Network         flexjson.String  `json:"network"`
	Address         flexjson.String  `json:"address"`
	From            flexjson.String  `json:"from"`
	TxID            flexjson.String  `json:"txid"`
	Status          flexjson.String  `json:"status"`
	PaymentStatus   flexjson.String  `json:"payment_status"`
	IsFinal         flexjson.Bool    `json:"is_final"`
	URL             flexjson.String  `json:"url"`
	ExpiredAt       flexUnix         `json:"expired_at"`
	AdditionalData  flexjson.String  `json:"additional_data"`
	CreatedAt       flexTime         `json:"created_at"`
	UpdatedAt       flexTime         `json:"updated_at"`
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
		TxID:           string(o.TxID),
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
