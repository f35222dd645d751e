package ui

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

func kioskOptions(pin string, outcomes *atomic.Value) harnessOption {
	return func(o *Options, _ *postest.Provider) {
		o.Kiosk, o.ReturnAfter, o.PaidBells, o.FailedBells = true, 20*time.Second, 2, 3
		o.BellGap = -1 // rings back to back: the gap's length is not under test
		o.CheckPIN = func(p string) bool { return p == pin }
		o.OnOutcome = func(s pos.Status) { outcomes.Store(s) }
	}
}

// quits reports whether the key made the program quit.
func (h *harness) quits(k string) bool {
	h.t.Helper()
	_, cmd := h.m.Update(keyMsg(k))
	for cmd != nil {
		msg := cmd()
		switch msg := msg.(type) {
		case tea.QuitMsg:
			return true
		case tea.BatchMsg:
			return false
		case nil:
			return false
		default:
			_, cmd = h.m.Update(msg)
		}
	}
	return false
}

func TestKioskKeysDoNotLeave(t *testing.T) {
	var outcomes atomic.Value
	h := newHarness(t, kioskOptions("2468", &outcomes))
	for _, k := range []string{"ctrl+c", "q", "ctrl+z", "ctrl+\\"} {
		if h.quits(k) {
			t.Fatalf("%s left the locked terminal", k)
		}
	}
	if h.m.pin != nil {
		t.Fatal("a key other than F10 asked for the PIN")
	}
	if !strings.Contains(h.screen(), "F10 quit (PIN)") {
		t.Fatalf("the way out is not in the help bar:\n%s", h.screen())
	}
	h.press("f10")
	h.waitText("Manager PIN to quit")
	h.golden("kiosk-pin")
	h.typeText("1111")
	h.press("enter")
	h.waitText("That PIN is not right.")
	h.typeText("2468")
	if h.quits("enter") {
		return
	}
	t.Fatal("the right PIN did not quit")
}

func TestKioskPINIsRateLimited(t *testing.T) {
	var outcomes atomic.Value
	h := newHarness(t, kioskOptions("2468", &outcomes))
	h.press("h")
	h.waitText("Manager PIN for the history")
	for i := 0; i < 3; i++ {
		h.typeText("0000")
		h.press("enter")
		h.waitText("That PIN is not right.")
	}
	h.waitText("Try again in 30s")
	h.typeText("2468")
	h.press("enter")
	h.waitText("Too many wrong PINs: try again in 30s.")
	h.advance(30 * time.Second)
	h.press("enter")
	h.waitText("History")
}

func TestKioskCancellingAPaidLookingSaleNeedsThePIN(t *testing.T) {
	var outcomes atomic.Value
	h := newHarness(t, kioskOptions("2468", &outcomes))
	inv := h.sale("12.50", "2")
	h.provider.Set(inv.OrderID, pos.StatusConfirming, nil)
	h.press("r")
	h.waitText("Payment seen, confirming")
	h.press("c", "y")
	h.waitText("Manager PIN to cancel a sale that is being paid")
	h.press("esc")
	if h.m.pin != nil || h.m.screen != screenInvoice {
		t.Fatal("esc did not keep the sale")
	}
	h.press("c", "y")
	h.waitText("Manager PIN")
	h.typeText("2468")
	h.press("enter")
	h.waitText("CANCELLED")

	// A sale nobody is paying is cancelled without the PIN.
	h.press("enter")
	h.waitText("Amount (EUR)")
	h.sale("3", "1")
	h.press("c", "y")
	h.waitText("CANCELLED")
}

func TestKioskResultReturnsToSaleAndSounds(t *testing.T) {
	var outcomes atomic.Value
	h := newHarness(t, kioskOptions("2468", &outcomes))
	inv := h.sale("12.50", "2")
	h.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	h.press("r")
	h.waitText("A new sale starts by itself after 20s.")
	h.waitFor("two bells", func(string) bool { return h.bells.Load() == 2 })
	h.waitFor("the sound hook", func(string) bool { return outcomes.Load() == pos.StatusPaid })
	h.advance(20 * time.Second)
	h.waitText("Amount (EUR)")

	inv = h.sale("5", "1")
	h.provider.Set(inv.OrderID, pos.StatusExpired, nil)
	h.press("r")
	h.waitText("EXPIRED")
	h.waitFor("three more bells", func(string) bool { return h.bells.Load() == 5 })
}
