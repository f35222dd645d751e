// Package pos is the domain of cryptopos: money, invoices and their statuses,
// the ports to payment providers and to the journal, and the checkout engine
// that takes a sale from creation to a final status. It knows nothing of the
// terminal UI, HTTP or SQL.
package pos

import (
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Money is an amount in one currency. Amounts are exact decimals; never floats.
type Money struct {
	Amount   decimal.Decimal
	Currency string
}

// NewMoney returns Money of amount in the currency with the given code.
func NewMoney(amount decimal.Decimal, currency string) Money {
	return Money{Amount: amount, Currency: currency}
}

// IsZero reports whether m carries no currency (an unknown amount).
func (m Money) IsZero() bool { return m.Currency == "" }

// String formats m for the cashier, e.g. "12.50 EUR" or "0.00020833 BTC".
// Fiat amounts show the currency's minor units; crypto amounts keep their
// significant decimals (at least two).
func (m Money) String() string {
	if m.IsZero() {
		return ""
	}
	return FormatAmount(m.Amount, m.Currency) + " " + m.Currency
}

// FormatAmount formats an amount of the given currency without the code.
func FormatAmount(amount decimal.Decimal, currency string) string {
	if c, ok := LookupCurrency(currency); ok && !c.Crypto {
		return amount.StringFixed(c.Decimals)
	}
	// Crypto: as precise as the provider said, trailing zeros trimmed, at
	// least two decimals so that "13.5 USDT" reads as money.
	s := amount.String() // trailing zeros trimmed
	if i := strings.IndexByte(s, '.'); i < 0 {
		s += ".00"
	} else if len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	return s
}

// Currency describes a currency the shop can price in.
type Currency struct {
	Code     string
	Decimals int32 // minor units: EUR 2, JPY 0, BTC 8
	Crypto   bool
}

// currencies lists ISO 4217 minor units (where they differ from 2, and the
// common 2-decimal ones) and the crypto codes a shop may price in.
var currencies = func() map[string]Currency {
	m := map[string]Currency{}
	add := func(decimals int32, crypto bool, codes ...string) {
		for _, c := range codes {
			m[c] = Currency{Code: c, Decimals: decimals, Crypto: crypto}
		}
	}
	add(2, false, "EUR", "USD", "GBP", "CHF", "PLN", "CZK", "SEK", "NOK", "DKK", "HUF",
		"RON", "BGN", "TRY", "UAH", "RUB", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD",
		"INR", "BRL", "MXN", "ARS", "ZAR", "AED", "SAR", "ILS", "THB", "MYR", "PHP",
		"IDR", "EGP", "NGN", "KZT", "GEL", "AMD", "AZN", "MAD", "KES", "TWD", "COP", "PEN")
	add(0, false, "JPY", "KRW", "ISK", "CLP", "VND", "UGX", "XAF", "XOF", "PYG", "RWF")
	add(3, false, "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD")
	add(8, true, "BTC", "ETH", "LTC", "BCH", "DOGE", "TRX", "BNB", "SOL", "XRP", "TON", "DASH", "XMR")
	add(2, true, "USDT", "USDC", "DAI")
	return m
}()

// LookupCurrency returns the currency with the given code (upper case).
func LookupCurrency(code string) (Currency, bool) {
	c, ok := currencies[code]
	return c, ok
}

// Amount input errors, each a plain sentence for the cashier.
var (
	ErrAmountEmpty    = errors.New("Type an amount.")
	ErrAmountNotValid = errors.New("That is not an amount: use digits and one . or , for the decimals.")
	ErrAmountZero     = errors.New("The amount must be more than zero.")
	ErrAmountNegative = errors.New("The amount cannot be negative.")
)

// AmountError is a cashier-readable reason why an amount was refused.
type AmountError struct {
	Err     error  // one of the ErrAmount... values, or nil for the cases below
	Message string // the sentence shown to the cashier
}

func (e *AmountError) Error() string { return e.Message }
func (e *AmountError) Unwrap() error { return e.Err }

// Errors for amounts with too many decimals or above the shop's maximum.
var (
	ErrAmountTooPrecise = errors.New("too many decimals")
	ErrAmountTooLarge   = errors.New("above the maximum")
)

// ParseAmount reads what the cashier typed: "12", "12.5" or "12,50". It
// refuses empty input, zero, negatives, more decimals than cur has, and
// amounts above max (when max is positive), saying which.
func ParseAmount(input string, cur Currency, max decimal.Decimal) (decimal.Decimal, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return decimal.Zero, &AmountError{Err: ErrAmountEmpty, Message: ErrAmountEmpty.Error()}
	}
	negative := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s = strings.Replace(s, ",", ".", 1)
	if !validAmountText(s) {
		return decimal.Zero, &AmountError{Err: ErrAmountNotValid, Message: ErrAmountNotValid.Error()}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, &AmountError{Err: ErrAmountNotValid, Message: ErrAmountNotValid.Error()}
	}
	switch {
	case negative && !d.IsZero():
		return decimal.Zero, &AmountError{Err: ErrAmountNegative, Message: ErrAmountNegative.Error()}
	case d.IsZero():
		return decimal.Zero, &AmountError{Err: ErrAmountZero, Message: ErrAmountZero.Error()}
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && int32(len(s)-i-1) > cur.Decimals {
		return decimal.Zero, &AmountError{Err: ErrAmountTooPrecise, Message: tooPreciseMessage(cur)}
	}
	if max.IsPositive() && d.GreaterThan(max) {
		return decimal.Zero, &AmountError{Err: ErrAmountTooLarge,
			Message: fmt.Sprintf("The most one sale can be is %s %s.", FormatAmount(max, cur.Code), cur.Code)}
	}
	return d.Round(cur.Decimals), nil
}

func tooPreciseMessage(cur Currency) string {
	switch cur.Decimals {
	case 0:
		return fmt.Sprintf("%s has no decimals: type whole amounts.", cur.Code)
	case 1:
		return fmt.Sprintf("%s has 1 decimal place.", cur.Code)
	}
	return fmt.Sprintf("%s has %d decimal places at most.", cur.Code, cur.Decimals)
}

// validAmountText accepts digits with at most one '.', and at least one digit.
func validAmountText(s string) bool {
	digits, dots := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}
