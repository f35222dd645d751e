package journal

import (
	"fmt"

	"cryptopos/internal/sqlitefile"
)

// applicationID marks a SQLite file as a cryptopos journal ("CPOS"), so that
// Open refuses another program's database instead of adding tables to it.
const applicationID = 0x43504f53

// spec is how Open opens, checks and migrates the journal's file.
var spec = sqlitefile.Spec{
	Name:          "journal",
	ApplicationID: applicationID,
	Migrations:    migrations,
	NotOurs:       "the file is a SQLite database of another program, not a cryptopos journal",
	NoWAL:         "the file system does not support SQLite's WAL mode (the journal is in %q mode): put the journal on a local disk",
	BusyTimeout:   BusyTimeout,
	ForeignKeys:   true,
	MaxIdleConns:  4, // a few, so their pragmas are not paid per query
}

// finalStatuses is the SQL list of pos statuses for which Status.Final is
// true. It is spelled out, not generated, because the partial index
// invoices_unfinished is built with it and a query can only use that index
// when its WHERE clause repeats the index's text. If package pos gains a
// final status, TestFinalStatusesMatchPos fails: add a migration that
// recreates the index with the new list.
const finalStatuses = `('paid', 'overpaid', 'underpaid', 'expired', 'cancelled', 'failed')`

// unpaidStatuses is pos.Unpaid in SQL, for the same reason.
const unpaidStatuses = `('expired', 'cancelled', 'underpaid', 'failed')`

// migrations are the schema changes in order; migration i takes the file from
// PRAGMA user_version i to i+1. Never edit one that has shipped: append.
var migrations = []string{
	// 1: invoices, their events, and the indexes for resume, reports and
	// history.
	`
CREATE TABLE invoices (
	order_id        TEXT    NOT NULL PRIMARY KEY CHECK (order_id <> ''),
	provider        TEXT    NOT NULL,
	amount          TEXT,              -- exact decimal text; NULL with currency when unknown
	currency        TEXT,
	pay_code        TEXT    NOT NULL,  -- '' when the customer chooses
	pay_network     TEXT    NOT NULL,
	created_at      INTEGER,           -- unix milliseconds, UTC; NULL for the zero time
	updated_at      INTEGER,
	provider_id     TEXT    NOT NULL,
	url             TEXT    NOT NULL,
	address         TEXT    NOT NULL,
	expires_at      INTEGER,
	pay_amount      TEXT,
	pay_currency    TEXT,
	paid_amount     TEXT,
	paid_currency   TEXT,
	network         TEXT    NOT NULL,  -- where pay_amount is to be sent, e.g. 'tron'
	txid            TEXT    NOT NULL,  -- the payment's transaction id, or ''
	status          TEXT    NOT NULL,
	provider_status TEXT    NOT NULL,
	reason          TEXT    NOT NULL,
	dismissed       INTEGER NOT NULL CHECK (dismissed IN (0, 1)),
	late            INTEGER NOT NULL CHECK (late IN (0, 1)),      -- paid after it had ended unpaid
	late_ack        INTEGER NOT NULL CHECK (late_ack IN (0, 1)),  -- the cashier has seen the late payment
	replaces        TEXT    NOT NULL,  -- order id of the invoice this one replaced, or ''
	replaced_by     TEXT    NOT NULL,  -- order id of the invoice that replaced this one, or ''

	CHECK ((amount IS NULL) = (currency IS NULL)),
	CHECK ((pay_amount IS NULL) = (pay_currency IS NULL)),
	CHECK ((paid_amount IS NULL) = (paid_currency IS NULL))
) STRICT;

-- History and reports: sales in a time range, newest first.
CREATE INDEX invoices_created ON invoices (created_at, order_id);

-- The late-payment watchdog: sales that ended unpaid, by when they ended.
CREATE INDEX invoices_unpaid ON invoices (updated_at)
	WHERE status IN ` + unpaidStatuses + `;

-- Start-up resume: only the few invoices without an outcome are indexed,
-- already in the order Unfinished returns them.
CREATE INDEX invoices_unfinished ON invoices (created_at, order_id)
	WHERE status NOT IN ` + finalStatuses + `;

CREATE TABLE events (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	order_id        TEXT    NOT NULL REFERENCES invoices (order_id),
	at              INTEGER NOT NULL,  -- unix milliseconds, UTC
	status          TEXT    NOT NULL,
	provider_status TEXT    NOT NULL,
	note            TEXT    NOT NULL
) STRICT;

CREATE INDEX events_order ON events (order_id, id);

PRAGMA application_id = ` + fmt.Sprint(applicationID) + `;
`,
}
