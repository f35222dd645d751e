package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

// asking is a provider that needs the customer for a pre-selected coin and
// offers an e-mail field always, like Cryptoprocessing.
type asking struct{ *postest.Provider }

func (a asking) CustomerNeeds(o pos.PayOption) pos.CustomerNeeds {
	return pos.CustomerNeeds{Identity: !o.CustomerChooses(), Email: true}
}

func newAskingHarness(t *testing.T) *harness {
	clock := postest.NewClock(t0)
	p := postest.NewProvider(clock, 15*time.Minute)
	h := &harness{t: t, clock: clock, provider: p, journal: postest.NewJournal(), msgs: make(chan tea.Msg, 256)}
	h.engine = pos.NewEngine(asking{p}, h.journal, clock, pos.EngineConfig{Random: &postest.Random{}}, nil)
	eur, _ := pos.LookupCurrency("EUR")
	h.m = New(Options{Engine: h.engine, Clock: clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount: decimal.RequireFromString("5000"), Location: time.UTC,
		PayOptions: []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}}})
	t.Cleanup(func() { h.m.Close(); h.engine.Close() })
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())
	return h
}

func TestPreselectedCoinAsksWhoPays(t *testing.T) {
	h := newAskingHarness(t)
	h.typeText("12.50")
	h.press("enter")
	h.waitText("How will the customer pay?")
	if !strings.Contains(h.screen(), "e customer e-mail") {
		t.Fatal("the e-mail key is not in the help bar")
	}
	h.press("2")
	h.waitText("needs to know who pays")
	h.golden("customer-person")

	h.typeText("Ada")
	h.press("tab")
	h.typeText("Lovelace")
	h.press("tab")
	h.typeText("1815-13-10")
	h.press("enter")
	h.waitText("Write the date of birth as YYYY-MM-DD")
	for range "1815-13-10" {
		h.press("backspace")
	}
	h.typeText("1990-12-10")
	h.press("tab")
	h.typeText("ada@example")
	h.press("enter")
	h.waitText("The e-mail address is not valid")
	h.typeText(".com")
	h.press("enter")
	h.waitFor("the invoice", func(string) bool { return h.m.screen == screenInvoice && h.m.invoice.snap.Invoice.Created() })

	created := h.provider.Created()
	cu := created[len(created)-1].Customer
	if cu == nil || cu.Kind != pos.CustomerNatural || cu.FirstName != "Ada" || cu.LastName != "Lovelace" ||
		cu.DateOfBirth != "1990-12-10" || cu.Email != "ada@example.com" {
		t.Fatalf("provider got customer %+v", cu)
	}
	if h.m.customer.fields != nil {
		t.Fatal("the form kept the customer's data after the sale started")
	}
}

func TestCompanyCustomer(t *testing.T) {
	h := newAskingHarness(t)
	h.typeText("99")
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.press("3")
	h.waitText("needs to know who pays")
	h.press("right")
	h.waitText("Company name")
	h.typeText("Acme GmbH")
	h.press("tab")
	h.typeText("Germany")
	if !strings.Contains(h.screen(), "Ger") || strings.Contains(h.screen(), "Germ") {
		t.Fatal("country should stop at three characters")
	}
	h.press("enter")
	h.waitText("GER is not a country code")
	for range "Ger" {
		h.press("backspace")
	}
	h.typeText("DEU")
	h.press("enter")
	h.waitFor("the invoice", func(string) bool { return h.m.screen == screenInvoice && h.m.invoice.snap.Invoice.Created() })
	created := h.provider.Created()
	if cu := created[len(created)-1].Customer; cu == nil || cu.Kind != pos.CustomerLegal || cu.LegalName != "Acme GmbH" || cu.Country != "DEU" {
		t.Fatalf("provider got %+v", cu)
	}
}

func TestEmailOnlyForCustomerChooses(t *testing.T) {
	h := newAskingHarness(t)
	h.typeText("5")
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.press("1") // customer chooses: no form
	h.waitFor("the invoice", func(string) bool { return h.m.screen == screenInvoice })
	h.press("c", "y")
	h.waitText("CANCELLED")
	h.press("enter")
	h.waitText("Amount (EUR)")

	h.typeText("5")
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.press("e")
	h.waitText("send refund instructions")
	if strings.Contains(h.screen(), "First name") {
		t.Fatal("identity asked for an invoice that does not need it")
	}
	h.press("esc")
	h.waitText("How will the customer pay?")
	h.press("e")
	h.waitText("send refund instructions")
	h.typeText("bob@example.org")
	h.press("enter")
	h.waitFor("the invoice", func(string) bool { return h.m.screen == screenInvoice && h.m.invoice.snap.Invoice.Created() })
	created := h.provider.Created()
	if cu := created[len(created)-1].Customer; cu == nil || cu.Email != "bob@example.org" || cu.Identified() {
		t.Fatalf("provider got %+v", cu)
	}
}

func TestInvoiceScreenFollowsAReplacedInvoice(t *testing.T) {
	clock := postest.NewClock(t0)
	p := postest.NewProvider(clock, 15*time.Minute)
	h := &harness{t: t, clock: clock, provider: p, journal: postest.NewJournal(), msgs: make(chan tea.Msg, 256)}
	h.engine = pos.NewEngine(postest.Cancelling{Provider: p}, h.journal, clock, pos.EngineConfig{Random: &postest.Random{}}, nil)
	eur, _ := pos.LookupCurrency("EUR")
	h.m = New(Options{Engine: h.engine, Clock: clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount: decimal.RequireFromString("5000"), Location: time.UTC, PayOptions: []pos.PayOption{{Code: "BTC"}}})
	t.Cleanup(func() { h.m.Close(); h.engine.Close() })
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())

	p.Fail(postest.MethodCreate, postest.ErrLostReply,
		&pos.ProviderError{Kind: pos.ErrKindDuplicate, Message: "FakePay says the order id is taken."})
	h.typeText("12.50")
	h.press("enter")
	h.waitText("How will the customer pay?")
	h.press("2")
	h.waitText("Retrying in 6s")
	first := h.m.invoice.snap.Invoice.OrderID
	h.advance(6 * time.Second)
	h.waitText("Scan to pay")
	now := h.m.invoice.snap.Invoice
	if now.OrderID == first || now.Replaces != first {
		t.Fatalf("on screen: %s replacing %q, first was %s", now.OrderID, now.Replaces, first)
	}
	if !strings.Contains(h.screen(), "order "+now.OrderID) {
		t.Fatal("the footer shows the old order id")
	}
}
