package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"cryptopos/cli"
	"cryptopos/pos"
	"cryptopos/providers"
	"cryptopos/relay"
)

// runCLI is `cryptopos report …` and `cryptopos invoice …`: the back
// office and scripts, on the terminal's journal and provider.
func runCLI(command string, args []string, stdout, stderr io.Writer) int {
	configPath, args, err := takeConfigFlag(args)
	if err != nil {
		fmt.Fprintln(stderr, "cryptopos:", err)
		return cli.ExitUsage
	}
	if wantsHelp(command, args) {
		// Usage needs no config: the commands print it before any work.
		if command == "report" {
			return cli.Report(args, cli.Deps{}, stdout, stderr)
		}
		return cli.Invoice(args, cli.Deps{}, stdout, stderr)
	}
	if configPath == "" {
		configPath = findConfig()
	}
	if configPath == "" {
		fmt.Fprintf(stderr, "cryptopos %s: no config file: give --config PATH (the demo keeps no records)\n", command)
		return cli.ExitTrouble
	}
	a := &app{}
	defer a.close()
	if err := a.loadConfig(appArgs{configPath: configPath}); err != nil {
		fmt.Fprintln(stderr, "cryptopos:", err)
		return cli.ExitTrouble
	}
	if err := a.openJournalAndLog(); err != nil {
		fmt.Fprintln(stderr, "cryptopos:", err)
		return cli.ExitTrouble
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cur, _ := pos.LookupCurrency(a.file.Shop.Currency)
	deps := cli.Deps{
		Journal: a.journal, ShopCurrency: cur, MaxAmount: a.file.Shop.MaxAmount.Decimal,
		Location: time.Local, Clock: pos.SystemClock{}, Context: ctx,
	}
	if command == "report" {
		return cli.Report(args, deps, stdout, stderr)
	}
	if err := a.openProvider(); err != nil {
		fmt.Fprintln(stderr, "cryptopos:", err)
		return cli.ExitTrouble
	}
	deps.PayOptions = a.opened.PayOptions
	deps.Engine = func() (*pos.Engine, func(), error) {
		e := a.newEngine()
		return e, e.Close, nil
	}
	return cli.Invoice(args, deps, stdout, stderr)
}

// wantsHelp reports whether args ask only for the command's usage.
func wantsHelp(command string, args []string) bool {
	if command == "invoice" && len(args) == 0 {
		return true
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

// openProvider opens the configured provider for a command. A relay the
// terminal embeds is not started again: the command reads it where the
// terminal serves it.
func (a *app) openProvider() error {
	if l := a.file.Relay.Listen; l != "" {
		a.relay = &providers.EmbeddedRelay{URL: "http://" + relay.DialAddr(l), Token: a.file.Relay.Token}
	}
	opened, err := a.kit.Open(a.env(a.kit.Key))
	if err != nil {
		return err
	}
	a.opened = opened
	if opened.Close != nil {
		a.cleanup = append(a.cleanup, opened.Close)
	}
	if a.file.Relay.Listen != "" {
		// The terminal's relay reads the other providers' sections; the
		// commands accept the same file.
		for _, k := range kits {
			if k.Receiver != nil && k.Key != a.kit.Key && a.cfg.HasSection(k.Key) {
				if _, err := k.Receiver(a.env(k.Key)); err != nil {
					return err
				}
			}
		}
	}
	return a.cfg.Unknown()
}

// takeConfigFlag removes --config PATH (or --config=PATH) from args.
func takeConfigFlag(args []string) (path string, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--config" || a == "-config":
			if i+1 >= len(args) {
				return "", nil, fmt.Errorf("--config needs a path")
			}
			path = args[i+1]
			i++
		case strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config="):
			path = a[strings.Index(a, "=")+1:]
		default:
			rest = append(rest, a)
		}
	}
	return path, rest, nil
}
