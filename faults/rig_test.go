package faults

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/pos/postest"
	"cryptopos/providers/cryptomus"
	cmsandbox "cryptopos/providers/cryptomus/sandbox"
	"cryptopos/providers/cryptoprocessing"
	cpsandbox "cryptopos/providers/cryptoprocessing/sandbox"
	"cryptopos/providers/sandboxkit"
	"cryptopos/relay"
)

// t0 is when every test starts, on the fake clock.
var t0 = time.Date(2026, 11, 21, 11, 30, 0, 0, time.UTC)

const (
	relayToken = "faults-relay-token-0123456789"
	// amount is what every sale asks for, typed on the Sale screen.
	amount = "12.50"
	// pollInterval is the engine's default: the invoice on screen is
	// checked this often, and the first retry comes after twice as long.
	pollInterval = 3 * time.Second
	// deadline guards every wait against a hang; nothing waits for it.
	// It is long because a loaded machine's fsyncs can take seconds.
	deadline = 45 * time.Second
)

// provider is which provider a test sells through.
type provider int

const (
	viaCryptomus provider = iota
	viaCryptoprocessing
)

func (p provider) String() string {
	if p == viaCryptomus {
		return "Cryptomus"
	}
	return "Cryptoprocessing"
}

// options change the rig.
type options struct {
	// apiDown starts with the provider's API refusing connections.
	apiDown bool
	// checkCoins makes the UI check the configured coins at start-up.
	checkCoins bool
}

// rig is one terminal and one provider in this process: the provider's
// sandbox behind a gate on a fixed local address, the real adapter, for
// Cryptoprocessing a real relay (store, server, the adapter's receiver)
// that the sandbox sends its signed callbacks to, the SQLite journal, the
// engine on a fake clock, a subscription to it and the UI.
type rig struct {
	t       *testing.T
	p       provider
	clock   *postest.Clock
	journal *journal.Journal
	engine  *pos.Engine
	snaps   chan pos.Snapshot // the subscription's snapshots, in order
	screen  *screen
	api     *gate
	cm      *cmsandbox.Sandbox
	cp      *cpsandbox.Sandbox
	relay   *gate
	// relayMode is how the relay's front answers terminals' reads;
	// relayWaiting counts the reads it holds unanswered.
	relayMode, relayWaiting atomic.Int32
	// wait bounds the requests of the adapter and of the relay client.
	wait *patience
}

// The relay front's modes.
const (
	relayServes  int32 = iota
	relaySlow          // answers the next read 300 ms late
	relayHangs         // answers no read: the client times out
	relayGateway       // a proxy before it answers 502 with its page
)

func newRig(t *testing.T, p provider, o options) *rig {
	t.Helper()
	r := &rig{t: t, p: p, clock: postest.NewClock(t0), wait: &patience{base: http.DefaultTransport.(*http.Transport).Clone()}}
	dir := t.TempDir()
	j, err := journal.Open(filepath.Join(dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = j.Close() })
	r.journal = j
	// The adapters' default timeout, and for a test of no answer in time
	// a client that gives up while the fault lasts (see patience).
	hc := &http.Client{Timeout: 10 * time.Second, Transport: r.wait}

	var (
		prov       pos.Provider
		payOptions []pos.PayOption
	)
	switch p {
	case viaCryptomus:
		r.cm = cmsandbox.New(cmsandbox.Options{Clock: r.clock})
		r.api = newGate(t, r.cm)
		cfg := cryptomus.Config{BaseURL: r.api.url() + "/v1", Merchant: r.cm.Merchant(), PaymentKey: r.cm.PaymentKey(),
			PayCurrencies: []string{"BTC", "USDT:tron"}}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		if payOptions, err = cfg.PayOptions(); err != nil {
			t.Fatal(err)
		}
		if prov, err = cryptomus.New(cfg, cryptomus.Options{HTTPClient: hc, TerminalID: "till-1", Clock: r.clock}); err != nil {
			t.Fatal(err)
		}
	case viaCryptoprocessing:
		store, err := relay.OpenStore(filepath.Join(dir, "relay.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = store.Close() })
		rs, err := relay.New(relay.Options{Store: store, Token: relayToken, Clock: r.clock})
		if err != nil {
			t.Fatal(err)
		}
		rcv, err := cryptoprocessing.NewReceiver(cryptoprocessing.Config{APIKey: cpsandbox.DemoAPIKey, SecretKey: cpsandbox.DemoSecretKey})
		if err != nil {
			t.Fatal(err)
		}
		rs.Add(rcv)
		r.relay = newGate(t, r.relayFront(rs))
		r.cp = cpsandbox.New(cpsandbox.Options{Clock: r.clock, CallbackURL: r.relay.url() + cryptoprocessing.CallbackPath})
		r.api = newGate(t, r.cp)
		cfg := cryptoprocessing.Config{BaseURL: r.api.url() + "/api/v2", APIKey: r.cp.APIKey(), SecretKey: r.cp.SecretKey(),
			PayCurrencies: []string{"BTC", "USDTT"}}
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		if payOptions, err = cfg.PayOptions(); err != nil {
			t.Fatal(err)
		}
		rc := cryptoprocessing.NewRelayClient(r.relay.url(), relayToken, &http.Client{Timeout: 10 * time.Second, Transport: r.wait})
		if prov, err = cryptoprocessing.New(cfg, cryptoprocessing.Options{HTTPClient: hc, Relay: rc, RelayURL: r.relay.url(),
			ShopName: "Corner Café", Clock: r.clock}); err != nil {
			t.Fatal(err)
		}
	}
	if o.apiDown {
		r.api.down()
	}
	r.engine = pos.NewEngine(prov, j, r.clock, pos.EngineConfig{TerminalID: "till-1", Random: &postest.Random{}}, nil)
	t.Cleanup(r.engine.Close)
	sub := r.engine.Subscribe()
	t.Cleanup(sub.Close)
	r.snaps = make(chan pos.Snapshot, 1024)
	go func() {
		for {
			s, err := sub.Next(context.Background())
			if err != nil {
				return // closed
			}
			r.snaps <- s
		}
	}()
	r.screen = newScreen(t, r.engine, r.clock, payOptions, o.checkCoins)
	return r
}

// relayFront passes everything to the relay but the terminals' reads,
// which it answers as relayMode says.
func (r *rig) relayFront(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.HasPrefix(req.URL.Path, "/v1/invoices/") {
			switch r.relayMode.Load() {
			case relaySlow:
				r.relayMode.CompareAndSwap(relaySlow, relayServes)
				if !sandboxkit.Wait(req, 300*time.Millisecond) {
					return
				}
			case relayHangs:
				r.relayWaiting.Add(1)
				sandboxkit.Wait(req, time.Hour) // until the client gives up
				r.relayWaiting.Add(-1)
				return
			case relayGateway:
				sandboxkit.WriteBadGateway(w)
				return
			}
		}
		h.ServeHTTP(w, req)
	})
}

// relayHost is the relay's address as the cashier's messages name it.
func (r *rig) relayHost() string {
	if r.relay == nil {
		return ""
	}
	return r.relay.addr
}

// await reads snapshots until one of the invoice id ("" for any) satisfies
// ok, and returns it. Meanwhile it keeps the UI going.
func (r *rig) await(id, what string, ok func(pos.Snapshot) bool) pos.Snapshot {
	r.t.Helper()
	timeout := time.After(deadline)
	var last pos.Snapshot
	for {
		select {
		case s := <-r.snaps:
			if id != "" && s.Invoice.OrderID != id {
				continue
			}
			if last = s; ok(s) {
				return s
			}
		case msg := <-r.screen.msgs:
			r.screen.send(msg)
		case <-timeout:
			r.t.Fatalf("no snapshot %s of %q came; the last was %+v (trouble %v)", what, id, last.Invoice, last.Trouble)
		}
	}
}

// until returns s when it is a snapshot of id that satisfies ok, else
// the next one that does.
func (r *rig) until(s pos.Snapshot, id, what string, ok func(pos.Snapshot) bool) pos.Snapshot {
	r.t.Helper()
	if s.Invoice.OrderID == id && ok(s) {
		return s
	}
	return r.await(id, what, ok)
}

// troubled returns s, or the next snapshot of id, with trouble.
func (r *rig) troubled(s pos.Snapshot, id string) pos.Snapshot {
	r.t.Helper()
	return r.until(s, id, "with trouble", func(s pos.Snapshot) bool { return s.Trouble != nil })
}

// shown returns s, or the next snapshot of id, of the invoice made at the
// provider and answering without trouble, and checks that the cashier
// sees it.
func (r *rig) shown(s pos.Snapshot, id string) pos.Snapshot {
	r.t.Helper()
	s = r.until(s, id, "of the invoice made", func(s pos.Snapshot) bool {
		return s.Invoice.Created() && s.Trouble == nil && !s.LastChecked.IsZero()
	})
	if s.Invoice.URL == "" || s.Invoice.Status != pos.StatusWaiting {
		r.t.Fatalf("the invoice on screen: %+v", s.Invoice)
	}
	r.screen.waitText("Waiting for payment")
	return s
}

// next moves the clock to the engine's next check of s's invoice.
func (r *rig) next(s pos.Snapshot) {
	r.t.Helper()
	if s.NextCheck.IsZero() {
		r.t.Fatalf("the engine has no next check of %s: %+v", s.Invoice.OrderID, s)
	}
	r.clock.Set(s.NextCheck)
}

// pay has the customer pay the invoice in full at the provider and the
// news reach where the terminal reads it; at its next check the sale is
// PAID, on screen too.
func (r *rig) pay(s pos.Snapshot) pos.Snapshot {
	r.t.Helper()
	id := s.Invoice.OrderID
	switch r.p {
	case viaCryptomus:
		if err := r.cm.Drive(id, cmsandbox.Pay); err != nil {
			r.t.Fatal(err)
		}
	case viaCryptoprocessing:
		if err := r.cp.Drive(id, cpsandbox.Pay); err != nil {
			r.t.Fatal(err)
		}
		r.cp.Flush() // the callbacks reach the relay
	}
	r.next(s)
	paid := r.await(id, "PAID", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusPaid })
	if paid.Trouble != nil {
		r.t.Errorf("paid with trouble: %v", paid.Trouble)
	}
	r.screen.waitText("PAID")
	return paid
}

// customerPays has the customer pay the invoice in full at
// Cryptoprocessing while the relay is down: its callback is refused, and
// the sandbox will retry it.
func (r *rig) customerPays(id string) {
	r.t.Helper()
	if err := r.cp.Drive(id, cpsandbox.Pay); err != nil {
		r.t.Fatal(err)
	}
	r.cp.Tick()
	for _, d := range r.cp.Deliveries() {
		if d.State != cpsandbox.DeliveryWaiting || d.LastCode != 0 || d.Attempts != 1 {
			r.t.Errorf("a callback reached the relay that is down: %+v", d)
		}
	}
}

// paidAfter checks that the payment made while the relay was down
// reached the terminal through the sandbox's retry of its callback.
func (r *rig) paidAfter(id string) {
	r.t.Helper()
	paid := r.await(id, "PAID", func(s pos.Snapshot) bool { return s.Invoice.Status == pos.StatusPaid })
	if paid.Trouble != nil || paid.Source != cryptoprocessing.SourceRelay {
		r.t.Errorf("paid with trouble %v, from %q", paid.Trouble, paid.Source)
	}
	r.screen.waitText("PAID")
	for _, d := range r.cp.Deliveries() {
		if d.State != cpsandbox.DeliveryDelivered || d.Attempts != 2 {
			r.t.Errorf("callback %+v, want delivered at the second attempt", d)
		}
	}
}

// sell starts a sale of amount, customer chooses, on the UI and returns
// the engine's first snapshot of it.
func (r *rig) sell() pos.Snapshot {
	r.t.Helper()
	r.screen.sell(amount)
	return r.await("", "of the new sale", func(pos.Snapshot) bool { return true })
}

// checkTrouble checks what the cashier sees while a fault lasts: the
// trouble is a *pos.ProviderError of kind with the exact sentence, the
// next try is backoff away, and the screen says both.
func (r *rig) checkTrouble(s pos.Snapshot, kind pos.ErrorKind, sentence string, backoff time.Duration) {
	r.t.Helper()
	pe, ok := s.Trouble.(*pos.ProviderError)
	if !ok {
		r.t.Fatalf("trouble %T %v, want a *pos.ProviderError", s.Trouble, s.Trouble)
	}
	if pe.Kind != kind || pe.Error() != sentence {
		r.t.Errorf("trouble kind %d %q,\nwant kind %d %q", pe.Kind, pe.Error(), kind, sentence)
	}
	if got := s.NextCheck.Sub(r.clock.Now()); got != backoff || !s.Watching {
		r.t.Errorf("next check in %v (watching %t), want %v", got, s.Watching, backoff)
	}
	retry := "Retrying in " + strconv.Itoa(int(backoff/time.Second)) + "s"
	if !s.LastChecked.IsZero() {
		retry += " (last checked " + strconv.Itoa(int(r.clock.Now().Sub(s.LastChecked)/time.Second)) + "s ago)"
	}
	r.screen.waitText("Connection problem: " + sentence + " " + retry + ".")
}

// checkNote checks that the journal has the spell of trouble on id once,
// with its first sentence, however many retries it took.
func (r *rig) checkNote(id, sentence string) {
	r.t.Helper()
	notes := r.troubleNotes(id)
	if want := "trouble reaching " + r.p.String() + ", retrying: " + sentence; len(notes) != 1 || notes[0] != want {
		r.t.Errorf("journal events of the trouble %q, want once %q", notes, want)
	}
}

// troubleNotes are the journal's events of trouble on the invoice.
func (r *rig) troubleNotes(id string) []string {
	r.t.Helper()
	events, err := r.journal.Events(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	var notes []string
	for _, e := range events {
		if strings.HasPrefix(e.Note, "trouble reaching ") {
			notes = append(notes, e.Note)
		}
	}
	return notes
}

// held is an invoice the provider holds, and the status the journal must
// have for it.
type held struct {
	orderID, providerID, url, status string
	want                             pos.Status
}

func (r *rig) held() []held {
	var out []held
	switch r.p {
	case viaCryptomus:
		for _, inv := range r.cm.Invoices() {
			h := held{orderID: inv.OrderID, providerID: inv.UUID, url: inv.URL, status: inv.Status}
			switch inv.Status {
			case "paid":
				h.want = pos.StatusPaid
			case "check":
				h.want = pos.StatusWaiting
			}
			out = append(out, h)
		}
	case viaCryptoprocessing:
		for _, inv := range r.cp.Invoices() {
			h := held{orderID: inv.ForeignID, providerID: strconv.FormatInt(inv.ID, 10), url: inv.URL, status: inv.Status}
			switch {
			case inv.Status == "confirmed":
				h.want = pos.StatusPaid
			case inv.Status == "failed" && inv.Error == cpsandbox.CancelledError:
				h.want = pos.StatusCancelled
			case inv.Status == "pending" || inv.Status == "created":
				h.want = pos.StatusWaiting
			}
			out = append(out, h)
		}
	}
	return out
}

// checkBooks checks the end of one sale that started as first and was
// paid: never two invoices for the sale, never one missing from the
// journal. The provider holds one invoice, paid, or with replaced two: the
// first cancelled at the provider and journaled as replaced by the
// second, which is paid. The journal holds exactly what the provider
// holds, with the right statuses.
func (r *rig) checkBooks(first string, replaced bool) {
	r.t.Helper()
	journaled, err := r.journal.List(context.Background(), pos.Filter{})
	if err != nil {
		r.t.Fatal(err)
	}
	byID := map[string]pos.Invoice{}
	for _, inv := range journaled {
		byID[inv.OrderID] = inv
	}
	heldList := r.held()
	want := 1
	if replaced {
		want = 2
	}
	if len(heldList) != want || len(journaled) != want {
		r.t.Errorf("the provider holds %d invoices and the journal %d, want %d each:\nprovider %+v\njournal %+v",
			len(heldList), len(journaled), want, heldList, journaled)
	}
	live := 0
	for _, h := range heldList {
		inv, ok := byID[h.orderID]
		switch {
		case !ok:
			r.t.Errorf("the provider holds %s (%s), the journal does not", h.orderID, h.status)
			continue
		case h.want == "" || inv.Status != h.want:
			r.t.Errorf("%s is %q at the provider and %s in the journal, want %q", h.orderID, h.status, inv.Status, h.want)
		}
		if h.want != pos.StatusCancelled {
			live++
			if inv.URL != h.url || inv.ProviderID != h.providerID {
				r.t.Errorf("%s: journal url %q id %q, provider url %q id %q", h.orderID, inv.URL, inv.ProviderID, h.url, h.providerID)
			}
		}
	}
	if live != 1 {
		r.t.Errorf("%d live invoices for one sale: %+v", live, heldList)
	}
	old := byID[first]
	switch {
	case !replaced && (len(heldList) == 0 || heldList[0].orderID != first):
		r.t.Errorf("the provider's invoice is not the sale's %s: %+v", first, heldList)
	case replaced:
		next, ok := byID[old.ReplacedBy]
		if old.Status != pos.StatusCancelled || !ok || next.Replaces != first || next.Status != pos.StatusPaid {
			r.t.Errorf("replacement: first %s %s replaced by %q; next %+v", first, old.Status, old.ReplacedBy, next)
		}
	}
}

// gate serves a handler on one fixed local address that can go down
// (connections refused) and come back.
type gate struct {
	t    *testing.T
	addr string
	h    http.Handler
	mu   sync.Mutex
	srv  *http.Server
	ln   net.Listener
}

func newGate(t *testing.T, h http.Handler) *gate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{t: t, addr: ln.Addr().String(), h: h}
	g.serve(ln)
	t.Cleanup(g.down)
	return g
}

func (g *gate) url() string { return "http://" + g.addr }

func (g *gate) serve(ln net.Listener) {
	srv := &http.Server{Handler: g.h, ReadHeaderTimeout: 10 * time.Second}
	g.srv, g.ln = srv, ln
	go func() { _ = srv.Serve(ln) }()
}

// down closes the listener and every connection: connections are refused.
func (g *gate) down() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.srv != nil {
		// The listener is closed here too: Serve may not have taken it
		// yet, and a connection accepted by the kernel meanwhile would be
		// reset rather than refused.
		_ = g.ln.Close()
		_ = g.srv.Close()
		g.srv, g.ln = nil, nil
	}
}

// up serves again on the same address.
func (g *gate) up() {
	g.t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.srv != nil {
		return
	}
	var (
		ln  net.Listener
		err error
	)
	for try := 0; try < 100; try++ { // the port may linger for a moment
		if ln, err = net.Listen("tcp", g.addr); err == nil {
			g.serve(ln)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	g.t.Fatalf("cannot serve on %s again: %v", g.addr, err)
}

// patience is the transport of the adapter and the relay client. While a
// test of no answer in time has its fault armed, it gives a request up,
// as a client's timeout does ("context deadline exceeded"), as soon as
// the other side holds it: the fault has taken the request, or the
// invoice is made. A fixed short timeout would do the same on an idle
// machine, but on a loaded one it could expire before the request even
// arrived, and the fault would hit the retry instead.
type patience struct {
	base   http.RoundTripper
	mu     sync.Mutex
	giveUp func() bool // nil: requests wait for their answer
}

// set arms giveUp (nil disarms it).
func (p *patience) set(giveUp func() bool) {
	p.mu.Lock()
	p.giveUp = giveUp
	p.mu.Unlock()
}

// RoundTrip sends req; while giveUp is armed it is given up, timed out,
// once giveUp reports true.
func (p *patience) RoundTrip(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	giveUp := p.giveUp
	p.mu.Unlock()
	if giveUp == nil {
		return p.base.RoundTrip(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	go func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for !giveUp() {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
		cancel(context.DeadlineExceeded) // what a client's timeout reports
	}()
	resp, err := p.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel(nil)
		return nil, err
	}
	resp.Body = cancelOnClose{resp.Body, func() { cancel(nil) }}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel func()
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// taken reports whether the provider's sandbox has taken every fault
// queued: the request under the fault has arrived.
func (r *rig) taken() bool {
	if r.p == viaCryptomus {
		return r.cm.PendingFaults() == 0
	}
	return r.cp.PendingFaults() == 0
}

// made reports whether the provider has made an invoice.
func (r *rig) made() bool { return len(r.held()) > 0 }

// relayHeld reports whether the relay's front holds a read unanswered.
func (r *rig) relayHeld() bool { return r.relayWaiting.Load() > 0 }
