package postest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"cryptopos/pos"
)

// Journal is an in-memory pos.Journal. Fail makes its next writes fail.
type Journal struct {
	mu       sync.Mutex
	invoices map[string]pos.Invoice
	events   map[string][]pos.Event
	fail     error
	failN    int
}

// NewJournal returns an empty journal.
func NewJournal() *Journal {
	return &Journal{invoices: map[string]pos.Invoice{}, events: map[string][]pos.Event{}}
}

// Fail makes the next n writes return err.
func (j *Journal) Fail(err error, n int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.fail, j.failN = err, n
}

func (j *Journal) failing() error {
	if j.failN > 0 {
		j.failN--
		return j.fail
	}
	return nil
}

// Insert records a new invoice.
func (j *Journal) Insert(_ context.Context, inv pos.Invoice, note string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.failing(); err != nil {
		return err
	}
	if _, ok := j.invoices[inv.OrderID]; ok {
		return fmt.Errorf("order id %s: %w", inv.OrderID, pos.ErrDuplicateOrder)
	}
	j.invoices[inv.OrderID] = inv
	j.events[inv.OrderID] = append(j.events[inv.OrderID], event(inv, note))
	return nil
}

// Update stores the invoice's state and an event.
func (j *Journal) Update(_ context.Context, inv pos.Invoice, note string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.failing(); err != nil {
		return err
	}
	stored, ok := j.invoices[inv.OrderID]
	if !ok {
		return fmt.Errorf("order id %s: %w", inv.OrderID, pos.ErrNotInJournal)
	}
	if pos.Outdated(stored, inv) { // as the SQLite journal does
		stored.UpdatedAt = inv.UpdatedAt
		inv = stored
	}
	j.invoices[inv.OrderID] = inv
	j.events[inv.OrderID] = append(j.events[inv.OrderID], event(inv, note))
	return nil
}

func event(inv pos.Invoice, note string) pos.Event {
	return pos.Event{OrderID: inv.OrderID, At: inv.UpdatedAt, Status: inv.Status,
		ProviderStatus: inv.ProviderStatus, Note: note}
}

// Get returns an invoice by order id.
func (j *Journal) Get(_ context.Context, orderID string) (pos.Invoice, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	inv, ok := j.invoices[orderID]
	if !ok {
		return pos.Invoice{}, pos.ErrNotInJournal
	}
	return inv, nil
}

// Unfinished returns the invoices that are not final, oldest first.
func (j *Journal) Unfinished(context.Context) ([]pos.Invoice, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Invoice
	for _, inv := range j.invoices {
		if !inv.Status.Final() {
			out = append(out, inv)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].CreatedAt.Before(out[b].CreatedAt) })
	return out, nil
}

// Events returns an invoice's events, oldest first.
func (j *Journal) Events(_ context.Context, orderID string) ([]pos.Event, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]pos.Event(nil), j.events[orderID]...), nil
}

// Note appends an event and changes nothing else.
func (j *Journal) Note(_ context.Context, orderID string, at time.Time, note string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.failing(); err != nil {
		return err
	}
	inv, ok := j.invoices[orderID]
	if !ok {
		return fmt.Errorf("order id %s: %w", orderID, pos.ErrNotInJournal)
	}
	inv.UpdatedAt = at
	j.events[orderID] = append(j.events[orderID], event(inv, note))
	return nil
}

// RecentlyUnpaid returns invoices that ended unpaid and were updated at or
// after since, oldest update first.
func (j *Journal) RecentlyUnpaid(_ context.Context, since time.Time) ([]pos.Invoice, error) {
	f := pos.Filter{Statuses: pos.Unpaid}
	var out []pos.Invoice
	for _, inv := range j.All() {
		if f.Matches(inv) && !inv.UpdatedAt.Before(since) {
			out = append(out, inv)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].UpdatedAt.Before(out[b].UpdatedAt) })
	return out, nil
}

// List returns the invoices that match f, newest first.
func (j *Journal) List(_ context.Context, f pos.Filter) ([]pos.Invoice, error) {
	all := j.All()
	var out []pos.Invoice
	for i := len(all) - 1; i >= 0; i-- {
		if f.Matches(all[i]) {
			out = append(out, all[i])
		}
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// All returns every invoice, oldest first.
func (j *Journal) All() []pos.Invoice {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]pos.Invoice, 0, len(j.invoices))
	for _, inv := range j.invoices {
		out = append(out, inv)
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].CreatedAt.Equal(out[b].CreatedAt) {
			return out[a].CreatedAt.Before(out[b].CreatedAt)
		}
		return out[a].OrderID < out[b].OrderID
	})
	return out
}
