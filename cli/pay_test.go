package cli

import (
	"testing"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

func m(amount, code string) pos.Money {
	return pos.Money{Amount: decimal.RequireFromString(amount), Currency: code}
}

// The list's pay column names the network by pos's rule: USDT:tron, but
// never a chain's own coin (TRX:tron, BNB:bsc, BTC:btc).
func TestPayColumn(t *testing.T) {
	for _, tt := range []struct {
		name string
		inv  pos.Invoice
		want string
	}{
		{"USDT on Tron", pos.Invoice{PayAmount: m("5", "USDT"), Network: "tron"}, "USDT:tron"},
		{"pre-selected USDT on Tron, provider silent", pos.Invoice{Pay: pos.PayOption{Code: "USDT", Network: "tron"}}, "USDT:tron"},
		{"BTC", pos.Invoice{PayAmount: m("0.0001", "BTC"), Network: "btc"}, "BTC"},
		{"TRX on Tron", pos.Invoice{PayAmount: m("5", "TRX"), Network: "tron"}, "TRX"},
		{"BNB on BNB Chain", pos.Invoice{Paid: m("0.1", "BNB"), Network: "bsc"}, "BNB"},
		{"pre-selected TRX", pos.Invoice{Pay: pos.PayOption{Code: "TRX", Network: "tron"}}, "TRX"},
		{"customer chooses", pos.Invoice{}, "-"},
	} {
		if got := payColumn(tt.inv); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
