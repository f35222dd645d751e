package pos

import (
	"testing"

	"github.com/shopspring/decimal"
)

// NetworkLabel is the one rule for naming the network: where the coin does
// not say it (USDT on Tron), never for a chain's own coin (BTC, TRX, BNB).
func TestNetworkLabel(t *testing.T) {
	m := func(amount, coin string) Money {
		return Money{Amount: decimal.RequireFromString(amount), Currency: coin}
	}
	tests := []struct {
		name    string
		inv     Invoice
		label   string
		payLine string
	}{
		{"USDT on Tron", Invoice{PayAmount: m("13.59", "USDT"), Network: "tron"}, "Tron", "13.59 USDT on Tron"},
		{"USDT on BNB Chain", Invoice{PayAmount: m("13.59", "USDT"), Network: "bsc"}, "BNB Chain", "13.59 USDT on BNB Chain"},
		{"unknown network, capitalised", Invoice{PayAmount: m("1", "USDC"), Network: "zksync"}, "Zksync", "1.00 USDC on Zksync"},
		{"BTC on Bitcoin", Invoice{PayAmount: m("0.0002", "BTC"), Network: "btc"}, "", "0.0002 BTC"},
		{"TRX on Tron", Invoice{PayAmount: m("5", "TRX"), Network: "tron"}, "", "5.00 TRX"},
		{"BNB on BNB Chain", Invoice{PayAmount: m("0.1", "BNB"), Network: "bsc"}, "", "0.10 BNB"},
		{"ETH on Arbitrum", Invoice{PayAmount: m("0.01", "ETH"), Network: "arbitrum"}, "Arbitrum", "0.01 ETH on Arbitrum"},
		{"no network", Invoice{PayAmount: m("1", "USDT")}, "", "1.00 USDT"},
		{"only what arrived", Invoice{Paid: m("5", "USDT"), Network: "tron"}, "Tron", ""},
		{"pre-selected, provider silent", Invoice{Pay: PayOption{Code: "USDT", Network: "tron"}}, "Tron", ""},
		{"pre-selected TRX, provider silent", Invoice{Pay: PayOption{Code: "TRX", Network: "tron"}}, "", ""},
		// PayLine names only the network the provider gave for the amount.
		{"pre-selected, amount without network", Invoice{Pay: PayOption{Code: "USDT", Network: "tron"}, PayAmount: m("2", "USDT")}, "Tron", "2.00 USDT"},
		{"customer chooses, nothing known", Invoice{}, "", ""},
	}
	for _, tt := range tests {
		if got := tt.inv.NetworkLabel(); got != tt.label {
			t.Errorf("%s: NetworkLabel() = %q, want %q", tt.name, got, tt.label)
		}
		if got := tt.inv.PayLine(); got != tt.payLine {
			t.Errorf("%s: PayLine() = %q, want %q", tt.name, got, tt.payLine)
		}
	}
}
