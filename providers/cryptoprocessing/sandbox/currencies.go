package sandbox

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Currency is one currency of the account, as /currencies/list shows it,
// with the price the sandbox converts at.
type Currency struct {
	Code string // API code: "BTC", "USDTT", "EUR"
	Type string // "crypto" or "fiat"
	// MinimumAmount is the smallest invoice in this currency (fiat) or
	// the smallest deposit (crypto).
	MinimumAmount decimal.Decimal
	Precision     int32
	// USD is the price of one unit in US dollars.
	USD decimal.Decimal
	// Hidden leaves it out of {"visible":true} lists and refuses it.
	Hidden bool
}

func cur(code, typ, min string, precision int32, usd string) Currency {
	return Currency{Code: code, Type: typ, MinimumAmount: decimal.RequireFromString(min),
		Precision: precision, USD: decimal.RequireFromString(usd)}
}

// DefaultCurrencies is the currency list of a typical account: the coins
// of spec §11 with the 2023 USDT codes, and the common fiat currencies
// with a minimum invoice of about 10.
func DefaultCurrencies() []Currency {
	return []Currency{
		cur("BTC", "crypto", "0.0001", 8, "60000"),
		cur("BCH", "crypto", "0.001", 8, "400"),
		cur("LTC", "crypto", "0.01", 8, "80"),
		cur("ETH", "crypto", "0.001", 8, "3000"),
		cur("DOGE", "crypto", "5", 8, "0.15"),
		cur("TRX", "crypto", "5", 6, "0.12"),
		cur("SOL", "crypto", "0.01", 8, "150"),
		cur("XRP", "crypto", "1", 6, "0.5"),
		cur("USDTT", "crypto", "1", 6, "1"),
		cur("USDTE", "crypto", "10", 6, "1"),
		cur("USDCE", "crypto", "10", 6, "1"),
		cur("EUR", "fiat", "10", 2, "1.08"),
		cur("USD", "fiat", "10", 2, "1"),
		cur("GBP", "fiat", "10", 2, "1.27"),
		cur("CHF", "fiat", "10", 2, "1.11"),
		cur("PLN", "fiat", "40", 2, "0.25"),
		cur("CZK", "fiat", "250", 2, "0.043"),
		cur("SEK", "fiat", "100", 2, "0.095"),
		cur("JPY", "fiat", "1500", 0, "0.0067"),
	}
}

// currency finds a visible currency by code.
func (s *Sandbox) currency(code string) (Currency, bool) {
	for _, c := range s.opts.Currencies {
		if strings.EqualFold(c.Code, code) && !c.Hidden {
			return c, true
		}
	}
	return Currency{}, false
}

// convert prices amount of from in to, rounded up to to's precision.
func (s *Sandbox) convert(amount decimal.Decimal, from, to string) (decimal.Decimal, bool) {
	f, ok1 := s.currency(from)
	t, ok2 := s.currency(to)
	if !ok1 || !ok2 || !t.USD.IsPositive() {
		return decimal.Zero, false
	}
	return amount.Mul(f.USD).DivRound(t.USD, 16).RoundUp(t.Precision), true
}

// mempoolExtends reports whether a transaction of the coin in the mempool
// extends the window to 24 hours (AlphaPo's docs: BTC and BCH only).
func mempoolExtends(code string) bool { return code == "BTC" || code == "BCH" }

var decimal100 = decimal.NewFromInt(100)
