package pos

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// EngineConfig tunes the checkout engine. Zero fields take the defaults.
type EngineConfig struct {
	// PollInterval is how often the invoice on screen is checked (default 3 s).
	PollInterval time.Duration
	// BackgroundInterval is how often invoices off screen (cancelled on the
	// terminal, or resumed after a restart) are checked (default 15 s).
	BackgroundInterval time.Duration
	// MaxBackoff caps the pause between attempts after errors (default 30 s).
	MaxBackoff time.Duration
	// CallTimeout bounds one provider call (default 20 s).
	CallTimeout time.Duration
	// TerminalID prefixes order ids (default "pos").
	TerminalID string
	// ShowWindow is how old an invoice the provider never confirmed may be
	// for Resume to put it back on screen (default 1 h).
	ShowWindow time.Duration
	// Random is the source of order ids' random part (default crypto/rand).
	Random io.Reader
	// LateWatch is how long a sale that ended unpaid (expired, cancelled,
	// underpaid, failed) is still checked for a late payment (default
	// 24 h; negative turns the watchdog off).
	LateWatch time.Duration
	// LateInterval is the first pause between late checks; it doubles up
	// to LateMaxInterval (defaults 1 min and 5 min; never below
	// LateInterval).
	LateInterval, LateMaxInterval time.Duration
}

func (c EngineConfig) withDefaults() EngineConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.PollInterval, 3*time.Second)
	def(&c.BackgroundInterval, 15*time.Second)
	def(&c.MaxBackoff, 30*time.Second)
	def(&c.CallTimeout, 20*time.Second)
	def(&c.ShowWindow, time.Hour)
	def(&c.LateInterval, time.Minute)
	def(&c.LateMaxInterval, 5*time.Minute)
	c.LateMaxInterval = max(c.LateMaxInterval, c.LateInterval)
	if c.LateWatch == 0 {
		c.LateWatch = 24 * time.Hour
	}
	if c.TerminalID == "" {
		c.TerminalID = "pos"
	}
	if c.Random == nil {
		c.Random = rand.Reader
	}
	return c
}

// Snapshot is what the engine knows about one watched invoice at a moment.
type Snapshot struct {
	Invoice Invoice
	// LastChecked is when the provider last answered about this invoice.
	LastChecked time.Time
	// Trouble is the last error while the engine keeps retrying, or the
	// reason it stopped; nil when the last attempt worked.
	Trouble error
	// NextCheck is when the engine asks again; zero once it has stopped.
	NextCheck time.Time
	// Watching is false once the engine has stopped watching the invoice.
	Watching bool
	// Source is where the status came from ("Cryptomus API", "relay"), and
	// SourceAt when that source learned it.
	Source   string
	SourceAt time.Time
	// LateWatch is set while a sale that ended unpaid is still checked for
	// a late payment.
	LateWatch bool
	// TurnedPaid is set on the snapshot in which the sale turned paid in
	// this engine (also when a restart finds it paid at its first check, and
	// for a late payment): the moment to print its receipt. A subscription
	// that merges an invoice's snapshots keeps it.
	TurnedPaid bool
}

// Engine takes sales from creation to a final status: it journals each
// invoice before asking the provider for it, watches it until final, records
// every change, and retries with back-off when the provider is unreachable.
// Its methods are safe for concurrent use.
type Engine struct {
	provider Provider
	journal  Journal
	clock    Clock
	cfg      EngineConfig
	log      *slog.Logger

	ctx    context.Context
	stop   context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	focus  string
	active map[string]*watch
	// starting holds the order ids this engine is journaling and about to
	// create, so that Resume and Discover leave them alone.
	starting map[string]bool
	subs     map[*Subscription]struct{}
}

// NewEngine returns an engine. Close it to stop its watchers.
func NewEngine(p Provider, j Journal, c Clock, cfg EngineConfig, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Engine{
		provider: p, journal: j, clock: c, cfg: cfg.withDefaults(), log: log,
		ctx: ctx, stop: stop,
		active: map[string]*watch{}, subs: map[*Subscription]struct{}{}, starting: map[string]bool{},
	}
}

// Provider returns the provider the engine works with.
func (e *Engine) Provider() Provider { return e.provider }

// Note records an event on an invoice that changes nothing else, such as
// a receipt printed.
func (e *Engine) Note(ctx context.Context, orderID, note string) error {
	return e.journal.Note(ctx, orderID, e.clock.Now(), note)
}

// Journal returns the journal the engine writes, for reading history.
func (e *Engine) Journal() Journal { return e.journal }

// Close stops every watcher and waits for them. Invoices stay in the journal
// and are picked up again by Resume.
func (e *Engine) Close() {
	e.stop()
	e.wg.Wait()
}

// Sale is what the cashier asks for: an amount, how it is paid, and the
// customer when the provider needs to know.
type Sale struct {
	Amount   Money
	Pay      PayOption
	Customer *Customer
	// Note says where the sale was started, for the journal (default
	// "sale started at the terminal").
	Note string
}

// StartSale journals a new invoice for the sale and starts creating it at
// the provider in the background. It returns once the invoice is in the
// journal; its progress arrives as Snapshots.
func (e *Engine) StartSale(ctx context.Context, sale Sale) (Invoice, error) {
	now := e.clock.Now()
	var needs CustomerNeeds
	if asker, ok := e.provider.(CustomerAsker); ok {
		needs = asker.CustomerNeeds(sale.Pay)
	}
	if needs.Identity && (sale.Customer == nil || !sale.Customer.Identified()) {
		return Invoice{}, ErrNeedCustomer
	}
	if sale.Customer != nil {
		if err := sale.Customer.Validate(needs, now); err != nil {
			return Invoice{}, err
		}
	}
	inv := Invoice{
		Provider: e.provider.Key(), Amount: sale.Amount, Pay: sale.Pay, Customer: sale.Customer,
		CreatedAt: now, UpdatedAt: now, Status: StatusCreating,
	}
	note := sale.Note
	if note == "" {
		note = "sale started at the terminal"
	}
	inv, err := e.insert(ctx, inv, note)
	if err != nil {
		return Invoice{}, fmt.Errorf("could not write the sale to the journal, so it was not started: %w", err)
	}
	e.log.Info("sale started", "order_id", inv.OrderID, "amount", sale.Amount.String(), "pay", sale.Pay.String())
	e.mu.Lock()
	e.focus = inv.OrderID
	e.mu.Unlock()
	e.watch(inv, false)
	return inv, nil
}

// Resume picks up after a restart: every unfinished invoice in the journal
// is watched again. It returns the newest one that the customer may still be
// paying, to put back on screen, and ok=false when there is none.
func (e *Engine) Resume(ctx context.Context) (latest Invoice, ok bool, err error) {
	unfinished, err := e.journal.Unfinished(ctx)
	if err != nil {
		return Invoice{}, false, fmt.Errorf("could not read unfinished sales from the journal: %w", err)
	}
	now := e.clock.Now()
	for _, inv := range unfinished {
		if inv.Provider != e.provider.Key() {
			// Looked up at the wrong provider it would read as never
			// created; it waits for a terminal set up for its own.
			e.log.Warn("unfinished invoice of another provider left alone", "order_id", inv.OrderID, "provider", inv.Provider)
			continue
		}
		e.log.Info("resuming invoice", "order_id", inv.OrderID, "status", string(inv.Status))
		e.watch(inv, true)
		if e.showable(inv, now) && (!ok || inv.CreatedAt.After(latest.CreatedAt)) {
			latest, ok = inv, true
		}
	}
	if e.cfg.LateWatch > 0 {
		unpaid, err := e.journal.RecentlyUnpaid(ctx, now.Add(-e.cfg.LateWatch))
		if err != nil {
			return latest, ok, fmt.Errorf("could not read the recently unpaid sales from the journal: %w", err)
		}
		for _, inv := range unpaid {
			if inv.Created() && inv.Provider == e.provider.Key() {
				e.watch(inv, true)
			}
		}
		// Late payments the cashier has not seen yet: shown again.
		paid, err := e.journal.List(ctx, Filter{From: now.Add(-2 * e.cfg.LateWatch),
			Statuses: []Status{StatusPaid, StatusOverpaid, StatusUnderpaid}})
		if err != nil {
			return latest, ok, fmt.Errorf("could not read the late payments from the journal: %w", err)
		}
		for _, inv := range paid {
			if inv.Late && !inv.LateAcknowledged {
				e.publish(Snapshot{Invoice: inv})
			}
		}
	}
	return latest, ok, nil
}

// Discover watches the unfinished invoices of the journal the engine does
// not watch yet: sales another process (a script) started. One whose
// create may still be on its way in that process is left to it for now.
func (e *Engine) Discover(ctx context.Context) error {
	unfinished, err := e.journal.Unfinished(ctx)
	if err != nil {
		return err
	}
	settled := e.clock.Now().Add(-2 * e.cfg.CallTimeout)
	for _, inv := range unfinished {
		if inv.Provider == e.provider.Key() && (inv.Created() || inv.CreatedAt.Before(settled)) {
			e.watch(inv, true) // a no-op for invoices already watched
		}
	}
	return nil
}

// Watch watches one invoice of the journal again, as after a restart, and
// returns it as it stands. A final invoice is watched only while a late
// payment can still lift it.
func (e *Engine) Watch(ctx context.Context, orderID string) (Invoice, error) {
	inv, err := e.journal.Get(ctx, orderID)
	if err != nil {
		return Invoice{}, err
	}
	if inv.Provider != e.provider.Key() {
		return inv, fmt.Errorf("this sale is at %s, and this terminal is set up for %s", inv.Provider, e.provider.Name())
	}
	if !inv.Status.Final() || e.lateWatchable(inv) && e.clock.Now().Before(inv.UpdatedAt.Add(e.cfg.LateWatch)) {
		e.watch(inv, true)
	}
	return inv, nil
}

// Acknowledge records that the cashier has seen a late payment.
func (e *Engine) Acknowledge(ctx context.Context, orderID string) error {
	e.mu.Lock()
	w := e.active[orderID]
	e.mu.Unlock()
	note := "late payment acknowledged at the terminal"
	if w != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.inv.Late || w.inv.LateAcknowledged {
			return nil
		}
		w.inv.LateAcknowledged, w.inv.UpdatedAt = true, e.clock.Now()
		e.record(w, note)
		return nil
	}
	inv, err := e.journal.Get(ctx, orderID)
	if err != nil || !inv.Late || inv.LateAcknowledged {
		return err
	}
	inv.LateAcknowledged, inv.UpdatedAt = true, e.clock.Now()
	return e.journal.Update(ctx, inv, note)
}

// lateWatchable reports whether a late payment could still lift inv.
func (e *Engine) lateWatchable(inv Invoice) bool {
	if e.cfg.LateWatch <= 0 || !inv.Created() {
		return false
	}
	for _, s := range Unpaid {
		if inv.Status == s {
			return true
		}
	}
	return false
}

// insert journals a new invoice under a fresh order id, reserved in
// starting until watch takes it over.
func (e *Engine) insert(ctx context.Context, inv Invoice, note string) (Invoice, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if inv.OrderID, err = e.newOrderID(inv.CreatedAt); err != nil {
			return Invoice{}, err
		}
		e.mu.Lock()
		e.starting[inv.OrderID] = true
		e.mu.Unlock()
		err = e.journal.Insert(ctx, inv, note)
		if err == nil {
			return inv, nil
		}
		e.mu.Lock()
		delete(e.starting, inv.OrderID)
		e.mu.Unlock()
		if !errors.Is(err, ErrDuplicateOrder) {
			break // the journal itself failed
		}
	}
	return inv, err
}

func (e *Engine) showable(inv Invoice, now time.Time) bool {
	if inv.Dismissed || inv.Status.Final() || inv.Provider != e.provider.Key() {
		return false
	}
	if !inv.Created() {
		return now.Sub(inv.CreatedAt) < e.cfg.ShowWindow
	}
	return inv.Remaining(now) > 0
}

// Focus tells the engine which invoice is on screen, to check it at the
// poll interval, and at once if it was not on screen before; "" when none
// is. A new sale is on screen from StartSale on.
func (e *Engine) Focus(orderID string) {
	e.mu.Lock()
	changed := e.focus != orderID
	e.focus = orderID
	w := e.active[orderID]
	e.mu.Unlock()
	if w != nil && changed {
		w.poke()
	}
}

// CheckNow asks the engine to check the invoice at once.
func (e *Engine) CheckNow(orderID string) {
	e.mu.Lock()
	w := e.active[orderID]
	e.mu.Unlock()
	if w != nil {
		w.poke()
	}
}

// Dismiss ends the sale on the terminal at the cashier's request. Where the
// provider can void invoices, the engine does so; where it cannot, the
// invoice stays payable until it expires, so the engine keeps watching it
// in the background and a late payment is still recorded.
func (e *Engine) Dismiss(ctx context.Context, orderID string) (Invoice, error) {
	e.mu.Lock()
	w := e.active[orderID]
	e.mu.Unlock()
	if w == nil {
		inv, err := e.journal.Get(ctx, orderID)
		if err != nil {
			return Invoice{}, err
		}
		if inv.Status.Final() {
			return inv, nil // nothing to cancel; the outcome stands
		}
		return Invoice{}, fmt.Errorf("invoice %s is not being watched", orderID)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.inv.Dismissed || w.inv.Status.Final() {
		return w.inv, nil
	}
	w.inv.Dismissed = true
	w.wantCancel = true
	w.inv.UpdatedAt = e.clock.Now()
	note := "cancelled on the terminal; watched until the provider closes it"
	if err := e.journal.Update(ctx, w.inv, note); err != nil {
		w.dirty = true
		e.log.Error("journal write failed", "order_id", orderID, "err", err)
	}
	w.poke()
	return w.inv, nil
}

// Reissue renews an expired invoice under the same order id, where the
// provider can: a fresh address and expiry, no second invoice.
func (e *Engine) Reissue(ctx context.Context, orderID string) (Invoice, error) {
	r, ok := e.provider.(Reissuer)
	if !ok {
		return Invoice{}, fmt.Errorf("%s cannot renew an expired invoice; start a new sale", e.provider.Name())
	}
	if snap, watched := e.Watching(orderID); watched && !snap.Invoice.Status.Final() {
		return Invoice{}, errors.New("the invoice is still open; it can be renewed once it has expired")
	}
	e.unwatch(orderID) // the watch for a late payment; the renewed invoice gets a new one
	inv, err := e.journal.Get(ctx, orderID)
	if err != nil {
		return Invoice{}, err
	}
	if inv.Status != StatusExpired {
		return Invoice{}, fmt.Errorf("only an expired invoice can be renewed; this one is %s", inv.Status.Words())
	}
	callCtx, cancel := context.WithTimeout(ctx, e.cfg.CallTimeout)
	defer cancel()
	u, err := r.Reissue(callCtx, inv)
	if err != nil {
		return Invoice{}, err
	}
	// Renewal is the one step back a sale may take: by the cashier's hand.
	inv.Status, inv.Reason = StatusWaiting, ""
	inv.Apply(u)
	inv.UpdatedAt = e.clock.Now()
	if err := e.journal.Update(ctx, inv, "renewed with a fresh address and expiry"); err != nil {
		return Invoice{}, fmt.Errorf("the invoice was renewed but could not be written to the journal: %w", err)
	}
	e.log.Info("invoice renewed", "order_id", orderID, "expires_at", inv.ExpiresAt)
	e.watch(inv, false)
	return inv, nil
}

// Watching returns the latest snapshot of an invoice the engine watches.
func (e *Engine) Watching(orderID string) (Snapshot, bool) {
	e.mu.Lock()
	w := e.active[orderID]
	e.mu.Unlock()
	if w == nil {
		return Snapshot{}, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.snapshot(), true
}

// watch starts a watcher for inv unless one runs already. resolve means the
// invoice came from the journal: if the provider never answered its create,
// the engine looks it up rather than creating it now.
func (e *Engine) watch(inv Invoice, resolve bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.active[inv.OrderID]; ok || e.ctx.Err() != nil {
		return
	}
	if e.starting[inv.OrderID] {
		if resolve {
			return // being started here: not a create that was lost
		}
		delete(e.starting, inv.OrderID)
	}
	w := &watch{inv: inv, resolve: resolve || inv.Dismissed, kick: make(chan struct{}, 1), exited: make(chan struct{})}
	w.ctx, w.cancel = context.WithCancel(e.ctx)
	e.active[inv.OrderID] = w
	e.wg.Add(1)
	go e.run(w)
}

// unwatch stops the watcher of an invoice, if one runs, and waits for it.
func (e *Engine) unwatch(orderID string) {
	e.mu.Lock()
	w := e.active[orderID]
	delete(e.active, orderID)
	e.mu.Unlock()
	if w != nil {
		w.cancel()
		<-w.exited
	}
}

// watch is one invoice under watch. The goroutine in run owns the loop; mu
// guards the fields that Dismiss and readers touch.
type watch struct {
	kick   chan struct{}
	ctx    context.Context // ends when the engine closes or the watch is stopped
	cancel context.CancelFunc
	exited chan struct{}

	mu          sync.Mutex
	inv         Invoice
	resolve     bool // look the invoice up instead of creating it
	wantCancel  bool // void it at the provider (Canceller) when possible
	dirty       bool // the last journal write failed; write again
	failures    int
	lastChecked time.Time
	source      string
	sourceAt    time.Time
	trouble     error
	nextCheck   time.Time
	done        bool
	lateUntil   time.Time // when a sale that ended unpaid stops being checked
	lateChecks  int
	turnedPaid  bool // until the next snapshot carries it
}

func (w *watch) poke() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// snapshot is the watch as it stands; w.mu is held.
func (w *watch) snapshot() Snapshot {
	return Snapshot{Invoice: w.inv, LastChecked: w.lastChecked, Trouble: w.trouble,
		NextCheck: w.nextCheck, Watching: !w.done, Source: w.source, SourceAt: w.sourceAt,
		LateWatch: !w.done && w.inv.Status.Final(), TurnedPaid: w.turnedPaid}
}

// toPublish is the snapshot to publish; TurnedPaid goes out once. w.mu is
// held.
func (w *watch) toPublish() Snapshot {
	s := w.snapshot()
	w.turnedPaid = false
	return s
}

// settle decides whether the watch goes on; w.mu is held. An open sale is
// watched, a paid one is done, and one that ended unpaid is checked for a
// late payment until LateWatch has passed since it ended.
func (e *Engine) settle(w *watch) {
	st := w.inv.Status
	switch {
	case w.dirty || !st.Final():
		w.done = false
	case e.lateWatchable(w.inv):
		if w.lateUntil.IsZero() {
			w.lateUntil = w.inv.UpdatedAt.Add(e.cfg.LateWatch)
		}
		w.done = !e.clock.Now().Before(w.lateUntil)
	default:
		w.done = true
	}
}

func (e *Engine) run(w *watch) {
	defer e.wg.Done()
	defer close(w.exited)
	for {
		e.step(w)
		w.mu.Lock()
		e.settle(w)
		stop := w.done
		var timer <-chan time.Time
		w.nextCheck = time.Time{}
		if !stop {
			delay := e.delay(w)
			w.nextCheck = e.clock.Now().Add(delay)
			// Armed before publishing, so whoever reads the snapshot can
			// rely on the next check being scheduled.
			timer = e.clock.After(delay)
		}
		snap := w.toPublish()
		w.mu.Unlock()
		if stop {
			e.mu.Lock()
			if e.active[w.inv.OrderID] == w {
				delete(e.active, w.inv.OrderID)
			}
			e.mu.Unlock()
		}
		e.publish(snap)
		if stop {
			return
		}
		select {
		case <-timer:
		case <-w.kick:
		case <-w.ctx.Done():
			return
		}
	}
}

// step makes one attempt: create, look up, cancel or poll, then records
// what came of it.
func (e *Engine) step(w *watch) {
	w.mu.Lock()
	inv, resolve, wantCancel, dirty := w.inv, w.resolve, w.wantCancel, w.dirty
	w.mu.Unlock()

	if dirty {
		if !e.flush(w, "journal caught up") {
			return
		}
		if inv.Status.Final() {
			return // recorded; settle decides whether to go on
		}
	}
	ctx, cancel := context.WithTimeout(w.ctx, e.cfg.CallTimeout)
	defer cancel()

	var (
		u    Update
		err  error
		note string
	)
	canceller, canCancel := e.provider.(Canceller)
	switch {
	case !inv.Created() && !resolve:
		u, err = e.provider.Create(ctx, inv)
		note = "created at " + e.provider.Name()
		if KindOf(err) == ErrKindDuplicate {
			e.replace(ctx, w, inv, err)
			return
		}
	case wantCancel && canCancel && inv.Created():
		if err = canceller.Cancel(ctx, inv); err == nil {
			w.mu.Lock()
			w.wantCancel = false
			w.mu.Unlock()
			e.log.Info("invoice voided at provider", "order_id", inv.OrderID)
		} else if !Retryable(err) {
			// The provider will not void it (already paid, or closed):
			// keep watching so its real outcome is recorded.
			w.mu.Lock()
			w.wantCancel = false
			w.mu.Unlock()
			e.log.Warn("provider refused to void invoice", "order_id", inv.OrderID, "err", err)
			err = nil
		}
		if err == nil {
			u, err = e.provider.Status(ctx, inv)
		}
	default:
		u, err = e.provider.Status(ctx, inv)
	}
	if w.ctx.Err() != nil {
		return // stopped: nothing to record
	}
	if err != nil {
		e.failed(w, err)
		return
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	w.failures, w.trouble, w.lastChecked = 0, nil, e.clock.Now()
	if u.Source != "" {
		w.source, w.sourceAt = u.Source, u.At
	}
	before, paidBefore := w.inv.Status, w.inv.Paid
	if !w.inv.Apply(u) {
		return
	}
	w.inv.UpdatedAt = w.lastChecked
	if !before.Success() && w.inv.Status.Success() {
		w.turnedPaid = true
	}
	switch {
	case before.Final() && !before.Success() && (w.inv.Status.Success() || paidMore(paidBefore, w.inv.Paid)):
		w.inv.Late, w.inv.LateAcknowledged = true, false
		note = "late payment: " + describe(u)
		e.log.Warn("late payment", "order_id", w.inv.OrderID, "status", string(w.inv.Status), "paid", w.inv.Paid.String())
	case note != "" && before == StatusCreating:
		note += "; " + describe(u)
	default:
		note = describe(u)
	}
	e.record(w, note)
}

// paidMore reports whether more money has arrived.
func paidMore(before, after Money) bool {
	return !after.IsZero() && (before.IsZero() || before.Currency == after.Currency && after.Amount.GreaterThan(before.Amount))
}

// failed handles an error from the provider.
func (e *Engine) failed(w *watch, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.trouble = err
	kind := KindOf(err)
	e.log.Warn("provider call failed", "order_id", w.inv.OrderID, "err", err)
	switch {
	case !w.inv.Created() && !w.resolve && (kind == ErrKindRejected || kind == ErrKindAuth):
		// The provider refused the sale: it never existed there.
		w.inv.Status, w.inv.Reason = StatusFailed, err.Error()
		w.inv.UpdatedAt = e.clock.Now()
		e.record(w, "refused by "+e.provider.Name()+": "+err.Error())
		return
	case !w.inv.Created() && kind == ErrKindNotFound:
		// Looked up after a restart or a cancel: the create never arrived.
		w.inv.Status = StatusCancelled
		w.inv.Reason = "The terminal stopped before " + e.provider.Name() + " created the invoice; there was nothing to pay."
		if w.inv.Dismissed {
			w.inv.Reason = "Cancelled on the terminal before " + e.provider.Name() + " created the invoice."
		}
		w.inv.UpdatedAt = e.clock.Now()
		e.record(w, "not found at "+e.provider.Name())
		return
	}
	w.failures++
	if w.failures == 1 && !w.inv.Status.Final() {
		// One event per spell of trouble, not one per retry; none while a
		// sale that ended is checked in the background, whose UpdatedAt
		// dates its end (the late-payment window runs from it).
		w.inv.UpdatedAt = e.clock.Now()
		e.record(w, "trouble reaching "+e.provider.Name()+", retrying: "+err.Error())
	}
}

// record writes the invoice to the journal; w.mu is held.
func (e *Engine) record(w *watch, note string) {
	if err := e.journal.Update(e.ctx, w.inv, note); err != nil {
		w.dirty = true
		w.trouble = &JournalError{Err: err}
		e.log.Error("journal write failed", "order_id", w.inv.OrderID, "err", err)
		return
	}
	w.dirty = false
	var je *JournalError
	if errors.As(w.trouble, &je) {
		w.trouble = nil
	}
	e.log.Info("invoice recorded", "order_id", w.inv.OrderID, "status", string(w.inv.Status),
		"provider_status", w.inv.ProviderStatus, "note", note)
}

// flush retries a failed journal write; it reports success.
func (e *Engine) flush(w *watch, note string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inv.UpdatedAt = e.clock.Now()
	e.record(w, note)
	if w.dirty {
		w.failures++
		return false
	}
	return true
}

// delay is the pause before the next attempt; w.mu is held.
func (e *Engine) delay(w *watch) time.Duration {
	e.mu.Lock()
	focused := e.focus == w.inv.OrderID
	e.mu.Unlock()
	if w.inv.Status.Final() { // watching for a late payment: gently
		d := e.cfg.LateInterval
		for i := 0; i < w.lateChecks && d < e.cfg.LateMaxInterval; i++ {
			d *= 2
		}
		w.lateChecks++
		return min(d, e.cfg.LateMaxInterval)
	}
	base := e.cfg.BackgroundInterval
	if focused {
		base = e.cfg.PollInterval
	}
	if w.failures == 0 {
		return base
	}
	d := e.cfg.PollInterval
	for i := 0; i < w.failures && d < e.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, e.cfg.MaxBackoff)
}

func describe(u Update) string {
	s := "status " + string(u.Status)
	if u.Status == StatusUnknown {
		s = "details updated"
	}
	if u.ProviderStatus != "" {
		s += " (" + u.ProviderStatus + ")"
	}
	if u.Source != "" {
		s += " from " + u.Source
	}
	return s
}

// orderAlphabet is Crockford's base32 in lower case: no i, l, o, u, so an
// order id read aloud over the phone is unambiguous.
const orderAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// newOrderID returns TERMINAL-ttttttt-rrrrrr: seven characters of the time
// in seconds (sortable) and six random ones (30 bits), letters, digits and
// '-' only, as Cryptomus requires.
func (e *Engine) newOrderID(now time.Time) (string, error) {
	var b [4]byte
	if _, err := io.ReadFull(e.cfg.Random, b[:]); err != nil {
		return "", fmt.Errorf("no randomness for an order id: %w", err)
	}
	r := uint64(b[0])<<22 | uint64(b[1])<<14 | uint64(b[2])<<6 | uint64(b[3])>>2
	return e.cfg.TerminalID + "-" + base32(uint64(now.Unix()), 7) + base32(r, 6), nil
}

func base32(v uint64, n int) string {
	out := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = orderAlphabet[v&31]
		v >>= 5
	}
	return string(out)
}

// JournalError is trouble writing the journal; the engine keeps retrying.
type JournalError struct{ Err error }

func (e *JournalError) Error() string {
	return "Could not write to the journal (retrying): " + e.Err.Error()
}

func (e *JournalError) Unwrap() error { return e.Err }

// replace handles a create the provider refused as a duplicate: an invoice
// exists under the order id (our first create arrived, its reply did not),
// but the provider cannot tell us its URL. The engine cancels it and makes
// a new invoice for the sale under a new order id, journaling both, so the
// sale never has two live invoices.
func (e *Engine) replace(ctx context.Context, w *watch, old Invoice, dup error) {
	canceller, ok := e.provider.(Canceller)
	if !ok {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.inv.Status, w.inv.UpdatedAt = StatusFailed, e.clock.Now()
		w.inv.Reason = dup.Error()
		e.record(w, "refused as a duplicate by "+e.provider.Name()+", which cannot cancel it: "+dup.Error())
		return
	}
	if err := canceller.Cancel(ctx, old); err != nil {
		if Retryable(err) {
			e.failed(w, err) // the next attempt creates, is refused, and cancels again
			return
		}
		// It will not be cancelled (paid already, or closed): watch it to
		// learn its outcome instead of making another.
		w.mu.Lock()
		defer w.mu.Unlock()
		w.resolve, w.trouble, w.inv.UpdatedAt = true, err, e.clock.Now()
		e.record(w, "already made at "+e.provider.Name()+" and not cancellable: "+err.Error())
		return
	}
	now := e.clock.Now()
	next, err := e.insert(ctx, Invoice{
		Provider: old.Provider, Amount: old.Amount, Pay: old.Pay, Customer: old.Customer,
		CreatedAt: now, UpdatedAt: now, Status: StatusCreating, Replaces: old.OrderID,
	}, "replaces "+old.OrderID+", which "+e.provider.Name()+" made but could not return")
	w.mu.Lock()
	w.inv.Status, w.inv.UpdatedAt = StatusCancelled, now
	if err != nil {
		w.inv.Reason = "Cancelled at " + e.provider.Name() + " after a lost reply, and no new invoice could be journaled: start the sale again."
		e.record(w, "cancelled after a lost reply; the replacement could not be journaled: "+err.Error())
		w.mu.Unlock()
		return
	}
	w.inv.ReplacedBy, w.trouble = next.OrderID, nil // the last attempt worked
	w.inv.Reason = "Replaced by " + next.OrderID + ": " + e.provider.Name() + " made this invoice but could not return it, so it was cancelled."
	e.record(w, "cancelled and replaced by "+next.OrderID)
	snap := w.toPublish()
	w.mu.Unlock()
	e.log.Info("invoice replaced", "order_id", old.OrderID, "replaced_by", next.OrderID)

	e.mu.Lock()
	if e.focus == old.OrderID {
		e.focus = next.OrderID
	}
	e.mu.Unlock()
	e.publish(snap) // before the new invoice's first snapshot, so screens follow
	e.watch(next, false)
}
