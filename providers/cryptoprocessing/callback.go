package cryptoprocessing

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"cryptopos/providers/flexjson"

	"github.com/shopspring/decimal"
)

// CallbackType is the type of the invoice callbacks; the relay keeps no
// other (spec §8.3).
const CallbackType = "invoice"

// callbackPayload is an invoice callback (spec §8.3), read tolerantly.
//
// The documented examples (the GitBook invoices page) show that
// currency_sent.amount is the amount the invoice asks for in the coin and
// remaining_amount what is still due: an instalment of 0.01 of 0.02 BTC
// reads amount 0.02, remaining 0.01 with one transaction of 0.01. What was
// paid is therefore the sum of the blockchain deposits, or amount minus
// remaining when no transaction is listed. See paid and due.
type callbackPayload struct {
	ID               flexjson.String `json:"id"`
	ForeignID        flexjson.String `json:"foreign_id"`
	EndUserReference flexjson.String `json:"end_user_reference"`
	Type             flexjson.String `json:"type"`
	CryptoAddress    *struct {
		Currency  flexjson.String `json:"currency"`
		Address   flexjson.String `json:"address"`
		Tag       flexjson.String `json:"tag"`
		ConvertTo flexjson.String `json:"convert_to"`
	} `json:"crypto_address"`
	CurrencySent *struct {
		Currency        flexjson.String  `json:"currency"`
		Amount          flexjson.Decimal `json:"amount"`
		RemainingAmount flexjson.Decimal `json:"remaining_amount"`
	} `json:"currency_sent"`
	CurrencyReceived *struct {
		Currency flexjson.String  `json:"currency"`
		Amount   flexjson.Decimal `json:"amount"`
	} `json:"currency_received"`
	Transactions []callbackTx    `json:"transactions"`
	Error        flexjson.String `json:"error"`
	Status       flexjson.String `json:"status"`
	FixedAt      flexjson.Unix   `json:"fixed_at"`
	ExpiresAt    flexjson.Unix   `json:"expires_at"`
}

type callbackTx struct {
	ID              flexjson.String  `json:"id"`
	Currency        flexjson.String  `json:"currency"`
	TransactionType flexjson.String  `json:"transaction_type"`
	Type            flexjson.String  `json:"type"`
	Address         flexjson.String  `json:"address"`
	Amount          flexjson.Decimal `json:"amount"`
	TxID            flexjson.String  `json:"txid"`
	Confirmations   flexjson.Int     `json:"confirmations"`
}

// parseCallback reads a callback body; ok is false when it is not a JSON
// object. A member of an unexpected shape (PHP writes an empty object as
// [], a string where an object was) is left unset, as flexjson does for
// single fields: it never drops an authentic callback.
func parseCallback(b []byte) (p callbackPayload, ok bool) {
	b = []byte(strings.TrimSpace(string(b)))
	if len(b) == 0 || b[0] != '{' {
		return p, false
	}
	err := json.Unmarshal(b, &p) // on a type error it still decodes the rest
	var te *json.UnmarshalTypeError
	return p, err == nil || errors.As(err, &te)
}

func (p *callbackPayload) statusWord() string { return strings.ToLower(string(p.Status)) }

func (p *callbackPayload) errorText() string { return strings.TrimSpace(string(p.Error)) }

// coin is the API code the customer pays in: currency_sent's, else the
// address's.
func (p *callbackPayload) coin() string {
	if p.CurrencySent != nil && p.CurrencySent.Currency != "" {
		return strings.ToUpper(string(p.CurrencySent.Currency))
	}
	if p.CryptoAddress != nil {
		return strings.ToUpper(string(p.CryptoAddress.Currency))
	}
	return ""
}

// deposits are the blockchain deposits in the invoice's coin (exchange
// legs are left out).
func (p *callbackPayload) deposits() []callbackTx {
	coin := p.coin()
	var out []callbackTx
	for _, tx := range p.Transactions {
		tt, kind := strings.ToLower(string(tx.TransactionType)), strings.ToLower(string(tx.Type))
		if (tt != "" && tt != "blockchain") || (kind != "" && kind != "deposit") {
			continue
		}
		if cur := strings.ToUpper(string(tx.Currency)); cur != "" && coin != "" && cur != coin {
			continue
		}
		out = append(out, tx)
	}
	return out
}

// remaining is remaining_amount; ok is false when absent.
func (p *callbackPayload) remaining() (decimal.Decimal, bool) {
	if p.CurrencySent == nil || !p.CurrencySent.RemainingAmount.Valid {
		return decimal.Zero, false
	}
	return p.CurrencySent.RemainingAmount.V, true
}

// paid is what the customer has sent, in the coin: the deposits' sum, or
// amount minus remaining when none is listed.
func (p *callbackPayload) paid() decimal.Decimal {
	if txs := p.deposits(); len(txs) > 0 {
		sum := decimal.Zero
		for _, tx := range txs {
			sum = sum.Add(tx.Amount.V)
		}
		return sum
	}
	if p.CurrencySent == nil || !p.CurrencySent.Amount.Valid {
		return decimal.Zero
	}
	rest, _ := p.remaining()
	if d := p.CurrencySent.Amount.V.Sub(rest); d.IsPositive() {
		return d
	}
	return decimal.Zero
}

// due is what the invoice asks for in the coin: currency_sent.amount, or
// paid plus remaining when that is more (a server that reports the sent
// amount in currency_sent.amount, as spec §8.3 reads it).
func (p *callbackPayload) due() decimal.Decimal {
	var amount decimal.Decimal
	if p.CurrencySent != nil && p.CurrencySent.Amount.Valid {
		amount = p.CurrencySent.Amount.V
	}
	if rest, ok := p.remaining(); ok && rest.IsPositive() {
		if sum := p.paid().Add(rest); sum.GreaterThan(amount) {
			return sum
		}
	}
	return amount
}

// confirmations sums the deposits' confirmations.
func (p *callbackPayload) confirmations() int64 {
	var n int64
	for _, tx := range p.deposits() {
		n += tx.Confirmations.V
	}
	return n
}

func (p *callbackPayload) expiresAt() time.Time { return p.ExpiresAt.T }
