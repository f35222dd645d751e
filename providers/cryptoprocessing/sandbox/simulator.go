package sandbox

import (
	"cryptopos/pos"
	"cryptopos/providers/sandboxkit"
)

// simSteps are the demo's customer and blockchain actions, keyed so as
// not to clash with the invoice screen's own keys (c, r, y, n, q, ?).
var simSteps = []sandboxkit.SimStep[Action]{
	{SimAction: pos.SimAction{Key: "p", Name: "pay", Label: "pay"}, Action: Pay},
	{SimAction: pos.SimAction{Key: "i", Name: "instalment", Label: "pay part"}, Action: PayPart},
	{SimAction: pos.SimAction{Key: "u", Name: "underpay", Label: "pay too little"}, Action: Underpay},
	{SimAction: pos.SimAction{Key: "m", Name: "mempool", Label: "to mempool"}, Action: Mempool},
	{SimAction: pos.SimAction{Key: "k", Name: "confirm", Label: "confirm"}, Action: Confirm},
	{SimAction: pos.SimAction{Key: "e", Name: "expire", Label: "expire now"}, Action: Expire},
}

// Simulator returns the demo's customer: it drives the invoice on screen
// by its order id (the foreign_id) to pay, pay part, pay too little, to
// mempool, confirm or expire now. Payments on an invoice whose coin is not
// chosen pick the default coin.
func (s *Sandbox) Simulator() pos.Simulator {
	return sandboxkit.Simulator[Action]{Steps: simSteps, ID: foreignID, Drive: s.Drive}
}

// foreignID is the invoice's foreign_id: the terminal's order id.
func foreignID(inv pos.Invoice) string { return inv.OrderID }
