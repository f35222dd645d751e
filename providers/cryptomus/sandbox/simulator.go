package sandbox

import (
	"cryptopos/pos"
	"cryptopos/providers/sandboxkit"
)

// simSteps are the demo's customer actions, keyed so as not to clash
// with the invoice screen's own keys (c, r, y, q, ?).
var simSteps = []sandboxkit.SimStep[Action]{
	{SimAction: pos.SimAction{Key: "p", Name: "pay", Label: "pay"}, Action: Pay},
	{SimAction: pos.SimAction{Key: "u", Name: "underpay", Label: "underpay"}, Action: PayPartial},
	{SimAction: pos.SimAction{Key: "o", Name: "overpay", Label: "overpay"}, Action: PayOver},
	{SimAction: pos.SimAction{Key: "s", Name: "seen", Label: "payment seen"}, Action: ConfirmCheck},
	{SimAction: pos.SimAction{Key: "e", Name: "expire", Label: "expire now"}, Action: Expire},
}

// Simulator returns the demo's customer: it drives the invoice on screen,
// found by its uuid or else its order id, to pay, underpay, overpay,
// payment seen or expire now.
func (s *Sandbox) Simulator() pos.Simulator {
	return sandboxkit.Simulator[Action]{Steps: simSteps, ID: invoiceID, Drive: s.Drive}
}

// invoiceID is the invoice's uuid, or its order id when the create never
// answered.
func invoiceID(inv pos.Invoice) string {
	if inv.ProviderID != "" {
		return inv.ProviderID
	}
	return inv.OrderID
}
