package relay

import (
	"fmt"

	"cryptopos/internal/sqlitefile"
)

// applicationID marks a SQLite file as a cryptopos relay store ("CPRL"), so
// that OpenStore refuses another program's database, and a terminal's
// journal ("CPOS"), instead of adding tables to it.
const applicationID = 0x4350524c

// spec is how OpenStore opens, checks and migrates the store's file.
var spec = sqlitefile.Spec{
	Name:          "relay store",
	ApplicationID: applicationID,
	Migrations:    migrations,
	NotOurs:       "the file is another SQLite database (a terminal's journal, or another program's), not a cryptopos relay store",
	NoWAL:         "the file system does not support SQLite's WAL mode (the store is in %q mode): put the relay store on a local disk",
	BusyTimeout:   BusyTimeout,
	MaxIdleConns:  8,
}

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
