package cryptoprocessing

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"cryptopos/config"
	"cryptopos/pos"
	"cryptopos/providers/wire"
	"cryptopos/relay"
)

// The environment variables whose values, when set, replace the secrets
// from the config file.
const (
	EnvAPIKey     = "CRYPTOPOS_CRYPTOPROCESSING_API_KEY"
	EnvSecretKey  = "CRYPTOPOS_CRYPTOPROCESSING_SECRET_KEY"
	EnvRelayToken = "CRYPTOPOS_RELAY_TOKEN"
)

// The API roots of the brands that share the CoinsPaid backend (spec §1).
const (
	DefaultBaseURL = "https://app.cryptoprocessing.com/api/v2"
	SandboxBaseURL = "https://app.sandbox.cryptoprocessing.com/api/v2"
	LTBaseURL      = "https://app.lt.cryptoprocessing.com/api/v2"
	AlphaPoBaseURL = "https://app.alphapo.net/api/v2"
)

// MaxDescription is the API's limit for description, in characters.
const MaxDescription = 1000

// Config is the [cryptoprocessing] section of config.toml. Validate fills
// the defaults; ConfigKeys documents every key.
type Config struct {
	// BaseURL is the API root including /api/v2.
	BaseURL string `toml:"base_url"`
	// APIKey is the public key (X-Processing-Key). EnvAPIKey overrides it.
	APIKey string `toml:"api_key"`
	// SecretKey signs requests and verifies callbacks. EnvSecretKey
	// overrides it.
	SecretKey string `toml:"secret_key"`
	// Timer starts the 15-minute window when the invoice is made (true,
	// the default) rather than when the customer picks a coin. Invoices in
	// a pre-selected coin always have it.
	Timer *bool `toml:"timer"`
	// PartialPayments lets the customer pay in instalments until the
	// invoice expires (type good_until_expired); default false
	// (fill_or_kill).
	PartialPayments bool `toml:"partial_payments"`
	// PayCurrencies are the coins the cashier can pre-select, as
	// Cryptoprocessing codes ("BTC", "USDTT").
	PayCurrencies []string `toml:"pay_currencies"`
	// Description is shown to the customer under the title; optional.
	Description string `toml:"description"`
	// URLSuccess and URLFailed are where the hosted page sends the
	// customer afterwards; optional.
	URLSuccess string `toml:"url_success"`
	URLFailed  string `toml:"url_failed"`
	// AskEmail offers the cashier a field for the customer's e-mail
	// address, for refund instructions (default true).
	AskEmail *bool `toml:"ask_email"`
	// RelayURL is the relay that receives Cryptoprocessing's callbacks;
	// empty when the terminal runs the relay itself ([relay] listen).
	RelayURL string `toml:"relay_url"`
	// RelayToken is the relay's bearer token. EnvRelayToken overrides it.
	RelayToken string `toml:"relay_token"`
}

// ConfigKeys lists every key of the [cryptoprocessing] section, in the
// order config.toml.example should show them.
var ConfigKeys = []config.KeyDoc{
	{Name: "base_url", Default: DefaultBaseURL, Doc: "API root including /api/v2: " + SandboxBaseURL + " for the sandbox, " + LTBaseURL + " for the LT entity, " + AlphaPoBaseURL + " for AlphaPo."},
	{Name: "api_key", Default: "", Doc: "Public API key from the merchant dashboard (required); the environment variable " + EnvAPIKey + " overrides it."},
	{Name: "secret_key", Default: "", Doc: "Secret key that signs requests and callbacks (required); the environment variable " + EnvSecretKey + " overrides it. Keep it out of shared files."},
	{Name: "timer", Default: "true", Doc: "Start the 15-minute payment window when the invoice is made; false starts it when the customer picks a coin. Invoices in a pre-selected coin always have it."},
	{Name: "partial_payments", Default: "false", Doc: "Let the customer pay in instalments until the invoice expires (good_until_expired); false asks for one payment (fill_or_kill)."},
	{Name: "pay_currencies", Default: "[]", Doc: `Coins the cashier can pre-select, as Cryptoprocessing codes, e.g. ["BTC", "ETH", "USDTT"] (USDTT is USDT on Tron).`},
	{Name: "description", Default: "", Doc: "Text shown to the customer under the invoice title, up to 1000 characters; optional."},
	{Name: "url_success", Default: "", Doc: "Where the payment page sends the customer after paying (https, a domain name); optional."},
	{Name: "url_failed", Default: "", Doc: "Where the payment page sends the customer after a failed payment (https, a domain name); optional."},
	{Name: "ask_email", Default: "true", Doc: "Offer a field for the customer's e-mail address, so Cryptoprocessing can send refund instructions after a wrong amount."},
	{Name: "relay_url", Default: "", Doc: "Address of the relay that receives Cryptoprocessing's callbacks; leave empty when this terminal runs the relay ([relay] listen)."},
	{Name: "relay_token", Default: "", Doc: "Bearer token of the relay; the environment variable " + EnvRelayToken + " overrides it."},
}

// ApplyEnv takes the secrets from the environment where set.
func (c *Config) ApplyEnv(getenv func(string) string) {
	for _, e := range []struct {
		name string
		dst  *string
	}{{EnvAPIKey, &c.APIKey}, {EnvSecretKey, &c.SecretKey}, {EnvRelayToken, &c.RelayToken}} {
		if v := strings.TrimSpace(getenv(e.name)); v != "" {
			*e.dst = v
		}
	}
}

// Validate fills the defaults and checks every key. The error lists each
// problem on its own line as "cryptoprocessing.KEY: sentence". It never
// contains a secret. relay_url may be empty: the terminal then needs a
// relay of its own (Open checks).
func (c *Config) Validate() error {
	_, err := c.validate()
	return err
}

// validate is Validate, also returning pay_currencies parsed (PayOptions).
func (c *Config) validate() (payOptions []pos.PayOption, err error) {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("cryptoprocessing.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if err := c.validateKeys(); err != nil {
		errs = append(errs, err)
	}
	if c.Timer == nil {
		yes := true
		c.Timer = &yes
	}
	if c.AskEmail == nil {
		yes := true
		c.AskEmail = &yes
	}
	if payOptions, err = pos.ParsePayOptions(c.PayCurrencies, parsePayCurrency); err != nil {
		bad("pay_currencies", "%s", err)
	}
	c.Description = strings.TrimSpace(c.Description)
	if n := utf8.RuneCountInString(c.Description); n > MaxDescription {
		bad("description", "%d characters is more than the %d Cryptoprocessing takes.", n, MaxDescription)
	}
	for _, u := range []struct {
		key string
		val *string
	}{{"url_success", &c.URLSuccess}, {"url_failed", &c.URLFailed}} {
		*u.val = strings.TrimSpace(*u.val)
		if msg := checkPageURL(*u.val); msg != "" {
			bad(u.key, "%s", msg)
		}
	}
	c.RelayURL = strings.TrimRight(strings.TrimSpace(c.RelayURL), "/")
	c.RelayToken = strings.TrimSpace(c.RelayToken)
	if c.RelayURL != "" {
		if msg := wire.CheckServiceURL(c.RelayURL, "https://relay.example.com"); msg != "" {
			bad("relay_url", "%s", msg)
		}
		if c.RelayToken == "" {
			bad("relay_token", "missing: set the relay's token here or in the environment variable %s.", EnvRelayToken)
		} else if err := relay.CheckToken(c.RelayToken); err != nil {
			bad("relay_token", "%s; use the token set in the relay's [relay] section.", err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return payOptions, nil
}

// validateKeys fills the default base_url and checks it and the two keys,
// all that a relay needs to verify callbacks.
func (c *Config) validateKeys() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("cryptoprocessing.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if msg := wire.CheckServiceURL(c.BaseURL, DefaultBaseURL); msg != "" {
		bad("base_url", "%s", msg)
	}
	c.APIKey = strings.TrimSpace(c.APIKey)
	if c.APIKey == "" {
		bad("api_key", "missing: set it to the public API key from the merchant dashboard, here or in the environment variable %s.", EnvAPIKey)
	}
	c.SecretKey = strings.TrimSpace(c.SecretKey)
	if c.SecretKey == "" {
		bad("secret_key", "missing: set it to the secret key from the merchant dashboard, here or in the environment variable %s.", EnvSecretKey)
	}
	return errors.Join(errs...)
}

// PayOptions returns pay_currencies as the cashier sees them, in config
// order: tokens as ticker and network (USDTT is USDT on Tron), every other
// code as itself.
func (c *Config) PayOptions() ([]pos.PayOption, error) {
	opts, err := pos.ParsePayOptions(c.PayCurrencies, parsePayCurrency)
	if err != nil {
		return nil, fmt.Errorf("cryptoprocessing.pay_currencies: %w", err)
	}
	return opts, nil
}

// LogValue keeps the secrets out of logs when a Config is logged.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.Bool("api_key_set", c.APIKey != ""),
		slog.Bool("secret_key_set", c.SecretKey != ""),
		slog.Any("pay_currencies", c.PayCurrencies),
		slog.Bool("partial_payments", c.PartialPayments),
		slog.String("relay_url", c.RelayURL),
		slog.Bool("relay_token_set", c.RelayToken != ""),
	)
}

// String describes c without the secrets, so printing a Config is safe.
func (c Config) String() string {
	return fmt.Sprintf("cryptoprocessing{base_url=%s api_key_set=%t secret_key_set=%t pay_currencies=%v relay_url=%s relay_token_set=%t}",
		c.BaseURL, c.APIKey != "", c.SecretKey != "", c.PayCurrencies, c.RelayURL, c.RelayToken != "")
}

// GoString is String, so %#v is safe too.
func (c Config) GoString() string { return c.String() }

// checkPageURL returns what is wrong with an optional redirect address, or
// "": Cryptoprocessing wants https with a domain name, not an IP address.
func checkPageURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Sprintf("%q is not a full web address starting with https://.", s)
	}
	if net.ParseIP(u.Hostname()) != nil {
		return "Cryptoprocessing takes a domain name here, not an IP address."
	}
	if len(s) > 255 {
		return "the address is longer than 255 characters."
	}
	return ""
}

// Brand is the name the API's host is known by: "AlphaPo" on alphapo.net,
// "CoinsPaid" on coinspaid.com, else "Cryptoprocessing" (spec §1).
func Brand(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "Cryptoprocessing"
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "alphapo.net" || strings.HasSuffix(host, ".alphapo.net"):
		return "AlphaPo"
	case host == "coinspaid.com" || strings.HasSuffix(host, ".coinspaid.com"):
		return "CoinsPaid"
	}
	return "Cryptoprocessing"
}
