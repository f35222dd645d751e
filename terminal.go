package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"cryptopos/config"
	"cryptopos/kiosk"
	"cryptopos/pos"
	"cryptopos/ui"
)

// quitOnSignals ends the program cleanly on SIGTERM (systemd stopping a
// kiosk), SIGHUP (the window closed, an ssh session dropped) and, but in
// kiosk mode, SIGINT, so the journal closes and the demo's files are
// removed.
func quitOnSignals(p *tea.Program, kiosk bool) (stop func()) {
	sigs, done := make(chan os.Signal, 1), make(chan struct{})
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, os.Interrupt)
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == os.Interrupt && kiosk {
					continue
				}
				p.Quit()
				return
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(sigs); close(done) }
}

// discoverEvery has the engine pick up, every interval, sales another
// process (`cryptopos invoice create`) started on the same journal. It
// returns a function that stops it.
func discoverEvery(e *pos.Engine, interval time.Duration, log *slog.Logger) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				if err := e.Discover(context.Background()); err != nil {
					log.Warn("could not look for sales of other processes", "err", err)
				}
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}

// runTerminal starts the cashier's terminal and returns when the cashier quits.
func runTerminal(args appArgs) error {
	a, err := openApp(args)
	if err != nil {
		return err
	}
	defer a.close()

	cur, _ := pos.LookupCurrency(a.file.Shop.Currency)
	engine := a.newEngine()
	defer engine.Close()
	defer discoverEvery(engine, time.Minute, a.log)()
	prints, err := startPrinting(a.printer, a.file.Shop.Name, time.Local, engine, a.log)
	if err != nil {
		return fmt.Errorf("printer.device: %w", err)
	}
	var printing ui.Printing
	if prints != nil {
		defer prints.close()
		printing = prints
	}

	notice := ""
	if a.cfg != nil {
		if notice = config.Exposed(a.cfg.Path); notice != "" {
			a.log.Warn("config file readable by all users", "path", a.cfg.Path)
		}
	}
	theme := a.file.UI.Theme
	k := a.file.Kiosk
	model := ui.New(ui.Options{
		Engine: engine, Clock: pos.SystemClock{},
		ShopName: a.file.Shop.Name, Currency: cur, MaxAmount: a.file.Shop.MaxAmount.Decimal,
		PayOptions: a.opened.PayOptions, Simulator: a.opened.Simulator, Demo: a.demo,
		Console:         os.Getenv("TERM") == "linux" || strings.HasPrefix(theme, "console"),
		HighContrast:    strings.HasSuffix(theme, "high-contrast"),
		NoColor:         os.Getenv("NO_COLOR") != "",
		CheckPayOptions: true,
		Notice:          notice,
		Kiosk:           k.Enabled,
		CheckPIN:        func(pin string) bool { return kiosk.Matches(k.PINHash, pin) },
		ReturnAfter:     *k.ReturnAfter,
		PaidBells:       *a.file.Sound.PaidBells, FailedBells: *a.file.Sound.FailedBells,
		OnOutcome: soundHook(a.file.Sound, a.log),
		Printer:   printing,
	})
	defer model.Close()
	a.log.Info("terminal started", "provider", a.opened.Provider.Key(), "demo", a.demo, "journal", a.journal.Path())
	// The terminal's own signal handling: a kiosk ignores SIGINT. 120 frames
	// a second (Bubble Tea's most) caps only bursts: the patched renderer
	// sleeps between changes, and a frame drawn just before (the "creating
	// invoice" one) delays the QR code by at most 8 ms instead of 17.
	prog := tea.NewProgram(model, tea.WithoutSignalHandler(), tea.WithFPS(120))
	defer quitOnSignals(prog, k.Enabled)()
	if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return fmt.Errorf("the terminal stopped: %w", err)
	}
	a.log.Info("terminal stopped")
	return nil
}
