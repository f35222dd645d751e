package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// createParams is a validated POST /v1/payment body.
type createParams struct {
	Amount                 decimal.Decimal
	Currency               string
	OrderID                string
	Network                string
	ToCurrency             string
	URLCallback            string
	URLReturn              string
	URLSuccess             string
	IsPaymentMultiple      bool
	Lifetime               time.Duration
	LifetimeSet            bool // false: the API's default of an hour
	Subtract               int
	AccuracyPaymentPercent decimal.Decimal
	AdditionalData         string
	Currencies             []CurrencyRef
	IsRefresh              bool
}

var (
	amountText = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	orderText  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// fields reads a JSON body the way Laravel reads input: anything that is
// not an object counts as no fields at all, and null as absent.
type fields struct {
	raw    map[string]json.RawMessage
	errors map[string][]string
}

func newFields(body []byte) *fields {
	f := &fields{raw: map[string]json.RawMessage{}, errors: map[string][]string{}}
	_ = json.Unmarshal(body, &f.raw)
	for k, v := range f.raw {
		if string(bytes.TrimSpace(v)) == "null" {
			delete(f.raw, k)
		}
	}
	return f
}

func (f *fields) fail(key, rule string) { f.errors[key] = append(f.errors[key], "validation."+rule) }

// str returns a string field; ok is false when it is absent or was refused.
func (f *fields) str(key string, required bool) (string, bool) {
	v, present := f.raw[key]
	if !present {
		if required {
			f.fail(key, "required")
		}
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		f.fail(key, "string")
		return "", false
	}
	if required && strings.TrimSpace(s) == "" {
		f.fail(key, "required")
		return "", false
	}
	return s, true
}

// number returns a numeric field given as a JSON number or a string.
func (f *fields) number(key string) (decimal.Decimal, bool) {
	v, present := f.raw[key]
	if !present {
		return decimal.Zero, false
	}
	text := strings.Trim(string(bytes.TrimSpace(v)), `"`)
	d, err := decimal.NewFromString(text)
	if err != nil || !amountText.MatchString(strings.TrimPrefix(text, "-")) {
		f.fail(key, "numeric")
		return decimal.Zero, false
	}
	return d, true
}

func (f *fields) integer(key string, min, max int64) (int64, bool) {
	d, ok := f.number(key)
	if !ok {
		return 0, false
	}
	switch {
	case !d.IsInteger():
		f.fail(key, "integer")
	case d.LessThan(decimal.NewFromInt(min)):
		f.fail(key, "min.numeric")
	case d.GreaterThan(decimal.NewFromInt(max)):
		f.fail(key, "max.numeric")
	default:
		return d.IntPart(), true
	}
	return 0, false
}

func (f *fields) boolean(key string, def bool) bool {
	v, present := f.raw[key]
	if !present {
		return def
	}
	switch strings.Trim(string(bytes.TrimSpace(v)), `"`) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	f.fail(key, "boolean")
	return def
}

func (f *fields) url(key string) string {
	s, ok := f.str(key, false)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		f.fail(key, "url")
	case len(s) < 6:
		f.fail(key, "min.string")
	case len(s) > 255:
		f.fail(key, "max.string")
	default:
		return s
	}
	return ""
}

func (f *fields) currencyList(key string) []CurrencyRef {
	v, present := f.raw[key]
	if !present {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		f.fail(key, "array")
		return nil
	}
	var out []CurrencyRef
	for i, item := range items {
		sub := newFields(item)
		code, ok := sub.str("currency", true)
		network, _ := sub.str("network", false)
		for k, rules := range sub.errors {
			f.errors[fmt.Sprintf("%s.%d.%s", key, i, k)] = rules
		}
		if ok {
			out = append(out, CurrencyRef{Currency: strings.ToUpper(code), Network: strings.ToLower(network)})
		}
	}
	return out
}

// parseCreate validates a create body with the API's rules; errs is the
// 422 errors map when it is not empty.
func parseCreate(body []byte) (p createParams, errs map[string][]string) {
	f := newFields(body)
	if _, present := f.raw["amount"]; !present {
		f.fail("amount", "required")
	} else if d, ok := f.number("amount"); ok {
		if !d.IsPositive() {
			f.fail("amount", "gt.numeric")
		}
		p.Amount = d
	}
	if s, ok := f.str("currency", true); ok {
		p.Currency = strings.ToUpper(strings.TrimSpace(s))
	}
	if s, ok := f.str("order_id", true); ok {
		switch {
		case len(s) > 128:
			f.fail("order_id", "max.string")
		case !orderText.MatchString(s):
			f.fail("order_id", "alpha_dash")
		default:
			p.OrderID = s
		}
	}
	if s, ok := f.str("network", false); ok {
		p.Network = strings.ToLower(strings.TrimSpace(s))
	}
	if s, ok := f.str("to_currency", false); ok {
		p.ToCurrency = strings.ToUpper(strings.TrimSpace(s))
	}
	p.URLCallback, p.URLReturn, p.URLSuccess = f.url("url_callback"), f.url("url_return"), f.url("url_success")
	p.IsPaymentMultiple = f.boolean("is_payment_multiple", true)
	p.IsRefresh = f.boolean("is_refresh", false)
	p.Lifetime = time.Hour
	if n, ok := f.integer("lifetime", 300, 43200); ok {
		p.Lifetime, p.LifetimeSet = time.Duration(n)*time.Second, true
	}
	if n, ok := f.integer("subtract", 0, 100); ok {
		p.Subtract = int(n)
	}
	if d, ok := f.number("accuracy_payment_percent"); ok {
		if d.IsNegative() {
			f.fail("accuracy_payment_percent", "min.numeric")
		} else if d.GreaterThan(decimal.NewFromInt(5)) {
			f.fail("accuracy_payment_percent", "max.numeric")
		} else {
			p.AccuracyPaymentPercent = d
		}
	}
	if s, ok := f.str("additional_data", false); ok {
		if len(s) > 255 {
			f.fail("additional_data", "max.string")
		}
		p.AdditionalData = s
	}
	f.integer("discount_percent", -99, 100)
	p.Currencies = f.currencyList("currencies")
	f.currencyList("except_currencies")
	if len(f.errors) > 0 {
		return p, f.errors
	}
	return p, nil
}
