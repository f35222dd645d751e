package pos

import (
	"context"
	"sync"
)

// Subscription delivers Snapshots of watched invoices. It never blocks the
// engine: when the reader is slow, an invoice's older snapshots are replaced
// by its newest, so the reader always ends with the latest state.
type Subscription struct {
	engine  *Engine
	notify  chan struct{}
	mu      sync.Mutex
	pending map[string]Snapshot
	order   []string
	closed  bool
}

// Subscribe returns a new subscription to every watched invoice's snapshots.
func (e *Engine) Subscribe() *Subscription {
	s := &Subscription{engine: e, notify: make(chan struct{}, 1), pending: map[string]Snapshot{}}
	e.mu.Lock()
	e.subs[s] = struct{}{}
	e.mu.Unlock()
	return s
}

// Next waits for the next snapshot. It returns ctx's error when ctx ends,
// and context.Canceled once the subscription is closed.
func (s *Subscription) Next(ctx context.Context) (Snapshot, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return Snapshot{}, context.Canceled
		}
		if len(s.order) > 0 {
			id := s.order[0]
			s.order = s.order[1:]
			snap := s.pending[id]
			delete(s.pending, id)
			s.mu.Unlock()
			return snap, nil
		}
		s.mu.Unlock()
		select {
		case <-s.notify:
		case <-ctx.Done():
			return Snapshot{}, ctx.Err()
		}
	}
}

// Close ends the subscription; a waiting Next returns.
func (s *Subscription) Close() {
	s.engine.mu.Lock()
	delete(s.engine.subs, s)
	s.engine.mu.Unlock()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.wake()
}

func (s *Subscription) put(snap Snapshot) {
	s.mu.Lock()
	id := snap.Invoice.OrderID
	if old, queued := s.pending[id]; !queued {
		s.order = append(s.order, id)
	} else if old.TurnedPaid {
		snap.TurnedPaid = true // merged, the moment is not lost
	}
	s.pending[id] = snap
	s.mu.Unlock()
	s.wake()
}

func (s *Subscription) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (e *Engine) publish(snap Snapshot) {
	e.mu.Lock()
	subs := make([]*Subscription, 0, len(e.subs))
	for s := range e.subs {
		subs = append(subs, s)
	}
	e.mu.Unlock()
	for _, s := range subs {
		s.put(snap)
	}
}
