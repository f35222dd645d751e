package cryptomus

import (
	"fmt"
	"io"
	"strings"

	"cryptopos/providers"
	"cryptopos/providers/cryptomus/sandbox"
	"cryptopos/relay"
)

// Kit wires Cryptomus into cryptopos: the [cryptomus] config section, the
// demo against a local sandbox, and `cryptopos sandbox cryptomus`.
var Kit = providers.Kit{
	Key:      "cryptomus",
	Name:     "Cryptomus",
	Open:     open,
	Demo:     demo,
	Sandbox:  runSandbox,
	Receiver: receiver,
}

// DemoPayCurrencies are the coins the demo offers besides "customer chooses".
var DemoPayCurrencies = []string{"USDT:tron", "BTC", "ETH", "LTC"}

func open(env providers.Env) (providers.Opened, error) {
	var cfg Config
	if err := env.DecodeSection(&cfg); err != nil {
		return providers.Opened{}, err
	}
	return openWith(cfg, env)
}

// receiver is Kit.Receiver: the webhook receiver for the [cryptomus]
// section's payment key (or CRYPTOPOS_CRYPTOMUS_PAYMENT_KEY).
func receiver(env providers.Env) (relay.Receiver, error) {
	var cfg Config
	if err := env.DecodeSection(&cfg); err != nil {
		return nil, err
	}
	key := strings.TrimSpace(cfg.PaymentKey)
	if key == "" {
		return nil, fmt.Errorf("cryptomus.payment_key: missing: the relay needs it to verify Cryptomus webhooks; set it in the config file or in the environment variable %s.", EnvPaymentKey)
	}
	return NewWebhookReceiver(key), nil
}

// openWith validates cfg, once, and builds the client.
func openWith(cfg Config, env providers.Env) (providers.Opened, error) {
	coins, err := cfg.validate()
	if err != nil {
		return providers.Opened{}, err
	}
	c, err := newClient(cfg, coins.allowed, Options{TerminalID: env.Shop.TerminalID, Logger: env.Log, Clock: env.Clock})
	if err != nil {
		return providers.Opened{}, err
	}
	return providers.Opened{Provider: c, PayOptions: coins.pay}, nil
}

// demo starts a sandbox on 127.0.0.1 and a real client talking to it.
func demo(env providers.Env) (providers.Opened, error) {
	srv, err := sandbox.Start(sandbox.Options{Logger: env.Log}, "127.0.0.1:0")
	if err != nil {
		return providers.Opened{}, fmt.Errorf("cannot start the Cryptomus sandbox for the demo: %w", err)
	}
	cfg := Config{
		BaseURL: srv.APIBase(), Merchant: srv.Merchant(), PaymentKey: srv.PaymentKey(),
		PayCurrencies: DemoPayCurrencies,
	}
	opened, err := openWith(cfg, env)
	if err != nil {
		_ = srv.Close()
		return providers.Opened{}, err
	}
	opened.Simulator = srv.Simulator()
	opened.Close = func() { _ = srv.Close() }
	if env.Log != nil {
		env.Log.Info("cryptomus sandbox started for the demo", "url", srv.URL)
	}
	return opened, nil
}

// runSandbox is `cryptopos sandbox cryptomus [--listen ADDR]`.
func runSandbox(args []string, out io.Writer, stop <-chan struct{}) error {
	fs := providers.NewSandboxFlags("cryptomus", "127.0.0.1:8089", "log every request", out)
	merchant := fs.String("merchant", sandbox.DemoMerchant, "the merchant id to accept")
	key := fs.String("payment-key", sandbox.DemoPaymentKey, "the payment key to accept (a test value, not a real key)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv, err := sandbox.Start(sandbox.Options{Merchant: *merchant, PaymentKey: *key, Logger: fs.Logger()}, fs.Listen())
	if err != nil {
		return err
	}
	defer srv.Close()
	providers.WaitForStop(out, stop, "Cryptomus", fmt.Sprintf(`Cryptomus sandbox listening on %s
Point a terminal at it with:

[cryptomus]
base_url = %q
merchant = %q
payment_key = %q

Invoice pages are at %s/pay/UUID. Stop with Ctrl-C.
`, srv.URL, srv.APIBase(), srv.Merchant(), srv.PaymentKey(), srv.URL))
	return nil
}
