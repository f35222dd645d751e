// Command cryptopos is a point-of-sale terminal for crypto payments: the
// cashier types an amount, the customer scans a QR code of the provider's
// invoice, and the terminal follows the payment to its outcome.
//
// This file is the composition root: flags, configuration and wiring.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"cryptopos/providers"
	"cryptopos/providers/cryptomus"
	"cryptopos/providers/cryptoprocessing"
)

// kits are the payment providers cryptopos knows; a new provider is one
// more line here.
var kits = []providers.Kit{
	cryptomus.Kit,
	cryptoprocessing.Kit,
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `cryptopos: a point-of-sale terminal for crypto payments

Usage:
  cryptopos [--config PATH] [--demo[=PROVIDER]]   run the terminal
  cryptopos report [--date D | --from D --to D] [--csv|--json]   the end-of-day report
  cryptopos invoice create|watch|list ...          sales from scripts (see cryptopos invoice)
  cryptopos relay --config PATH                   run the callback relay on its own
  cryptopos pin [--config PATH]                   set the manager PIN of a kiosk
  cryptopos sandbox PROVIDER [--listen ADDR]      run a provider's local sandbox
  cryptopos --version | --help

With no config file (none given, none at $CRYPTOPOS_CONFIG, ~/.config/cryptopos/config.toml
or /etc/cryptopos/config.toml) the terminal starts in demo mode: a local sandbox of the
provider runs on 127.0.0.1 and nothing reaches a real provider.

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main with its outputs and exit code made testable.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return runSandbox(args[1:], stdout, stderr)
		case "relay":
			return runRelay(args[1:], stdout, stderr)
		case "report", "invoice":
			return runCLI(args[0], args[1:], stdout, stderr)
		case "pin":
			return runPIN(args[1:], os.Stdin, stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("cryptopos", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "read the configuration from `PATH`")
	var demo demoFlag
	fs.Var(&demo, "demo", "run the demo against a local sandbox (optionally `PROVIDER`: "+kitKeys()+")")
	showVersion := fs.Bool("version", false, "print the version and exit")
	kioskMode := fs.Bool("kiosk", false, "lock the terminal: leaving, the history and the report need the manager PIN")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		if cmd := fs.Arg(0); cmd == "report" || cmd == "invoice" {
			return runCLI(cmd, append([]string{"--config", *configPath}, fs.Args()[1:]...), stdout, stderr)
		}
		fmt.Fprintf(stderr, "cryptopos: unexpected argument %q (see cryptopos --help)\n", fs.Arg(0))
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "cryptopos", version)
		return 0
	}
	if err := runTerminal(appArgs{configPath: *configPath, demo: demo, kiosk: *kioskMode}); err != nil {
		fmt.Fprintln(stderr, "cryptopos:", err)
		return 1
	}
	return 0
}

// demoFlag is --demo or --demo=PROVIDER.
type demoFlag struct {
	set      bool
	provider string
}

func (d *demoFlag) String() string { return d.provider }

// IsBoolFlag lets --demo stand alone.
func (d *demoFlag) IsBoolFlag() bool { return true }

func (d *demoFlag) Set(s string) error {
	d.set = true
	switch s {
	case "true", "":
		d.provider = ""
	case "false":
		d.set = false
	default:
		if _, ok := providers.Find(kits, s); !ok {
			return fmt.Errorf("no provider %q; choose one of %s", s, kitKeys())
		}
		d.provider = s
	}
	return nil
}

func kitKeys() string {
	keys := make([]string, len(kits))
	for i, k := range kits {
		keys[i] = k.Key
	}
	return strings.Join(keys, ", ")
}

// untilSignal returns a channel closed at SIGINT or SIGTERM.
func untilSignal() <-chan struct{} {
	stop := make(chan struct{})
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() { <-signals; close(stop) }()
	return stop
}

// runSandbox runs a provider's sandbox until interrupted.
func runSandbox(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "usage: cryptopos sandbox PROVIDER [flags]; PROVIDER is one of %s\n", kitKeys())
		return 2
	}
	kit, ok := providers.Find(kits, args[0])
	if !ok || kit.Sandbox == nil {
		fmt.Fprintf(stderr, "cryptopos: no sandbox for %q; choose one of %s\n", args[0], kitKeys())
		return 2
	}
	if err := kit.Sandbox(args[1:], stdout, untilSignal()); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "cryptopos sandbox:", err)
		return 1
	}
	return 0
}
