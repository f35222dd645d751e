package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"cryptopos/pos"
	"cryptopos/providers/sandboxkit"

	"github.com/shopspring/decimal"
)

// Service is one coin on one network, as /v1/payment/services lists it.
type Service struct {
	Currency string // upper case, e.g. "USDT"
	Network  string // lower case, e.g. "tron"; the list shows it upper case, as Cryptomus does
	// Disabled marks a coin the merchant has switched off (is_available false).
	Disabled bool
	// MinAmount and MaxAmount are the limits of one invoice, in the coin.
	MinAmount, MaxAmount decimal.Decimal
	// FeePercent is the Cryptomus commission.
	FeePercent decimal.Decimal
}

func svc(code, network, min, max, fee string) Service {
	return Service{Currency: code, Network: network, MinAmount: decimal.RequireFromString(min),
		MaxAmount: decimal.RequireFromString(max), FeePercent: decimal.RequireFromString(fee)}
}

// DefaultServices is the coin list of a typical merchant.
func DefaultServices() []Service {
	return []Service{
		svc("BTC", "btc", "0.00005", "10", "1.5"),
		svc("ETH", "eth", "0.001", "100", "1.5"),
		svc("LTC", "ltc", "0.01", "1000", "1.5"),
		svc("USDT", "tron", "1", "100000", "2"),
		svc("USDT", "eth", "10", "100000", "2"),
		svc("USDT", "bsc", "0.5", "100000", "2"),
		svc("USDT", "polygon", "0.5", "100000", "2"),
		svc("USDC", "eth", "10", "100000", "2"),
		svc("USDC", "bsc", "0.5", "100000", "2"),
		svc("TRX", "tron", "5", "1000000", "1.5"),
		svc("TON", "ton", "0.5", "50000", "1.5"),
		svc("BNB", "bsc", "0.005", "500", "1.5"),
		svc("SOL", "sol", "0.01", "5000", "1.5"),
		svc("DOGE", "doge", "5", "1000000", "1.5"),
	}
}

// usdPrices are the default coin prices in USD.
var usdPrices = map[string]string{
	"BTC": "60000", "ETH": "3000", "LTC": "80", "USDT": "1", "USDC": "1", "TRX": "0.12",
	"TON": "5.5", "BNB": "550", "SOL": "150", "DOGE": "0.15",
}

// fiatPerUSD converts the USD prices into the other default fiat currencies.
var fiatPerUSD = map[string]string{
	"USD": "1", "EUR": "0.92", "GBP": "0.79", "CHF": "0.90", "PLN": "4.00", "CZK": "23",
	"SEK": "10.5", "NOK": "10.7", "DKK": "6.9", "CAD": "1.36", "AUD": "1.52", "JPY": "150",
}

// DefaultRates returns coin prices: Rates["BTC"]["EUR"] is the price of one
// BTC in EUR.
func DefaultRates() map[string]map[string]decimal.Decimal {
	out := map[string]map[string]decimal.Decimal{}
	for coin, usd := range usdPrices {
		out[coin] = map[string]decimal.Decimal{}
		for fiat, per := range fiatPerUSD {
			out[coin][fiat] = decimal.RequireFromString(usd).Mul(decimal.RequireFromString(per)).Round(8)
		}
	}
	return out
}

// coinDecimals is the precision of payer amounts.
func coinDecimals(code string) int32 {
	if c, ok := pos.LookupCurrency(code); ok && c.Crypto {
		return c.Decimals
	}
	return 8
}

const (
	bech32   = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	base64ul = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

// newAddress returns an address that looks like one of the network's.
func newAddress(network string) string {
	switch strings.ToLower(network) {
	case "btc":
		return "bc1q" + sandboxkit.RandomFrom(bech32, 38)
	case "ltc":
		return "ltc1q" + sandboxkit.RandomFrom(bech32, 38)
	case "tron":
		return "T" + sandboxkit.RandomFrom(sandboxkit.Base58, 33)
	case "ton":
		return "UQ" + sandboxkit.RandomFrom(base64ul, 46)
	case "sol":
		return sandboxkit.RandomFrom(sandboxkit.Base58, 44)
	case "doge":
		return "D" + sandboxkit.RandomFrom(sandboxkit.Base58, 33)
	}
	return "0x" + sandboxkit.RandomHexDigits(40)
}

// newTxID returns a transaction hash in the network's style.
func newTxID(network string) string {
	switch strings.ToLower(network) {
	case "eth", "bsc", "polygon", "arbitrum", "base", "optimism":
		return "0x" + sandboxkit.RandomHexDigits(64)
	case "sol":
		return sandboxkit.RandomFrom(sandboxkit.Base58, 88)
	}
	return sandboxkit.RandomHexDigits(64)
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
