package cryptomus

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"

	"github.com/BurntSushi/toml"
)

const testKey = "test-payment-key-9f8e7d"

func decodeSection(t *testing.T, text string) Config {
	t.Helper()
	var doc struct {
		Cryptomus Config `toml:"cryptomus"`
	}
	md, err := toml.Decode(text, &doc)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		t.Fatalf("undecoded keys: %v", undecoded)
	}
	return doc.Cryptomus
}

func TestConfigDecodeTOML(t *testing.T) {
	cfg := decodeSection(t, `
[cryptomus]
base_url = "https://api.cryptomus.com/v1/"
merchant = "m-uuid"
payment_key = "`+testKey+`"
lifetime = "30m"
pay_currencies = ["BTC", "usdt:TRON"]
callback_url = "https://pos.example/cb"
is_payment_multiple = false
accuracy_payment_percent = 0.1
subtract = 50
currencies = ["USDT:tron", "LTC"]
url_return = "https://shop.example/"
url_success = "https://shop.example/thanks"
`)
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if cfg.BaseURL != DefaultBaseURL || cfg.Lifetime != 30*time.Minute || *cfg.IsPaymentMultiple || cfg.Subtract != 50 {
		t.Errorf("decoded %+v", cfg)
	}
	if got := cfg.AccuracyPaymentPercent.String(); got != "0.1" {
		t.Errorf("accuracy_payment_percent = %s, want exactly 0.1", got)
	}
	opts, err := cfg.PayOptions()
	want := []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}}
	if err != nil || fmt.Sprint(opts) != fmt.Sprint(want) {
		t.Errorf("PayOptions = %v, %v; want %v", opts, err, want)
	}
}

func TestConfigDecimalForms(t *testing.T) {
	for _, tt := range []struct{ toml, want string }{
		{`accuracy_payment_percent = 0.5`, "0.5"},
		{`accuracy_payment_percent = "0.5"`, "0.5"},
		{`accuracy_payment_percent = 2`, "2"},
		{`accuracy_payment_percent = 1.25`, "1.25"},
		{`accuracy_payment_percent = "0.30"`, "0.3"},
	} {
		cfg := decodeSection(t, "[cryptomus]\n"+tt.toml)
		if got := cfg.AccuracyPaymentPercent.String(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.toml, got, tt.want)
		}
	}
	var doc struct {
		Cryptomus Config `toml:"cryptomus"`
	}
	if _, err := toml.Decode("[cryptomus]\naccuracy_payment_percent = \"half\"", &doc); err == nil {
		t.Error("a word as accuracy_payment_percent was accepted")
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg := Config{Merchant: "m", PaymentKey: testKey}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.BaseURL != DefaultBaseURL || cfg.Lifetime != 15*time.Minute || cfg.IsPaymentMultiple == nil || !*cfg.IsPaymentMultiple {
		t.Errorf("defaults not filled: %s multiple=%v", cfg, cfg.IsPaymentMultiple)
	}
	if len(ConfigKeys) != 12 {
		t.Errorf("ConfigKeys has %d keys, want all 12", len(ConfigKeys))
	}
}

// Plain http is for this machine (the sandbox) or the shop's network only:
// the payment key's signature travels in its headers.
func TestConfigBaseURLPlainHTTPOnlyLocal(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://api.cryptomus.com/v1", true},
		{"http://127.0.0.1:8090/v1", true},
		{"http://localhost:8090/v1/", true},
		{"http://[::1]:8090/v1", true},
		{"http://192.168.1.10:8090/v1", true},
		{"http://api.cryptomus.com/v1", false},
		{"http://8.8.8.8/v1", false},
		{"http://localhost.example.com/v1", false},
	} {
		cfg := Config{BaseURL: tt.url, Merchant: "m", PaymentKey: testKey}
		err := cfg.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("Validate(base_url %s) = %v, want ok=%t", tt.url, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "cryptomus.base_url: ") {
			t.Errorf("the error does not name the key: %v", err)
		}
	}
}

func TestConfigValidateNamesTheKey(t *testing.T) {
	valid := func() Config { return Config{Merchant: "m", PaymentKey: testKey} }
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no merchant", func(c *Config) { c.Merchant = " " }, "cryptomus.merchant: missing"},
		{"no key", func(c *Config) { c.PaymentKey = "" }, "cryptomus.payment_key: missing"},
		{"short lifetime", func(c *Config) { c.Lifetime = time.Minute }, "cryptomus.lifetime: 1m0s is outside"},
		{"long lifetime", func(c *Config) { c.Lifetime = 13 * time.Hour }, "cryptomus.lifetime:"},
		{"lifetime as bare number", func(c *Config) { c.Lifetime = 900 }, `write it like "15m"`},
		{"bad base url", func(c *Config) { c.BaseURL = "api.cryptomus.com" }, "cryptomus.base_url:"},
		{"base url plain http", func(c *Config) { c.BaseURL = "http://api.cryptomus.com/v1" }, "cryptomus.base_url: \"http://api.cryptomus.com/v1\" is not encrypted: use https://"},
		{"base url plain http by ip", func(c *Config) { c.BaseURL = "http://203.0.113.7/v1" }, "cryptomus.base_url: \"http://203.0.113.7/v1\" is not encrypted"},
		{"base url with user", func(c *Config) { c.BaseURL = "https://u:p@api.cryptomus.com/v1" }, "cryptomus.base_url: write the address without a user name"},
		{"bad pay currency", func(c *Config) { c.PayCurrencies = []string{"BTC", "US DT"} }, "cryptomus.pay_currencies:"},
		{"missing network", func(c *Config) { c.PayCurrencies = []string{"USDT:"} }, "cryptomus.pay_currencies:"},
		{"duplicate pay currency", func(c *Config) { c.PayCurrencies = []string{"BTC", "btc"} }, "listed twice"},
		{"bad currencies", func(c *Config) { c.Currencies = []string{"!"} }, "cryptomus.currencies:"},
		{"bad callback", func(c *Config) { c.CallbackURL = "pos.example/cb" }, "cryptomus.callback_url:"},
		{"bad return url", func(c *Config) { c.URLReturn = "ftp://x.example" }, "cryptomus.url_return:"},
		{"bad success url", func(c *Config) { c.URLSuccess = "/thanks" }, "cryptomus.url_success:"},
		{"accuracy too high", func(c *Config) { c.AccuracyPaymentPercent.UnmarshalText([]byte("5.5")) }, "cryptomus.accuracy_payment_percent: 5.5"},
		{"accuracy negative", func(c *Config) { c.AccuracyPaymentPercent.UnmarshalText([]byte("-1")) }, "cryptomus.accuracy_payment_percent:"},
		{"subtract", func(c *Config) { c.Subtract = 101 }, "cryptomus.subtract: 101"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			tt.change(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Fatalf("the error shows the payment key: %v", err)
			}
			if _, err := New(cfg, Options{}); err == nil {
				t.Fatal("New accepted the invalid config")
			}
		})
	}
	// Every problem is reported at once, one per line.
	cfg := Config{Lifetime: time.Second}
	err := cfg.Validate()
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("want three problems on three lines, got %v", err)
	}
}

func TestConfigApplyEnvAndRedaction(t *testing.T) {
	cfg := Config{Merchant: "m", PaymentKey: "from-file"}
	cfg.ApplyEnv(func(k string) string {
		if k == EnvPaymentKey {
			return " " + testKey + "\n"
		}
		return ""
	})
	if cfg.PaymentKey != testKey {
		t.Fatalf("ApplyEnv: key %q not taken from the environment", cfg.PaymentKey)
	}
	cfg.ApplyEnv(func(string) string { return "" })
	if cfg.PaymentKey != testKey {
		t.Fatal("an unset variable cleared the key")
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cryptomus", cfg)
	printed := buf.String() + fmt.Sprint(cfg) + fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg)
	if strings.Contains(printed, testKey) {
		t.Fatalf("printing or logging a Config shows the key: %s", printed)
	}
}
