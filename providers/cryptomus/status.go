package cryptomus

import "cryptopos/pos"

// statusInfo is how one Cryptomus status word maps onto the sale.
type statusInfo struct {
	status pos.Status
	reason string // the sentence for the cashier, for outcomes that need one
}

// statuses maps the words of https://doc.cryptomus.com/payments/payment-statuses
// onto pos statuses. The refund_* words say nothing about the sale's outcome
// and map to pos.StatusUnknown, so the invoice keeps its outcome.
var statuses = map[string]statusInfo{
	"check":                {status: pos.StatusWaiting},
	"process":              {status: pos.StatusWaiting},
	"confirm_check":        {status: pos.StatusConfirming},
	"wrong_amount_waiting": {status: pos.StatusPartial},
	"paid":                 {status: pos.StatusPaid},
	"paid_over":            {status: pos.StatusOverpaid},
	"wrong_amount": {status: pos.StatusUnderpaid,
		reason: "The customer paid less than the invoice amount; Cryptomus credited the part that arrived."},
	"cancel": {status: pos.StatusExpired,
		reason: "The invoice expired before it was paid."},
	"fail": {status: pos.StatusFailed,
		reason: "Cryptomus reports that the payment failed."},
	"system_fail": {status: pos.StatusFailed,
		reason: "Cryptomus reports a system error with this payment."},
	"locked":         {status: pos.StatusOnHold},
	"refund_process": {status: pos.StatusUnknown},
	"refund_fail":    {status: pos.StatusUnknown},
	"refund_paid":    {status: pos.StatusUnknown},
}

// mapStatus maps a status word and is_final onto a pos status. known is
// false for words Cryptomus has not documented. A final reply for a status
// that is not an outcome (check, locked …) becomes Failed: the server has
// stopped the invoice without a payment we can count.
func mapStatus(word string, isFinal bool) (s pos.Status, reason string, known bool) {
	info, known := statuses[word]
	if !known {
		return pos.StatusUnknown, "", false
	}
	if isFinal && info.status != pos.StatusUnknown && !info.status.Final() {
		switch info.status {
		case pos.StatusOnHold:
			return pos.StatusFailed, "Cryptomus held the funds for a compliance (AML) check and closed the invoice; the customer must contact Cryptomus support.", true
		case pos.StatusPartial:
			// Money arrived but not all of it: that is an underpayment.
			return pos.StatusUnderpaid, statuses["wrong_amount"].reason, true
		}
		return pos.StatusFailed, "Cryptomus closed the invoice while it was " + openWords[info.status] +
			" (status " + word + "), without a payment that counts.", true
	}
	return info.status, info.reason, true
}

var openWords = map[pos.Status]string{
	pos.StatusWaiting:    "still waiting for payment",
	pos.StatusConfirming: "confirming a payment",
}
