// Package providers describes what the composition root needs to know about
// a payment provider: how to build it from its config section, how to run
// the built-in demo against its sandbox, and how to run that sandbox alone.
// Each provider lives in providers/NAME and exports one Kit.
package providers

import (
	"io"
	"log/slog"

	"cryptopos/pos"
	"cryptopos/relay"
)

// Kit is one provider, as main.go wires it.
type Kit struct {
	// Key is the value of `provider` in the config and the config section's name.
	Key string
	// Name is the provider's name for people.
	Name string
	// Open builds the provider from its config section.
	Open func(env Env) (Opened, error)
	// Demo starts the provider's sandbox on 127.0.0.1 and a real client
	// talking to it.
	Demo func(env Env) (Opened, error)
	// Sandbox runs the sandbox on its own until stop is closed (the
	// `cryptopos sandbox NAME` command); it prints how to reach it to out.
	Sandbox func(args []string, out io.Writer, stop <-chan struct{}) error
	// Receiver builds the provider's callback receiver for a relay from its
	// config section (the secrets that verify callbacks); nil when the
	// provider's callbacks are of no use to a relay.
	Receiver func(env Env) (relay.Receiver, error)
	// NeedsRelay is set for providers whose statuses reach terminals only
	// through a relay; their demo runs one embedded.
	NeedsRelay bool
}

// Env is what a provider gets from the composition root.
type Env struct {
	// Section decodes the provider's config section into v; absent in the demo.
	Section func(v any) error
	// Getenv reads environment variables (secrets may come from there).
	Getenv func(string) string
	// Shop is the shop's common configuration.
	Shop  Shop
	Log   *slog.Logger
	Clock pos.Clock
	// Relay is the relay embedded in this process, if one runs: the demo
	// registers its sandbox's receiver with it.
	Relay *EmbeddedRelay
}

// EmbeddedRelay is a relay running inside the terminal.
type EmbeddedRelay struct {
	// URL is its base URL, e.g. http://127.0.0.1:8090; callbacks go to
	// URL + "/callbacks/" + provider.
	URL string
	// Token is the bearer token terminals send.
	Token string
	// Add registers a provider's receiver.
	Add func(relay.Receiver)
}

// Shop is the part of the shop configuration providers use.
type Shop struct {
	Name       string
	Currency   string
	TerminalID string
}

// Opened is a provider ready to use.
type Opened struct {
	Provider   pos.Provider
	PayOptions []pos.PayOption
	// Simulator acts as the customer in the demo; nil otherwise.
	Simulator pos.Simulator
	// Close releases what Open or Demo started (a sandbox server).
	Close func()
}

// Find returns the kit with the given key.
func Find(kits []Kit, key string) (Kit, bool) {
	for _, k := range kits {
		if k.Key == key {
			return k, true
		}
	}
	return Kit{}, false
}

// EnvOverrides is a config section some of whose values the environment
// may give instead (secrets kept out of the file).
type EnvOverrides interface {
	ApplyEnv(getenv func(string) string)
}

// DecodeSection decodes the provider's config section into cfg, when there
// is one (not in the demo), and then applies the environment's values.
func (e Env) DecodeSection(cfg EnvOverrides) error {
	if e.Section != nil {
		if err := e.Section(cfg); err != nil {
			return err
		}
	}
	if e.Getenv != nil {
		cfg.ApplyEnv(e.Getenv)
	}
	return nil
}
