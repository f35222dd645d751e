package sandbox

import (
	"context"
	"fmt"

	"cryptopos/pos"
)

// simActions are the demo's customer and blockchain actions, keyed so as
// not to clash with the invoice screen's own keys (c, r, y, n, q, ?).
var simActions = []struct {
	pos.SimAction
	action Action
}{
	{pos.SimAction{Key: "p", Name: "pay", Label: "pay"}, Pay},
	{pos.SimAction{Key: "i", Name: "instalment", Label: "pay part"}, PayPart},
	{pos.SimAction{Key: "u", Name: "underpay", Label: "pay too little"}, Underpay},
	{pos.SimAction{Key: "m", Name: "mempool", Label: "to mempool"}, Mempool},
	{pos.SimAction{Key: "k", Name: "confirm", Label: "confirm"}, Confirm},
	{pos.SimAction{Key: "e", Name: "expire", Label: "expire now"}, Expire},
}

// Simulator returns the demo's customer: it drives the invoice on screen
// by its order id (the foreign_id). Payments on an invoice whose coin is
// not chosen pick the default coin.
func (s *Sandbox) Simulator() pos.Simulator { return simulator{s} }

type simulator struct{ s *Sandbox }

// Actions lists pay, pay part, pay too little, to mempool, confirm and
// expire now.
func (simulator) Actions() []pos.SimAction {
	out := make([]pos.SimAction, len(simActions))
	for i, a := range simActions {
		out[i] = a.SimAction
	}
	return out
}

// Simulate drives the invoice with inv.OrderID as its foreign_id.
func (m simulator) Simulate(ctx context.Context, inv pos.Invoice, action pos.SimAction) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, a := range simActions {
		if a.Name == action.Name || (action.Name == "" && a.Key == action.Key) {
			return m.s.Drive(inv.OrderID, a.action)
		}
	}
	return fmt.Errorf("sandbox: the demo cannot %q", action.Name)
}
