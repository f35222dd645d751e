package postest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

// Provider is a scriptable in-memory pos.Provider, idempotent on order id
// like Cryptomus. Queue errors with Fail; move invoices with Set.
type Provider struct {
	clock    pos.Clock
	lifetime time.Duration

	mu       sync.Mutex
	invoices map[string]*pos.Update // by order id
	creates  map[string]int         // create calls that made or returned an invoice, by order id
	calls    map[string]int         // by method
	queued   map[string][]error     // by method
	gate     map[string]chan struct{}
	created  []pos.Invoice   // what Create was asked, in order
	Offered  []pos.PayOption // what CheckPayOptions accepts; nil accepts all
}

// Created returns the invoices Create was asked for, in order.
func (p *Provider) Created() []pos.Invoice {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]pos.Invoice(nil), p.created...)
}

// Method names for Fail, Calls and Hold.
const (
	MethodCreate  = "create"
	MethodStatus  = "status"
	MethodCancel  = "cancel"
	MethodReissue = "reissue"
)

// ErrLostReply, queued for MethodCreate, makes the provider create the
// invoice and then fail in transport, as when a connection drops after the
// request arrived.
var ErrLostReply = errors.New("postest: create, then lose the reply")

// NewProvider returns a provider whose invoices expire after lifetime.
func NewProvider(clock pos.Clock, lifetime time.Duration) *Provider {
	return &Provider{clock: clock, lifetime: lifetime,
		invoices: map[string]*pos.Update{}, creates: map[string]int{},
		calls: map[string]int{}, queued: map[string][]error{}, gate: map[string]chan struct{}{}}
}

// Transport returns a transport error as an adapter would.
func Transport() error {
	return &pos.ProviderError{Kind: pos.ErrKindTransport, Message: "Cannot reach FakePay: connection reset."}
}

// Rejected returns a refusal as an adapter would.
func Rejected(msg string) error {
	return &pos.ProviderError{Kind: pos.ErrKindRejected, ProviderMessage: msg,
		Message: "FakePay refused the invoice: " + msg}
}

// Key is "fake".
func (p *Provider) Key() string { return "fake" }

// Name is "FakePay".
func (p *Provider) Name() string { return "FakePay" }

// Fail queues errors for the next calls of method.
func (p *Provider) Fail(method string, errs ...error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queued[method] = append(p.queued[method], errs...)
}

// Hold makes calls of method wait until the returned release is called.
func (p *Provider) Hold(method string) (release func()) {
	ch := make(chan struct{})
	p.mu.Lock()
	p.gate[method] = ch
	p.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			delete(p.gate, method)
			p.mu.Unlock()
			close(ch)
		})
	}
}

// Calls returns how many times method was called.
func (p *Provider) Calls(method string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[method]
}

// Invoices returns how many distinct invoices exist.
func (p *Provider) Invoices() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.invoices)
}

// Set changes the invoice with the order id, as the customer's actions would.
func (p *Provider) Set(orderID string, status pos.Status, change func(*pos.Update)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.invoices[orderID]
	if u == nil {
		panic("postest: no invoice " + orderID)
	}
	u.Status, u.ProviderStatus = status, string(status)
	if change != nil {
		change(u)
	}
}

// begin counts the call, waits at a gate, and pops a queued error.
func (p *Provider) begin(ctx context.Context, method string) error {
	p.mu.Lock()
	p.calls[method]++
	gate := p.gate[method]
	p.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return &pos.ProviderError{Kind: pos.ErrKindTransport, Message: "Cannot reach FakePay: timed out.", Err: ctx.Err()}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if q := p.queued[method]; len(q) > 0 {
		p.queued[method] = q[1:]
		return q[0]
	}
	return nil
}

// Create makes the invoice, or returns the existing one for the order id.
func (p *Provider) Create(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	err := p.begin(ctx, MethodCreate)
	if err != nil && !errors.Is(err, ErrLostReply) {
		return pos.Update{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.created = append(p.created, inv)
	u := p.invoices[inv.OrderID]
	if u == nil {
		u = &pos.Update{
			ProviderID: "fake-" + inv.OrderID, URL: "https://pay.example/" + inv.OrderID,
			ExpiresAt: p.clock.Now().Add(p.lifetime).Truncate(time.Second),
			Status:    pos.StatusWaiting, ProviderStatus: "waiting", Source: "FakePay API",
		}
		if !inv.Pay.CustomerChooses() {
			u.PayAmount = pos.Money{Amount: inv.Amount.Amount.Div(decimal.NewFromInt(60000)).Round(8), Currency: inv.Pay.Code}
		}
		p.invoices[inv.OrderID] = u
	}
	p.creates[inv.OrderID]++
	if err != nil {
		return pos.Update{}, Transport()
	}
	return *u, nil
}

// Status returns the invoice's state, by provider id or order id.
func (p *Provider) Status(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	if err := p.begin(ctx, MethodStatus); err != nil {
		return pos.Update{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.invoices[inv.OrderID]
	if u == nil {
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindNotFound, Message: "FakePay does not know this invoice."}
	}
	if !u.Status.Final() && !p.clock.Now().Before(u.ExpiresAt) {
		u.Status, u.ProviderStatus = pos.StatusExpired, "expired"
	}
	return *u, nil
}

// CheckPayOptions accepts the options in Offered (all when Offered is nil).
func (p *Provider) CheckPayOptions(_ context.Context, opts []pos.PayOption) error {
	if p.Offered == nil {
		return nil
	}
	for _, o := range opts {
		found := false
		for _, ok := range p.Offered {
			found = found || ok == o
		}
		if !found {
			return fmt.Errorf("FakePay does not offer %s", o.Label())
		}
	}
	return nil
}

// Cancelling wraps a Provider with pos.Canceller.
type Cancelling struct{ *Provider }

// Cancel voids an unpaid invoice.
func (c Cancelling) Cancel(ctx context.Context, inv pos.Invoice) error {
	if err := c.begin(ctx, MethodCancel); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.invoices[inv.OrderID]
	if u == nil || u.Status.Final() {
		return &pos.ProviderError{Kind: pos.ErrKindRejected, Message: "FakePay cannot cancel it in its current state."}
	}
	u.Status, u.ProviderStatus = pos.StatusCancelled, "cancelled"
	return nil
}

// Reissue renews an expired invoice with a fresh expiry.
func (p *Provider) Reissue(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	if err := p.begin(ctx, MethodReissue); err != nil {
		return pos.Update{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.invoices[inv.OrderID]
	if u == nil || u.Status != pos.StatusExpired {
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindRejected, Message: "FakePay can renew only expired invoices."}
	}
	u.Status, u.ProviderStatus = pos.StatusWaiting, "waiting"
	u.ExpiresAt = p.clock.Now().Add(p.lifetime).Truncate(time.Second)
	u.Address = "renewed"
	return *u, nil
}
