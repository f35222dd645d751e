// Package sqlitetest is test support for the stores that keep their
// records in SQLite files opened with sqlitefile (the journal, the relay
// store): checks of a file's pragmas, modes and query plans, and Crash, a
// harness that kills a writing process to test that acknowledged writes
// survive. Only tests import it.
package sqlitetest

import (
	"database/sql"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // registers the "sqlite" driver, for Exec
)

// OpenTemp opens a new file name in a temporary directory with open, and
// closes it when the test ends.
func OpenTemp[T io.Closer](tb testing.TB, name string, open func(path string) (T, error)) T {
	tb.Helper()
	f, err := open(filepath.Join(tb.TempDir(), name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// Exec runs query on the SQLite file at path, creating it if need be,
// through a plain connection, without sqlitefile's checks: as another
// program would.
func Exec(tb testing.TB, path, query string) {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		tb.Fatal(err)
	}
}

// Concurrently runs fn(0) to fn(n-1) at once, each in its own goroutine, as
// n processes starting together would, waits for them all, and reports
// each error they return with tb.Error.
func Concurrently(tb testing.TB, n int, fn func(i int) error) {
	tb.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.Error(err)
		}
	}
}

// CheckPragmas checks that each PRAGMA name of db reads as the value want
// gives it, as text ("2" for synchronous=FULL).
func CheckPragmas(tb testing.TB, db *sql.DB, want map[string]string) {
	tb.Helper()
	for _, name := range slices.Sorted(maps.Keys(want)) {
		var got string
		if err := db.QueryRow("PRAGMA " + name).Scan(&got); err != nil {
			tb.Fatal(err)
		}
		if got != want[name] {
			tb.Errorf("PRAGMA %s = %s, want %s", name, got, want[name])
		}
	}
}

// CheckModes checks the mode of each file (os.ModeDir included for a
// directory). Windows has no such modes: there it checks nothing.
func CheckModes(tb testing.TB, want map[string]os.FileMode) {
	tb.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	for _, path := range slices.Sorted(maps.Keys(want)) {
		if fi, err := os.Stat(path); err != nil {
			tb.Error(err)
		} else if fi.Mode() != want[path] {
			tb.Errorf("%s has mode %v, want %v", path, fi.Mode(), want[path])
		}
	}
}

// Refusal is a file that opening must refuse.
type Refusal struct {
	Name string
	// Prepare makes the file at path, which does not exist yet.
	Prepare func(t *testing.T, path string)
	// Want is a part of the error's message.
	Want string
}

// CheckRefusals runs a subtest for each refusal: it prepares the file name
// in a new temporary directory, and checks that open fails on it with an
// error that says the refusal's Want. openName names open in messages.
func CheckRefusals[T io.Closer](t *testing.T, openName, name string, open func(path string) (T, error), refusals []Refusal) {
	t.Helper()
	for _, tt := range refusals {
		t.Run(tt.Name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			tt.Prepare(t, path)
			f, err := open(path)
			if err == nil {
				f.Close()
				t.Fatal(openName + " succeeded")
			}
			if !strings.Contains(err.Error(), tt.Want) {
				t.Errorf("%s = %q, want it to say %q", openName, err, tt.Want)
			}
		})
	}
}

// Plan returns SQLite's query plan for query, its steps' details joined by
// "; ", e.g. "SEARCH records USING INDEX records_id (id=?)".
func Plan(tb testing.TB, db *sql.DB, query string, args ...any) string {
	tb.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
