// Package sqlitefile opens the SQLite files cryptopos keeps its records in
// (the sale journal, the callback relay's store) the one way they all need:
// private, durable, shared safely by several processes, and refused when
// they belong to someone else.
//
// Open creates the file (mode 0600) and its directory (mode 0700), opens it
// with modernc.org/sqlite (pure Go), switches it to WAL mode, and brings its
// schema up to date with the Spec's migrations. Every pooled connection runs
// with synchronous=FULL, so a committed write survives a process crash and a
// power loss, and with a busy timeout, so that another process may read and
// write the same file at the same time. Transactions begin IMMEDIATE: they
// take the write lock at BEGIN, where the busy timeout applies, rather than
// failing with SQLITE_BUSY at their first write when another process wrote
// since they read.
//
// The schema version is PRAGMA user_version; the file's owner is PRAGMA
// application_id, which the first migration sets. Open refuses a file with a
// newer schema than it knows and a non-empty SQLite file of another
// application id.
package sqlitefile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Spec describes one kind of file: what its messages call it, how it is
// marked as ours, and its schema.
type Spec struct {
	// Name is what the messages call the file, after "the": "journal",
	// "relay store".
	Name string
	// ApplicationID is the PRAGMA application_id of a file of this kind.
	// The first migration must set it.
	ApplicationID uint32
	// Migrations are the schema changes in order; migration i takes the
	// file from PRAGMA user_version i to i+1. Never edit one that has
	// shipped: append.
	Migrations []string
	// NotOurs is the error message for a SQLite file that has content and
	// another application id (another program's, or another kind of
	// cryptopos file).
	NotOurs string
	// NoWAL is the error message for a file system without WAL mode, a
	// format with one %q for the journal mode the file is in.
	NoWAL string
	// BusyTimeout is how long a connection waits for another that holds
	// the write lock before it fails with SQLITE_BUSY; also how long Open
	// retries the switch to WAL mode.
	BusyTimeout time.Duration
	// ForeignKeys turns on PRAGMA foreign_keys on every connection.
	ForeignKeys bool
	// MaxIdleConns is how many connections the pool keeps, so that their
	// pragmas are not paid per query.
	MaxIdleConns int
}

// Open opens the file at path as spec says (see the package comment) and
// returns the database and the file's absolute path. It is safe when
// several processes open the same file at once: each migration runs
// exactly once.
//
// Its errors say "the <spec.Name>": "the journal needs a file path", "could
// not open the journal <path>: …".
func Open(ctx context.Context, path string, spec Spec) (db *sql.DB, abs string, err error) {
	if path == "" {
		return nil, "", fmt.Errorf("the %s needs a file path", spec.Name)
	}
	abs, err = filepath.Abs(path)
	if err != nil {
		return nil, "", fmt.Errorf("could not find the %s %s: %w", spec.Name, path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, "", fmt.Errorf("could not create the %s's folder: %w", spec.Name, err)
	}
	// Create the file ourselves so that it is private from the start;
	// SQLite gives its -wal and -shm files the same mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, "", fmt.Errorf("could not open the %s: %w", spec.Name, err)
	}
	if err := f.Close(); err != nil {
		return nil, "", fmt.Errorf("could not open the %s: %w", spec.Name, err)
	}

	db, err = sql.Open("sqlite", spec.dsn(abs))
	if err != nil {
		return nil, "", fmt.Errorf("could not open the %s %s: %w", spec.Name, abs, err)
	}
	if err := spec.init(ctx, db); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("could not open the %s %s: %w", spec.Name, abs, err)
	}
	return db, abs, nil
}

// dsn is the modernc.org/sqlite data source name for the file at abs. Every
// pooled connection runs the pragmas; busy_timeout runs first. WAL mode is
// not among them: it is a property of the file, set once by init.
func (spec *Spec) dsn(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:///C:/...
	}
	u := url.URL{Scheme: "file", Path: p}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", spec.BusyTimeout.Milliseconds()))
	if spec.ForeignKeys {
		q.Add("_pragma", "foreign_keys(1)")
	}
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	u.RawQuery = q.Encode()
	return u.String()
}

func (spec *Spec) init(ctx context.Context, db *sql.DB) error {
	db.SetMaxIdleConns(spec.MaxIdleConns)
	// Switching a new file to WAL needs it to itself for a moment, and
	// SQLite reports SQLITE_BUSY at once, without its busy timeout, when
	// another process is opening it too: retry for as long as the timeout.
	var mode string
	for deadline := time.Now().Add(spec.BusyTimeout); ; {
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		if err == nil {
			break
		}
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf(spec.NoWAL, mode)
	}
	return spec.migrate(ctx, db)
}

// migrate brings the schema of db up to date. It is safe when several
// processes open the same file at once: the check is repeated inside a
// write transaction, so each migration runs exactly once.
func (spec *Spec) migrate(ctx context.Context, db *sql.DB) error {
	version, err := spec.schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if version == len(spec.Migrations) {
		return nil // the usual case: no write lock needed
	}
	if version > len(spec.Migrations) {
		return spec.newerSchemaError(version)
	}

	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		return fmt.Errorf("could not lock the %s to update its schema: %w", spec.Name, err)
	}
	defer tx.Rollback()
	if version, err = spec.schemaVersion(ctx, tx); err != nil {
		return err
	}
	if version > len(spec.Migrations) {
		return spec.newerSchemaError(version)
	}
	for ; version < len(spec.Migrations); version++ {
		if _, err := tx.ExecContext(ctx, spec.Migrations[version]); err != nil {
			return fmt.Errorf("could not update the %s's schema to version %d: %w", spec.Name, version+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		return fmt.Errorf("could not record the %s's schema version: %w", spec.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("could not commit the %s's new schema: %w", spec.Name, err)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaVersion returns the file's PRAGMA user_version, after checking that
// the file is of spec's kind or an empty database.
func (spec *Spec) schemaVersion(ctx context.Context, q querier) (int, error) {
	// One statement, so one snapshot: another process may be migrating.
	var appID, version, objects int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &version, &objects)
	if err != nil {
		return 0, fmt.Errorf("could not read the %s's schema version: %w", spec.Name, err)
	}
	// application_id is a signed 32-bit integer to SQLite.
	if uint32(appID) != spec.ApplicationID && (appID != 0 || version != 0 || objects != 0) {
		return 0, errors.New(spec.NotOurs)
	}
	return version, nil
}

func (spec *Spec) newerSchemaError(version int) error {
	return fmt.Errorf("the %s was written by a newer cryptopos (schema version %d; this one knows up to %d): upgrade cryptopos to use it",
		spec.Name, version, len(spec.Migrations))
}

// WriteTx runs fn in a write transaction of db, a database from Open, and
// commits it; if fn fails, it rolls the transaction back and returns fn's
// error. The transaction takes the write lock at BEGIN (IMMEDIATE), waiting
// up to the busy timeout for another process that holds it.
func WriteTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}
