package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/shopspring/decimal"

	"cryptopos/config"
	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/providers"
	"cryptopos/ui"
)

type terminalArgs struct {
	configPath string
	demo       demoFlag
}

// setup is everything the terminal runs on, ready to use.
type setup struct {
	file    config.File
	demo    bool
	opened  providers.Opened
	journal *journal.Journal
	log     *slog.Logger
	cleanup []func()
}

func (s *setup) close() {
	for i := len(s.cleanup) - 1; i >= 0; i-- {
		s.cleanup[i]()
	}
	s.cleanup = nil
}

// runTerminal starts the cashier's terminal and returns when the cashier quits.
func runTerminal(args terminalArgs, stderr io.Writer) error {
	s, err := prepare(args)
	if err != nil {
		return err
	}
	defer s.close()

	cur, _ := pos.LookupCurrency(s.file.Shop.Currency)
	engine := pos.NewEngine(s.opened.Provider, s.journal, pos.SystemClock{}, pos.EngineConfig{
		PollInterval:       s.file.Poll.Interval,
		BackgroundInterval: s.file.Poll.Background,
		TerminalID:         s.file.Shop.TerminalID,
	}, s.log)
	defer engine.Close()

	model := ui.New(ui.Options{
		Engine: engine, Clock: pos.SystemClock{},
		ShopName: s.file.Shop.Name, Currency: cur, MaxAmount: s.file.Shop.MaxAmount.Decimal,
		PayOptions: s.opened.PayOptions, Simulator: s.opened.Simulator, Demo: s.demo,
		Console: os.Getenv("TERM") == "linux", NoColor: os.Getenv("NO_COLOR") != "",
		CheckPayOptions: true,
	})
	defer model.Close()
	s.log.Info("terminal started", "provider", s.opened.Provider.Key(), "demo", s.demo, "journal", s.journal.Path())
	if _, err := tea.NewProgram(model).Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return fmt.Errorf("the terminal stopped: %w", err)
	}
	s.log.Info("terminal stopped")
	return nil
}

// prepare reads the configuration (or picks the demo), opens the log, the
// journal and the provider.
func prepare(args terminalArgs) (*setup, error) {
	s := &setup{}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()

	path := args.configPath
	if path == "" && !args.demo.set {
		path = config.Find(os.Getenv)
	}
	var cfg *config.Config
	var kit providers.Kit
	if args.demo.set || path == "" {
		s.demo = true
		key := args.demo.provider
		if key == "" {
			key = kits[0].Key
		}
		kit, _ = providers.Find(kits, key)
		s.file = demoFile(kit.Key)
	} else {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return nil, err
		}
		s.file = cfg.File
		var found bool
		if kit, found = providers.Find(kits, cfg.Provider); !found {
			return nil, fmt.Errorf("%s: provider: %q is not a provider cryptopos knows; use one of %s", path, cfg.Provider, kitKeys())
		}
	}

	if err := s.openJournalAndLog(); err != nil {
		return nil, err
	}
	env := providers.Env{
		Getenv: os.Getenv, Log: s.log, Clock: pos.SystemClock{},
		Shop: providers.Shop{Name: s.file.Shop.Name, Currency: s.file.Shop.Currency, TerminalID: s.file.Shop.TerminalID},
	}
	var err error
	if s.demo {
		s.opened, err = kit.Demo(env)
	} else {
		env.Section = func(v any) error { return cfg.Section(kit.Key, v) }
		s.opened, err = kit.Open(env)
		if err == nil {
			err = cfg.Unknown()
		}
	}
	if err != nil {
		return nil, err
	}
	if s.opened.Close != nil {
		s.cleanup = append(s.cleanup, s.opened.Close)
	}
	ok = true
	return s, nil
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
func (s *setup) openJournalAndLog() error {
	journalPath, logPath := s.file.Journal.Path, s.file.Log.Path
	if s.demo {
		dir, err := os.MkdirTemp("", "cryptopos-demo-")
		if err != nil {
			return fmt.Errorf("cannot make a directory for the demo: %w", err)
		}
		s.cleanup = append(s.cleanup, func() { os.RemoveAll(dir) })
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
	if logPath == "" {
		logPath = filepath.Join(filepath.Dir(journalPath), "cryptopos.log")
	}
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		return fmt.Errorf("cannot create the log directory: %w", err)
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open the log file: %w", err)
	}
	s.cleanup = append(s.cleanup, func() { logFile.Close() })
	s.log = slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: logLevel(s.file.Log.Level)}))

	j, err := journal.Open(journalPath)
	if err != nil {
		return fmt.Errorf("cannot open the journal at %s: %w", journalPath, err)
	}
	s.journal = j
	s.cleanup = append(s.cleanup, func() { j.Close() })
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
