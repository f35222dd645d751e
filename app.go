package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/shopspring/decimal"

	"cryptopos/config"
	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/printer"
	"cryptopos/providers"
	"cryptopos/relay"
)

// app is what the terminal and the commands run on: the configuration (or
// the demo's), the log, the journal, an embedded relay when there is one,
// and the provider.
type app struct {
	file    config.File
	cfg     *config.Config // nil in the demo
	demo    bool
	kit     providers.Kit
	log     *slog.Logger
	journal *journal.Journal
	relay   *providers.EmbeddedRelay
	opened  providers.Opened
	printer printer.Config
	engine  atomic.Pointer[pos.Engine] // set once built; the embedded relay pokes it
	cleanup []func()
}

// newEngine builds the checkout engine on the app's provider and journal.
func (a *app) newEngine() *pos.Engine {
	lateWatch := *a.file.Poll.LateWatch
	if lateWatch == 0 {
		lateWatch = -1 // off
	}
	e := pos.NewEngine(a.opened.Provider, a.journal, pos.SystemClock{}, pos.EngineConfig{
		PollInterval:       a.file.Poll.Interval,
		BackgroundInterval: a.file.Poll.Background,
		TerminalID:         a.file.Shop.TerminalID,
		LateWatch:          lateWatch,
		LateInterval:       a.file.Poll.LateInterval,
	}, a.log)
	a.engine.Store(e)
	return e
}

// close releases everything, last opened first.
func (a *app) close() {
	for i := len(a.cleanup) - 1; i >= 0; i-- {
		a.cleanup[i]()
	}
	a.cleanup = nil
}

// appArgs say where the configuration comes from.
type appArgs struct {
	configPath string
	demo       demoFlag
	kiosk      bool
}

// openApp reads the configuration (or picks the demo), and opens the log,
// the journal, the embedded relay and the provider.
func openApp(args appArgs) (*app, error) {
	a := &app{}
	ok := false
	defer func() {
		if !ok {
			a.close()
		}
	}()
	if err := a.loadConfig(args); err != nil {
		return nil, err
	}
	if args.kiosk {
		a.file.Kiosk.Enabled = true
	}
	if a.file.Kiosk.Enabled && a.file.Kiosk.PINHash == "" {
		return nil, errors.New("kiosk.pin_hash: a locked terminal needs a manager PIN: set one with `cryptopos pin --config PATH`")
	}
	if err := a.openJournalAndLog(); err != nil {
		return nil, err
	}
	if a.demo && a.kit.NeedsRelay || !a.demo && a.file.Relay.Listen != "" {
		if err := a.startRelay(); err != nil {
			return nil, err
		}
	}
	env := a.env(a.kit.Key)
	var err error
	if a.demo {
		a.opened, err = a.kit.Demo(env)
	} else {
		a.opened, err = a.kit.Open(env)
	}
	if err != nil {
		return nil, err
	}
	if a.opened.Close != nil {
		a.cleanup = append(a.cleanup, a.opened.Close)
	}
	if a.cfg != nil {
		if err := a.cfg.Unknown(); err != nil {
			return nil, err
		}
	}
	ok = true
	return a, nil
}

// findConfig is the config file used when none is given.
func findConfig() string { return config.Find(os.Getenv) }

func (a *app) loadConfig(args appArgs) error {
	path := args.configPath
	if path == "" && !args.demo.set {
		path = findConfig()
	}
	if args.demo.set || path == "" {
		a.demo = true
		key := args.demo.provider
		if key == "" {
			key = kits[0].Key
		}
		a.kit, _ = providers.Find(kits, key)
		a.file = demoFile(a.kit.Key)
		return nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	cfg.ApplyEnv(os.Getenv)
	a.cfg, a.file = cfg, cfg.File
	if err := a.decodePrinter(); err != nil {
		return err
	}
	kit, found := providers.Find(kits, cfg.Provider)
	if !found {
		return fmt.Errorf("%s: provider: %q is not a provider cryptopos knows; use one of %s", path, cfg.Provider, kitKeys())
	}
	a.kit = kit
	return nil
}

// decodePrinter reads [printer]; every command does, so that its keys are
// never reported as unknown.
func (a *app) decodePrinter() error {
	if err := a.cfg.Section("printer", &a.printer); err != nil {
		return err
	}
	if err := a.printer.Validate(); err != nil {
		return fmt.Errorf("%s: %w", a.cfg.Path, err)
	}
	return nil
}

// env is what provider key's kit gets: its config section, secrets from the
// environment, the shop, the log, and the embedded relay.
func (a *app) env(key string) providers.Env {
	env := providers.Env{
		Getenv: os.Getenv, Log: a.log, Clock: pos.SystemClock{}, Relay: a.relay,
		Shop: providers.Shop{Name: a.file.Shop.Name, Currency: a.file.Shop.Currency, TerminalID: a.file.Shop.TerminalID},
	}
	if a.cfg != nil {
		cfg := a.cfg
		env.Section = func(v any) error { return cfg.Section(key, v) }
	}
	return env
}

// demoFile is the configuration of the demo shop.
func demoFile(provider string) config.File {
	var f config.File
	f.Provider = provider
	f.Shop.Name = "Demo Café"
	f.Shop.Currency = "EUR"
	f.Shop.TerminalID = "demo"
	if err := f.Check(); err != nil {
		panic("demo config: " + err.Error())
	}
	f.Shop.MaxAmount.Decimal = decimal.RequireFromString("1000")
	return f
}

// openJournalAndLog opens the journal and the log file beside it. The demo
// uses a fresh temporary directory: its sales are make-believe and its
// sandbox forgets them when it stops.
func (a *app) openJournalAndLog() error {
	journalPath, logPath := a.file.Journal.Path, a.file.Log.Path
	if a.demo {
		dir, err := os.MkdirTemp("", "cryptopos-demo-")
		if err != nil {
			return fmt.Errorf("cannot make a directory for the demo: %w", err)
		}
		a.cleanup = append(a.cleanup, func() { os.RemoveAll(dir) })
		journalPath = filepath.Join(dir, "journal.db")
		if logPath == "" {
			logPath = filepath.Join(dir, "cryptopos.log")
		}
	}
	if journalPath == "" {
		p, err := journal.DefaultPath()
		if err != nil {
			return fmt.Errorf("cannot find a place for the journal; set [journal] path: %w", err)
		}
		journalPath = p
	}
	a.file.Journal.Path = journalPath
	if logPath == "" {
		logPath = filepath.Join(filepath.Dir(journalPath), "cryptopos.log")
	}
	if err := a.openLog(logPath); err != nil {
		return err
	}
	j, err := journal.Open(journalPath)
	if err != nil {
		return fmt.Errorf("cannot open the journal at %s: %w", journalPath, err)
	}
	a.journal = j
	a.cleanup = append(a.cleanup, func() { j.Close() })
	return nil
}

func (a *app) openLog(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cannot create the log directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open the log file: %w", err)
	}
	a.cleanup = append(a.cleanup, func() { f.Close() })
	a.log = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: logLevel(a.file.Log.Level)}))
	return nil
}

func logLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// startRelay runs a relay inside the terminal, for a single laptop: the
// provider's callbacks arrive here and the engine checks the invoice at
// once. The demo's relay listens on a free loopback port with a throwaway
// token.
func (a *app) startRelay() error {
	listen, token := a.file.Relay.Listen, a.file.Relay.Token
	storePath := a.file.Relay.Store
	if a.demo {
		listen, token = "127.0.0.1:0", randomToken()
	}
	if storePath == "" {
		storePath = filepath.Join(filepath.Dir(a.file.Journal.Path), "relay.db")
	}
	srv, err := a.serveRelay(listen, token, storePath, func(_, id string, _ relay.Record) {
		if e := a.engine.Load(); e != nil {
			e.CheckNow(id)
		}
	})
	if err != nil {
		return err
	}
	if !a.demo {
		if err := a.addReceivers(srv); err != nil {
			return err
		}
	}
	return nil
}

// serveRelay opens the relay's store and serves it on listen until the app
// closes.
func (a *app) serveRelay(listen, token, storePath string, onUpdate func(string, string, relay.Record)) (*relay.Server, error) {
	// Checked before the store is opened, so a bad token leaves no file.
	if err := relay.CheckToken(token); err != nil {
		return nil, fmt.Errorf("relay.token: %w", err)
	}
	store, err := relay.OpenStore(storePath)
	if err != nil {
		return nil, fmt.Errorf("cannot open the relay's store at %s: %w", storePath, err)
	}
	a.cleanup = append(a.cleanup, func() { store.Close() })
	srv, err := relay.New(relay.Options{Store: store, Token: token, Log: a.log, OnUpdate: onUpdate})
	if err != nil {
		return nil, fmt.Errorf("relay: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	url, wait, err := relay.Serve(ctx, listen, srv, a.log)
	if err != nil {
		stop()
		return nil, err
	}
	a.cleanup = append(a.cleanup, func() { stop(); _ = wait() })
	a.relay = &providers.EmbeddedRelay{URL: url, Token: token, Add: srv.Add}
	a.log.Info("relay serving", "url", url)
	return srv, nil
}

// addReceivers registers the receivers of every provider with a section
// in the config file.
func (a *app) addReceivers(srv *relay.Server) error {
	for _, k := range kits {
		if k.Receiver == nil || !a.cfg.HasSection(k.Key) {
			continue
		}
		r, err := k.Receiver(a.env(k.Key))
		if err != nil {
			return err
		}
		srv.Add(r)
	}
	return nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
