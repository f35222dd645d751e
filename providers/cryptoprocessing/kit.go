package cryptoprocessing

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"cryptopos/providers"
	"cryptopos/providers/cryptoprocessing/sandbox"
	"cryptopos/relay"
)

// Kit wires Cryptoprocessing into cryptopos: the [cryptoprocessing] config
// section, the callback receiver for a relay, the demo against a local
// sandbox with an embedded relay, and `cryptopos sandbox cryptoprocessing`.
var Kit = providers.Kit{
	Key:        Key,
	Name:       "Cryptoprocessing",
	Open:       open,
	Demo:       demo,
	Sandbox:    runSandbox,
	Receiver:   receiver,
	NeedsRelay: true,
}

// DemoPayCurrencies are the coins the demo offers besides "customer
// chooses".
var DemoPayCurrencies = []string{"BTC", "ETH", "USDTT", "LTC"}

// CallbackPath is where a relay receives this provider's callbacks, below
// its base URL.
const CallbackPath = "/callbacks/" + Key

func decode(env providers.Env) (Config, error) {
	var cfg Config
	err := env.DecodeSection(&cfg)
	return cfg, err
}

func open(env providers.Env) (providers.Opened, error) {
	cfg, err := decode(env)
	if err != nil {
		return providers.Opened{}, err
	}
	return openWith(cfg, env)
}

// openWith validates cfg, once, and builds the client. The relay is
// relay_url with relay_token, else the relay embedded in this terminal.
func openWith(cfg Config, env providers.Env) (providers.Opened, error) {
	payOptions, err := cfg.validate()
	if err != nil {
		return providers.Opened{}, err
	}
	relayURL, token := cfg.RelayURL, cfg.RelayToken
	if relayURL == "" && env.Relay != nil {
		relayURL, token = env.Relay.URL, env.Relay.Token
	}
	if relayURL == "" {
		return providers.Opened{}, errors.New("cryptoprocessing.relay_url: missing: Cryptoprocessing reports payments only to a relay; " +
			"set relay_url and relay_token to yours, or run the relay in this terminal with [relay] listen")
	}
	c, err := newClient(cfg, Options{
		Relay:    NewRelayClient(relayURL, token, nil),
		RelayURL: relayURL,
		ShopName: env.Shop.Name,
		Logger:   env.Log,
		Clock:    env.Clock,
	})
	if err != nil {
		return providers.Opened{}, err
	}
	return providers.Opened{Provider: c, PayOptions: payOptions}, nil
}

// receiver is the relay's receiver for the [cryptoprocessing] section: it
// needs api_key and secret_key only.
func receiver(env providers.Env) (relay.Receiver, error) {
	cfg, err := decode(env)
	if err != nil {
		return nil, err
	}
	return NewReceiver(cfg)
}

// demo starts a sandbox on 127.0.0.1 whose callbacks go to the relay the
// terminal embeds (env.Relay), registers the receiver there, and returns a
// real client talking to both.
func demo(env providers.Env) (providers.Opened, error) {
	if env.Relay == nil {
		return providers.Opened{}, errors.New("the Cryptoprocessing demo needs the terminal's embedded relay, and none is running")
	}
	srv, err := sandbox.Start(sandbox.Options{
		Clock:       env.Clock,
		CallbackURL: strings.TrimRight(env.Relay.URL, "/") + CallbackPath,
		Logger:      env.Log,
	}, "127.0.0.1:0")
	if err != nil {
		return providers.Opened{}, fmt.Errorf("cannot start the Cryptoprocessing sandbox for the demo: %w", err)
	}
	cfg := Config{BaseURL: srv.APIBase(), APIKey: srv.APIKey(), SecretKey: srv.SecretKey(), PayCurrencies: DemoPayCurrencies}
	rcv, err := NewReceiver(cfg)
	if err != nil {
		_ = srv.Close()
		return providers.Opened{}, err
	}
	env.Relay.Add(rcv)
	opened, err := openWith(cfg, env)
	if err != nil {
		_ = srv.Close()
		return providers.Opened{}, err
	}
	opened.Simulator = srv.Simulator()
	opened.Close = func() { _ = srv.Close() }
	if env.Log != nil {
		env.Log.Info("cryptoprocessing sandbox started for the demo", "url", srv.URL, "callbacks", srv.CallbackURL())
	}
	return opened, nil
}

// runSandbox is `cryptopos sandbox cryptoprocessing [--listen ADDR]
// [--callback-url URL]`.
func runSandbox(args []string, out io.Writer, stop <-chan struct{}) error {
	fs := providers.NewSandboxFlags(Key, "127.0.0.1:8091", "log every request and callback", out)
	callback := fs.String("callback-url", "", "POST callbacks to `URL`, a relay's .../callbacks/cryptoprocessing")
	apiKey := fs.String("api-key", sandbox.DemoAPIKey, "the API key to accept (a test value, not a real key)")
	secret := fs.String("secret-key", sandbox.DemoSecretKey, "the secret key to accept and sign callbacks with (a test value)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := sandbox.Options{APIKey: *apiKey, SecretKey: *secret, CallbackURL: strings.TrimSpace(*callback), Logger: fs.Logger()}
	srv, err := sandbox.Start(o, fs.Listen())
	if err != nil {
		return err
	}
	defer srv.Close()
	providers.WaitForStop(out, stop, "Cryptoprocessing", sandboxBanner(srv))
	return nil
}

// sandboxBanner is how to point a terminal and a relay at the sandbox.
func sandboxBanner(srv *sandbox.Server) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Cryptoprocessing sandbox listening on %s\n", srv.URL)
	relayURL, hasRelay := strings.CutSuffix(srv.CallbackURL(), CallbackPath)
	if srv.CallbackURL() == "" {
		b.WriteString("Callbacks are kept waiting: start it with --callback-url http://RELAY" + CallbackPath + " to send them to a relay.\n")
	} else {
		fmt.Fprintf(&b, "Callbacks go to %s\n", srv.CallbackURL())
	}
	b.WriteString("\nPoint a terminal (and the relay, which verifies callbacks with the same keys) at it with:\n\n[cryptoprocessing]\n")
	fmt.Fprintf(&b, "base_url = %q\napi_key = %q\nsecret_key = %q\npay_currencies = [\"BTC\", \"ETH\", \"USDTT\", \"LTC\"]\n",
		srv.APIBase(), srv.APIKey(), srv.SecretKey())
	if hasRelay && relayURL != "" {
		fmt.Fprintf(&b, "relay_url = %q\nrelay_token = \"THE RELAY'S TOKEN\"\n", relayURL)
	} else {
		b.WriteString("# relay_url and relay_token: the relay that --callback-url points to, or leave them out with [relay] listen\n")
	}
	fmt.Fprintf(&b, "\nInvoice pages are at %s/invoice/CODE; admin endpoints under %s/_sandbox/. Stop with Ctrl-C.\n", srv.URL, srv.URL)
	return b.String()
}
