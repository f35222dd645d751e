package sqlitefile_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cryptopos/internal/sqlitefile"
	"cryptopos/internal/sqlitefile/sqlitetest"
)

const testID = 0x54455354 // "TEST"

// testSpec is a file kind whose first migration counts its runs, so a test
// can see that it ran once.
func testSpec(migrations ...string) sqlitefile.Spec {
	return sqlitefile.Spec{
		Name:          "test file",
		ApplicationID: testID,
		Migrations: append([]string{fmt.Sprintf(`
CREATE TABLE runs (n INTEGER NOT NULL);
INSERT INTO runs VALUES (1);
PRAGMA application_id = %d;`, testID)}, migrations...),
		NotOurs:      "the file is not a test file",
		NoWAL:        "no WAL: %q",
		BusyTimeout:  5 * time.Second,
		ForeignKeys:  true,
		MaxIdleConns: 2,
	}
}

func open(t *testing.T, path string, spec sqlitefile.Spec) *sql.DB {
	t.Helper()
	db, _, err := sqlitefile.Open(context.Background(), path, spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpen(t *testing.T) {
	// Spaces and URI characters in the path are not taken as DSN syntax.
	dir := filepath.Join(t.TempDir(), "new dir?x=1#y%20", "sub")
	path := filepath.Join(dir, "test.db")
	db, abs, err := sqlitefile.Open(context.Background(), path, testSpec())
	if err != nil {
		t.Fatal(err)
	}
	if abs != path {
		t.Errorf("Open's path = %q, want %q", abs, path)
	}
	sqlitetest.CheckPragmas(t, db, map[string]string{
		"journal_mode": "wal", "synchronous": "2", "busy_timeout": "5000", "foreign_keys": "1",
		"user_version": "1", "application_id": fmt.Sprint(testID),
	})
	sqlitetest.CheckModes(t, map[string]os.FileMode{
		dir: 0o700 | os.ModeDir, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600,
	})
	db.Close()

	// Reopening does not migrate again; a new migration runs once.
	spec := testSpec(`INSERT INTO runs VALUES (2)`)
	spec.ForeignKeys = false
	db = open(t, path, spec)
	db2 := open(t, path, spec)
	var runs string
	if err := db2.QueryRow(`SELECT group_concat(n) FROM runs`).Scan(&runs); err != nil || runs != "1,2" {
		t.Errorf("runs = %q, %v; want 1,2", runs, err)
	}
	sqlitetest.CheckPragmas(t, db, map[string]string{"foreign_keys": "0", "user_version": "2"})
}

func TestOpenRefuses(t *testing.T) {
	other := testSpec()
	other.Name, other.ApplicationID = "other file", 0x4f544852
	other.Migrations = []string{`CREATE TABLE o (x); PRAGMA application_id = 1330923602`}
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    string // the whole message, but for <path>
	}{
		{"newer schema", func(t *testing.T, path string) {
			db := open(t, path, testSpec())
			if _, err := db.Exec(`PRAGMA user_version = 99`); err != nil {
				t.Fatal(err)
			}
		}, "could not open the test file <path>: the test file was written by a newer cryptopos (schema version 99; this one knows up to 1): upgrade cryptopos to use it"},
		{"another kind of ours", func(t *testing.T, path string) {
			open(t, path, other)
		}, "could not open the test file <path>: the file is not a test file"},
		{"another program's database", func(t *testing.T, path string) {
			sqlitetest.Exec(t, path, `CREATE TABLE t (x)`)
		}, "could not open the test file <path>: the file is not a test file"},
		{"not a database", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite ", 200)), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "could not open the test file <path>: "},
		{"a directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "could not open the test file: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "test.db")
			tt.prepare(t, path)
			db, _, err := sqlitefile.Open(context.Background(), path, testSpec())
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if want := strings.ReplaceAll(tt.want, "<path>", path); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Open = %q, want %q", err, want)
			}
		})
	}
	if _, _, err := sqlitefile.Open(context.Background(), "", testSpec()); err == nil || err.Error() != "the test file needs a file path" {
		t.Errorf(`Open("") = %v`, err)
	}
}

// An empty SQLite file, as another tool may leave it, is taken as new.
func TestOpenEmptyDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	sqlitetest.Exec(t, path, `PRAGMA journal_mode = WAL`)
	open(t, path, testSpec())
}

// TestConcurrentOpen is several processes starting at once on a new file:
// the migration runs once and every one of them can use the file.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	const n = 8
	sqlitetest.Concurrently(t, n, func(int) error {
		db, _, err := sqlitefile.Open(context.Background(), path, testSpec())
		if err != nil {
			return err
		}
		defer db.Close()
		return sqlitefile.WriteTx(context.Background(), db, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO runs VALUES (10)`)
			return err
		})
	})
	var first, writes int
	err := open(t, path, testSpec()).QueryRow(`SELECT
		(SELECT count(*) FROM runs WHERE n = 1), (SELECT count(*) FROM runs WHERE n = 10)`).Scan(&first, &writes)
	if err != nil || first != 1 || writes != n {
		t.Errorf("the migration ran %d times and %d writes of %d were made (%v)", first, writes, n, err)
	}
}

func TestWriteTx(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "test.db"), testSpec())
	if err := sqlitefile.WriteTx(ctx, db, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO runs VALUES (2)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := sqlitefile.WriteTx(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO runs VALUES (3)`); err != nil {
			return err
		}
		return boom
	}); err != boom {
		t.Errorf("WriteTx = %v, want fn's error", err)
	}
	var runs string
	if err := db.QueryRow(`SELECT group_concat(n) FROM runs`).Scan(&runs); err != nil || runs != "1,2" {
		t.Errorf("runs = %q, %v; want 1,2 (the failed transaction rolled back)", runs, err)
	}
}
