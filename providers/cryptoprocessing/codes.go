package cryptoprocessing

import (
	"fmt"
	"strings"

	"cryptopos/pos"
)

// coin is what one Cryptoprocessing currency code means: the ticker the
// customer knows and the network it travels on.
type coin struct {
	Ticker  string // "USDT"
	Network string // "tron"; pos network names, lower case
}

// tokenCodes are the API codes that are not the ticker (spec §11): a token
// on a network. Their pay options show as "USDT · Tron".
var tokenCodes = map[string]coin{
	"USDTT":    {"USDT", "tron"},
	"USDTE":    {"USDT", "eth"},
	"USDTB":    {"USDT", "bsc"},
	"USDCE":    {"USDC", "eth"},
	"USDCA":    {"USDC", "arbitrum"},
	"USDCBASE": {"USDC", "base"},
	"USDCS":    {"USDC", "sol"},
	"EURCE":    {"EURC", "eth"},
	"EURCS":    {"EURC", "sol"},
	"EURCBASE": {"EURC", "base"},
	"USDGE":    {"USDG", "eth"},
	"USDGS":    {"USDG", "sol"},
	"ETHA":     {"ETH", "arbitrum"},
	"ETHBASE":  {"ETH", "base"},
}

// nativeNetworks are the networks of coins whose API code is the ticker;
// Update.Network carries them so the amount line is exact.
var nativeNetworks = map[string]string{
	"BTC": "btc", "BCH": "bch", "LTC": "ltc", "ETH": "eth", "DOGE": "doge",
	"TRX": "tron", "SOL": "sol", "XRP": "xrp", "BNB": "bsc", "ADA": "cardano",
	"POL": "polygon", "CSC": "csc",
}

// coinOf reads an API code: ticker and network (network "" when unknown).
func coinOf(code string) coin {
	code = strings.ToUpper(strings.TrimSpace(code))
	if c, ok := tokenCodes[code]; ok {
		return c
	}
	return coin{Ticker: code, Network: nativeNetworks[code]}
}

// payOption is the cashier's form of an API code: tokens as ticker and
// network ("USDT", "tron"), every other code as itself.
func payOption(code string) pos.PayOption {
	code = strings.ToUpper(strings.TrimSpace(code))
	if c, ok := tokenCodes[code]; ok {
		return pos.PayOption{Code: c.Ticker, Network: c.Network}
	}
	return pos.PayOption{Code: code}
}

// apiCode is the Cryptoprocessing code for a pay option; ok is false for a
// ticker and network that no code stands for.
func apiCode(o pos.PayOption) (string, bool) {
	code, network := strings.ToUpper(o.Code), strings.ToLower(o.Network)
	if network == "" {
		return code, true
	}
	if nativeNetworks[code] == network {
		return code, true
	}
	for k, c := range tokenCodes {
		if c.Ticker == code && c.Network == network {
			return k, true
		}
	}
	return "", false
}

// parsePayCurrency reads one entry of pay_currencies: an API code ("BTC",
// "USDTT") or, for the tokens above, "USDT:tron".
func parsePayCurrency(s string) (pos.PayOption, error) {
	o, err := pos.ParsePayOption(s)
	if err != nil {
		return pos.PayOption{}, err
	}
	if o.Network == "" {
		return payOption(o.Code), nil
	}
	code, ok := apiCode(o)
	if !ok {
		return pos.PayOption{}, fmt.Errorf("%q has no Cryptoprocessing code: write the code from its currency list, e.g. USDTT for USDT on Tron", s)
	}
	return payOption(code), nil
}

// isCoinCode reports whether an invoice currency is a crypto code rather
// than fiat: crypto invoices quote 8 decimals.
func isCoinCode(code string) bool {
	if c, ok := pos.LookupCurrency(code); ok {
		return c.Crypto
	}
	_, token := tokenCodes[code]
	return token || nativeNetworks[code] != ""
}
