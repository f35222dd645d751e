package main

import (
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"

	"cryptopos/pos"
	"cryptopos/ui"
)

// runTerminal starts the cashier's terminal and returns when the cashier quits.
func runTerminal(args appArgs) error {
	a, err := openApp(args)
	if err != nil {
		return err
	}
	defer a.close()

	cur, _ := pos.LookupCurrency(a.file.Shop.Currency)
	engine := pos.NewEngine(a.opened.Provider, a.journal, pos.SystemClock{}, pos.EngineConfig{
		PollInterval:       a.file.Poll.Interval,
		BackgroundInterval: a.file.Poll.Background,
		TerminalID:         a.file.Shop.TerminalID,
	}, a.log)
	defer engine.Close()
	a.engine.Store(engine)

	model := ui.New(ui.Options{
		Engine: engine, Clock: pos.SystemClock{},
		ShopName: a.file.Shop.Name, Currency: cur, MaxAmount: a.file.Shop.MaxAmount.Decimal,
		PayOptions: a.opened.PayOptions, Simulator: a.opened.Simulator, Demo: a.demo,
		Console: os.Getenv("TERM") == "linux", NoColor: os.Getenv("NO_COLOR") != "",
		CheckPayOptions: true,
	})
	defer model.Close()
	a.log.Info("terminal started", "provider", a.opened.Provider.Key(), "demo", a.demo, "journal", a.journal.Path())
	if _, err := tea.NewProgram(model).Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return fmt.Errorf("the terminal stopped: %w", err)
	}
	a.log.Info("terminal stopped")
	return nil
}
