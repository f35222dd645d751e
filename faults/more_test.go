package faults

import (
	"testing"
	"time"

	"cryptopos/pos"
	cmsandbox "cryptopos/providers/cryptomus/sandbox"
	cpsandbox "cryptopos/providers/cryptoprocessing/sandbox"
)

// The create endpoints.
const (
	cmCreate = "/v1/payment"
	cpCreate = "/api/v2/invoices/create"
)

// TestProviderDownAtStart starts the terminal while the provider refuses
// connections: the start-up check of the coins says so on the Sale
// screen, the sale waits with the trouble on screen and backs off, and
// once the provider is up the sale is made (once), paid, and the coins
// are checked again.
func TestProviderDownAtStart(t *testing.T) {
	t.Parallel()
	for _, p := range []provider{viaCryptomus, viaCryptoprocessing} {
		t.Run(p.String(), func(t *testing.T) {
			t.Parallel()
			r := newRig(t, p, options{apiDown: true, checkCoins: true})
			refused := "Cannot reach " + p.String() + ": connection refused."
			r.screen.waitText("Could not check the configured coins: " + refused)

			s := r.sell()
			id := s.Invoice.OrderID
			r.checkTrouble(s, pos.ErrKindTransport, refused, 6*time.Second)
			r.next(s)
			s = r.troubled(pos.Snapshot{}, id)
			r.checkTrouble(s, pos.ErrKindTransport, refused, 12*time.Second)
			r.checkNote(id, refused)

			r.api.up()
			r.next(s)
			r.pay(r.shown(pos.Snapshot{}, id))
			r.checkBooks(id, false)

			r.screen.press("enter") // a new sale
			r.screen.waitText("Amount (EUR)")
			r.screen.waitGone("Could not check the configured coins")
		})
	}
}

// TestGarbageForeverThenRecovers has the provider answer every create
// with JSON cut in half, through six tries: the cashier sees the same
// sentence while the pause grows to the 30 s cap, the journal has the
// spell of trouble once, and when the provider recovers the sale goes on.
// At Cryptomus the first invoice made is the one paid; at
// Cryptoprocessing it is cancelled and replaced.
func TestGarbageForeverThenRecovers(t *testing.T) {
	t.Parallel()
	for _, p := range []provider{viaCryptomus, viaCryptoprocessing} {
		t.Run(p.String(), func(t *testing.T) {
			t.Parallel()
			r := newRig(t, p, options{})
			if p == viaCryptomus {
				r.cm.InjectFault(cmsandbox.Fault{Kind: cmsandbox.FaultGarbage, Path: cmCreate, Times: 1000})
			} else {
				r.cp.InjectFault(cpsandbox.Fault{Kind: cpsandbox.FaultGarbage, Path: cpCreate, Times: 1000})
			}
			sentence := p.String() + " answered with data that is cut short or malformed (HTTP 200)."
			s := r.sell()
			first := s.Invoice.OrderID
			for _, backoff := range []time.Duration{6, 12, 24, 30, 30, 30} {
				s = r.troubled(s, first)
				r.checkTrouble(s, pos.ErrKindBadReply, sentence, backoff*time.Second)
				r.checkNote(first, sentence)
				if n := len(r.held()); n != 1 {
					t.Fatalf("the provider holds %d invoices while the answers are garbage", n)
				}
				r.next(s)
				s = pos.Snapshot{}
			}
			s = r.troubled(s, first) // the seventh try, garbage too
			if p == viaCryptomus {
				r.cm.ClearFaults()
			} else {
				r.cp.ClearFaults()
			}
			r.next(s)
			id := first
			if p == viaCryptoprocessing {
				old := r.await(first, "replaced", func(s pos.Snapshot) bool { return s.Invoice.ReplacedBy != "" })
				id = old.Invoice.ReplacedBy
			}
			r.pay(r.shown(pos.Snapshot{}, id))
			r.checkBooks(first, p == viaCryptoprocessing)
		})
	}
}

// TestCryptoprocessingLostReplyCancelFails loses the answer to the create,
// and then the cancel of the lost invoice fails with a 500: the terminal
// makes no second invoice while the first may be live, says what failed,
// and at the next try cancels the first and makes the replacement.
func TestCryptoprocessingLostReplyCancelFails(t *testing.T) {
	t.Parallel()
	r := newRig(t, viaCryptoprocessing, options{})
	r.cp.InjectFault(cpsandbox.Fault{Kind: cpsandbox.FaultResetAfterCreate})
	s := r.sell()
	first := s.Invoice.OrderID
	reset := "Cannot reach Cryptoprocessing: the connection was cut before the answer arrived."
	r.checkTrouble(s, pos.ErrKindTransport, reset, 6*time.Second)

	r.cp.InjectFault(cpsandbox.Fault{Kind: cpsandbox.FaultStatus500, Path: "/api/v2/invoices/" + first + "/cancel/"})
	r.next(s)
	s = r.troubled(pos.Snapshot{}, first)
	r.checkTrouble(s, pos.ErrKindTemporary,
		"Cryptoprocessing has an internal problem (HTTP 500: Server Error); the terminal will try again.", 12*time.Second)
	r.checkNote(first, reset)
	if h := r.held(); len(h) != 1 || h[0].orderID != first || h[0].status != "pending" || s.Invoice.ReplacedBy != "" {
		t.Fatalf("after the failed cancel: provider %+v, sale %+v", h, s.Invoice)
	}

	r.next(s)
	old := r.await(first, "replaced", func(s pos.Snapshot) bool { return s.Invoice.ReplacedBy != "" })
	r.pay(r.shown(pos.Snapshot{}, old.Invoice.ReplacedBy))
	r.checkBooks(first, true)
}
