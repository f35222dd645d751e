package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cryptopos/internal/sqlitefile/sqlitetest"
	"cryptopos/pos"

	"github.com/shopspring/decimal"
)

func openTemp(t testing.TB) *Journal {
	t.Helper()
	return sqlitetest.OpenTemp(t, "journal.db", Open)
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// t0 has nanoseconds and a non-UTC zone, to show both are handled.
var t0 = time.Date(2026, 3, 14, 15, 9, 26, 535_897_932, time.FixedZone("CET", 3600))

func fullInvoice(id string) pos.Invoice {
	return pos.Invoice{
		OrderID:          id,
		Provider:         "cryptomus",
		Amount:           pos.NewMoney(dec("12.50"), "EUR"),
		Pay:              pos.PayOption{Code: "USDT", Network: "tron"},
		CreatedAt:        t0,
		UpdatedAt:        t0.Add(90 * time.Second),
		ProviderID:       "8b03432e-385b-4670-8d06-064591096795",
		URL:              "https://pay.cryptomus.com/pay/8b03432e-385b-4670-8d06-064591096795",
		Address:          "TXYZabc123",
		Network:          "tron",
		ExpiresAt:        t0.Add(time.Hour),
		PayAmount:        pos.NewMoney(dec("0.00020833"), "BTC"),
		Paid:             pos.NewMoney(dec("0.00010000"), "BTC"),
		Status:           pos.StatusPartial,
		ProviderStatus:   "wrong_amount_waiting",
		Reason:           "The customer sent less than asked; ‘ünïcödé’ and \"quotes\" survive.",
		Dismissed:        true,
		Late:             true,
		LateAcknowledged: true,
		Customer:         &pos.Customer{Kind: pos.CustomerNatural, FirstName: "Ada"},
		Replaces:         "pos-earlier",
		ReplacedBy:       "pos-later",
	}
}

// diff lists the fields in which got differs from want, comparing times at
// millisecond precision and decimals by value and exponent.
func diff(got, want pos.Invoice) []string {
	var d []string
	str := func(name, g, w string) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %q, want %q", name, g, w))
		}
	}
	tm := func(name string, g, w time.Time) {
		if w.IsZero() {
			if !g.IsZero() {
				d = append(d, fmt.Sprintf("%s = %v, want the zero time", name, g))
			}
			return
		}
		if !g.Equal(w.Truncate(time.Millisecond)) || g.Location() != time.UTC {
			d = append(d, fmt.Sprintf("%s = %v, want %v in UTC", name, g, w.Truncate(time.Millisecond)))
		}
	}
	money := func(name string, g, w pos.Money) {
		if w.IsZero() {
			if g != (pos.Money{}) {
				d = append(d, fmt.Sprintf("%s = %#v, want the zero Money", name, g))
			}
			return
		}
		// The value must be equal, and so must the number of decimal places
		// ("12.50" stays "12.50"); a positive exponent (5e3, which only
		// decimal.New makes) reads back as the integer it is.
		places := func(d decimal.Decimal) int32 { return min(d.Exponent(), 0) }
		if g.Currency != w.Currency || !g.Amount.Equal(w.Amount) || places(g.Amount) != places(w.Amount) {
			d = append(d, fmt.Sprintf("%s = %s %s (exp %d), want %s %s (exp %d)", name,
				g.Amount, g.Currency, g.Amount.Exponent(), w.Amount, w.Currency, w.Amount.Exponent()))
		}
	}
	str("OrderID", got.OrderID, want.OrderID)
	str("Provider", got.Provider, want.Provider)
	money("Amount", got.Amount, want.Amount)
	str("Pay.Code", got.Pay.Code, want.Pay.Code)
	str("Pay.Network", got.Pay.Network, want.Pay.Network)
	tm("CreatedAt", got.CreatedAt, want.CreatedAt)
	tm("UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	str("ProviderID", got.ProviderID, want.ProviderID)
	str("URL", got.URL, want.URL)
	str("Address", got.Address, want.Address)
	tm("ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	money("PayAmount", got.PayAmount, want.PayAmount)
	money("Paid", got.Paid, want.Paid)
	str("Status", string(got.Status), string(want.Status))
	str("ProviderStatus", got.ProviderStatus, want.ProviderStatus)
	str("Reason", got.Reason, want.Reason)
	str("Network", got.Network, want.Network)
	str("TxID", got.TxID, want.TxID)
	str("Replaces", got.Replaces, want.Replaces)
	str("ReplacedBy", got.ReplacedBy, want.ReplacedBy)
	flag := func(name string, g, w bool) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %v, want %v", name, g, w))
		}
	}
	flag("Dismissed", got.Dismissed, want.Dismissed)
	flag("Late", got.Late, want.Late)
	flag("LateAcknowledged", got.LateAcknowledged, want.LateAcknowledged)
	if got.Customer != nil {
		d = append(d, "Customer came back from the journal; personal data must not be stored")
	}
	return d
}

// TestDiffCoversEveryField fails when pos.Invoice gains a field that diff
// (and so the round-trip tests) does not compare.
func TestDiffCoversEveryField(t *testing.T) {
	const compared = 23 // the fields diff checks, Customer included
	if n := reflect.TypeOf(pos.Invoice{}).NumField(); n != compared {
		t.Fatalf("pos.Invoice has %d fields, diff compares %d: store and compare the new ones", n, compared)
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	tests := []struct {
		name string
		inv  pos.Invoice
	}{
		{"full", fullInvoice("pos-full")},
		{"minimal", pos.Invoice{OrderID: "pos-min", Status: pos.StatusCreating}},
		{"just created", pos.Invoice{OrderID: "pos-new", Provider: "cryptomus",
			Amount: pos.NewMoney(dec("5"), "EUR"), CreatedAt: t0, UpdatedAt: t0, Status: pos.StatusCreating}},
		{"odd amounts", pos.Invoice{OrderID: "pos-odd", Status: pos.StatusPaid,
			Amount:    pos.NewMoney(dec("123456789012345678901234567890.123456789012345678901"), "USDT"),
			PayAmount: pos.NewMoney(dec("-0.000000000000000001"), "ETH"),
			Paid:      pos.NewMoney(decimal.New(5, 3), "JPY"),                     // 5000, positive exponent
			CreatedAt: time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC), // before the epoch
		}},
		{"zero amount with currency", pos.Invoice{OrderID: "pos-zero", Status: pos.StatusFailed,
			Amount: pos.NewMoney(decimal.Decimal{}, "EUR"), PayAmount: pos.NewMoney(dec("0.000"), "BTC")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := j.Insert(ctx, tt.inv, "inserted"); err != nil {
				t.Fatal(err)
			}
			got, err := j.Get(ctx, tt.inv.OrderID)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diff(got, tt.inv) {
				t.Error("after Insert: " + d)
			}

			// Update every field and read it back.
			up := fullInvoice(tt.inv.OrderID)
			// The same outcome, or an open status: neither this write nor
			// the one back below moves a final status back.
			up.Status = pos.StatusConfirming
			if tt.inv.Status.Final() {
				up.Status = tt.inv.Status
			}
			up.Dismissed = up.Dismissed || tt.inv.Dismissed // flags never clear
			if err := j.Update(ctx, up, "updated"); err != nil {
				t.Fatal(err)
			}
			got, err = j.Get(ctx, tt.inv.OrderID)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diff(got, up) {
				t.Error("after full Update: " + d)
			}

			// And back: fields set to zero values are cleared, but for
			// the flags, which only ever go from 0 to 1.
			if err := j.Update(ctx, tt.inv, "back"); err != nil {
				t.Fatal(err)
			}
			got, err = j.Get(ctx, tt.inv.OrderID)
			if err != nil {
				t.Fatal(err)
			}
			back := tt.inv
			back.Dismissed, back.Late, back.LateAcknowledged = true, true, true
			for _, d := range diff(got, back) {
				t.Error("after Update back: " + d)
			}
		})
	}
}

// TestAmountText checks what is in the file: exact decimal text with the
// amount's own places, never a float.
func TestAmountText(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	inv := fullInvoice("pos-text")
	if err := j.Insert(ctx, inv, ""); err != nil {
		t.Fatal(err)
	}
	var amount, payAmount, paid, amountType string
	var created int64
	err := j.db.QueryRow(`SELECT amount, pay_amount, paid_amount, typeof(amount), created_at
		FROM invoices WHERE order_id = ?`, inv.OrderID).Scan(&amount, &payAmount, &paid, &amountType, &created)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{amount, "12.50"}, {payAmount, "0.00020833"}, {paid, "0.00010000"}, {amountType, "text"},
	} {
		if c.got != c.want {
			t.Errorf("stored %q, want %q", c.got, c.want)
		}
	}
	if want := t0.UnixMilli(); created != want {
		t.Errorf("created_at = %d, want %d (unix ms)", created, want)
	}
}

func TestInsertDuplicate(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	first := fullInvoice("pos-dup")
	if err := j.Insert(ctx, first, "first"); err != nil {
		t.Fatal(err)
	}
	second := first
	second.Status, second.Amount = pos.StatusCreating, pos.NewMoney(dec("99"), "EUR")
	err := j.Insert(ctx, second, "second")
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("Insert of a duplicate = %v, want an error wrapping ErrDuplicate", err)
	}
	if !strings.Contains(err.Error(), "pos-dup") || !strings.Contains(err.Error(), "already in the journal") {
		t.Errorf("error %q does not say which order id is already in the journal", err)
	}
	got, err := j.Get(ctx, "pos-dup")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diff(got, first) {
		t.Error("the duplicate changed the invoice: " + d)
	}
	if ev, _ := j.Events(ctx, "pos-dup"); len(ev) != 1 {
		t.Errorf("%d events after a refused duplicate, want 1", len(ev))
	}
}

func TestUnknownOrderID(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	if err := j.Insert(ctx, fullInvoice("pos-known"), ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, err := j.Get(ctx, "pos-unknown"); return err }},
		{"Update", func() error { return j.Update(ctx, fullInvoice("pos-unknown"), "x") }},
		{"Events", func() error { _, err := j.Events(ctx, "pos-unknown"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, pos.ErrNotInJournal) {
				t.Fatalf("err = %v, want one wrapping pos.ErrNotInJournal", err)
			}
			if !strings.Contains(err.Error(), "pos-unknown") {
				t.Errorf("error %q does not name the order id", err)
			}
		})
	}
	var n int
	if err := j.db.QueryRow(`SELECT count(*) FROM invoices`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d invoices after an Update of an unknown one (err %v), want 1", n, err)
	}
}

func TestRefusesBadInvoices(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	tests := []struct {
		name string
		inv  pos.Invoice
	}{
		{"no order id", pos.Invoice{Status: pos.StatusCreating}},
		{"no status", pos.Invoice{OrderID: "pos-1"}},
		{"unknown status", pos.Invoice{OrderID: "pos-1", Status: "refunded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := j.Insert(ctx, tt.inv, ""); err == nil {
				t.Error("Insert accepted it")
			}
			if err := j.Update(ctx, tt.inv, ""); err == nil {
				t.Error("Update accepted it")
			}
		})
	}
}

// failOn makes the journal's event insert fail for a note, to show that an
// invoice write is undone with its event.
func failOn(t *testing.T, j *Journal, note string) {
	t.Helper()
	// A TEMP trigger lives on one connection: use only that one.
	j.db.SetMaxOpenConns(1)
	_, err := j.db.Exec(`CREATE TEMP TRIGGER fail_event BEFORE INSERT ON events
		WHEN NEW.note = '` + note + `' BEGIN SELECT RAISE(ABORT, 'event refused by the test'); END`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestWritesAreAtomicWithTheirEvent(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	failOn(t, j, "boom")

	before := fullInvoice("pos-atomic")
	if err := j.Insert(ctx, before, "ok"); err != nil {
		t.Fatal(err)
	}

	after := before
	after.Status, after.Paid, after.Reason = pos.StatusPaid, pos.NewMoney(dec("0.00020833"), "BTC"), ""
	if err := j.Update(ctx, after, "boom"); err == nil {
		t.Fatal("Update succeeded although its event failed")
	}
	got, err := j.Get(ctx, before.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diff(got, before) {
		t.Error("Update without its event changed the invoice: " + d)
	}

	if err := j.Insert(ctx, fullInvoice("pos-atomic-2"), "boom"); err == nil {
		t.Fatal("Insert succeeded although its event failed")
	}
	if _, err := j.Get(ctx, "pos-atomic-2"); !errors.Is(err, pos.ErrNotInJournal) {
		t.Errorf("Insert without its event left the invoice: Get = %v", err)
	}
	ev, err := j.Events(ctx, before.OrderID)
	if err != nil || len(ev) != 1 {
		t.Errorf("Events = %d, %v; want just the insert's", len(ev), err)
	}

	// The journal still works afterwards.
	if err := j.Update(ctx, after, "paid"); err != nil {
		t.Fatal(err)
	}
	if got, _ := j.Get(ctx, before.OrderID); got.Status != pos.StatusPaid {
		t.Errorf("status %q after a good Update, want paid", got.Status)
	}
}

func TestEvents(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	inv := pos.Invoice{OrderID: "pos-ev", Provider: "cryptomus", CreatedAt: t0, UpdatedAt: t0, Status: pos.StatusCreating}
	steps := []struct {
		at             time.Time
		status         pos.Status
		providerStatus string
		note           string
	}{
		{t0, pos.StatusCreating, "", "sale started at the terminal"},
		{t0.Add(2 * time.Second), pos.StatusWaiting, "check", "created at Cryptomus"},
		// Written later but dated earlier (the clock was set back): still
		// listed in the order written.
		{t0.Add(time.Second), pos.StatusConfirming, "confirm_check", "status confirming"},
		{t0.Add(time.Minute), pos.StatusPaid, "paid", "status paid (paid) from relay"},
	}
	for i, s := range steps {
		inv.UpdatedAt, inv.Status, inv.ProviderStatus = s.at, s.status, s.providerStatus
		write := j.Update
		if i == 0 {
			write = j.Insert
		}
		if err := write(ctx, inv, s.note); err != nil {
			t.Fatal(err)
		}
	}
	// Another invoice's events do not mix in.
	if err := j.Insert(ctx, fullInvoice("pos-other"), "other"); err != nil {
		t.Fatal(err)
	}

	got, err := j.Events(ctx, "pos-ev")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(steps) {
		t.Fatalf("%d events, want %d: %+v", len(got), len(steps), got)
	}
	for i, s := range steps {
		e := got[i]
		if e.OrderID != "pos-ev" || !e.At.Equal(s.at.Truncate(time.Millisecond)) || e.Status != s.status ||
			e.ProviderStatus != s.providerStatus || e.Note != s.note {
			t.Errorf("event %d = %+v, want %+v", i, e, s)
		}
	}
}

func TestUnfinished(t *testing.T) {
	ctx := context.Background()
	j := openTemp(t)
	if got, err := j.Unfinished(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Unfinished on an empty journal = %v, %v", got, err)
	}
	// One invoice per status, created in a shuffled order.
	var want []string
	for i, s := range pos.Statuses {
		created := t0.Add(time.Duration((i*7)%len(pos.Statuses)) * time.Minute)
		inv := pos.Invoice{OrderID: "pos-" + string(s), CreatedAt: created, UpdatedAt: created, Status: pos.StatusCreating}
		if err := j.Insert(ctx, inv, ""); err != nil {
			t.Fatal(err)
		}
		inv.Status = s
		if err := j.Update(ctx, inv, ""); err != nil {
			t.Fatal(err)
		}
	}
	for i := range pos.Statuses { // expected: non-final, by creation time
		for k, s := range pos.Statuses {
			if (k*7)%len(pos.Statuses) == i && !s.Final() {
				want = append(want, "pos-"+string(s))
			}
		}
	}
	// Ties on CreatedAt are broken by order id.
	for _, id := range []string{"pos-tie-b", "pos-tie-a"} {
		inv := pos.Invoice{OrderID: id, CreatedAt: t0.Add(time.Hour), Status: pos.StatusWaiting}
		if err := j.Insert(ctx, inv, ""); err != nil {
			t.Fatal(err)
		}
	}
	want = append(want, "pos-tie-a", "pos-tie-b")
	// A late payment reopened by Reissue is unfinished again.
	reissued := pos.Invoice{OrderID: "pos-reissued", CreatedAt: t0.Add(2 * time.Hour), Status: pos.StatusExpired,
		ExpiresAt: t0.Add(2*time.Hour + 15*time.Minute)}
	if err := j.Insert(ctx, reissued, ""); err != nil {
		t.Fatal(err)
	}
	reissued.Status, reissued.ExpiresAt = pos.StatusWaiting, t0.Add(4*time.Hour)
	if err := j.Update(ctx, reissued, "renewed"); err != nil {
		t.Fatal(err)
	}
	want = append(want, "pos-reissued")

	got, err := j.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, inv := range got {
		ids = append(ids, inv.OrderID)
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("Unfinished = %v\nwant        %v", ids, want)
	}
}

func TestFinalStatusesMatchPos(t *testing.T) {
	var final []string
	for _, s := range pos.Statuses {
		if s.Final() {
			final = append(final, "'"+string(s)+"'")
		}
	}
	if got := "(" + strings.Join(final, ", ") + ")"; got != finalStatuses {
		t.Errorf("pos's final statuses are %s, but the journal's index has %s: add a migration", got, finalStatuses)
	}
}

// TestQueryPlans checks that the scans that must stay fast on a million
// invoices use their indexes rather than reading the table.
func TestQueryPlans(t *testing.T) {
	j := openTemp(t)
	tests := []struct {
		name, query, index string
		args               []any
	}{
		{"resume", unfinishedQuery, "invoices_unfinished", nil},
		{"day report", `SELECT ` + columns + ` FROM invoices WHERE created_at >= ? AND created_at < ? ORDER BY created_at`,
			"invoices_created", []any{0, 86_400_000}},
		{"events", `SELECT at, status, provider_status, note FROM events WHERE order_id = ? ORDER BY id`,
			"events_order", []any{"x"}},
		{"get", `SELECT ` + columns + ` FROM invoices WHERE order_id = ?`, "sqlite_autoindex_invoices_1", []any{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sqlitetest.Plan(t, j.db, tt.query, tt.args...)
			if !strings.Contains(p, "INDEX "+tt.index) || strings.Contains(p, "TEMP B-TREE") {
				t.Errorf("plan %q does not use index %s alone", p, tt.index)
			}
		})
	}
}

// TestTwoJournalsOneFile is two processes' worth of journals writing the same
// file at once: every write must wait its turn, none may fail as locked.
func TestTwoJournalsOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var js [2]*Journal
	for i := range js {
		j, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		js[i] = j
	}
	const perWriter = 25
	sqlitetest.Concurrently(t, 6, func(w int) error {
		j := js[w%2]
		for i := 0; i < perWriter; i++ {
			inv := fullInvoice(fmt.Sprintf("pos-w%d-%03d", w, i))
			inv.Status = pos.StatusCreating
			if err := j.Insert(ctx, inv, "start"); err != nil {
				return err
			}
			inv.Status = pos.StatusWaiting
			if err := j.Update(ctx, inv, "waiting"); err != nil {
				return err
			}
			if _, err := j.Unfinished(ctx); err != nil { // readers too
				return err
			}
		}
		return nil
	})
	// Each journal sees the other's writes.
	for i, j := range js {
		got, err := j.Unfinished(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 6*perWriter {
			t.Errorf("journal %d sees %d unfinished invoices, want %d", i, len(got), 6*perWriter)
		}
		for _, inv := range got {
			if inv.Status != pos.StatusWaiting {
				t.Errorf("journal %d: %s is %q, want waiting", i, inv.OrderID, inv.Status)
			}
		}
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	// Spaces and URI characters in the path are not taken as DSN syntax.
	dir := filepath.Join(t.TempDir(), "new dir?x=1#y%20", "sub")
	path := filepath.Join(dir, "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if j.Path() != path {
		t.Errorf("Path() = %q, want %q", j.Path(), path)
	}
	if err := j.Insert(ctx, fullInvoice("pos-open"), ""); err != nil {
		t.Fatal(err)
	}
	sqlitetest.CheckPragmas(t, j.db, map[string]string{
		"journal_mode": "wal", "synchronous": "2", "busy_timeout": "5000", "foreign_keys": "1",
		"user_version": fmt.Sprint(len(migrations)), "application_id": fmt.Sprint(applicationID),
	})
	sqlitetest.CheckModes(t, map[string]os.FileMode{path + "-wal": 0o600, path + "-shm": 0o600})
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// The data went into the file at path, not one named by a truncated DSN.
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("%s is empty after Close (%v): SQLite wrote elsewhere", path, err)
	}
	sqlitetest.CheckModes(t, map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600})

	// Reopening keeps the data and does not migrate again.
	j, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Get(ctx, "pos-open"); err != nil {
		t.Error(err)
	}
}

func TestOpenRefuses(t *testing.T) {
	sqlitetest.CheckRefusals(t, "Open", "journal.db", Open, []sqlitetest.Refusal{
		{Name: "newer schema", Prepare: func(t *testing.T, path string) {
			j, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if _, err := j.db.Exec(`PRAGMA user_version = 99`); err != nil {
				t.Fatal(err)
			}
		}, Want: "newer cryptopos"},
		{Name: "another program's database", Prepare: func(t *testing.T, path string) {
			j, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if _, err := j.db.Exec(`PRAGMA application_id = 42`); err != nil {
				t.Fatal(err)
			}
		}, Want: "not a cryptopos journal"},
		{Name: "not a database", Prepare: func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite ", 200)), 0o600); err != nil {
				t.Fatal(err)
			}
		}, Want: "could not open the journal"},
		{Name: "a directory", Prepare: func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, Want: "could not open the journal"},
	})
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	home := func() (string, error) { return "/home/ann", nil }
	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	tests := []struct {
		goos    string
		getenv  func(string) string
		home    func() (string, error)
		want    string
		wantErr bool
	}{
		{"linux", env(), home, filepath.Join("/home/ann", ".local/share/cryptopos/journal.db"), false},
		{"linux", env("XDG_DATA_HOME", "/data"), home, filepath.Join("/data", "cryptopos/journal.db"), false},
		{"freebsd", env("XDG_DATA_HOME", "relative/ignored"), home, filepath.Join("/home/ann", ".local/share/cryptopos/journal.db"), false},
		{"linux", env("XDG_DATA_HOME", "/data"), noHome, filepath.Join("/data", "cryptopos/journal.db"), false},
		{"linux", env(), noHome, "", true},
		{"darwin", env("XDG_DATA_HOME", "/data"), home, filepath.Join("/home/ann", "Library", "Application Support", "cryptopos", "journal.db"), false},
		{"darwin", env(), noHome, "", true},
		{"windows", env("LocalAppData", `C:\Users\ann\AppData\Local`), home, filepath.Join(`C:\Users\ann\AppData\Local`, "cryptopos", "journal.db"), false},
		{"windows", env(), home, "", true},
	}
	for _, tt := range tests {
		got, err := defaultPath(tt.goos, tt.getenv, tt.home)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: defaultPath = %q, %v; want %q (error %v)", tt.goos, got, err, tt.want, tt.wantErr)
		}
	}
	if p, err := DefaultPath(); err != nil || !filepath.IsAbs(p) || filepath.Base(p) != "journal.db" {
		t.Errorf("DefaultPath() = %q, %v", p, err)
	}
}

// TestConcurrentOpen is several processes starting at once on a new file:
// the schema is created once and every one of them can use it.
func TestConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.db")
	const n = 6
	sqlitetest.Concurrently(t, n, func(i int) error {
		j, err := Open(path)
		if err != nil {
			return err
		}
		defer j.Close()
		return j.Insert(ctx, fullInvoice(fmt.Sprintf("pos-open-%d", i)), "")
	})
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var count int
	if err := j.db.QueryRow(`SELECT count(*) FROM invoices`).Scan(&count); err != nil || count != n {
		t.Errorf("%d invoices (%v), want %d", count, err, n)
	}
}

func TestUpdateNeverClearsFlags(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	inv := fullInvoice("flags")
	inv.Dismissed, inv.Late, inv.LateAcknowledged = false, false, false
	if err := j.Insert(ctx, inv, "new"); err != nil {
		t.Fatal(err)
	}
	seen := inv
	seen.Dismissed, seen.Late, seen.LateAcknowledged = true, true, true
	if err := j.Update(ctx, seen, "the terminal: cancelled, paid late, seen"); err != nil {
		t.Fatal(err)
	}
	// Another process with an older copy writes its news.
	if err := j.Update(ctx, inv, "a script's stale copy"); err != nil {
		t.Fatal(err)
	}
	got, _ := j.Get(ctx, "flags")
	if !got.Dismissed || !got.Late || !got.LateAcknowledged {
		t.Fatalf("flags cleared by a stale writer: %+v", got)
	}
}

// A process with a copy read before the sale ended (a script watching the
// same sale as the terminal) never moves its outcome back; a late payment
// and a renewal of an expired invoice still go through.
func TestUpdateNeverMovesAnOutcomeBack(t *testing.T) {
	ctx := context.Background()
	expires := t0.Add(15 * time.Minute)
	tests := []struct {
		name         string
		stored, next pos.Status
		nextExpires  time.Time
		want         pos.Status
	}{
		{"stale waiting over paid", pos.StatusPaid, pos.StatusWaiting, expires, pos.StatusPaid},
		{"stale expired over paid", pos.StatusPaid, pos.StatusExpired, expires, pos.StatusPaid},
		{"stale confirming over expired", pos.StatusExpired, pos.StatusConfirming, expires, pos.StatusExpired},
		{"late payment over expired", pos.StatusExpired, pos.StatusPaid, expires, pos.StatusPaid},
		{"renewal of expired", pos.StatusExpired, pos.StatusWaiting, expires.Add(time.Hour), pos.StatusWaiting},
		{"open to open", pos.StatusWaiting, pos.StatusConfirming, expires, pos.StatusConfirming},
	}
	j := openTemp(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := fullInvoice(fmt.Sprintf("outcome-%d", i))
			inv.Status, inv.ExpiresAt, inv.Reason = tt.stored, expires, "stored"
			if err := j.Insert(ctx, inv, "stored"); err != nil {
				t.Fatal(err)
			}
			next := inv
			next.Status, next.ExpiresAt, next.Reason = tt.next, tt.nextExpires, "next"
			next.UpdatedAt = inv.UpdatedAt.Add(time.Minute)
			if err := j.Update(ctx, next, "the other process"); err != nil {
				t.Fatal(err)
			}
			got, _ := j.Get(ctx, inv.OrderID)
			if got.Status != tt.want {
				t.Fatalf("status %s, want %s", got.Status, tt.want)
			}
			if wantReason := map[bool]string{true: "next", false: "stored"}[tt.want == tt.next]; got.Reason != wantReason {
				t.Errorf("reason %q, want %q: a kept outcome keeps its details", got.Reason, wantReason)
			}
			events, _ := j.Events(ctx, inv.OrderID)
			if last := events[len(events)-1]; last.Note != "the other process" || last.Status != tt.want {
				t.Errorf("last event %+v: the note is kept, with the status that stands", last)
			}
		})
	}
}

func TestNoteAddsAnEventOnly(t *testing.T) {
	j := openTemp(t)
	ctx := context.Background()
	inv := fullInvoice("noted")
	if err := j.Insert(ctx, inv, "new"); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Hour)
	if err := j.Note(ctx, "noted", at, "receipt printed on file:/tmp/r.bin"); err != nil {
		t.Fatal(err)
	}
	events, _ := j.Events(ctx, "noted")
	last := events[len(events)-1]
	if len(events) != 2 || last.Note != "receipt printed on file:/tmp/r.bin" || !last.At.Equal(at.Truncate(time.Millisecond)) || last.Status != inv.Status {
		t.Fatalf("events %+v", events)
	}
	got, _ := j.Get(ctx, "noted")
	for _, d := range diff(got, inv) {
		t.Error("the note changed the invoice: " + d)
	}
	if err := j.Note(ctx, "nobody", at, "x"); !errors.Is(err, pos.ErrNotInJournal) {
		t.Fatalf("unknown order: %v", err)
	}
}
