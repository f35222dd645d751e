package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"cryptopos/config"
	"cryptopos/kiosk"
	"cryptopos/providers/cryptomus"
	"cryptopos/providers/cryptoprocessing"
	"cryptopos/relay"
)

func TestCommandLine(t *testing.T) {
	isolate(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"version", []string{"--version"}, 0, "cryptopos dev", ""},
		{"help", []string{"--help"}, 0, "", "cryptopos sandbox PROVIDER"},
		{"unknown flag", []string{"--bogus"}, 2, "", "flag provided but not defined: -bogus"},
		{"stray argument", []string{"bogus"}, 2, "", `unexpected argument "bogus"`},
		{"report without a config", []string{"report"}, 3, "", "no config file: give --config PATH"},
		{"report help without a config", []string{"report", "--help"}, 0, "", "Usage: cryptopos report"},
		{"invoice usage without a config", []string{"invoice"}, 2, "", "cryptopos invoice create"},
		{"unknown demo provider", []string{"--demo=bogus"}, 2, "", `no provider "bogus"; choose one of cryptomus`},
		{"missing config", []string{"--config", "/nonexistent/config.toml"}, 1, "", "no config file at /nonexistent/config.toml"},
		{"sandbox without provider", []string{"sandbox"}, 2, "", "usage: cryptopos sandbox PROVIDER"},
		{"sandbox of unknown provider", []string{"sandbox", "bogus"}, 2, "", `no sandbox for "bogus"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
			}
		})
	}
}

// isolate points every per-user directory at a temporary one.
func isolate(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("CRYPTOPOS_CONFIG", "")
	return dir
}

func TestExampleConfigLoadsAndDocumentsEveryKey(t *testing.T) {
	isolate(t)
	t.Setenv("CRYPTOPOS_CRYPTOMUS_PAYMENT_KEY", "key-from-the-environment")
	s, err := openApp(appArgs{configPath: "config.toml.example"})
	if err != nil {
		t.Fatalf("the example config does not load: %v", err)
	}
	defer s.close()
	if s.demo || s.file.Shop.Name != "Corner Café" || len(s.opened.PayOptions) != 3 {
		t.Fatalf("loaded %+v", s.file)
	}
	example, _ := os.ReadFile("config.toml.example")
	for _, section := range []struct {
		name string
		keys []string
	}{
		{"shop", []string{"name", "currency", "max_amount", "terminal_id"}},
		{"journal", []string{"path"}},
		{"poll", []string{"interval", "background_interval", "late_watch", "late_interval"}},
		{"log", []string{"path", "level"}},
		{"ui", []string{"theme"}},
		{"sound", []string{"paid_bells", "failed_bells", "on_paid", "on_failed"}},
		{"kiosk", []string{"enabled", "pin_hash", "return_after"}},
		{"printer", []string{"device", "paper", "code_page", "auto_print", "header", "footer", "timeout", "status_check"}},
	} {
		for _, k := range section.keys {
			if !strings.Contains(string(example), k+" = ") {
				t.Errorf("config.toml.example does not document %s.%s", section.name, k)
			}
		}
	}
	for _, k := range cryptomusKeys() {
		if !strings.Contains(string(example), k+" = ") {
			t.Errorf("config.toml.example does not document cryptomus.%s", k)
		}
	}
}

func TestBadConfigIsRefusedWithTheKeyNamed(t *testing.T) {
	dir := isolate(t)
	tests := []struct {
		name, text, want string
	}{
		{"typo", "provider = \"cryptomus\"\n[shop]\ncurrency = \"EUR\"\n[cryptomus]\nmerchant = \"m\"\npayment_key = \"k\"\nlifetme = \"5m\"",
			"unknown key cryptomus.lifetme"},
		{"unknown provider", "provider = \"coinbase\"\n[shop]\ncurrency = \"EUR\"", `provider: "coinbase" is not a provider cryptopos knows`},
		{"bad lifetime", "provider = \"cryptomus\"\n[shop]\ncurrency = \"EUR\"\n[cryptomus]\nmerchant = \"m\"\npayment_key = \"k\"\nlifetime = \"1m\"",
			"cryptomus.lifetime"},
		{"missing key", "provider = \"cryptomus\"\n[shop]\ncurrency = \"EUR\"\n[cryptomus]\nmerchant = \"m\"", "cryptomus.payment_key"},
		{"section of another provider", "provider = \"cryptomus\"\n[shop]\ncurrency = \"EUR\"\n[cryptomus]\nmerchant = \"m\"\npayment_key = \"k\"\n[other]\nx = 1",
			"unknown key other.x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".toml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			if code := run([]string{"--config", path}, &bytes.Buffer{}, &stderr); code != 1 || !strings.Contains(stderr.String(), tt.want) {
				t.Fatalf("exit %d, stderr %q, want it to mention %q", code, stderr.String(), tt.want)
			}
			if strings.Contains(stderr.String(), `"k"`) {
				t.Fatal("the payment key is in the error")
			}
		})
	}
}

func TestNoConfigMeansDemo(t *testing.T) {
	isolate(t)
	s, err := openApp(appArgs{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if !s.demo || s.opened.Simulator == nil || s.opened.Provider.Key() != "cryptomus" {
		t.Fatalf("not the demo: %+v", s)
	}
	journalPath := s.journal.Path()
	s.close()
	if _, err := os.Stat(journalPath); !os.IsNotExist(err) {
		t.Fatal("the demo journal outlived the demo")
	}
}

func cryptomusKeys() []string {
	var keys []string
	for _, k := range cryptomus.ConfigKeys {
		keys = append(keys, k.Name)
	}
	return keys
}

// uncomment returns the example config with the commented sections made
// live, and provider switched to name.
func uncomment(t *testing.T, name string) string {
	data, err := os.ReadFile("config.toml.example")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	live := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "# [cryptoprocessing]") || strings.HasPrefix(line, "# [relay]"):
			live = true
		case strings.HasPrefix(line, "# ---"):
			live = false
		}
		if live && strings.HasPrefix(line, "# ") && (strings.Contains(line, " = ") || strings.HasPrefix(line, "# [")) {
			line = strings.TrimPrefix(line, "# ")
		}
		out = append(out, line)
	}
	return strings.Replace(strings.Join(out, "\n"), `provider = "cryptomus"`, `provider = "`+name+`"`, 1)
}

func TestExampleCryptoprocessingAndRelaySectionsLoad(t *testing.T) {
	dir := isolate(t)
	t.Setenv("CRYPTOPOS_CRYPTOMUS_PAYMENT_KEY", "key-from-the-environment")
	t.Setenv("CRYPTOPOS_CRYPTOPROCESSING_API_KEY", "public-key")
	t.Setenv("CRYPTOPOS_CRYPTOPROCESSING_SECRET_KEY", "secret-key-from-the-environment")
	t.Setenv("CRYPTOPOS_RELAY_TOKEN", "a-relay-token-of-some-length")
	text := uncomment(t, "cryptoprocessing")
	text = strings.Replace(text, `listen = "127.0.0.1:8090"`, `listen = "127.0.0.1:0"`, 1)
	text = strings.Replace(text, `relay_url = "https://relay.example.com"`, `relay_url = ""`, 1)
	text = strings.Replace(text, `store = "/var/lib/cryptopos/relay.db"`, `store = "`+filepath.Join(dir, "relay.db")+`"`, 1)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := openApp(appArgs{configPath: path})
	if err != nil {
		t.Fatalf("the example's Cryptoprocessing and relay sections do not load: %v", err)
	}
	defer a.close()
	if a.opened.Provider.Key() != "cryptoprocessing" || a.relay == nil || len(a.opened.PayOptions) != 3 {
		t.Fatalf("opened %s, relay %v, %d coins", a.opened.Provider.Key(), a.relay, len(a.opened.PayOptions))
	}
	example, _ := os.ReadFile("config.toml.example")
	for _, k := range cryptoprocessing.ConfigKeys {
		if !strings.Contains(string(example), k.Name+" = ") {
			t.Errorf("config.toml.example does not document cryptoprocessing.%s", k.Name)
		}
	}
	for _, k := range []string{"listen", "token", "public_url", "store"} {
		if !strings.Contains(string(example), k+" = ") {
			t.Errorf("config.toml.example does not document relay.%s", k)
		}
	}
}

func TestRelayCommandVerifiesAndServesCallbacks(t *testing.T) {
	dir := isolate(t)
	const token = "relay-token-0123456789"
	path := filepath.Join(dir, "relay.toml")
	conf := `[relay]
listen = "127.0.0.1:0"
token = "` + token + `"
store = "` + filepath.Join(dir, "relay.db") + `"
[log]
path = "` + filepath.Join(dir, "relay.log") + `"
[cryptoprocessing]
api_key = "public-key"
secret_key = "secret-key"
`
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := openRelay(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()

	body := []byte(`{"id":1,"type":"invoice","foreign_id":"pos-abc","status":"confirmed","error":"","currency_sent":{"currency":"BTC","amount":"0.001","remaining_amount":"0"}}`)
	post := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, a.relay.URL+"/callbacks/cryptoprocessing", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Processing-Key", "public-key")
		req.Header.Set("X-Processing-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(strings.Repeat("0", 128)); code != http.StatusForbidden {
		t.Fatalf("forged callback: %d", code)
	}
	if code := post(cryptoprocessing.Sign(body, "secret-key")); code != http.StatusOK {
		t.Fatalf("signed callback: %d", code)
	}
	rec, err := (&relay.Client{BaseURL: a.relay.URL, Token: token}).Invoice(context.Background(), "pos-abc")
	if err != nil || rec.Status != "confirmed" || !rec.Final {
		t.Fatalf("terminal read %+v, %v", rec, err)
	}
	if _, err := (&relay.Client{BaseURL: a.relay.URL, Token: "wrong-token-0123456789"}).Invoice(context.Background(), "pos-abc"); !errors.Is(err, relay.ErrUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	logged, _ := os.ReadFile(filepath.Join(dir, "relay.log"))
	if strings.Contains(string(logged), token) || strings.Contains(string(logged), "secret-key") {
		t.Fatal("the relay logged a secret")
	}
}

func TestRelayCommandNeedsAProviderSection(t *testing.T) {
	dir := isolate(t)
	path := filepath.Join(dir, "relay.toml")
	os.WriteFile(path, []byte("[relay]\nlisten = \"127.0.0.1:0\"\ntoken = \"relay-token-0123456789\"\nstore = \""+filepath.Join(dir, "r.db")+"\"\n"), 0o600)
	if _, err := openRelay(path); err == nil || !strings.Contains(err.Error(), "no provider section") {
		t.Fatalf("got %v", err)
	}
}

func TestPINCommandWritesTheHashOnly(t *testing.T) {
	dir := isolate(t)
	path := filepath.Join(dir, "config.toml")
	original := "provider = \"cryptomus\"\n# a comment that stays\n[shop]\ncurrency = \"EUR\"\n"
	if err := os.WriteFile(path, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := runPIN([]string{"--config", path}, strings.NewReader("2468\n2468\n"), &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	data, _ := os.ReadFile(path)
	text := string(data)
	if !strings.HasPrefix(text, original) || !strings.Contains(text, "[kiosk]\npin_hash = \"pbkdf2-sha256$") || strings.Contains(text, "2468") {
		t.Fatalf("config after pin:\n%s", text)
	}
	// Setting it again replaces the line in the section.
	if code := runPIN([]string{"--config", path}, strings.NewReader("13579\n13579\n"), &out, &errs); code != 0 {
		t.Fatal(errs.String())
	}
	data, _ = os.ReadFile(path)
	if strings.Count(string(data), "pin_hash") != 1 || strings.Count(string(data), "[kiosk]") != 1 {
		t.Fatalf("second pin:\n%s", data)
	}
	c, err := config.Load(path)
	if err != nil || !kiosk.Matches(c.Kiosk.PINHash, "13579") {
		t.Fatalf("the written hash does not check: %v", err)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("permissions became %v", info.Mode().Perm())
	}
	for _, tt := range []struct{ input, want string }{
		{"12\n12\n", "4 to 12 digits"},
		{"2468\n2469\n", "the two PINs differ"},
		{"", "no PIN was given"},
	} {
		errs.Reset()
		if code := runPIN([]string{"--config", path}, strings.NewReader(tt.input), &out, &errs); code != 1 || !strings.Contains(errs.String(), tt.want) {
			t.Errorf("input %q: exit %d, %q", tt.input, code, errs.String())
		}
	}
}

func TestKioskNeedsAPIN(t *testing.T) {
	isolate(t)
	t.Setenv("CRYPTOPOS_CRYPTOMUS_PAYMENT_KEY", "key")
	if _, err := openApp(appArgs{configPath: "config.toml.example", kiosk: true}); err == nil || !strings.Contains(err.Error(), "cryptopos pin") {
		t.Fatalf("got %v", err)
	}
}

func TestPINKeepsTheConfigsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("changing a file's owner needs root")
	}
	dir := isolate(t)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte("provider = \"cryptomus\"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 1, 1); err != nil {
		t.Skip("cannot chown here:", err)
	}
	if err := setPINHash(path, "pbkdf2-sha256$100000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if st := info.Sys().(*syscall.Stat_t); st.Uid != 1 || st.Gid != 1 || info.Mode().Perm() != 0o640 {
		t.Fatalf("owner %d:%d mode %v after setting the PIN", st.Uid, st.Gid, info.Mode().Perm())
	}
}
