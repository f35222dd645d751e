package cryptoprocessing

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"cryptopos/pos"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{APIKey: "k", SecretKey: "s", RelayURL: "https://relay.example.com/", RelayToken: "relay-token-0123456789"}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if c.BaseURL != DefaultBaseURL || !*c.Timer || !*c.AskEmail || c.PartialPayments || c.RelayURL != "https://relay.example.com" {
		t.Errorf("defaults: %+v timer=%t ask_email=%t", c, *c.Timer, *c.AskEmail)
	}
	for _, k := range ConfigKeys {
		if k.Doc == "" || strings.ContainsAny(k.Name, " .") {
			t.Errorf("key %+v", k)
		}
	}
	if len(ConfigKeys) != 12 {
		t.Errorf("%d keys documented", len(ConfigKeys))
	}
}

func TestConfigApplyEnv(t *testing.T) {
	env := map[string]string{EnvAPIKey: " env-key ", EnvSecretKey: "env-secret", EnvRelayToken: "env-token"}
	c := Config{APIKey: "file-key", SecretKey: "file-secret", RelayToken: "file-token"}
	c.ApplyEnv(func(k string) string { return env[k] })
	if c.APIKey != "env-key" || c.SecretKey != "env-secret" || c.RelayToken != "env-token" {
		t.Errorf("after ApplyEnv: %+v", c)
	}
	c = Config{APIKey: "file-key"}
	c.ApplyEnv(func(string) string { return "" })
	if c.APIKey != "file-key" {
		t.Errorf("an empty variable replaced the key")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"missing keys", func(c *Config) { c.APIKey, c.SecretKey = "", " " },
			[]string{"cryptoprocessing.api_key: missing", EnvAPIKey, "cryptoprocessing.secret_key: missing", EnvSecretKey}},
		{"base_url not a URL", func(c *Config) { c.BaseURL = "app.cryptoprocessing.com" }, []string{"cryptoprocessing.base_url: \"app.cryptoprocessing.com\" is not a web address"}},
		{"base_url plain http", func(c *Config) { c.BaseURL = "http://app.cryptoprocessing.com/api/v2" }, []string{"cryptoprocessing.base_url:", "not encrypted"}},
		{"base_url with a user", func(c *Config) { c.BaseURL = "https://u:p@app.cryptoprocessing.com/api/v2" }, []string{"without a user name"}},
		{"pay_currencies unknown network", func(c *Config) { c.PayCurrencies = []string{"USDT:polygon"} }, []string{"cryptoprocessing.pay_currencies:", "USDTT"}},
		{"pay_currencies twice", func(c *Config) { c.PayCurrencies = []string{"USDTT", "USDT:tron"} }, []string{"listed twice"}},
		{"pay_currencies junk", func(c *Config) { c.PayCurrencies = []string{"bit coin"} }, []string{"is not a currency"}},
		{"description too long", func(c *Config) { c.Description = strings.Repeat("é", 1001) }, []string{"cryptoprocessing.description: 1001 characters"}},
		{"url_success http", func(c *Config) { c.URLSuccess = "http://shop.example/ok" }, []string{"cryptoprocessing.url_success:", "https://"}},
		{"url_failed IP", func(c *Config) { c.URLFailed = "https://10.0.0.1/failed" }, []string{"cryptoprocessing.url_failed:", "domain name"}},
		{"relay_url public http", func(c *Config) { c.RelayURL = "http://relay.example.com" }, []string{"cryptoprocessing.relay_url:", "not encrypted"}},
		{"relay_url without token", func(c *Config) { c.RelayToken = "" }, []string{"cryptoprocessing.relay_token: missing", EnvRelayToken}},
		{"placeholder token", func(c *Config) { c.RelayToken = "THE RELAY'S TOKEN" }, []string{"cryptoprocessing.relay_token: the relay token contains spaces"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{APIKey: "secret-api-key", SecretKey: "secret-secret-key", RelayURL: "https://relay.example.com", RelayToken: "relay-token-0123456789"}
			tt.change(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			secretsAbsent(t, "the error", err.Error(), "secret-api-key", "secret-secret-key")
		})
	}
	ok := []func(*Config){
		func(c *Config) { c.BaseURL = "http://127.0.0.1:8091/api/v2" },
		func(c *Config) { c.BaseURL = "http://localhost:8091/api/v2/" },
		func(c *Config) { c.RelayURL = "http://192.168.1.10:8090" },
		func(c *Config) { c.RelayURL, c.RelayToken = "", "" },
		func(c *Config) { c.BaseURL = AlphaPoBaseURL },
	}
	for i, change := range ok {
		c := Config{APIKey: "k", SecretKey: "s", RelayURL: "https://relay.example.com", RelayToken: "relay-token-0123456789"}
		change(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("case %d: %v", i, err)
		}
	}
}

func TestConfigPayOptions(t *testing.T) {
	c := Config{PayCurrencies: []string{"btc", "USDTT", "USDT:eth", "ETHA", "TRX", "usdcs"}}
	opts, err := c.PayOptions()
	if err != nil {
		t.Fatal(err)
	}
	want := []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}, {Code: "USDT", Network: "eth"},
		{Code: "ETH", Network: "arbitrum"}, {Code: "TRX"}, {Code: "USDC", Network: "sol"}}
	if fmt.Sprint(opts) != fmt.Sprint(want) {
		t.Errorf("PayOptions = %v, want %v", opts, want)
	}
	labels := []string{}
	for _, o := range opts {
		code, ok := apiCode(o)
		if !ok {
			t.Errorf("no code for %v", o)
		}
		labels = append(labels, o.Label()+"="+code)
	}
	if got := strings.Join(labels, ", "); got != "BTC=BTC, USDT · Tron=USDTT, USDT · Ethereum=USDTE, ETH · Arbitrum=ETHA, TRX=TRX, USDC · Solana=USDCS" {
		t.Errorf("labels: %s", got)
	}
}

func TestConfigNeverShowsSecrets(t *testing.T) {
	c := Config{APIKey: testAPIKey, SecretKey: testSecretKey, RelayToken: "relay-token-0123456789", RelayURL: "https://r.example"}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cfg", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), buf.String()} {
		secretsAbsent(t, "the config's text", s)
	}
	if !strings.Contains(buf.String(), "secret_key_set=true") {
		t.Errorf("log: %s", buf.String())
	}
}
