package relay

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cryptopos/internal/sqlitefile/sqlitetest"
)

func newer(prev, next Callback) bool { return newFake().Newer(prev, next) }

func cb(id, status string) Callback {
	return Callback{ID: id, Status: status, Final: rank[status] == 10, Payload: cbBody(id, status)}
}

func TestOpenStore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new dir?x=1#y%20", "sub")
	path := filepath.Join(dir, "relay.db")
	s, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	if _, _, err := s.Put(ctx, "fake", cb("pos-1", "created"), t0, newer); err != nil {
		t.Fatal(err)
	}
	sqlitetest.CheckPragmas(t, s.db, map[string]string{
		"journal_mode": "wal", "synchronous": "2", "busy_timeout": "5000",
		"user_version": fmt.Sprint(len(migrations)), "application_id": fmt.Sprint(applicationID),
	})
	sqlitetest.CheckModes(t, map[string]os.FileMode{
		dir: 0o700 | os.ModeDir, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600,
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if _, _, err := s.Put(ctx, "fake", cb("pos-2", "created"), t0, newer); !errors.Is(err, ErrClosed) {
		t.Errorf("Put after Close = %v", err)
	}
	if _, err := s.Get(ctx, "fake", "pos-1"); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close = %v", err)
	}

	s, err = OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rec, err := s.Get(ctx, "fake", "pos-1"); err != nil || rec.Status != "created" {
		t.Errorf("after reopening: %+v, %v", rec, err)
	}
}

func TestOpenStoreRefuses(t *testing.T) {
	sqlitetest.CheckRefusals(t, "OpenStore", "relay.db", OpenStore, []sqlitetest.Refusal{
		{Name: "newer schema", Prepare: func(t *testing.T, path string) {
			s, err := OpenStore(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.db.Exec(`PRAGMA user_version = 99`); err != nil {
				t.Fatal(err)
			}
		}, Want: "newer cryptopos"},
		{Name: "a terminal's journal", Prepare: func(t *testing.T, path string) {
			sqlitetest.Exec(t, path, `CREATE TABLE invoices (order_id TEXT); PRAGMA application_id = 1129336659; PRAGMA user_version = 1`)
		}, Want: "not a cryptopos relay store"},
		{Name: "another program's database", Prepare: func(t *testing.T, path string) {
			sqlitetest.Exec(t, path, `CREATE TABLE t (x)`)
		}, Want: "not a cryptopos relay store"},
		{Name: "not a database", Prepare: func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite ", 200)), 0o600); err != nil {
				t.Fatal(err)
			}
		}, Want: "could not open the relay store"},
		{Name: "a directory", Prepare: func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, Want: "could not open the relay store"},
	})
	if _, err := OpenStore(""); err == nil {
		t.Error(`OpenStore("") succeeded`)
	}
}

func TestPut(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	at := t0.Add(1500 * time.Microsecond)
	rec, changed, err := s.Put(ctx, "fake", cb("pos-1", "processing"), at, newer)
	want := Record{Provider: "fake", ID: "pos-1", Status: "processing", Payload: cbBody("pos-1", "processing"),
		ReceivedAt: t0.Add(time.Millisecond), Version: 1, Callbacks: 1}
	if err != nil || !changed || fmt.Sprint(rec) != fmt.Sprint(want) {
		t.Errorf("Put = %+v, %v, %v; want %+v", rec, changed, err, want)
	}
	if got, err := s.Get(ctx, "fake", "pos-1"); err != nil || fmt.Sprint(got) != fmt.Sprint(rec) {
		t.Errorf("Get = %+v, %v; want what Put returned", got, err)
	}
	// Payloads are kept byte for byte.
	odd := Callback{ID: "pos-1", Status: "confirmed", Final: true, Payload: []byte(" {\"a\" : \"\\/ Привет \\u2028\"}\n")}
	if rec, _, err := s.Put(ctx, "fake", odd, t0, newer); err != nil || string(rec.Payload) != string(odd.Payload) {
		t.Errorf("Put = %q, %v", rec.Payload, err)
	}
	if got, _ := s.Get(ctx, "", "pos-1"); string(got.Payload) != string(odd.Payload) {
		t.Errorf("Get payload = %q, want %q", got.Payload, odd.Payload)
	}

	refused := []struct {
		name     string
		provider string
		cb       Callback
		newer    func(prev, next Callback) bool
		want     string
	}{
		{"no provider", "", cb("pos-2", "created"), newer, "without a provider"},
		{"no id", "fake", Callback{Status: "created", Payload: []byte(`{}`)}, newer, "without an invoice id"},
		{"payload not JSON", "fake", Callback{ID: "pos-2", Payload: []byte(`{`)}, newer, "not JSON"},
		{"no newer", "fake", cb("pos-2", "created"), nil, "needs a newer"},
	}
	for _, tt := range refused {
		if _, _, err := s.Put(ctx, tt.provider, tt.cb, t0, tt.newer); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Put = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := s.Get(ctx, "", "pos-2"); !errors.Is(err, ErrNoCallback) {
		t.Errorf("a refused Put stored something: %v", err)
	}

	// A panicking Newer fails its Put only.
	if _, _, err := s.Put(ctx, "fake", cb("pos-1", "failed"), t0, func(prev, next Callback) bool { panic("boom") }); err == nil || !strings.Contains(err.Error(), "panicked: boom") {
		t.Errorf("Put with a panicking Newer = %v", err)
	}
	if rec, err := s.Get(ctx, "fake", "pos-1"); err != nil || rec.Callbacks != 2 || rec.Version != 2 {
		t.Errorf("after the panic: %+v, %v", rec, err)
	}
	if rec, _, err := s.Put(ctx, "fake", cb("pos-3", "created"), t0, newer); err != nil || rec.Version != 1 {
		t.Errorf("Put after the panic = %+v, %v", rec, err)
	}

	// A cancelled context stores nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Put(cctx, "fake", cb("pos-4", "created"), t0, newer); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context = %v", err)
	}
	if _, err := s.Get(ctx, "", "pos-4"); !errors.Is(err, ErrNoCallback) {
		t.Errorf("a cancelled Put stored something: %v", err)
	}
}

// TestGroupCommit: many concurrent Puts, some failing, commit in shared
// transactions without one's failure undoing another.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	const n = 200
	var failures atomic.Int32
	sqlitetest.Concurrently(t, n, func(i int) error {
		nw := newer
		if i%10 == 0 {
			nw = func(prev, next Callback) bool { panic("boom") }
		}
		id := fmt.Sprintf("pos-%d", i%20)
		if _, _, err := s.Put(ctx, "fake", cb(id, []string{"created", "pending", "processing", "confirmed"}[i%4]), t0, nw); err != nil {
			failures.Add(1) // expected of some: counted, not reported
		}
		return nil
	})
	failed := int(failures.Load())
	var logged, callbacks int
	if err := s.db.QueryRow(`SELECT (SELECT count(*) FROM callbacks), (SELECT sum(callbacks) FROM records)`).Scan(&logged, &callbacks); err != nil {
		t.Fatal(err)
	}
	// Panicking Puts fail only when the invoice already had a record.
	if logged != n-failed || callbacks != logged || failed > n/10 {
		t.Errorf("%d failed, %d logged, %d counted", failed, logged, callbacks)
	}
	checkConsistent(t, s.db)
}

// checkConsistent checks every record against the log: it counts its
// callbacks, its version counts the kept ones, and it is the last kept.
func checkConsistent(t *testing.T, db *sql.DB) {
	t.Helper()
	var bad int
	err := db.QueryRow(`SELECT count(*) FROM records r WHERE
		r.callbacks <> (SELECT count(*) FROM callbacks c WHERE c.provider = r.provider AND c.id = r.id) OR
		r.version <> (SELECT count(*) FROM callbacks c WHERE c.provider = r.provider AND c.id = r.id AND c.kept) OR
		r.payload <> (SELECT payload FROM callbacks c WHERE c.provider = r.provider AND c.id = r.id AND c.kept ORDER BY seq DESC LIMIT 1)`).Scan(&bad)
	if err != nil || bad != 0 {
		t.Errorf("%d records disagree with the log (%v)", bad, err)
	}
	var orphans int
	if err := db.QueryRow(`SELECT count(*) FROM callbacks c WHERE NOT EXISTS
		(SELECT 1 FROM records r WHERE r.provider = c.provider AND r.id = c.id)`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d logged callbacks without a record (%v)", orphans, err)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
}

// TestTwoStoresOneFile is a terminal's embedded relay and a standalone one
// writing the same file: every write waits its turn, none fails as locked.
func TestTwoStoresOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores [2]*Store
	for i := range stores {
		s, err := OpenStore(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	const writers, each = 8, 40
	sqlitetest.Concurrently(t, writers, func(w int) error {
		s := stores[w%2]
		var errs []error
		for i := range each {
			id := fmt.Sprintf("pos-%d", i%10)
			if _, _, err := s.Put(ctx, "fake", cb(id, []string{"created", "processing", "confirmed"}[(i+w)%3]), t0, newer); err != nil {
				errs = append(errs, err)
			}
			if _, err := s.Get(ctx, "", id); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
	for i, s := range stores {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM callbacks`).Scan(&n); err != nil || n != writers*each {
			t.Errorf("store %d sees %d callbacks (%v), want %d", i, n, err, writers*each)
		}
		rec, err := s.Get(ctx, "fake", "pos-3")
		if err != nil || rec.Status != "confirmed" {
			t.Errorf("store %d: %+v, %v", i, rec, err)
		}
	}
	checkConsistent(t, stores[0].db)
}

// TestConcurrentOpen is several processes starting at once on a new file.
func TestConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "relay.db")
	const n = 6
	sqlitetest.Concurrently(t, n, func(i int) error {
		s, err := OpenStore(path)
		if err != nil {
			return err
		}
		defer s.Close()
		_, _, err = s.Put(ctx, "fake", cb(fmt.Sprintf("pos-%d", i), "created"), t0, newer)
		return err
	})
	s, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var count int
	if err := s.db.QueryRow(`SELECT count(*) FROM records`).Scan(&count); err != nil || count != n {
		t.Errorf("%d records (%v), want %d", count, err, n)
	}
}

func TestGetAcrossProviders(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	s.Put(ctx, "a", cb("pos-1", "created"), t0.Add(time.Minute), newer)
	s.Put(ctx, "b", cb("pos-1", "processing"), t0, newer)
	for provider, want := range map[string]string{"": "created", "a": "created", "b": "processing"} {
		if rec, err := s.Get(ctx, provider, "pos-1"); err != nil || rec.Status != want {
			t.Errorf("Get(%q) = %+v, %v; want %s", provider, rec, err, want)
		}
	}
	if l, err := s.Log(ctx, "", "pos-1"); err != nil || len(l) != 2 || l[0].Provider != "a" || l[1].Provider != "b" {
		t.Errorf("Log = %+v, %v", l, err)
	}
	if l, err := s.Log(ctx, "b", "pos-1"); err != nil || len(l) != 1 {
		t.Errorf("Log(b) = %+v, %v", l, err)
	}
}

func TestQueryPlans(t *testing.T) {
	s := openTestStore(t)
	for _, tt := range []struct {
		query string
		args  []any
		index string
	}{
		{`SELECT ` + recordColumns + ` FROM records WHERE provider = ? AND id = ?`, []any{"a", "b"}, "PRIMARY KEY"},
		{`SELECT ` + recordColumns + ` FROM records WHERE id = ? ORDER BY received_at DESC, provider LIMIT 1`, []any{"b"}, "records_id"},
		{`SELECT seq FROM callbacks WHERE id = ? AND provider = ? ORDER BY seq`, []any{"b", "a"}, "callbacks_invoice"},
	} {
		p := sqlitetest.Plan(t, s.db, tt.query, tt.args...)
		if !strings.Contains(p, tt.index) || strings.Contains(p, "SCAN") {
			t.Errorf("plan of %q is %q, want %s", tt.query, p, tt.index)
		}
	}
}
