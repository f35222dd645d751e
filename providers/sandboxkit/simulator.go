package sandboxkit

import (
	"context"
	"fmt"

	"cryptopos/pos"
)

// SimStep is one thing the demo's customer can do and the sandbox action,
// of type A, it takes.
type SimStep[A any] struct {
	pos.SimAction
	Action A
}

// Simulator is the demo's customer, a pos.Simulator: it drives the invoice
// on screen through the sandbox, taking the action of the step chosen by
// name, or by key when the choice has no name.
type Simulator[A any] struct {
	// Steps are the customer's actions, in menu order.
	Steps []SimStep[A]
	// ID is the sandbox's id of the invoice.
	ID func(pos.Invoice) string
	// Drive applies an action to the invoice id names.
	Drive func(id string, a A) error
}

var _ pos.Simulator = Simulator[string]{}

// Actions lists the steps' actions, in order.
func (m Simulator[A]) Actions() []pos.SimAction {
	out := make([]pos.SimAction, len(m.Steps))
	for i, s := range m.Steps {
		out[i] = s.SimAction
	}
	return out
}

// Simulate takes action on inv, unless ctx is done.
func (m Simulator[A]) Simulate(ctx context.Context, inv pos.Invoice, action pos.SimAction) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, s := range m.Steps {
		if s.Name == action.Name || (action.Name == "" && s.Key == action.Key) {
			return m.Drive(m.ID(inv), s.Action)
		}
	}
	return fmt.Errorf("sandbox: the demo cannot %q", action.Name)
}
