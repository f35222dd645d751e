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
}

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
