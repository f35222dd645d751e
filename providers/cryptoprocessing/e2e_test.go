package cryptoprocessing

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
	"cryptopos/pos/postest"
	"cryptopos/providers/cryptoprocessing/sandbox"
	"cryptopos/relay"
)

const e2eToken = "relay-token-xyz-0123456789"

// world is a sandbox whose callbacks go to a real relay (store, server and
// this package's Receiver), and a client that creates at the sandbox and
// reads statuses from the relay. Everything runs on one fake clock.
type world struct {
	sb     *sandbox.Sandbox
	client *Client
	clock  *postest.Clock
	relay  *relay.Server
	logs   *logBuffer
}

func newWorld(t *testing.T, change ...func(*Config)) *world {
	t.Helper()
	clock := newFakeClock()
	logs := &logBuffer{}
	store, err := relay.OpenStore(filepath.Join(t.TempDir(), "relay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	rs, err := relay.New(relay.Options{Store: store, Token: e2eToken, Clock: clock, Log: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	rcv, err := NewReceiver(Config{APIKey: testAPIKey, SecretKey: testSecretKey})
	if err != nil {
		t.Fatal(err)
	}
	rs.Add(rcv)
	relaySrv := httptest.NewServer(rs)
	t.Cleanup(relaySrv.Close)

	sb := sandbox.New(sandbox.Options{APIKey: testAPIKey, SecretKey: testSecretKey, Clock: clock,
		CallbackURL: relaySrv.URL + CallbackPath, Logger: logs.Logger()})
	sbSrv := httptest.NewServer(sb)
	t.Cleanup(sbSrv.Close)

	cfg := Config{BaseURL: sbSrv.URL + "/api/v2", APIKey: testAPIKey, SecretKey: testSecretKey,
		RelayURL: relaySrv.URL, RelayToken: e2eToken, PayCurrencies: []string{"BTC", "USDTT", "ETH"}}
	for _, f := range change {
		f(&cfg)
	}
	c, err := New(cfg, Options{Relay: NewRelayClient(cfg.RelayURL, cfg.RelayToken, relaySrv.Client()), RelayURL: relaySrv.URL,
		ShopName: "Corner Café", Logger: logs.Logger(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { secretsAbsent(t, "the logs", logs.String(), e2eToken, "Anna", "1985-04-23") })
	return &world{sb: sb, client: c, clock: clock, relay: rs, logs: logs}
}

// sale creates inv at the sandbox and applies the reply.
func (w *world) sale(t *testing.T, inv *pos.Invoice) {
	t.Helper()
	u, err := w.client.Create(context.Background(), *inv)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	inv.Apply(u)
}

// drive applies actions at the sandbox, delivers the callbacks, and
// returns the status the client reads from the relay, applied to inv.
func (w *world) drive(t *testing.T, inv *pos.Invoice, actions ...sandbox.Action) pos.Update {
	t.Helper()
	for _, a := range actions {
		if err := w.sb.Drive(inv.OrderID, a); err != nil {
			t.Fatalf("Drive %s: %v", a, err)
		}
	}
	w.sb.Tick()
	return w.status(t, inv)
}

func (w *world) status(t *testing.T, inv *pos.Invoice) pos.Update {
	t.Helper()
	u, err := w.client.Status(context.Background(), *inv)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	inv.Apply(u)
	return u
}

func TestEndToEndPaidThroughTheMempool(t *testing.T) {
	w := newWorld(t)
	if err := w.client.CheckPayOptions(context.Background(), []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}}); err != nil {
		t.Fatalf("CheckPayOptions: %v", err)
	}
	inv := testInvoice("25.00", "EUR", pos.PayOption{})
	w.sale(t, &inv)
	if inv.Status != pos.StatusWaiting || inv.URL == "" || !inv.ExpiresAt.Equal(testNow.Add(15*time.Minute)) {
		t.Fatalf("after create: %+v", inv)
	}
	if u := w.status(t, &inv); u.Source != SourceNoCallback || u.Status != pos.StatusUnknown {
		t.Errorf("before any callback: %+v", u)
	}
	w.clock.Advance(time.Minute)
	u := w.drive(t, &inv, sandbox.Mempool)
	if u.Source != "relay" || !u.At.Equal(w.clock.Now()) || inv.Status != pos.StatusConfirming || inv.Network != "btc" ||
		!inv.ExpiresAt.Equal(testNow.Add(24*time.Hour)) || inv.PayAmount.String() != "0.00045 BTC" {
		t.Errorf("in the mempool: update %+v\ninvoice %+v", u, inv)
	}
	w.clock.Advance(20 * time.Minute) // past the 15 minutes: BTC waits 24 h
	w.drive(t, &inv, sandbox.Confirm)
	if inv.Status != pos.StatusPaid || inv.Paid.String() != "0.00045 BTC" || inv.ProviderStatus != "confirmed" {
		t.Errorf("confirmed: %+v", inv)
	}
}

func TestEndToEndPreselectedCoinWithCustomer(t *testing.T) {
	w := newWorld(t)
	inv := testInvoice("27.00", "EUR", pos.PayOption{Code: "USDT", Network: "tron"})
	inv.Customer = &pos.Customer{Kind: pos.CustomerNatural, FirstName: "Anna", LastName: "Muller", DateOfBirth: "1985-04-23"}
	w.sale(t, &inv)
	if inv.PayAmount.String() != "29.16 USDT" || inv.Network != "tron" || !strings.HasPrefix(inv.Address, "T") ||
		inv.PayLine() != "29.16 USDT on Tron" {
		t.Errorf("after create: %+v (%s)", inv, inv.PayLine())
	}
	state, _ := w.sb.Invoice(inv.OrderID)
	if state.SenderType != "natural" || state.EndUserReference != EndUserReference(testSecretKey, "other-sale", inv.Customer) {
		t.Errorf("sandbox state: %+v", state)
	}
	w.drive(t, &inv, sandbox.Pay)
	if inv.Status != pos.StatusPaid {
		t.Errorf("paid: %+v", inv)
	}
}

func TestEndToEndInstalments(t *testing.T) {
	w := newWorld(t, func(c *Config) { c.PartialPayments = true })
	inv := testInvoice("27.00", "EUR", pos.PayOption{})
	w.sale(t, &inv)
	if err := w.sb.DriveCoin(inv.OrderID, sandbox.Choose, "USDTT"); err != nil {
		t.Fatal(err)
	}
	w.drive(t, &inv, sandbox.PayPart)
	rest, _ := inv.Outstanding()
	if inv.Status != pos.StatusPartial || inv.Paid.String() != "14.58 USDT" || rest.String() != "14.58 USDT" {
		t.Errorf("first part: %s paid %s rest %s", inv.Status, inv.Paid, rest)
	}
	w.drive(t, &inv, sandbox.PayPart)
	rest, _ = inv.Outstanding()
	if inv.Status != pos.StatusPartial || rest.String() != "7.29 USDT" {
		t.Errorf("second part: %s rest %s", inv.Status, rest)
	}
	w.drive(t, &inv, sandbox.Pay)
	if inv.Status != pos.StatusPaid || inv.Paid.String() != "29.16 USDT" {
		t.Errorf("paid: %s %s", inv.Status, inv.Paid)
	}
}

func TestEndToEndOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		actions []sandbox.Action
		advance time.Duration
		want    pos.Status
	}{
		{"expired", nil, 15 * time.Minute, pos.StatusExpired},
		{"underpaid", []sandbox.Action{sandbox.Underpay}, 15 * time.Minute, pos.StatusUnderpaid},
		{"ETH stuck in the mempool", []sandbox.Action{sandbox.Mempool}, 15 * time.Minute, pos.StatusFailed},
		{"overpaid", []sandbox.Action{sandbox.Overpay}, 0, pos.StatusOverpaid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			inv := testInvoice("25.00", "EUR", pos.PayOption{})
			w.sale(t, &inv)
			_ = w.sb.DriveCoin(inv.OrderID, sandbox.Choose, "ETH")
			w.drive(t, &inv, tt.actions...)
			w.clock.Advance(tt.advance)
			w.drive(t, &inv)
			if inv.Status != tt.want || inv.Reason == "" && tt.want != pos.StatusOverpaid {
				t.Errorf("status %s (%q), want %s", inv.Status, inv.Reason, tt.want)
			}
		})
	}
}

func TestEndToEndCancelOnTheTerminal(t *testing.T) {
	w := newWorld(t)
	inv := testInvoice("25.00", "EUR", pos.PayOption{})
	w.sale(t, &inv)
	inv.Dismissed = true
	if err := w.client.Cancel(context.Background(), inv); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	w.drive(t, &inv)
	if inv.Status != pos.StatusCancelled || inv.Reason != "Cancelled on the terminal." || inv.ProviderStatus != "failed" {
		t.Errorf("after cancel: %s %q %q", inv.Status, inv.Reason, inv.ProviderStatus)
	}
	err := w.client.Cancel(context.Background(), inv)
	if pos.KindOf(err) != pos.ErrKindRejected || !strings.Contains(err.Error(), "already paid or closed") {
		t.Errorf("second cancel: %v", err)
	}
}

func TestEndToEndLostCreateReply(t *testing.T) {
	w := newWorld(t)
	inv := testInvoice("25.00", "EUR", pos.PayOption{})
	w.sb.InjectFault(sandbox.Fault{Kind: sandbox.FaultResetAfterCreate})
	_, err := w.client.Create(context.Background(), inv)
	if pos.KindOf(err) != pos.ErrKindTransport {
		t.Fatalf("first create: %v, want a transport error", err)
	}
	_, err = w.client.Create(context.Background(), inv)
	if pos.KindOf(err) != pos.ErrKindDuplicate {
		t.Fatalf("retry: %v, want ErrKindDuplicate", err)
	}
	// After a crash, the engine asks about the invoice it never showed.
	u := w.status(t, &inv)
	if u.Status != pos.StatusCancelled || !strings.Contains(u.Reason, "never showed it") {
		t.Errorf("status %+v", u)
	}
	if state, _ := w.sb.Invoice(inv.OrderID); state.Status != "failed" || state.Error != sandbox.CancelledError {
		t.Errorf("sandbox: %s %q", state.Status, state.Error)
	}
	// An order id the sandbox never saw: not found.
	other := testInvoice("5", "EUR", pos.PayOption{})
	other.OrderID = "pos-never-made"
	if _, err := w.client.Status(context.Background(), other); pos.KindOf(err) != pos.ErrKindNotFound {
		t.Errorf("never made: %v", err)
	}
}

func TestEndToEndDisorderlyCallbacks(t *testing.T) {
	w := newWorld(t)
	inv := testInvoice("25.00", "EUR", pos.PayOption{})
	w.sale(t, &inv)
	// processing is held back and arrives after confirmed, which arrives twice.
	w.sb.AddKnob(sandbox.Knob{Kind: sandbox.KnobHold})
	if err := w.sb.Drive(inv.OrderID, sandbox.Mempool); err != nil {
		t.Fatal(err)
	}
	w.sb.Tick()
	if u := w.status(t, &inv); u.Source != SourceNoCallback {
		t.Errorf("the held callback arrived: %+v", u)
	}
	w.sb.AddKnob(sandbox.Knob{Kind: sandbox.KnobDuplicate})
	w.drive(t, &inv, sandbox.Confirm)
	if inv.Status != pos.StatusPaid {
		t.Errorf("status %s after disorderly callbacks", inv.Status)
	}
	var order []string
	w.sb.Tick()
	for _, d := range w.sb.Deliveries() {
		order = append(order, d.Status+":"+d.State)
	}
	if got := strings.Join(order, " "); got != "processing:delivered confirmed:delivered confirmed:delivered" {
		t.Errorf("deliveries %s", got)
	}
	rec, err := w.client.relay.Invoice(context.Background(), inv.OrderID)
	if err != nil || rec.Status != "confirmed" || rec.Callbacks != 3 || rec.Version != 1 {
		t.Errorf("relay record %+v, %v: want confirmed, 3 callbacks, version 1", rec, err)
	}
}

func TestEndToEndRelayTroubles(t *testing.T) {
	w := newWorld(t)
	inv := testInvoice("25.00", "EUR", pos.PayOption{})
	w.sale(t, &inv)
	w.drive(t, &inv, sandbox.Pay)

	with := func(url, token string) *Client {
		c, err := New(w.client.cfg, Options{Relay: NewRelayClient(url, token, nil), RelayURL: url, Clock: w.clock})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	bad := with(w.client.relay.(*relay.Client).BaseURL, "wrong-token-0123456789")
	if _, err := bad.Status(context.Background(), inv); pos.KindOf(err) != pos.ErrKindAuth ||
		err.Error() != "The relay refused the token: check cryptoprocessing.relay_token." {
		t.Errorf("wrong token: %v", err)
	}
	bad = with("http://127.0.0.1:1", e2eToken)
	if _, err := bad.Status(context.Background(), inv); pos.KindOf(err) != pos.ErrKindTransport ||
		!strings.Contains(err.Error(), "Cannot reach the relay at 127.0.0.1:1") {
		t.Errorf("relay down: %v", err)
	}
}
