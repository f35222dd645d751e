package relay

import (
	"context"
	"database/sql"
	"fmt"
)

// applicationID marks a SQLite file as a cryptopos relay store ("CPRL"), so
// that OpenStore refuses another program's database, and a terminal's
// journal ("CPOS"), instead of adding tables to it.
const applicationID = 0x4350524c

// migrations are the schema changes in order; migration i takes the file from
// PRAGMA user_version i to i+1. Never edit one that has shipped: append.
var migrations = []string{
	// 1: the newest record per invoice, and the log of every callback.
	`
CREATE TABLE records (
	provider    TEXT    NOT NULL CHECK (provider <> ''),
	id          TEXT    NOT NULL CHECK (id <> ''),   -- foreign_id, order_id
	status      TEXT    NOT NULL,                    -- the provider's word
	final       INTEGER NOT NULL CHECK (final IN (0, 1)),
	payload     TEXT    NOT NULL,                    -- the kept callback's body, byte for byte
	received_at INTEGER NOT NULL,                    -- unix milliseconds, UTC
	version     INTEGER NOT NULL CHECK (version >= 1),
	callbacks   INTEGER NOT NULL CHECK (callbacks >= version),
	PRIMARY KEY (provider, id)
) STRICT, WITHOUT ROWID;

-- GET /v1/invoices/{id} without ?provider=.
CREATE INDEX records_id ON records (id, received_at);

-- Append-only: every authentic callback, kept or not, for audit and
-- recovery (a record can be rebuilt from its kept rows).
CREATE TABLE callbacks (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	provider    TEXT    NOT NULL,
	id          TEXT    NOT NULL,
	received_at INTEGER NOT NULL,                    -- unix milliseconds, UTC
	status      TEXT    NOT NULL,
	final       INTEGER NOT NULL CHECK (final IN (0, 1)),
	kept        INTEGER NOT NULL CHECK (kept IN (0, 1)), -- became the record
	payload     TEXT    NOT NULL
) STRICT;

CREATE INDEX callbacks_invoice ON callbacks (id, provider, seq);

PRAGMA application_id = ` + fmt.Sprint(applicationID) + `;
`,
}

// migrate brings the schema of db up to date. It is safe when several
// processes open the same file at once: the check is repeated inside a
// write transaction, so each migration runs exactly once.
func migrate(ctx context.Context, db *sql.DB) error {
	version, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if version == len(migrations) {
		return nil // the usual case: no write lock needed
	}
	if version > len(migrations) {
		return newerSchemaError(version)
	}

	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (see dsn)
	if err != nil {
		return fmt.Errorf("could not lock the relay store to update its schema: %w", err)
	}
	defer tx.Rollback()
	if version, err = schemaVersion(ctx, tx); err != nil {
		return err
	}
	if version > len(migrations) {
		return newerSchemaError(version)
	}
	for ; version < len(migrations); version++ {
		if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
			return fmt.Errorf("could not update the relay store's schema to version %d: %w", version+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		return fmt.Errorf("could not record the relay store's schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("could not commit the relay store's new schema: %w", err)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaVersion returns the file's PRAGMA user_version, after checking that
// the file is a relay store or an empty database.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	// One statement, so one snapshot: another process may be migrating.
	var appID, version, objects int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &version, &objects)
	if err != nil {
		return 0, fmt.Errorf("could not read the relay store's schema version: %w", err)
	}
	if appID != applicationID && (appID != 0 || version != 0 || objects != 0) {
		return 0, fmt.Errorf("the file is another SQLite database (a terminal's journal, or another program's), not a cryptopos relay store")
	}
	return version, nil
}

func newerSchemaError(version int) error {
	return fmt.Errorf("the relay store was written by a newer cryptopos (schema version %d; this one knows up to %d): upgrade cryptopos to use it",
		version, len(migrations))
}
