package pos

// Status is the normalized state of an invoice that every provider maps onto.
// The values are stable: the journal stores them.
type Status string

// The statuses, in the cashier's terms.
const (
	// StatusUnknown is "no new status": a provider reply that says nothing
	// about the sale (a refund running after a payment, for example).
	StatusUnknown Status = ""

	StatusCreating   Status = "creating"   // in the journal; the provider has not answered yet
	StatusWaiting    Status = "waiting"    // awaiting payment
	StatusConfirming Status = "confirming" // payment seen, waiting for confirmations
	StatusPartial    Status = "partial"    // partly paid; the customer may top up
	StatusOnHold     Status = "on_hold"    // funds held for an AML check

	StatusPaid      Status = "paid"
	StatusOverpaid  Status = "overpaid"
	StatusUnderpaid Status = "underpaid"
	StatusExpired   Status = "expired"
	StatusCancelled Status = "cancelled"
	StatusFailed    Status = "failed"
)

// Statuses lists every status, in the order a report shows them.
var Statuses = []Status{
	StatusCreating, StatusWaiting, StatusConfirming, StatusPartial, StatusOnHold,
	StatusPaid, StatusOverpaid, StatusUnderpaid, StatusExpired, StatusCancelled, StatusFailed,
}

// Final reports whether the sale has an outcome. A final status only ever
// gives way to a better final one (a late payment), never to a waiting one.
func (s Status) Final() bool {
	switch s {
	case StatusPaid, StatusOverpaid, StatusUnderpaid, StatusExpired, StatusCancelled, StatusFailed:
		return true
	}
	return false
}

// Success reports whether the shop has been paid at least the amount asked.
func (s Status) Success() bool { return s == StatusPaid || s == StatusOverpaid }

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Words is the status in plain words for the cashier.
func (s Status) Words() string {
	switch s {
	case StatusCreating:
		return "Creating the invoice"
	case StatusWaiting:
		return "Waiting for payment"
	case StatusConfirming:
		return "Payment seen, confirming"
	case StatusPartial:
		return "Partly paid"
	case StatusOnHold:
		return "On hold for a compliance check"
	case StatusPaid:
		return "PAID"
	case StatusOverpaid:
		return "PAID (overpaid)"
	case StatusUnderpaid:
		return "UNDERPAID"
	case StatusExpired:
		return "EXPIRED"
	case StatusCancelled:
		return "CANCELLED"
	case StatusFailed:
		return "FAILED"
	}
	return "Unknown status"
}

// finalRank orders final statuses by how much money reached the shop, so a
// late payment can lift an expired, cancelled or underpaid sale.
func (s Status) finalRank() int {
	switch s {
	case StatusExpired, StatusCancelled, StatusFailed:
		return 1
	case StatusUnderpaid:
		return 2
	case StatusPaid:
		return 3
	case StatusOverpaid:
		return 4
	}
	return 0
}

// CanMoveTo reports whether a reply with status next may replace s.
// Transitions are monotonic: nothing moves a sale back to creating, and once
// final only a final status with more money behind it (a late payment) may
// follow.
func (s Status) CanMoveTo(next Status) bool {
	switch {
	case next == StatusUnknown || next == s:
		return false
	case next == StatusCreating:
		return false
	case !s.Final():
		return true
	case !next.Final():
		return false
	}
	return next.finalRank() > s.finalRank()
}
