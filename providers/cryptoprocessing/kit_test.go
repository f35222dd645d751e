package cryptoprocessing

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
	"cryptopos/providers"
	"cryptopos/relay"
)

func section(cfg Config) func(any) error {
	return func(v any) error {
		*v.(*Config) = cfg
		return nil
	}
}

func TestKitOpen(t *testing.T) {
	env := map[string]string{EnvSecretKey: testSecretKey, EnvRelayToken: "relay-token-0123456789"}
	opened, err := Kit.Open(providers.Env{
		Section: section(Config{APIKey: testAPIKey, RelayURL: "https://relay.example.com", PayCurrencies: []string{"BTC", "USDTT"}}),
		Getenv:  func(k string) string { return env[k] },
		Shop:    providers.Shop{Name: "Corner Café", Currency: "EUR"},
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	c := opened.Provider.(*Client)
	if c.cfg.SecretKey != testSecretKey || c.shop != "Corner Café" || c.relayWhere != "relay.example.com" || len(opened.PayOptions) != 2 ||
		opened.PayOptions[1] != (pos.PayOption{Code: "USDT", Network: "tron"}) {
		t.Errorf("opened %+v, client %+v", opened, c.cfg)
	}
	rc := c.relay.(*relay.Client)
	if rc.Token != "relay-token-0123456789" || rc.Provider != Key {
		t.Errorf("relay client %+v", rc)
	}

	// No relay anywhere.
	_, err = Kit.Open(providers.Env{Section: section(Config{APIKey: "k", SecretKey: "s"})})
	if err == nil || !strings.Contains(err.Error(), "cryptoprocessing.relay_url: missing") {
		t.Errorf("no relay: %v", err)
	}
	// The embedded relay.
	opened, err = Kit.Open(providers.Env{Section: section(Config{APIKey: "k", SecretKey: "s"}),
		Relay: &providers.EmbeddedRelay{URL: "http://127.0.0.1:8090", Token: "embedded-token-0123", Add: func(relay.Receiver) {}}})
	if err != nil {
		t.Fatalf("Open with an embedded relay: %v", err)
	}
	if rc := opened.Provider.(*Client).relay.(*relay.Client); rc.BaseURL != "http://127.0.0.1:8090" || rc.Token != "embedded-token-0123" {
		t.Errorf("embedded relay client %+v", rc)
	}
	// Bad config.
	_, err = Kit.Open(providers.Env{Section: section(Config{SecretKey: testSecretKey, RelayURL: "https://r.example", RelayToken: "relay-token-0123456789"})})
	if err == nil || !strings.Contains(err.Error(), "cryptoprocessing.api_key: missing") || strings.Contains(err.Error(), testSecretKey) {
		t.Errorf("bad config: %v", err)
	}
	// A decoding error passes through.
	boom := errors.New("toml: line 3: bad value")
	if _, err := Kit.Open(providers.Env{Section: func(any) error { return boom }}); !errors.Is(err, boom) {
		t.Errorf("decode error: %v", err)
	}
}

func TestKitReceiver(t *testing.T) {
	r, err := Kit.Receiver(providers.Env{Section: section(Config{APIKey: "test_key"}),
		Getenv: func(k string) string { return map[string]string{EnvSecretKey: "test_secret"}[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Receive(headers(thirdPartySignature, "test_key"), []byte(thirdPartyCallback)); !errors.Is(err, relay.ErrIgnored) {
		t.Errorf("Receive: %v", err)
	}
	if _, err := Kit.Receiver(providers.Env{Section: section(Config{})}); err == nil {
		t.Error("a receiver without keys")
	}
	if Kit.Key != "cryptoprocessing" || !Kit.NeedsRelay || Kit.Demo == nil || Kit.Sandbox == nil {
		t.Errorf("kit %+v", Kit)
	}
}

func TestKitDemo(t *testing.T) {
	if _, err := Kit.Demo(providers.Env{}); err == nil || !strings.Contains(err.Error(), "embedded relay") {
		t.Errorf("demo without a relay: %v", err)
	}
	store, err := relay.OpenStore(filepath.Join(t.TempDir(), "relay.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rs, err := relay.New(relay.Options{Store: store, Token: e2eToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rs)
	defer srv.Close()
	logs := &logBuffer{}
	opened, err := Kit.Demo(providers.Env{Relay: &providers.EmbeddedRelay{URL: srv.URL, Token: e2eToken, Add: rs.Add},
		Shop: providers.Shop{Name: "Demo shop", Currency: "EUR"}, Log: logs.Logger()})
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	defer opened.Close()
	ctx := context.Background()
	if err := opened.Provider.CheckPayOptions(ctx, opened.PayOptions); err != nil {
		t.Fatalf("CheckPayOptions: %v", err)
	}
	if len(opened.PayOptions) != 4 || opened.Simulator == nil {
		t.Fatalf("opened %+v", opened)
	}
	inv := testInvoice("25.00", "EUR", pos.PayOption{})
	u, err := opened.Provider.Create(ctx, inv)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	inv.Apply(u)
	if err := opened.Simulator.Simulate(ctx, inv, pos.SimAction{Key: "p"}); err != nil {
		t.Fatalf("Simulate: %v", err)
	}
	// The sandbox's background loop delivers the callback to the relay.
	deadline := time.Now().Add(5 * time.Second)
	for inv.Status != pos.StatusPaid && time.Now().Before(deadline) {
		u, err := opened.Provider.Status(ctx, inv)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		inv.Apply(u)
		time.Sleep(10 * time.Millisecond)
	}
	if inv.Status != pos.StatusPaid {
		t.Errorf("status %s, want paid", inv.Status)
	}
	secretsAbsent(t, "the demo's log", logs.String(), e2eToken)
}

// syncBuffer is a strings.Builder safe for a writer and a reader.
type syncBuffer struct{ logBuffer }

func TestKitSandboxCommand(t *testing.T) {
	out := &syncBuffer{}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Kit.Sandbox([]string{"--listen", "127.0.0.1:0", "--callback-url", "http://127.0.0.1:8090/callbacks/cryptoprocessing"}, out, stop)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Stop with Ctrl-C") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("Sandbox: %v", err)
	}
	text := out.String()
	for _, want := range []string{"[cryptoprocessing]", `base_url = "http://127.0.0.1:`, `api_key = "sandbox-api-key-not-secret"`,
		`relay_url = "http://127.0.0.1:8090"`, "Callbacks go to http://127.0.0.1:8090/callbacks/cryptoprocessing", "stopped"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if err := Kit.Sandbox([]string{"extra"}, &syncBuffer{}, stop); err == nil {
		t.Error("an extra argument was accepted")
	}
}
