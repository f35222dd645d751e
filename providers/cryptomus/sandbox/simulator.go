package sandbox

import (
	"context"
	"fmt"

	"cryptopos/pos"
)

// simActions are the demo's customer actions, keyed so as not to clash
// with the invoice screen's own keys (c, r, y, q, ?).
var simActions = []struct {
	pos.SimAction
	action Action
}{
	{pos.SimAction{Key: "p", Name: "pay", Label: "pay"}, Pay},
	{pos.SimAction{Key: "u", Name: "underpay", Label: "underpay"}, PayPartial},
	{pos.SimAction{Key: "o", Name: "overpay", Label: "overpay"}, PayOver},
	{pos.SimAction{Key: "s", Name: "seen", Label: "payment seen"}, ConfirmCheck},
	{pos.SimAction{Key: "e", Name: "expire", Label: "expire now"}, Expire},
}

// Simulator returns the demo's customer: it drives the invoice on screen.
func (s *Sandbox) Simulator() pos.Simulator { return simulator{s} }

type simulator struct{ s *Sandbox }

// Actions lists pay, underpay, overpay, payment seen and expire now.
func (simulator) Actions() []pos.SimAction {
	out := make([]pos.SimAction, len(simActions))
	for i, a := range simActions {
		out[i] = a.SimAction
	}
	return out
}

// Simulate drives the invoice, found by its uuid or else its order id.
func (m simulator) Simulate(ctx context.Context, inv pos.Invoice, action pos.SimAction) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	id := inv.ProviderID
	if id == "" {
		id = inv.OrderID
	}
	for _, a := range simActions {
		if a.Name == action.Name || (action.Name == "" && a.Key == action.Key) {
			return m.s.Drive(id, a.action)
		}
	}
	return fmt.Errorf("sandbox: the demo cannot %q", action.Name)
}
