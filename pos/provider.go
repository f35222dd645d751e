package pos

import (
	"context"
	"errors"
)

// Provider is a payment provider's API as the checkout engine needs it. An
// adapter lives in providers/NAME and is wired in main.go.
type Provider interface {
	// Key is the provider's stable name in the journal and config ("cryptomus").
	Key() string
	// Name is the provider's name for people ("Cryptomus").
	Name() string
	// Create creates the invoice for inv.OrderID, inv.Amount and inv.Pay.
	// Sending the same OrderID again must not make a second invoice: it
	// returns the existing one, or fails with ErrKindDuplicate when the
	// provider cannot tell us what the first one was.
	Create(ctx context.Context, inv Invoice) (Update, error)
	// Status reads the invoice's current state. inv.ProviderID may be empty
	// after a crash during create; adapters then look it up by OrderID where
	// the provider allows, and return ErrKindNotFound when it does not exist.
	Status(ctx context.Context, inv Invoice) (Update, error)
	// CheckPayOptions verifies at start-up that the configured coins can be
	// invoiced, and says which cannot.
	CheckPayOptions(ctx context.Context, opts []PayOption) error
}

// Canceller is a Provider that can void an unpaid invoice.
type Canceller interface {
	Cancel(ctx context.Context, inv Invoice) error
}

// TopUpper is a Provider that says whether a customer who paid too little
// may send the rest to the same invoice (an instalment invoice), or whether
// the invoice ends underpaid and the money is refunded.
type TopUpper interface {
	TopUps() bool
}

// Reissuer is a Provider that can renew an expired invoice under the same
// order id (a fresh address and expiry, no second invoice).
type Reissuer interface {
	Reissue(ctx context.Context, inv Invoice) (Update, error)
}

// Simulator is offered by demo sandboxes: it acts as the customer would.
// It is nil outside the demo.
type Simulator interface {
	// Actions lists what the demo can do to an invoice, in menu order.
	Actions() []SimAction
	Simulate(ctx context.Context, inv Invoice, action SimAction) error
}

// SimAction is one thing a demo customer can do ("pay in full").
type SimAction struct {
	Key   string // the key on the invoice screen, e.g. "p"
	Name  string // e.g. "pay"
	Label string // e.g. "demo: customer pays"
}

// ErrorKind classifies provider failures by what the engine should do next.
type ErrorKind int

// The kinds of provider errors.
const (
	// ErrKindTransport: no answer (connection refused, timeout, reset). A
	// create may or may not have happened; retry with the same order id.
	ErrKindTransport ErrorKind = iota + 1
	// ErrKindTemporary: the provider answered that it cannot serve now
	// (5xx, a gateway page, "try later"). Retry after a pause.
	ErrKindTemporary
	// ErrKindBadReply: the provider answered with something unreadable.
	// Retry; the outcome of a create is unknown.
	ErrKindBadReply
	// ErrKindRejected: the provider refused the request (validation,
	// limits, a currency it does not offer). Retrying will not help.
	ErrKindRejected
	// ErrKindAuth: the credentials or signature were refused.
	ErrKindAuth
	// ErrKindNotFound: the provider does not know the invoice.
	ErrKindNotFound
	// ErrKindDuplicate: the order id is already used and the provider cannot
	// return what was made under it.
	ErrKindDuplicate
)

// ProviderError is a provider failure with a sentence for the cashier.
// It never contains secrets.
type ProviderError struct {
	Kind ErrorKind
	// Message is a complete sentence for the cashier, naming the provider
	// and including the provider's own words where they help.
	Message string
	// ProviderMessage is the provider's own text, if it sent one.
	ProviderMessage string
	// HTTPStatus is the HTTP status code, 0 when there was no answer.
	HTTPStatus int
	// Err is the underlying error, for logs.
	Err error
}

func (e *ProviderError) Error() string { return e.Message }
func (e *ProviderError) Unwrap() error { return e.Err }

// Retryable reports whether trying again later may succeed.
func (e *ProviderError) Retryable() bool {
	switch e.Kind {
	case ErrKindTransport, ErrKindTemporary, ErrKindBadReply:
		return true
	}
	return false
}

// KindOf returns the ErrorKind of err, or 0 when err is no ProviderError.
func KindOf(err error) ErrorKind {
	var pe *ProviderError
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return 0
}

// Retryable reports whether err is worth retrying. Errors that are not
// ProviderErrors (a cancelled context, a bug) are not.
func Retryable(err error) bool {
	var pe *ProviderError
	return errors.As(err, &pe) && pe.Retryable()
}
