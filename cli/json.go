package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

// InvoiceJSON is an invoice as `invoice create --json`, `invoice watch
// --json` (one per line), `invoice list --json` (an array) and `report
// --json` print it. Every key is always present; amounts are exact decimal
// strings, times RFC 3339 in UTC; an unknown amount or time is null.
type InvoiceJSON struct {
	OrderID    string `json:"order_id"`
	Provider   string `json:"provider"`
	ProviderID string `json:"provider_id"`
	URL        string `json:"url"`
	Address    string `json:"address"`
	// Amount is in Currency, the shop currency.
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	// Pay is the coin the cashier pre-selected ("BTC", "USDT:tron"), ""
	// when the customer chooses; PayCurrency is the coin paid or to be
	// paid, when known (see pos.Invoice.Coin).
	Pay          string  `json:"pay"`
	PayCurrency  string  `json:"pay_currency"`
	Network      string  `json:"network"`
	CryptoAmount *string `json:"crypto_amount"` // asked
	CryptoPaid   *string `json:"crypto_paid"`   // arrived
	// ValueReceived is pos.Invoice.ValueReceived in Currency.
	ValueReceived    *string `json:"value_received"`
	Status           string  `json:"status"`
	StatusWords      string  `json:"status_words"`
	Final            bool    `json:"final"`
	ProviderStatus   string  `json:"provider_status"`
	Reason           string  `json:"reason"`
	CreatedAt        *string `json:"created_at"`
	UpdatedAt        *string `json:"updated_at"`
	ExpiresAt        *string `json:"expires_at"`
	Late             bool    `json:"late"`
	LateAcknowledged bool    `json:"late_acknowledged"`
	Dismissed        bool    `json:"dismissed"`
	Replaces         string  `json:"replaces"`
	ReplacedBy       string  `json:"replaced_by"`
}

func invoiceJSON(inv pos.Invoice) InvoiceJSON {
	j := InvoiceJSON{
		OrderID: inv.OrderID, Provider: inv.Provider, ProviderID: inv.ProviderID, URL: inv.URL,
		Address: inv.Address, Amount: fiat(inv.Amount), Currency: inv.Amount.Currency,
		Pay: inv.Pay.String(), PayCurrency: inv.Coin(), Network: network(inv),
		CryptoAmount: cryptoPtr(inv.PayAmount), CryptoPaid: cryptoPtr(inv.Paid),
		Status: string(inv.Status), StatusWords: inv.Status.Words(), Final: inv.Status.Final(),
		ProviderStatus: inv.ProviderStatus, Reason: inv.Reason,
		CreatedAt: timePtr(inv.CreatedAt), UpdatedAt: timePtr(inv.UpdatedAt), ExpiresAt: timePtr(inv.ExpiresAt),
		Late: inv.Late, LateAcknowledged: inv.LateAcknowledged, Dismissed: inv.Dismissed,
		Replaces: inv.Replaces, ReplacedBy: inv.ReplacedBy,
	}
	if v, ok := inv.ValueReceived(); ok {
		s := fiat(v)
		j.ValueReceived = &s
	}
	return j
}

// fiat is an amount in its currency's minor units, without the code.
func fiat(m pos.Money) string {
	if m.IsZero() {
		return ""
	}
	return pos.FormatAmount(m.Amount, m.Currency)
}

// crypto is an exact crypto amount as the provider gave it, "" if unknown.
func crypto(m pos.Money) string {
	if m.IsZero() {
		return ""
	}
	return exact(m.Amount)
}

// exact is d with its own number of decimal places: "21.70" stays "21.70".
func exact(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}

func cryptoPtr(m pos.Money) *string {
	if m.IsZero() {
		return nil
	}
	s := crypto(m)
	return &s
}

func timePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// network is where the money goes: the provider's word, else the
// cashier's pre-selection.
func network(inv pos.Invoice) string {
	if inv.Network != "" {
		return inv.Network
	}
	return inv.Pay.Network
}

// ReportJSON is `cryptopos report --json`: pos.Report with amounts as exact
// decimal strings in the shop currency's minor units.
type ReportJSON struct {
	From             string          `json:"from"` // RFC 3339, in the report's time zone
	To               string          `json:"to"`   // excluded
	TimeZone         string          `json:"time_zone"`
	Currency         string          `json:"currency"`
	Invoices         int             `json:"invoices"`
	Amount           string          `json:"amount"`
	ByStatus         []StatusJSON    `json:"by_status"` // every status, in pos.Statuses order
	ByCoin           []CoinJSON      `json:"by_coin"`
	Taken            string          `json:"taken"`
	Underpaid        string          `json:"underpaid"`
	UnderpaidUnknown int             `json:"underpaid_unknown"`
	Received         string          `json:"received"`
	Open             int             `json:"open"`
	OpenAmount       string          `json:"open_amount"`
	Late             []InvoiceJSON   `json:"late"`
	Exceptions       []ExceptionJSON `json:"exceptions"`
}

// StatusJSON is one row of ReportJSON.ByStatus.
type StatusJSON struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
	Amount string `json:"amount"`
}

// CoinJSON is one row of ReportJSON.ByCoin; Coin is "" for "not chosen".
type CoinJSON struct {
	Coin          string `json:"coin"`
	Sales         int    `json:"sales"`
	Value         string `json:"value"`
	Crypto        string `json:"crypto"`
	CryptoUnknown int    `json:"crypto_unknown"`
}

// ExceptionJSON is one entry of ReportJSON.Exceptions.
type ExceptionJSON struct {
	Kind    string      `json:"kind"` // a pos.ExceptionKind
	Invoice InvoiceJSON `json:"invoice"`
}

func reportJSON(r pos.Report, loc *time.Location) ReportJSON {
	amt := func(d decimal.Decimal) string { return pos.FormatAmount(d, r.Currency) }
	j := ReportJSON{
		From: r.From.In(loc).Format(time.RFC3339), To: r.To.In(loc).Format(time.RFC3339),
		TimeZone: loc.String(), Currency: r.Currency, Invoices: r.Invoices, Amount: amt(r.Amount),
		Taken: amt(r.Taken), Underpaid: amt(r.Underpaid), UnderpaidUnknown: r.UnderpaidUnknown,
		Received: amt(r.Received), Open: r.Open, OpenAmount: amt(r.OpenAmount),
		ByStatus: []StatusJSON{}, ByCoin: []CoinJSON{}, Late: []InvoiceJSON{}, Exceptions: []ExceptionJSON{},
	}
	for _, s := range r.ByStatus {
		j.ByStatus = append(j.ByStatus, StatusJSON{Status: string(s.Status), Count: s.Count, Amount: amt(s.Amount)})
	}
	for _, c := range r.ByCoin {
		j.ByCoin = append(j.ByCoin, CoinJSON{Coin: c.Coin, Sales: c.Sales, Value: amt(c.Value),
			Crypto: exact(c.Crypto), CryptoUnknown: c.CryptoUnknown})
	}
	for _, e := range r.Late {
		j.Late = append(j.Late, invoiceJSON(e.Invoice))
	}
	for _, e := range r.Exceptions {
		j.Exceptions = append(j.Exceptions, ExceptionJSON{Kind: string(e.Kind), Invoice: invoiceJSON(e.Invoice)})
	}
	return j
}

// writeJSON prints v indented, or on one line when compact.
func writeJSON(w io.Writer, v any, compact bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if !compact {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}
