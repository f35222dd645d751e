package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cryptopos/providers/cryptomus"
)

func TestCommandLine(t *testing.T) {
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
		{"poll", []string{"interval", "background_interval"}},
		{"log", []string{"path", "level"}},
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
