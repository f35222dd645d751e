package pos

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseAmount(t *testing.T) {
	eur, _ := LookupCurrency("EUR")
	jpy, _ := LookupCurrency("JPY")
	btc, _ := LookupCurrency("BTC")
	max := decimal.RequireFromString("5000")
	tests := []struct {
		input string
		cur   Currency
		want  string
		err   error
	}{
		{"12", eur, "12", nil},
		{"12.5", eur, "12.5", nil},
		{"12,50", eur, "12.5", nil},
		{" 0.01 ", eur, "0.01", nil},
		{"5000", eur, "5000", nil},
		{"1500", jpy, "1500", nil},
		{"0.00012345", btc, "0.00012345", nil},
		{"", eur, "", ErrAmountEmpty},
		{"   ", eur, "", ErrAmountEmpty},
		{"0", eur, "", ErrAmountZero},
		{"0,00", eur, "", ErrAmountZero},
		{"-3", eur, "", ErrAmountNegative},
		{"-0", eur, "", ErrAmountZero},
		{"12.505", eur, "", ErrAmountTooPrecise},
		{"12.5", jpy, "", ErrAmountTooPrecise},
		{"5000.01", eur, "", ErrAmountTooLarge},
		{"1.2.3", eur, "", ErrAmountNotValid},
		{"12,5,0", eur, "", ErrAmountNotValid},
		{"1e3", eur, "", ErrAmountNotValid},
		{"abc", eur, "", ErrAmountNotValid},
		{".", eur, "", ErrAmountNotValid},
		{"1 000", eur, "", ErrAmountNotValid},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.input, tt.cur, max)
		if !errors.Is(err, tt.err) {
			t.Errorf("ParseAmount(%q, %s) error = %v, want %v", tt.input, tt.cur.Code, err, tt.err)
			continue
		}
		if err == nil && !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("ParseAmount(%q) = %s, want %s", tt.input, got, tt.want)
		}
	}
}

func TestParseAmountMessagesSayWhich(t *testing.T) {
	eur, _ := LookupCurrency("EUR")
	jpy, _ := LookupCurrency("JPY")
	tests := []struct {
		input string
		cur   Currency
		want  string
	}{
		{"12.505", eur, "EUR has 2 decimal places at most."},
		{"1.5", jpy, "JPY has no decimals: type whole amounts."},
		{"10000", eur, "The most one sale can be is 5000.00 EUR."},
		{"0", eur, "The amount must be more than zero."},
		{"-1", eur, "The amount cannot be negative."},
	}
	for _, tt := range tests {
		_, err := ParseAmount(tt.input, tt.cur, decimal.RequireFromString("5000"))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseAmount(%q) error %q, want %q", tt.input, err, tt.want)
		}
	}
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		amount, currency, want string
	}{
		{"12.5", "EUR", "12.50 EUR"},
		{"1500", "JPY", "1500 JPY"},
		{"1.5", "KWD", "1.500 KWD"},
		{"0.00020833", "BTC", "0.00020833 BTC"},
		{"0.00020000", "BTC", "0.0002 BTC"},
		{"13.50000000", "USDT", "13.50 USDT"},
		{"13", "USDT", "13.00 USDT"},
		{"7.25", "XYZ", "7.25 XYZ"},
	}
	for _, tt := range tests {
		if got := NewMoney(decimal.RequireFromString(tt.amount), tt.currency).String(); got != tt.want {
			t.Errorf("Money(%s %s) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
	}
	if (Money{}).String() != "" {
		t.Error("zero Money should print as nothing")
	}
}
