package pos

import (
	"context"
	"testing"
)

// A slow reader gets an invoice's newest snapshot, with TurnedPaid kept
// from a snapshot it never read.
func TestSubscriptionMergesButKeepsTurnedPaid(t *testing.T) {
	e := &Engine{subs: map[*Subscription]struct{}{}}
	sub := e.Subscribe()
	defer sub.Close()
	e.publish(Snapshot{Invoice: Invoice{OrderID: "a", Status: StatusWaiting}})
	e.publish(Snapshot{Invoice: Invoice{OrderID: "b", Status: StatusWaiting}})
	e.publish(Snapshot{Invoice: Invoice{OrderID: "a", Status: StatusPaid}, TurnedPaid: true})
	e.publish(Snapshot{Invoice: Invoice{OrderID: "a", Status: StatusPaid}, Watching: false})

	want := []struct {
		id         string
		status     Status
		turnedPaid bool
	}{{"a", StatusPaid, true}, {"b", StatusWaiting, false}}
	for _, w := range want {
		s, err := sub.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if s.Invoice.OrderID != w.id || s.Invoice.Status != w.status || s.TurnedPaid != w.turnedPaid {
			t.Errorf("got %s %s TurnedPaid=%v, want %s %s TurnedPaid=%v",
				s.Invoice.OrderID, s.Invoice.Status, s.TurnedPaid, w.id, w.status, w.turnedPaid)
		}
	}
}
