package cryptomus

import (
	"strings"
	"testing"

	"cryptopos/pos"
)

func TestMapStatus(t *testing.T) {
	tests := []struct {
		word       string
		final      bool
		want       pos.Status
		known      bool
		wantReason bool
	}{
		{"check", false, pos.StatusWaiting, true, false},
		{"process", false, pos.StatusWaiting, true, false},
		{"confirm_check", false, pos.StatusConfirming, true, false},
		{"wrong_amount_waiting", false, pos.StatusPartial, true, false},
		{"paid", true, pos.StatusPaid, true, false},
		{"paid_over", true, pos.StatusOverpaid, true, false},
		{"wrong_amount", true, pos.StatusUnderpaid, true, true},
		{"cancel", true, pos.StatusExpired, true, true},
		{"fail", true, pos.StatusFailed, true, true},
		{"system_fail", true, pos.StatusFailed, true, true},
		{"locked", false, pos.StatusOnHold, true, false},
		{"locked", true, pos.StatusFailed, true, true},
		{"refund_process", false, pos.StatusUnknown, true, false},
		{"refund_fail", true, pos.StatusUnknown, true, false},
		{"refund_paid", true, pos.StatusUnknown, true, false},
		// The server's is_final wins over a status that is not an outcome.
		{"check", true, pos.StatusFailed, true, true},
		{"confirm_check", true, pos.StatusFailed, true, true},
		{"wrong_amount_waiting", true, pos.StatusUnderpaid, true, true},
		// A final word with is_final false still decides the outcome.
		{"paid", false, pos.StatusPaid, true, false},
		{"teleported", false, pos.StatusUnknown, false, false},
		{"", false, pos.StatusUnknown, false, false},
	}
	for _, tt := range tests {
		got, reason, known := mapStatus(tt.word, tt.final)
		if got != tt.want || known != tt.known || (reason != "") != tt.wantReason {
			t.Errorf("mapStatus(%q, %t) = %q, %q, %t; want %q, reason %t, known %t",
				tt.word, tt.final, got, reason, known, tt.want, tt.wantReason, tt.known)
		}
		if reason != "" && (!strings.HasSuffix(reason, ".") || !strings.Contains(reason, "Cryptomus") && !strings.Contains(reason, "invoice")) {
			t.Errorf("mapStatus(%q): reason %q is not a sentence about the invoice", tt.word, reason)
		}
	}
}
