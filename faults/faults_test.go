package faults

import (
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
	cmsandbox "cryptopos/providers/cryptomus/sandbox"
	cpsandbox "cryptopos/providers/cryptoprocessing/sandbox"
)

// faultCase is one fault in one operation of one provider.
type faultCase struct {
	name string
	// status puts the fault in the status checks of the invoice on
	// screen (for Cryptoprocessing: the relay's reads); otherwise in the
	// create.
	status bool
	// arm injects the fault; heal ends it when one request does not use
	// it up (nil: it is used up).
	arm, heal func(r *rig)
	// kind and sentence are the trouble the cashier sees (with "{relay}"
	// for the relay's address); kind 0: the cashier sees no trouble.
	kind     pos.ErrorKind
	sentence string
	// replaced: the provider made the invoice but its answer was lost, so
	// the sale goes on with a replacement and the first is cancelled.
	replaced bool
	// payDuring: the customer pays while the fault lasts.
	payDuring bool
	// givesUp, for a fault of no answer in time: while the fault lasts,
	// the client gives a request up, timed out, once this reports that
	// the other side holds it (see patience).
	givesUp func(r *rig) bool
}

// run sells through the fault: while it lasts the cashier sees what
// happened and when the terminal tries again (checkTrouble); when it
// clears the sale goes on to its invoice and is paid; the provider and
// the journal agree (checkBooks).
func (c faultCase) run(t *testing.T, p provider) {
	r := newRig(t, p, options{})
	arm := func() {
		c.arm(r)
		if c.givesUp != nil {
			r.wait.set(func() bool { return c.givesUp(r) })
		}
	}
	if !c.status {
		arm()
	}
	s := r.sell()
	first, id := s.Invoice.OrderID, s.Invoice.OrderID
	if c.status {
		s = r.shown(s, id)
		arm()
		r.next(s)
	}
	if c.kind == 0 {
		at := r.clock.Now()
		if c.status {
			s = pos.Snapshot{} // the one before the check under the fault does not count
		}
		s = r.shown(s, id)
		if !s.LastChecked.Equal(at) {
			t.Errorf("last checked %v, want %v: the check under the fault did not answer", s.LastChecked, at)
		}
		if !r.taken() || r.relayMode.Load() != relayServes {
			t.Error("the latency was not injected")
		}
		if notes := r.troubleNotes(id); len(notes) != 0 || strings.Contains(r.screen.text(), "Connection problem") {
			t.Errorf("trouble without a fault: %q\n%s", notes, r.screen.text())
		}
		r.pay(s)
		r.checkBooks(first, false)
		return
	}

	s = r.troubled(s, id)
	sentence := strings.ReplaceAll(c.sentence, "{relay}", r.relayHost())
	r.checkTrouble(s, c.kind, sentence, 2*pollInterval)
	r.checkNote(id, sentence)
	if c.payDuring {
		r.customerPays(id)
	}
	if c.heal != nil {
		c.heal(r)
	}
	r.wait.set(nil)
	r.next(s)
	if c.replaced {
		old := r.await(first, "replaced", func(s pos.Snapshot) bool { return s.Invoice.ReplacedBy != "" })
		if old.Invoice.Status != pos.StatusCancelled {
			t.Errorf("the replaced invoice is %s, want cancelled", old.Invoice.Status)
		}
		id = old.Invoice.ReplacedBy
		r.screen.waitText("The first invoice was lost on the way and has been cancelled; making a new one.")
	}
	if c.payDuring {
		r.paidAfter(id)
	} else {
		r.pay(r.shown(s, id))
	}
	r.checkBooks(first, c.replaced)
}

func TestCryptomusFaults(t *testing.T) {
	t.Parallel()
	const create, info = cmCreate, "/v1/payment/info"
	inject := func(f cmsandbox.Fault) func(*rig) { return func(r *rig) { r.cm.InjectFault(f) } }
	const (
		noAnswer = "Cannot reach Cryptomus: no answer in time."
		s500     = "Cryptomus has an internal problem (HTTP 500: Server error, #1); the terminal will try again."
		page     = "Cryptomus answered with a web page instead of data (HTTP 502); the terminal will try again."
		s429     = "Cryptomus is receiving too many requests (HTTP 429: error code: 1015); the terminal will try again shortly."
		cut      = "Cryptomus answered with data that is cut short or malformed (HTTP 200)."
		reset    = "Cannot reach Cryptomus: the connection was cut before the answer arrived."
	)
	for _, c := range []faultCase{
		{name: "create/latency", arm: inject(cmsandbox.Latency(create, 300*time.Millisecond))},
		{name: "create/no answer in time", arm: inject(cmsandbox.Latency(create, time.Hour)), givesUp: (*rig).taken,
			kind: pos.ErrKindTransport, sentence: noAnswer},
		{name: "create/made, answer too late", arm: inject(cmsandbox.LateReply(create, time.Hour)), givesUp: (*rig).made,
			kind: pos.ErrKindTransport, sentence: noAnswer},
		{name: "create/500", arm: inject(cmsandbox.Status500(create)), kind: pos.ErrKindTemporary, sentence: s500},
		{name: "create/502 gateway page", arm: inject(cmsandbox.GatewayHTML(create)), kind: pos.ErrKindTemporary, sentence: page},
		{name: "create/429 plain text", arm: inject(cmsandbox.RateLimited(create)), kind: pos.ErrKindTemporary, sentence: s429},
		{name: "create/cut JSON", arm: inject(cmsandbox.Garbage(create)), kind: pos.ErrKindBadReply, sentence: cut},
		{name: "create/reset after made", arm: inject(cmsandbox.ResetAfterCreate()), kind: pos.ErrKindTransport, sentence: reset},

		{name: "status/latency", status: true, arm: inject(cmsandbox.Latency(info, 300*time.Millisecond))},
		{name: "status/no answer in time", status: true, arm: inject(cmsandbox.Latency(info, time.Hour)), givesUp: (*rig).taken,
			kind: pos.ErrKindTransport, sentence: noAnswer},
		{name: "status/500", status: true, arm: inject(cmsandbox.Status500(info)), kind: pos.ErrKindTemporary, sentence: s500},
		{name: "status/502 gateway page", status: true, arm: inject(cmsandbox.GatewayHTML(info)), kind: pos.ErrKindTemporary, sentence: page},
		{name: "status/429 plain text", status: true, arm: inject(cmsandbox.RateLimited(info)), kind: pos.ErrKindTemporary, sentence: s429},
		{name: "status/cut JSON", status: true, arm: inject(cmsandbox.Garbage(info)), kind: pos.ErrKindBadReply, sentence: cut},
		{name: "status/reset", status: true, arm: inject(cmsandbox.Reset(info)), kind: pos.ErrKindTransport, sentence: reset},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, viaCryptomus)
		})
	}
}

func TestCryptoprocessingFaults(t *testing.T) {
	t.Parallel()
	const create = cpCreate
	inject := func(f cpsandbox.Fault) func(*rig) { return func(r *rig) { r.cp.InjectFault(f) } }
	relayMode := func(mode int32) func(*rig) { return func(r *rig) { r.relayMode.Store(mode) } }
	const (
		noAnswer = "Cannot reach Cryptoprocessing: no answer in time."
		internal = "Cryptoprocessing has an internal problem (HTTP %s); the terminal will try again."
		reset    = "Cannot reach Cryptoprocessing: the connection was cut before the answer arrived."
		noRelay  = "Cannot reach the relay at {relay}; the terminal will keep trying."
	)
	s5xx := func(note string) string { return strings.Replace(internal, "%s", note, 1) }
	for _, c := range []faultCase{
		{name: "create/latency", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultLatency, Path: create, Delay: 300 * time.Millisecond})},
		{name: "create/no answer in time", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultLatency, Path: create, Delay: time.Hour}),
			givesUp: (*rig).taken, kind: pos.ErrKindTransport, sentence: noAnswer},
		{name: "create/made, answer too late", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultLateReply, Path: create, Delay: time.Hour}),
			givesUp: (*rig).made, kind: pos.ErrKindTransport, sentence: noAnswer, replaced: true},
		{name: "create/500 framework body", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultStatus500, Path: create}),
			kind: pos.ErrKindTemporary, sentence: s5xx("500: Server Error")},
		{name: "create/500 error and code", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultStatus500, Path: create, Body: cpsandbox.ServerErrorCoded}),
			kind: pos.ErrKindTemporary, sentence: s5xx("500: Internal server error")},
		{name: "create/503 nested error", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultStatus500, Path: create, Status: 503, Body: cpsandbox.ServerErrorNested}),
			kind: pos.ErrKindTemporary, sentence: s5xx("503: Internal server error")},
		{name: "create/502 gateway page", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultGatewayHTML, Path: create}),
			kind: pos.ErrKindTemporary, sentence: "Cryptoprocessing answered with a web page instead of data (HTTP 502); the terminal will try again."},
		{name: "create/429 documented body", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultRateLimited, Path: create}),
			kind: pos.ErrKindTemporary, sentence: "Cryptoprocessing is receiving too many requests (HTTP 429); the terminal will try again shortly."},
		{name: "create/cut JSON", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultGarbage, Path: create}), replaced: true,
			kind: pos.ErrKindBadReply, sentence: "Cryptoprocessing answered with data that is cut short or malformed (HTTP 200)."},
		{name: "create/reset after made", arm: inject(cpsandbox.Fault{Kind: cpsandbox.FaultResetAfterCreate}), replaced: true,
			kind: pos.ErrKindTransport, sentence: reset},

		{name: "status/relay latency", status: true, arm: relayMode(relaySlow)},
		{name: "status/relay hangs", status: true, arm: relayMode(relayHangs), heal: relayMode(relayServes),
			givesUp: (*rig).relayHeld, kind: pos.ErrKindTransport, sentence: noRelay},
		{name: "status/relay behind a failing proxy", status: true, arm: relayMode(relayGateway), heal: relayMode(relayServes),
			kind: pos.ErrKindTransport, sentence: noRelay},
		{name: "status/relay down while the customer pays", status: true, payDuring: true,
			arm: func(r *rig) { r.relay.down() }, heal: relayBack, kind: pos.ErrKindTransport, sentence: noRelay},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, viaCryptoprocessing)
		})
	}
}

// relayBack brings the relay up again, and lets a second pass on the
// fake clock: the sandbox retries the callbacks the relay refused (after
// 1 s, its first retry) and they arrive.
func relayBack(r *rig) {
	r.relay.up()
	r.clock.Advance(time.Second)
	r.cp.Tick()
}
