package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cryptopos/config"
	"cryptopos/journal"
)

// runRelay is `cryptopos relay --config PATH`: the callback relay on its
// own, behind an HTTPS reverse proxy, for terminals on other machines.
func runRelay(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cryptopos relay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "read [relay] and the providers' keys from `PATH` (required)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *configPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: cryptopos relay --config PATH")
		return 2
	}
	a, err := openRelay(*configPath)
	if err != nil {
		fmt.Fprintln(stderr, "cryptopos relay:", err)
		return 1
	}
	defer a.close()
	public := strings.TrimRight(a.file.Relay.PublicURL, "/")
	if public == "" {
		public = a.relay.URL
	}
	if warning := config.Exposed(*configPath); warning != "" {
		fmt.Fprintln(stderr, "cryptopos relay: warning:", warning)
		a.log.Warn("config file readable by all users", "path", *configPath)
	}
	fmt.Fprintf(stdout, "cryptopos relay listening on %s\n", a.relay.URL)
	for _, k := range kits {
		if k.Receiver != nil && a.cfg.HasSection(k.Key) {
			fmt.Fprintf(stdout, "  %s callbacks: %s/callbacks/%s\n", k.Name, public, k.Key)
		}
	}
	fmt.Fprintf(stdout, "  terminals read: %s/v1/invoices/ORDER_ID with the relay token\nStop with Ctrl-C.\n", public)
	<-untilSignal()
	fmt.Fprintln(stdout, "cryptopos relay stopped.")
	return 0
}

// openRelay reads the config and serves the relay with the receivers of
// every provider that has a section.
func openRelay(path string) (*app, error) {
	cfg, err := config.LoadRelay(path, os.Getenv)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, file: cfg.File}
	ok := false
	defer func() {
		if !ok {
			a.close()
		}
	}()
	if err := a.decodePrinter(); err != nil { // the terminal's file may serve both
		return nil, err
	}
	dir := filepath.Dir(cfg.Journal.Path)
	if cfg.Journal.Path == "" {
		p, err := journal.DefaultPath()
		if err != nil {
			return nil, fmt.Errorf("cannot find a data directory; set [relay] store: %w", err)
		}
		dir = filepath.Dir(p)
	}
	logPath, storePath := cfg.Log.Path, cfg.Relay.Store
	if logPath == "" {
		logPath = filepath.Join(dir, "relay.log")
	}
	if storePath == "" {
		storePath = filepath.Join(dir, "relay.db")
	}
	if err := a.openLog(logPath); err != nil {
		return nil, err
	}
	srv, err := a.serveRelay(cfg.Relay.Listen, cfg.Relay.Token, storePath, nil)
	if err != nil {
		return nil, err
	}
	if err := a.addReceivers(srv); err != nil {
		return nil, err
	}
	if err := cfg.Unknown(); err != nil {
		return nil, err
	}
	if !a.hasReceivers() {
		return nil, fmt.Errorf("%s: no provider section whose callbacks the relay can check: add [cryptoprocessing] (api_key, secret_key) or [cryptomus] (payment_key)", path)
	}
	ok = true
	return a, nil
}

func (a *app) hasReceivers() bool {
	for _, k := range kits {
		if k.Receiver != nil && a.cfg.HasSection(k.Key) {
			return true
		}
	}
	return false
}
