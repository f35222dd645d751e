package pos

import (
	"context"
	"errors"
	"time"
)

// Journal is the durable record of every sale. The engine writes an invoice
// before it asks the provider for it, and records every change after, so a
// crash at any point loses nothing that was shown.
type Journal interface {
	// Insert records a new invoice and its first event in one transaction.
	// It fails with an error wrapping ErrDuplicateOrder if the order id is
	// already in the journal.
	Insert(ctx context.Context, inv Invoice, note string) error
	// Update stores inv's new state and appends an event with note, in one
	// transaction. The event is dated inv.UpdatedAt. An unknown order id
	// fails with ErrNotInJournal.
	Update(ctx context.Context, inv Invoice, note string) error
	// Get returns the invoice with the order id, or ErrNotInJournal.
	Get(ctx context.Context, orderID string) (Invoice, error)
	// Unfinished returns every invoice whose status is not final, oldest
	// first: what must be watched again after a restart.
	Unfinished(ctx context.Context) ([]Invoice, error)
	// Events returns the invoice's history, oldest first, or ErrNotInJournal.
	Events(ctx context.Context, orderID string) ([]Event, error)
	// Note appends an event that changes nothing else (a receipt printed),
	// dated at, with the invoice's current status.
	Note(ctx context.Context, orderID string, at time.Time, note string) error
	// RecentlyUnpaid returns the invoices that ended without full payment
	// (expired, cancelled, underpaid, failed) and were last updated at or
	// after since, oldest first: what the late-payment watchdog checks.
	RecentlyUnpaid(ctx context.Context, since time.Time) ([]Invoice, error)
	// List returns the invoices that match the filter, newest first.
	List(ctx context.Context, f Filter) ([]Invoice, error)
}

// Filter selects invoices for the history screen and reports.
type Filter struct {
	// From and To bound CreatedAt: From <= CreatedAt < To; zero is open.
	From, To time.Time
	// Statuses keeps only these statuses; empty keeps all.
	Statuses []Status
	// Limit caps the number returned; 0 returns all.
	Limit int
	// After continues a listing: only invoices older than this one (by
	// CreatedAt, then OrderID) are returned.
	After *Invoice
}

// Matches reports whether inv passes the filter.
func (f Filter) Matches(inv Invoice) bool {
	if !f.From.IsZero() && inv.CreatedAt.Before(f.From) || !f.To.IsZero() && !inv.CreatedAt.Before(f.To) {
		return false
	}
	if f.After != nil && !olderThan(inv, *f.After) {
		return false
	}
	if len(f.Statuses) == 0 {
		return true
	}
	for _, s := range f.Statuses {
		if inv.Status == s {
			return true
		}
	}
	return false
}

func olderThan(a, b Invoice) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.OrderID < b.OrderID
}

// Unpaid lists the final statuses a late payment can still lift.
var Unpaid = []Status{StatusExpired, StatusCancelled, StatusUnderpaid, StatusFailed}

// Journal errors, for errors.Is.
var (
	ErrNotInJournal   = errors.New("no such invoice in the journal")
	ErrDuplicateOrder = errors.New("the order id is already in the journal")
)

// Event is one entry in an invoice's history.
type Event struct {
	OrderID        string
	At             time.Time
	Status         Status
	ProviderStatus string
	Note           string
}
