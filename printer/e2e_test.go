package printer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
	"cryptopos/printer"
	"cryptopos/printer/escposdecode"
	"cryptopos/providers"
	"cryptopos/providers/cryptomus"
)

// A paid demo sale prints its receipt to a file printer, as the terminal
// will wire it: the Cryptomus sandbox, the checkout engine, the demo
// customer paying, the receipt submitted on PAID, the result journalled.
func TestDemoSalePrintsReceipt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	shop := providers.Shop{Name: "Demo Café", Currency: "EUR", TerminalID: "demo"}
	opened, err := cryptomus.Kit.Demo(providers.Env{Shop: shop, Clock: pos.SystemClock{}})
	if err != nil {
		t.Fatal(err)
	}
	defer opened.Close()
	journal := postest.NewJournal()
	engine := pos.NewEngine(opened.Provider, journal, pos.SystemClock{},
		pos.EngineConfig{TerminalID: shop.TerminalID, PollInterval: 20 * time.Millisecond}, nil)
	defer engine.Close()
	sub := engine.Subscribe()
	defer sub.Close()

	path := filepath.Join(t.TempDir(), "receipts.bin")
	cfg := printer.Config{Device: "file:" + path, Paper: "58mm", AutoPrint: true,
		Header: []string{"Demo Street 1"}, Footer: []string{"Thank you!"}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := cfg.Open()
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan printer.Result, 4)
	qo := cfg.QueueOptions()
	qo.OnResult = func(r printer.Result) { results <- r }
	queue := printer.NewQueue(p, qo)
	defer queue.Close()

	sale, err := engine.StartSale(ctx, pos.Sale{Amount: pos.NewMoney(decimal.RequireFromString("12.50"), "EUR"),
		Pay: pos.PayOption{Code: "BTC"}})
	if err != nil {
		t.Fatal(err)
	}
	var pay pos.SimAction
	for _, a := range opened.Simulator.Actions() {
		if a.Name == "pay" {
			pay = a
		}
	}
	paying := false
	var paid pos.Invoice
	for paid.OrderID == "" {
		snap, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("no PAID: %v", err)
		}
		inv := snap.Invoice
		switch {
		case inv.OrderID != sale.OrderID:
		case inv.Status == pos.StatusPaid:
			paid = inv
		case inv.Created() && !paying:
			paying = true
			if err := opened.Simulator.Simulate(ctx, inv, pay); err != nil {
				t.Fatal(err)
			}
		}
	}

	// The engine hook on PAID, with auto_print on.
	data, err := printer.Receipt(printer.ReceiptData{Invoice: paid, ProviderName: opened.Provider.Name()},
		cfg.Shop(shop.Name), cfg.Format(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	queue.Submit(printer.Job{Kind: printer.KindReceipt, OrderID: paid.OrderID, Data: data})
	var r printer.Result
	select {
	case r = <-results:
	case <-ctx.Done():
		t.Fatal("the receipt never printed")
	}
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	// The journal records what was printed and when.
	paid.UpdatedAt = r.At
	if err := journal.Update(ctx, paid, r.Note()); err != nil {
		t.Fatal(err)
	}
	events, _ := journal.Events(ctx, paid.OrderID)
	if last := events[len(events)-1].Note; !strings.HasPrefix(last, "receipt printed on the file "+path+" at ") {
		t.Errorf("journal note %q", last)
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := escposdecode.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	texts := strings.Join(doc.Texts(), "\n")
	for _, want := range []string{"Demo Café", "Demo Street 1", "PAID", "Thank you!"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, doc.Render(32))
		}
	}
	for label, want := range map[string]string{
		"Order": paid.OrderID, "Amount": "12.50 EUR", "Crypto paid": paid.PayAmount.String(),
		"Provider": "Cryptomus", "Invoice": paid.ProviderID,
	} {
		if got, ok := doc.Value(label); !ok || got != want {
			t.Errorf("%s: %q, want %q\n%s", label, got, want, doc.Render(32))
		}
	}
	if rate, ok := doc.Value("Rate"); !ok || !strings.HasPrefix(rate, "1 BTC = ") || !strings.HasSuffix(rate, " EUR") {
		t.Errorf("rate %q", rate)
	}
	if qrs := doc.QRs(); len(qrs) != 1 || string(qrs[0].Data) != paid.URL || paid.URL == "" {
		t.Errorf("QR codes %+v, want the invoice page %s", qrs, paid.URL)
	}
}
