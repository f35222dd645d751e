// Package journal is the durable record of every sale: a SQLite database
// (modernc.org/sqlite, pure Go) that implements pos.Journal.
//
// The file is opened in WAL mode with synchronous=FULL, so a committed write
// survives a process crash and a power loss, and with a busy timeout, so
// that another cryptopos process (a CLI command) may read and write the same
// file at the same time.
//
// Storage conventions:
//   - Amounts are exact decimal text, never floating point, written with
//     the decimal's own number of places: "12.50" stays "12.50" and reads
//     back with the same value and exponent. An unknown Money (Currency "")
//     is stored as NULL and reads back as the zero Money.
//   - Times are INTEGER unix milliseconds. They read back in UTC, truncated
//     to the millisecond; compare them with time.Time.Equal. The zero time is
//     stored as NULL and reads back as the zero time.
package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"cryptopos/internal/sqlitefile"
	"cryptopos/pos"

	"github.com/shopspring/decimal"
)

// BusyTimeout is how long a write waits for another process that holds the
// journal's write lock before it fails.
const BusyTimeout = 5 * time.Second

// ErrDuplicate is wrapped by the error Insert returns when the order id is
// already in the journal; test for it with errors.Is.
var ErrDuplicate = pos.ErrDuplicateOrder

// Journal is a SQLite journal of invoices and their events. It implements
// pos.Journal and is safe for concurrent use, also by several processes on
// the same file.
type Journal struct {
	db   *sql.DB
	path string
	// writing serializes this process's write transactions, so that its
	// goroutines queue here, in order and mindful of their contexts, and
	// SQLite's busy timeout only arbitrates between processes.
	writing chan struct{}
}

var _ pos.Journal = (*Journal)(nil)

// Open opens the journal at path, creating the file (mode 0600) and its
// directory (mode 0700) if needed, and brings its schema up to date. The
// file is put in WAL mode; every connection runs with synchronous=FULL,
// foreign_keys=ON and a busy timeout of BusyTimeout. Open refuses a file
// written by a newer cryptopos and a SQLite file of another program.
// Several processes may open the same file at once.
func Open(path string) (*Journal, error) {
	db, abs, err := sqlitefile.Open(context.Background(), path, spec)
	if err != nil {
		return nil, err
	}
	return &Journal{db: db, path: abs, writing: make(chan struct{}, 1)}, nil
}

// Path returns the absolute path of the journal's file.
func (j *Journal) Path() string { return j.path }

// Close closes the journal. Writes in progress finish first.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("could not close the journal: %w", err)
	}
	return nil
}

// Insert records a new invoice and its first event in one transaction. It
// fails, with an error wrapping ErrDuplicate, if the order id is already in
// the journal. The event is dated inv.UpdatedAt (now, if that is zero).
func (j *Journal) Insert(ctx context.Context, inv pos.Invoice, note string) error {
	if err := check(inv); err != nil {
		return err
	}
	err := j.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO invoices (`+columns+`) VALUES (`+placeholders+`)
			ON CONFLICT (order_id) DO NOTHING`, values(inv)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &duplicateError{orderID: inv.OrderID}
		}
		return addEvent(ctx, tx, inv, note)
	})
	var dup *duplicateError
	if err != nil && !errors.As(err, &dup) {
		return fmt.Errorf("could not write invoice %s to the journal: %w", inv.OrderID, err)
	}
	return err
}

// Update stores inv's new state, every field of it, and appends an event
// with note, in one transaction. The event is dated inv.UpdatedAt (now, if
// that is zero). It fails, with an error wrapping pos.ErrNotInJournal, if
// the order id is not in the journal.
func (j *Journal) Update(ctx context.Context, inv pos.Invoice, note string) error {
	if err := check(inv); err != nil {
		return err
	}
	err := j.write(ctx, func(tx *sql.Tx) error {
		// Another process watching the same invoice (the terminal and a
		// script) never clears a flag nor moves a final status back.
		stored, err := scanInvoice(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM invoices WHERE order_id = ?`, inv.OrderID))
		if errors.Is(err, sql.ErrNoRows) {
			return &notInJournalError{orderID: inv.OrderID}
		} else if err != nil {
			return err
		}
		dismissed, late, lateAck := stored.Dismissed, stored.Late, stored.LateAcknowledged
		if pos.Outdated(stored, inv) {
			stored.UpdatedAt = inv.UpdatedAt
			inv = stored
		}
		inv.Dismissed, inv.Late, inv.LateAcknowledged = inv.Dismissed || dismissed, inv.Late || late, inv.LateAcknowledged || lateAck
		// values(inv)[1:] skips order_id, the key, which never changes.
		res, err := tx.ExecContext(ctx, `UPDATE invoices SET (`+updateColumns+`) = (`+placeholders[3:]+`)
			WHERE order_id = ?`, append(values(inv)[1:], inv.OrderID)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &notInJournalError{orderID: inv.OrderID}
		}
		return addEvent(ctx, tx, inv, note)
	})
	var missing *notInJournalError
	if err != nil && !errors.As(err, &missing) {
		return fmt.Errorf("could not write invoice %s to the journal: %w", inv.OrderID, err)
	}
	return err
}

// Get returns the invoice with the order id; for an unknown one, an error
// wrapping pos.ErrNotInJournal.
func (j *Journal) Get(ctx context.Context, orderID string) (pos.Invoice, error) {
	row := j.db.QueryRowContext(ctx, `SELECT `+columns+` FROM invoices WHERE order_id = ?`, orderID)
	inv, err := scanInvoice(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return pos.Invoice{}, &notInJournalError{orderID: orderID}
	case err != nil:
		return pos.Invoice{}, fmt.Errorf("could not read invoice %s from the journal: %w", orderID, err)
	}
	return inv, nil
}

// unfinishedQuery repeats the WHERE clause of the partial index
// invoices_unfinished word for word, so that SQLite uses it.
const unfinishedQuery = `SELECT ` + columns + ` FROM invoices
	WHERE status NOT IN ` + finalStatuses + `
	ORDER BY created_at, order_id`

// Unfinished returns every invoice whose status is not final, oldest
// (by CreatedAt) first.
func (j *Journal) Unfinished(ctx context.Context) ([]pos.Invoice, error) {
	return j.query(ctx, "the unfinished invoices", unfinishedQuery)
}

// unpaidQuery repeats the WHERE clause of the partial index invoices_unpaid.
const unpaidQuery = `SELECT ` + columns + ` FROM invoices
	WHERE status IN ` + unpaidStatuses + ` AND updated_at >= ?
	ORDER BY updated_at, order_id`

// RecentlyUnpaid returns the invoices that ended without full payment and
// were last updated at or after since, oldest update first.
func (j *Journal) RecentlyUnpaid(ctx context.Context, since time.Time) ([]pos.Invoice, error) {
	return j.query(ctx, "the recently unpaid invoices", unpaidQuery, since.UnixMilli())
}

// List returns the invoices that match f, newest (by CreatedAt, then order
// id) first.
func (j *Journal) List(ctx context.Context, f pos.Filter) ([]pos.Invoice, error) {
	var (
		where []string
		args  []any
	)
	if !f.From.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, f.To.UnixMilli())
	}
	if f.After != nil {
		where = append(where, "(created_at < ? OR (created_at = ? AND order_id < ?))")
		at := f.After.CreatedAt.UnixMilli()
		args = append(args, at, at, f.After.OrderID)
	}
	if len(f.Statuses) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		where = append(where, "status IN ("+marks+")")
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	q := `SELECT ` + columns + ` FROM invoices`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, order_id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return j.query(ctx, "the invoices", q, args...)
}

// query runs a SELECT of invoice columns; what names them in errors.
func (j *Journal) query(ctx context.Context, what, q string, args ...any) ([]pos.Invoice, error) {
	rows, err := j.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("could not read %s from the journal: %w", what, err)
	}
	defer rows.Close()
	var out []pos.Invoice
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return nil, fmt.Errorf("could not read %s from the journal: %w", what, err)
		}
		out = append(out, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("could not read %s from the journal: %w", what, err)
	}
	return out, nil
}

// Events returns the invoice's history in the order it was written, oldest
// first. For an unknown order id it returns an error wrapping
// pos.ErrNotInJournal.
func (j *Journal) Events(ctx context.Context, orderID string) ([]pos.Event, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT at, status, provider_status, note
		FROM events WHERE order_id = ? ORDER BY id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("could not read the history of invoice %s from the journal: %w", orderID, err)
	}
	defer rows.Close()
	var out []pos.Event
	for rows.Next() {
		var (
			at int64
			e  = pos.Event{OrderID: orderID}
		)
		if err := rows.Scan(&at, &e.Status, &e.ProviderStatus, &e.Note); err != nil {
			return nil, fmt.Errorf("could not read the history of invoice %s from the journal: %w", orderID, err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("could not read the history of invoice %s from the journal: %w", orderID, err)
	}
	if len(out) == 0 {
		// Every invoice has its first event; none means no invoice.
		if _, err := j.Get(ctx, orderID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// write runs fn in a write transaction and commits it.
func (j *Journal) write(ctx context.Context, fn func(*sql.Tx) error) error {
	select {
	case j.writing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-j.writing }()
	return sqlitefile.WriteTx(ctx, j.db, fn)
}

// Note appends an event to the invoice's history with its current status
// and changes nothing else: a receipt printed, for example.
func (j *Journal) Note(ctx context.Context, orderID string, at time.Time, note string) error {
	err := j.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO events (order_id, at, status, provider_status, note)
			SELECT order_id, ?, status, provider_status, ? FROM invoices WHERE order_id = ?`,
			at.UnixMilli(), note, orderID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &notInJournalError{orderID: orderID}
		}
		return nil
	})
	var missing *notInJournalError
	if err != nil && !errors.As(err, &missing) {
		return fmt.Errorf("could not note on invoice %s in the journal: %w", orderID, err)
	}
	return err
}

func addEvent(ctx context.Context, tx *sql.Tx, inv pos.Invoice, note string) error {
	at := inv.UpdatedAt
	if at.IsZero() {
		at = time.Now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (order_id, at, status, provider_status, note)
		VALUES (?, ?, ?, ?, ?)`, inv.OrderID, at.UnixMilli(), string(inv.Status), inv.ProviderStatus, note)
	return err
}

// check refuses invoices that the journal could not give back intact.
func check(inv pos.Invoice) error {
	if inv.OrderID == "" {
		return errors.New("an invoice without an order id cannot be written to the journal")
	}
	if !inv.Status.Valid() {
		return fmt.Errorf("invoice %s has the status %q, which is not one the journal can record", inv.OrderID, string(inv.Status))
	}
	return nil
}

// columns are the invoices columns in the order of values and scanInvoice;
// updateColumns are the same without order_id.
const (
	columns       = `order_id, ` + updateColumns
	updateColumns = `provider, amount, currency, pay_code, pay_network,
	created_at, updated_at, provider_id, url, address, expires_at,
	pay_amount, pay_currency, paid_amount, paid_currency, network, txid,
	status, provider_status, reason, dismissed, late, late_ack, replaces, replaced_by`
)

const placeholders = `?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`

func values(inv pos.Invoice) []any {
	amount, currency := moneyValues(inv.Amount)
	payAmount, payCurrency := moneyValues(inv.PayAmount)
	paidAmount, paidCurrency := moneyValues(inv.Paid)
	flag := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	return []any{
		inv.OrderID, inv.Provider, amount, currency, inv.Pay.Code, inv.Pay.Network,
		timeValue(inv.CreatedAt), timeValue(inv.UpdatedAt), inv.ProviderID, inv.URL, inv.Address, timeValue(inv.ExpiresAt),
		payAmount, payCurrency, paidAmount, paidCurrency, inv.Network, inv.TxID,
		string(inv.Status), inv.ProviderStatus, inv.Reason, flag(inv.Dismissed), flag(inv.Late), flag(inv.LateAcknowledged),
		inv.Replaces, inv.ReplacedBy,
	}
}

type scanner interface{ Scan(dest ...any) error }

func scanInvoice(s scanner) (pos.Invoice, error) {
	var (
		inv                                        pos.Invoice
		amount, currency, payAmount, payCurrency   sql.NullString
		paidAmount, paidCurrency                   sql.NullString
		createdAt, updatedAt, expiresAt, dismissed sql.NullInt64
		late, lateAck                              int64
		status                                     string
	)
	err := s.Scan(&inv.OrderID, &inv.Provider, &amount, &currency, &inv.Pay.Code, &inv.Pay.Network,
		&createdAt, &updatedAt, &inv.ProviderID, &inv.URL, &inv.Address, &expiresAt,
		&payAmount, &payCurrency, &paidAmount, &paidCurrency, &inv.Network, &inv.TxID,
		&status, &inv.ProviderStatus, &inv.Reason, &dismissed, &late, &lateAck, &inv.Replaces, &inv.ReplacedBy)
	if err != nil {
		return pos.Invoice{}, err
	}
	inv.Status = pos.Status(status)
	inv.CreatedAt, inv.UpdatedAt, inv.ExpiresAt = readTime(createdAt), readTime(updatedAt), readTime(expiresAt)
	inv.Dismissed, inv.Late, inv.LateAcknowledged = dismissed.Int64 != 0, late != 0, lateAck != 0
	for _, m := range []struct {
		dst              *pos.Money
		amount, currency sql.NullString
		what             string
	}{
		{&inv.Amount, amount, currency, "amount"},
		{&inv.PayAmount, payAmount, payCurrency, "amount to pay"},
		{&inv.Paid, paidAmount, paidCurrency, "amount paid"},
	} {
		if *m.dst, err = readMoney(m.amount, m.currency); err != nil {
			return pos.Invoice{}, fmt.Errorf("invoice %s has an unreadable %s in the journal: %w", inv.OrderID, m.what, err)
		}
	}
	return inv, nil
}

// decimalText is d as exact decimal text with d's own number of places.
func decimalText(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}

func moneyValues(m pos.Money) (amount, currency any) {
	if m.IsZero() {
		return nil, nil
	}
	return decimalText(m.Amount), m.Currency
}

func readMoney(amount, currency sql.NullString) (pos.Money, error) {
	if !currency.Valid || currency.String == "" {
		return pos.Money{}, nil
	}
	d, err := decimal.NewFromString(amount.String)
	if err != nil {
		return pos.Money{}, fmt.Errorf("%q is not a decimal number", amount.String)
	}
	return pos.Money{Amount: d, Currency: currency.String}, nil
}

func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func readTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// duplicateError is Insert's error for an order id already in the journal.
type duplicateError struct{ orderID string }

func (e *duplicateError) Error() string {
	return fmt.Sprintf("invoice %s is already in the journal", e.orderID)
}

func (e *duplicateError) Unwrap() error { return ErrDuplicate }

// notInJournalError is the error for an order id the journal does not have.
type notInJournalError struct{ orderID string }

func (e *notInJournalError) Error() string {
	return fmt.Sprintf("invoice %s is not in the journal", e.orderID)
}

func (e *notInJournalError) Unwrap() error { return pos.ErrNotInJournal }
