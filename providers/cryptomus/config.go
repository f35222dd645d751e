package cryptomus

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"cryptopos/config"
	"cryptopos/pos"
	"cryptopos/providers/wire"

	"github.com/shopspring/decimal"
)

// EnvPaymentKey is the environment variable whose value, when set, replaces
// payment_key from the config file.
const EnvPaymentKey = "CRYPTOPOS_CRYPTOMUS_PAYMENT_KEY"

// Defaults for the config keys.
const (
	DefaultBaseURL  = "https://api.cryptomus.com/v1"
	DefaultLifetime = 15 * time.Minute
	// MinLifetime and MaxLifetime are the API's 300 and 43200 seconds.
	MinLifetime = 5 * time.Minute
	MaxLifetime = 12 * time.Hour
)

// Config is the [cryptomus] section of config.toml. Validate fills the
// defaults; ConfigKeys documents every key.
type Config struct {
	// BaseURL is the API root including /v1.
	BaseURL string `toml:"base_url"`
	// Merchant is the merchant UUID from the Cryptomus business dashboard.
	Merchant string `toml:"merchant"`
	// PaymentKey is the merchant's payment API key. EnvPaymentKey overrides it.
	PaymentKey string `toml:"payment_key"`
	// Lifetime is how long an invoice can be paid (5m to 12h).
	Lifetime time.Duration `toml:"lifetime"`
	// PayCurrencies are the coins the cashier can pre-select, "CODE" or
	// "CODE:network".
	PayCurrencies []string `toml:"pay_currencies"`
	// CallbackURL is sent as url_callback when set. The terminal polls and
	// does not need it.
	CallbackURL string `toml:"callback_url"`

	// IsPaymentMultiple lets the customer top up after underpaying
	// (default true).
	IsPaymentMultiple *bool `toml:"is_payment_multiple"`
	// AccuracyPaymentPercent (0 to 5) counts an invoice as paid when at
	// least 100 minus this percent arrived.
	AccuracyPaymentPercent config.Decimal `toml:"accuracy_payment_percent"`
	// Subtract (0 to 100) is the percent of the Cryptomus fee the customer
	// pays.
	Subtract int `toml:"subtract"`
	// Currencies limits the coins of a "customer chooses" invoice, "CODE" or
	// "CODE:network"; empty allows every coin of the merchant.
	Currencies []string `toml:"currencies"`
	// URLReturn and URLSuccess are the buttons on the hosted payment page.
	URLReturn  string `toml:"url_return"`
	URLSuccess string `toml:"url_success"`
}

// ConfigKeys lists every key of the [cryptomus] section, in the order
// config.toml.example should show them.
var ConfigKeys = []config.KeyDoc{
	{Name: "base_url", Default: DefaultBaseURL, Doc: "API root, including /v1."},
	{Name: "merchant", Default: "", Doc: "Merchant UUID from the Cryptomus business dashboard (required)."},
	{Name: "payment_key", Default: "", Doc: "Payment API key (required); the environment variable " + EnvPaymentKey + " overrides it. Keep it out of shared files."},
	{Name: "lifetime", Default: "15m", Doc: "How long an invoice can be paid, from 5m to 12h."},
	{Name: "pay_currencies", Default: "[]", Doc: `Coins the cashier can pre-select, "CODE" or "CODE:network", e.g. ["BTC", "USDT:tron"].`},
	{Name: "callback_url", Default: "", Doc: "Webhook URL sent as url_callback; optional, the terminal polls."},
	{Name: "is_payment_multiple", Default: "true", Doc: "Let the customer top up after underpaying, until the invoice expires."},
	{Name: "accuracy_payment_percent", Default: "0", Doc: `Count an invoice as paid when at least 100 minus this percent arrived, 0 to 5, e.g. "0.5".`},
	{Name: "subtract", Default: "0", Doc: "Percent of the Cryptomus fee the customer pays, 0 to 100."},
	{Name: "currencies", Default: "[]", Doc: `Coins a "customer chooses" invoice may be paid in, "CODE" or "CODE:network"; empty allows all.`},
	{Name: "url_return", Default: "", Doc: "Return button on the hosted payment page; optional."},
	{Name: "url_success", Default: "", Doc: "Button after a successful payment on the hosted page; optional."},
}

// ApplyEnv takes the payment key from EnvPaymentKey when it is set.
func (c *Config) ApplyEnv(getenv func(string) string) {
	if v := strings.TrimSpace(getenv(EnvPaymentKey)); v != "" {
		c.PaymentKey = v
	}
}

// Validate fills the defaults and checks every key. The error lists each
// problem on its own line as "cryptomus.KEY: sentence". It never contains
// the payment key.
func (c *Config) Validate() error {
	_, err := c.validate()
	return err
}

// coinLists are the coin lists of a valid Config, parsed.
type coinLists struct {
	pay     []pos.PayOption // pay_currencies
	allowed []pos.PayOption // currencies
}

// validate is Validate, also returning the coin lists it parsed.
func (c *Config) validate() (coinLists, error) {
	var (
		errs  []error
		coins coinLists
		err   error
	)
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("cryptomus.%s: %s", key, fmt.Sprintf(format, args...)))
	}

	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if msg := wire.CheckServiceURL(c.BaseURL, DefaultBaseURL); msg != "" {
		bad("base_url", "%s", msg)
	}

	c.Merchant = strings.TrimSpace(c.Merchant)
	if c.Merchant == "" {
		bad("merchant", "missing: set it to the merchant UUID from the Cryptomus business dashboard.")
	}
	c.PaymentKey = strings.TrimSpace(c.PaymentKey)
	if c.PaymentKey == "" {
		bad("payment_key", "missing: set it in the config file or in the environment variable %s.", EnvPaymentKey)
	}

	if c.Lifetime == 0 {
		c.Lifetime = DefaultLifetime
	}
	if c.Lifetime < MinLifetime || c.Lifetime > MaxLifetime {
		bad("lifetime", "%s is outside what Cryptomus accepts (5m to 12h); write it like \"15m\".", c.Lifetime)
	}

	if coins.pay, err = pos.ParsePayOptions(c.PayCurrencies, nil); err != nil {
		bad("pay_currencies", "%s", err)
	}
	if coins.allowed, err = pos.ParsePayOptions(c.Currencies, nil); err != nil {
		bad("currencies", "%s", err)
	}

	for _, u := range []struct{ key, val string }{
		{"callback_url", c.CallbackURL}, {"url_return", c.URLReturn}, {"url_success", c.URLSuccess},
	} {
		if msg := checkPageURL(u.val); msg != "" {
			bad(u.key, "%s", msg)
		}
	}

	if c.IsPaymentMultiple == nil {
		yes := true
		c.IsPaymentMultiple = &yes
	}
	if p := c.AccuracyPaymentPercent.Decimal; p.IsNegative() || p.GreaterThan(decimal.NewFromInt(5)) {
		bad("accuracy_payment_percent", "%s is outside 0 to 5 percent.", p.String())
	}
	if c.Subtract < 0 || c.Subtract > 100 {
		bad("subtract", "%d is outside 0 to 100 percent.", c.Subtract)
	}
	if len(errs) > 0 {
		return coinLists{}, errors.Join(errs...)
	}
	return coins, nil
}

// PayOptions returns pay_currencies parsed, in config order.
func (c *Config) PayOptions() ([]pos.PayOption, error) {
	opts, err := pos.ParsePayOptions(c.PayCurrencies, nil)
	if err != nil {
		return nil, fmt.Errorf("cryptomus.pay_currencies: %w", err)
	}
	return opts, nil
}

// LogValue keeps the payment key out of logs when a Config is logged.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("merchant", c.Merchant),
		slog.Bool("payment_key_set", c.PaymentKey != ""),
		slog.Duration("lifetime", c.Lifetime),
		slog.Any("pay_currencies", c.PayCurrencies),
	)
}

// String describes c without the payment key, so printing a Config is safe.
func (c Config) String() string {
	return fmt.Sprintf("cryptomus{base_url=%s merchant=%s payment_key_set=%t lifetime=%s pay_currencies=%v}",
		c.BaseURL, c.Merchant, c.PaymentKey != "", c.Lifetime, c.PayCurrencies)
}

// GoString is String, so %#v is safe too.
func (c Config) GoString() string { return c.String() }

// checkPageURL returns what is wrong with an optional URL the API takes
// (absolute http(s), 6 to 255 characters), or "".
func checkPageURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("%q is not a full web address starting with https://.", s)
	}
	if len(s) < 6 || len(s) > 255 {
		return "Cryptomus takes addresses of 6 to 255 characters."
	}
	return ""
}
