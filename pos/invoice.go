package pos

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// PayOption is a crypto currency the cashier can pre-select, optionally on a
// given network ("USDT" on "tron"). The zero PayOption means "customer
// chooses" on the provider's page.
type PayOption struct {
	Code    string // upper case, e.g. "USDT"
	Network string // lower case, e.g. "tron"; empty when the coin has one network
}

// CustomerChooses reports whether o leaves the coin to the customer.
func (o PayOption) CustomerChooses() bool { return o.Code == "" }

// String is the config form: "BTC" or "USDT:tron"; empty for customer chooses.
func (o PayOption) String() string {
	if o.Network == "" {
		return o.Code
	}
	return o.Code + ":" + o.Network
}

// Label is the cashier's form: "BTC", "USDT · Tron", "Customer chooses".
func (o PayOption) Label() string {
	switch {
	case o.CustomerChooses():
		return "Customer chooses"
	case o.Network == "":
		return o.Code
	}
	return o.Code + " · " + networkLabel(o.Network)
}

var networkNames = map[string]string{
	"tron": "Tron", "eth": "Ethereum", "bsc": "BNB Chain", "polygon": "Polygon",
	"arbitrum": "Arbitrum", "sol": "Solana", "ton": "TON", "btc": "Bitcoin",
	"ltc": "Litecoin", "avalanche": "Avalanche", "base": "Base", "optimism": "Optimism",
}

func networkLabel(n string) string {
	if name, ok := networkNames[n]; ok {
		return name
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// nativeNetworks are networks whose own coin needs no network named:
// "BTC" says all that "BTC on Bitcoin" would.
var nativeNetworks = map[string]string{
	"btc": "BTC", "eth": "ETH", "ltc": "LTC", "ton": "TON", "tron": "TRX",
	"bsc": "BNB", "sol": "SOL", "doge": "DOGE", "bch": "BCH", "xrp": "XRP",
}

// NetworkLabel names the network the customer pays on where it matters:
// "Tron" for USDT on Tron, "" where the coin says it all (BTC on Bitcoin,
// TRX on Tron) or nothing is known. The network is the provider's word,
// else the cashier's pre-selection; the coin is that of PayAmount, else
// Coin. PayLine, the receipt and the command line all follow this rule.
func (inv Invoice) NetworkLabel() string {
	n := inv.Network
	if n == "" {
		n = inv.Pay.Network
	}
	coin := inv.PayAmount.Currency
	if coin == "" {
		coin = inv.Coin()
	}
	if n == "" || coin == "" || nativeNetworks[n] == coin {
		return ""
	}
	return networkLabel(n)
}

// PayLine is the amount to send and, where it matters (NetworkLabel), the
// network the provider gave for it: "13.59 USDT on Tron". Sending on the
// wrong network loses the money.
func (inv Invoice) PayLine() string {
	if inv.PayAmount.IsZero() {
		return ""
	}
	s := inv.PayAmount.String()
	if n := inv.NetworkLabel(); n != "" && inv.Network != "" {
		s += " on " + n
	}
	return s
}

// PaidLine says what arrived: "0.0001 BTC", or "0.0001 of 0.0003 BTC" when
// it is not what was asked; the asked amount for a sale paid exactly with
// no amount reported; "" when nothing is known to have arrived.
func (inv Invoice) PaidLine() string {
	switch {
	case !inv.Paid.IsZero() && !inv.PayAmount.IsZero() && inv.Paid.Currency == inv.PayAmount.Currency &&
		!inv.Paid.Amount.Equal(inv.PayAmount.Amount):
		return FormatAmount(inv.Paid.Amount, inv.Paid.Currency) + " of " + inv.PayAmount.String()
	case !inv.Paid.IsZero():
		return inv.Paid.String()
	case inv.Status == StatusPaid:
		return inv.PayAmount.String()
	}
	return ""
}

// Outdated reports whether writing next over stored, the same sale as the
// journal holds it, would move the sale back: stored is final and next is
// neither a better outcome (a late payment) nor a renewal (an expired
// invoice given a later expiry). Another process watching the same sale
// (the terminal and a script) may write a copy it read before the sale
// ended; the journal keeps the outcome.
func Outdated(stored, next Invoice) bool {
	if !stored.Status.Final() || next.Status == stored.Status || stored.Status.CanMoveTo(next.Status) {
		return false
	}
	// A renewal's expiry is minutes on; a second keeps the journal's
	// millisecond precision out of it.
	renewal := stored.Status == StatusExpired && !next.Status.Final() &&
		next.ExpiresAt.Sub(stored.ExpiresAt) >= time.Second
	return !renewal
}

// ParsePayOptions reads a configured list of coins with parse (a
// provider's own rules; nil is ParsePayOption), refusing one listed twice.
func ParsePayOptions(list []string, parse func(string) (PayOption, error)) ([]PayOption, error) {
	if parse == nil {
		parse = ParsePayOption
	}
	opts := make([]PayOption, 0, len(list))
	seen := map[PayOption]bool{}
	for _, s := range list {
		o, err := parse(s)
		if err != nil {
			return nil, err
		}
		if seen[o] {
			return nil, fmt.Errorf("%q is listed twice.", s)
		}
		seen[o] = true
		opts = append(opts, o)
	}
	return opts, nil
}

// ParsePayOption reads "BTC" or "USDT:tron" as written in the config.
func ParsePayOption(s string) (PayOption, error) {
	code, network, _ := strings.Cut(strings.TrimSpace(s), ":")
	code = strings.ToUpper(strings.TrimSpace(code))
	network = strings.ToLower(strings.TrimSpace(network))
	if !isCode(code) {
		return PayOption{}, fmt.Errorf("%q is not a currency: write CODE or CODE:network, e.g. BTC or USDT:tron", s)
	}
	if strings.Contains(s, ":") && !isNetwork(network) {
		return PayOption{}, fmt.Errorf("%q has no network after the colon: write CODE:network, e.g. USDT:tron", s)
	}
	return PayOption{Code: code, Network: network}, nil
}

// isNetwork is isCode in lower case, ASCII only: "ı" and "ſ" upper-case to
// "I" and "S" but are no network names.
func isNetwork(s string) bool {
	return isCode(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s))
}

func isCode(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// Invoice is one sale and what the provider has told us about it. The journal
// stores it whole; OrderID is the key at the provider and in the journal.
type Invoice struct {
	OrderID  string    // ours, sent to the provider; the idempotency key
	Provider string    // provider key, e.g. "cryptomus"
	Amount   Money     // what the cashier typed, in the shop currency
	Pay      PayOption // pre-selected coin, or zero for customer chooses

	CreatedAt time.Time
	UpdatedAt time.Time

	ProviderID string    // the provider's id (Cryptomus uuid)
	URL        string    // the payment page; the QR encodes it
	Address    string    // deposit address, when the provider fixed one
	ExpiresAt  time.Time // the provider's expiry; zero when it has none yet

	PayAmount Money  // what the customer is asked to send, in crypto, when known
	Paid      Money  // what the customer has sent so far, in crypto, when known
	Network   string // the network PayAmount is to be sent on (lower case), when known
	TxID      string // the payment's blockchain transaction id, when known

	Status         Status
	ProviderStatus string // the provider's own word for the status
	Reason         string // why it failed or was refused, in plain words

	// Dismissed is set when the cashier cancelled the sale on the terminal
	// while the provider still accepts payment: the invoice is watched in the
	// background until final, so a late payment is still recorded.
	Dismissed bool
	// Late is set when money arrived after the sale had ended unpaid
	// (expired, cancelled, underpaid): a late payment. LateAcknowledged is
	// set once the cashier has seen it.
	Late             bool
	LateAcknowledged bool
	// Replaces and ReplacedBy link the invoices of one sale when the
	// provider could not tell us what it had made under an order id: that
	// invoice was cancelled and replaced by a new one.
	Replaces   string
	ReplacedBy string

	// Customer is who pays, when the provider needs it. It is personal data
	// and kept in memory only: the journal never stores it.
	Customer *Customer
}

// Created reports whether the provider has answered the create request.
func (inv Invoice) Created() bool { return inv.URL != "" || inv.ProviderID != "" }

// Remaining returns the time left to pay at now; zero when the provider gave
// no expiry or it has passed.
func (inv Invoice) Remaining(now time.Time) time.Duration {
	if inv.ExpiresAt.IsZero() || !now.Before(inv.ExpiresAt) {
		return 0
	}
	return inv.ExpiresAt.Sub(now)
}

// Outstanding is what the customer still has to send, when both the asked and
// the paid amounts are known in the same currency.
func (inv Invoice) Outstanding() (Money, bool) {
	if inv.PayAmount.IsZero() || inv.Paid.IsZero() || inv.PayAmount.Currency != inv.Paid.Currency {
		return Money{}, false
	}
	rest := inv.PayAmount.Amount.Sub(inv.Paid.Amount)
	if rest.IsNegative() {
		rest = decimal.Zero
	}
	return Money{Amount: rest, Currency: inv.PayAmount.Currency}, true
}

// Update is what a provider reports about an invoice. Zero fields mean "not
// known" and leave the invoice as it was.
type Update struct {
	ProviderID     string
	URL            string
	Address        string
	ExpiresAt      time.Time
	PayAmount      Money
	Paid           Money
	Network        string // lower case, e.g. "tron"
	TxID           string // the payment's transaction id
	Status         Status // StatusUnknown: no news about the outcome
	ProviderStatus string
	Reason         string
	// Source says where the status came from ("Cryptomus API", "relay"), for
	// the status line and the journal.
	Source string
	// At is when the source learned the status (a callback's arrival),
	// zero when it is "now".
	At time.Time
}

// Apply merges u into inv and reports what changed. Status moves only as
// Status.CanMoveTo allows; every other field takes the provider's newer word.
func (inv *Invoice) Apply(u Update) (changed bool) {
	set := func(dst *string, v string) {
		if v != "" && *dst != v {
			*dst, changed = v, true
		}
	}
	set(&inv.ProviderID, u.ProviderID)
	set(&inv.URL, u.URL)
	set(&inv.Address, u.Address)
	set(&inv.Network, strings.ToLower(u.Network))
	set(&inv.TxID, u.TxID)
	if !u.ExpiresAt.IsZero() && !u.ExpiresAt.Equal(inv.ExpiresAt) {
		inv.ExpiresAt, changed = u.ExpiresAt, true
	}
	setMoney := func(dst *Money, v Money) {
		if !v.IsZero() && (dst.Currency != v.Currency || !dst.Amount.Equal(v.Amount)) {
			*dst, changed = v, true
		}
	}
	setMoney(&inv.PayAmount, u.PayAmount)
	setMoney(&inv.Paid, u.Paid)

	next := u.Status
	if inv.Dismissed && next == StatusExpired {
		next = StatusCancelled // the cashier cancelled it; expiry just made it official
	}
	if inv.Status.CanMoveTo(next) {
		inv.Status, changed = next, true
		inv.Reason = u.Reason
		if next == StatusCancelled && inv.Reason == "" && inv.Dismissed {
			inv.Reason = "Cancelled on the terminal."
		}
	}
	// A reply that was refused as a step back leaves the provider's word too.
	if next == StatusUnknown || inv.Status == next {
		set(&inv.ProviderStatus, u.ProviderStatus)
	}
	return changed
}
