package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const good = `
provider = "cryptomus"
[shop]
name = "Corner Café"
currency = "eur"
max_amount = 2500.5
terminal_id = "till-2"
[poll]
interval = "5s"
[cryptomus]
merchant = "m"
`

func TestParseFillsDefaultsAndNormalizes(t *testing.T) {
	c, err := Parse("config.toml", `provider = "Cryptomus"
[shop]
currency = "EUR"`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Provider != "cryptomus" || c.Shop.Name != DefaultShopName || c.Shop.TerminalID != "pos" ||
		c.Poll.Interval != 3*time.Second || c.Shop.MaxAmount.String() != "10000" || c.Log.Level != "info" {
		t.Fatalf("defaults: %+v", c.File)
	}
	if err := c.Unknown(); err != nil {
		t.Fatal(err)
	}
}

func TestParseReadsValues(t *testing.T) {
	c, err := Parse("config.toml", good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Shop.Currency != "EUR" || c.Shop.Name != "Corner Café" || c.Shop.MaxAmount.String() != "2500.5" ||
		c.Shop.TerminalID != "till-2" || c.Poll.Interval != 5*time.Second {
		t.Fatalf("%+v", c.File)
	}
	var section struct {
		Merchant string `toml:"merchant"`
	}
	if err := c.Section("cryptomus", &section); err != nil || section.Merchant != "m" {
		t.Fatalf("section: %+v %v", section, err)
	}
	if err := c.Unknown(); err != nil {
		t.Fatal(err)
	}
}

func TestBadConfigIsRefusedNamingTheKey(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"syntax", "provider = \n", "config.toml line 1"},
		{"no provider", "[shop]\ncurrency = \"EUR\"", "provider: missing"},
		{"no currency", "provider = \"cryptomus\"", "shop.currency: missing"},
		{"bad currency", "provider = \"cryptomus\"\n[shop]\ncurrency = \"EURO\"", `shop.currency: "EURO" is not a currency`},
		{"bad max", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\nmax_amount = \"lots\"", `"lots" is not a number`},
		{"zero max", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\nmax_amount = 0", "shop.max_amount: must be more than zero"},
		{"bad terminal", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\nterminal_id = \"till 2\"", "shop.terminal_id"},
		{"bad interval", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\n[poll]\ninterval = \"100ms\"", "poll.interval"},
		{"bad interval text", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\n[poll]\ninterval = \"soon\"", "poll"},
		{"wrong type", "provider = \"x\"\n[shop]\ncurrency = 5", "shop: "},
		{"bad level", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\n[log]\nlevel = \"loud\"", "log.level"},
	}
	for _, tt := range tests {
		_, err := Parse("config.toml", tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestUnknownKeysAreNamed(t *testing.T) {
	c, err := Parse("config.toml", good+"\n[shop2]\nx = 1\n[cryptomus2]\n")
	if err != nil {
		t.Fatal(err)
	}
	var section struct {
		Merchant string `toml:"merchant"`
	}
	if err := c.Section("cryptomus", &section); err != nil {
		t.Fatal(err)
	}
	err = c.Unknown()
	if err == nil || !strings.Contains(err.Error(), "unknown keys cryptomus2, shop2.x") {
		t.Fatalf("got %v", err)
	}

	c, _ = Parse("config.toml", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\ncurency = \"USD\"")
	if err := c.Unknown(); err == nil || !strings.Contains(err.Error(), "unknown key shop.curency") {
		t.Fatalf("typo not named: %v", err)
	}
}

func TestDecimalIsExact(t *testing.T) {
	tests := []struct{ toml, want string }{
		{`"0.1"`, "0.1"}, {`0.1`, "0.1"}, {`2500`, "2500"}, {`1e2`, "100"}, {`"12.50"`, "12.5"},
	}
	for _, tt := range tests {
		c, err := Parse("c", "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\nmax_amount = "+tt.toml)
		if err != nil {
			t.Errorf("%s: %v", tt.toml, err)
			continue
		}
		if c.Shop.MaxAmount.String() != tt.want {
			t.Errorf("%s read as %s, want %s", tt.toml, c.Shop.MaxAmount.String(), tt.want)
		}
	}
}

func TestFindPrefersTheEnvironment(t *testing.T) {
	env := map[string]string{"CRYPTOPOS_CONFIG": "/x/config.toml"}
	if got := Find(func(k string) string { return env[k] }); got != "/x/config.toml" {
		t.Fatalf("got %q", got)
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	if got := Find(func(string) string { return "" }); got != "" && got != "/etc/cryptopos/config.toml" {
		t.Fatalf("found %q in an empty home", got)
	}
}

func TestLateWatchSettings(t *testing.T) {
	base := "provider = \"x\"\n[shop]\ncurrency = \"EUR\"\n[poll]\n"
	c, err := Parse("c", base)
	if err != nil || *c.Poll.LateWatch != 24*time.Hour || c.Poll.LateInterval != time.Minute {
		t.Fatalf("defaults: %v %v", c, err)
	}
	c, err = Parse("c", base+"late_watch = \"0s\"\nlate_interval = \"5s\"")
	if err != nil || *c.Poll.LateWatch != 0 || c.Poll.LateInterval != 5*time.Second {
		t.Fatalf("set: %v", err)
	}
	if _, err := Parse("c", base+"late_watch = \"-1h\""); err == nil || !strings.Contains(err.Error(), "poll.late_watch") {
		t.Fatalf("negative: %v", err)
	}
	if _, err := Parse("c", base+"late_interval = \"2h\""); err == nil || !strings.Contains(err.Error(), "poll.late_interval") {
		t.Fatalf("too long: %v", err)
	}
}

func TestExposedConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	for _, tt := range []struct {
		mode    os.FileMode
		exposed bool
	}{{0o600, false}, {0o640, false}, {0o644, true}, {0o604, true}} {
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, tt.mode); err != nil {
			t.Fatal(err)
		}
		if got := Exposed(path); (got != "") != tt.exposed || tt.exposed && !strings.Contains(got, "chmod 600") {
			t.Errorf("mode %o: %q", tt.mode, got)
		}
	}
}

func TestUnknownKeysNeverPrintASecret(t *testing.T) {
	secret := "sk_live_7f3k9q2m8x4v1b6n0c5z"
	c, err := Parse("config.toml", good+"\n\""+secret+"\" = 1\n")
	if err != nil {
		t.Fatal(err)
	}
	var section struct {
		Merchant string `toml:"merchant"`
	}
	_ = c.Section("cryptomus", &section)
	err = c.Unknown()
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "sk_l…") {
		t.Fatalf("got %v", err)
	}
	c, _ = Parse("config.toml", good+"\nlifetme = 1\n")
	_ = c.Section("cryptomus", &section)
	if err := c.Unknown(); err == nil || !strings.Contains(err.Error(), "lifetme") {
		t.Fatalf("a plain typo is no longer named: %v", err)
	}
}
