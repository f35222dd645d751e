package relay

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"cryptopos/internal/sqlitefile"
)

// BusyTimeout is how long a write waits for another process that holds the
// store's write lock before it fails.
const BusyTimeout = 5 * time.Second

// maxBatch caps the callbacks one transaction commits together.
const maxBatch = 256

// watchEvery is how often the store looks for changes written by another
// process, while someone watches.
const watchEvery = time.Second

// ErrClosed is returned by a Store's methods after Close.
var ErrClosed = errors.New("the relay store is closed")

// Store is the relay's SQLite database: the newest record of each invoice,
// and a log of every authentic callback. It is safe for concurrent use, also
// by several processes on the same file (a terminal's embedded relay and a
// standalone one).
//
// Writes are group-committed: Puts that arrive while a transaction is being
// written wait for it and are then committed together, in one transaction
// with one fsync, each in its own savepoint. A Put returns only once its
// transaction is durable (WAL, synchronous=FULL).
//
// Times are stored as INTEGER unix milliseconds and read back in UTC,
// truncated to the millisecond. Payloads are stored as TEXT, byte for byte.
type Store struct {
	db   *sql.DB
	path string

	puts    chan *putRequest // unbuffered: the writer takes what waits
	closing chan struct{}
	closed  chan struct{} // the writer has stopped
	once    sync.Once

	watch watchers
}

// OpenStore opens the store at path, creating the file (mode 0600) and its
// directory (mode 0700) if needed, and brings its schema up to date. The
// file is put in WAL mode; every connection runs with synchronous=FULL and a
// busy timeout of BusyTimeout. OpenStore refuses a file written by a newer
// cryptopos and a SQLite file of another program (a terminal's journal
// included). Several processes may open the same file at once.
func OpenStore(path string) (*Store, error) {
	db, abs, err := sqlitefile.Open(context.Background(), path, spec)
	if err != nil {
		return nil, err
	}
	s := &Store{
		db: db, path: abs,
		puts:    make(chan *putRequest),
		closing: make(chan struct{}),
		closed:  make(chan struct{}),
	}
	s.watch.store = s
	go s.writer()
	return s, nil
}

// Path returns the absolute path of the store's file.
func (s *Store) Path() string { return s.path }

// Close waits for the writes in progress, then closes the store. Later
// calls return ErrClosed.
func (s *Store) Close() error {
	first := false
	s.once.Do(func() {
		first = true
		close(s.closing)
	})
	if !first {
		return nil
	}
	<-s.closed
	s.watch.stop()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("could not close the relay store: %w", err)
	}
	return nil
}

// Put records an authentic callback for the provider's invoice cb.ID, in
// one transaction: it appends the callback to the log and, if the invoice
// has no record yet or newer(prev, cb) reports that cb says more than the
// record's callback, makes cb the record (Version + 1). Every callback
// counts in Callbacks. It returns the record as it stands after the write
// and whether cb changed it. receivedAt is stored in milliseconds.
//
// A ctx that ends before the callback's transaction begins makes Put
// return ctx's error with nothing written; once the transaction has begun
// Put waits for its commit whatever ctx does, so that its answer is the
// truth.
func (s *Store) Put(ctx context.Context, provider string, cb Callback, receivedAt time.Time, newer func(prev, next Callback) bool) (rec Record, changed bool, err error) {
	switch {
	case provider == "":
		return Record{}, false, errors.New("a callback without a provider cannot be stored")
	case cb.ID == "":
		return Record{}, false, fmt.Errorf("a %s callback without an invoice id cannot be stored", provider)
	case !json.Valid(cb.Payload):
		return Record{}, false, fmt.Errorf("the %s callback for invoice %s cannot be stored: its payload is not JSON", provider, cb.ID)
	case newer == nil:
		return Record{}, false, errors.New("Put needs a newer function")
	}
	req := &putRequest{
		ctx: ctx, provider: provider, cb: cb, at: receivedAt.UnixMilli(), newer: newer,
		done: make(chan struct{}),
	}
	select {
	case s.puts <- req:
	case <-ctx.Done():
		return Record{}, false, ctx.Err()
	case <-s.closing:
		return Record{}, false, ErrClosed
	}
	<-req.done
	if req.err != nil {
		return Record{}, false, fmt.Errorf("could not store the %s callback for invoice %s: %w", provider, cb.ID, req.err)
	}
	return req.rec, req.changed, nil
}

// Get returns the provider's record of the invoice; with provider "", the
// newest record of the invoice id of any provider. It returns an error
// wrapping ErrNoCallback when there is none.
func (s *Store) Get(ctx context.Context, provider, id string) (Record, error) {
	var row *sql.Row
	if provider == "" {
		row = s.db.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records WHERE id = ?
			ORDER BY received_at DESC, provider LIMIT 1`, id)
	} else {
		row = s.db.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records WHERE provider = ? AND id = ?`, provider, id)
	}
	rec, err := scanRecord(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Record{}, fmt.Errorf("invoice %s: %w", id, ErrNoCallback)
	case err != nil:
		if s.isClosed() {
			return Record{}, ErrClosed
		}
		return Record{}, fmt.Errorf("could not read invoice %s from the relay store: %w", id, err)
	}
	return rec, nil
}

// LoggedCallback is one entry of the store's log of authentic callbacks.
type LoggedCallback struct {
	Seq        int64
	Provider   string
	ID         string
	ReceivedAt time.Time
	Status     string
	Final      bool
	// Kept reports whether the callback became the invoice's record.
	Kept    bool
	Payload json.RawMessage
}

// Log returns the logged callbacks of the provider's invoice (of any
// provider if provider is ""), oldest first.
func (s *Store) Log(ctx context.Context, provider, id string) ([]LoggedCallback, error) {
	q := `SELECT seq, provider, id, received_at, status, final, kept, payload FROM callbacks WHERE id = ?`
	args := []any{id}
	if provider != "" {
		q += ` AND provider = ?`
		args = append(args, provider)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("could not read the callbacks of invoice %s: %w", id, err)
	}
	defer rows.Close()
	var out []LoggedCallback
	for rows.Next() {
		var (
			c           LoggedCallback
			at          int64
			final, kept int64
			payload     string
		)
		if err := rows.Scan(&c.Seq, &c.Provider, &c.ID, &at, &c.Status, &final, &kept, &payload); err != nil {
			return nil, fmt.Errorf("could not read the callbacks of invoice %s: %w", id, err)
		}
		c.ReceivedAt = time.UnixMilli(at).UTC()
		c.Final, c.Kept, c.Payload = final != 0, kept != 0, json.RawMessage(payload)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("could not read the callbacks of invoice %s: %w", id, err)
	}
	return out, nil
}

// Watch returns a channel that is closed when the record of invoice id may
// have changed: at once after a Put by this Store, within about a second
// after a write by another process. Call stop when done watching.
func (s *Store) Watch(id string) (changed <-chan struct{}, stop func()) {
	return s.watch.add(id)
}

func (s *Store) isClosed() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}

// putRequest is one Put waiting for the writer; the writer fills rec,
// changed and err, then closes done.
type putRequest struct {
	ctx      context.Context
	provider string
	cb       Callback
	at       int64
	newer    func(prev, next Callback) bool

	rec     Record
	changed bool
	err     error
	done    chan struct{}
}

// writer is the store's only writing goroutine: it commits whatever Puts
// are waiting, up to maxBatch, in one transaction.
func (s *Store) writer() {
	defer close(s.closed)
	batch := make([]*putRequest, 0, maxBatch)
	for {
		select {
		case req := <-s.puts:
			batch = append(batch[:0], req)
		case <-s.closing:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case req := <-s.puts:
				batch = append(batch, req)
			default:
				break more
			}
		}
		s.commit(batch)
		for _, req := range batch {
			if req.err == nil && req.changed {
				s.watch.notify(req.cb.ID)
			}
			close(req.done)
		}
		clear(batch)
	}
}

// commit writes the batch in one transaction, each Put in a savepoint, so
// that one Put's failure does not undo the others.
func (s *Store) commit(batch []*putRequest) {
	ctx := context.Background()
	fail := func(err error) {
		for _, req := range batch {
			if req.err == nil {
				req.err = err
			}
			req.changed = false
		}
	}
	var todo []*putRequest
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.err = err
			continue
		}
		todo = append(todo, req)
	}
	if len(todo) == 0 {
		return
	}
	err := sqlitefile.WriteTx(ctx, s.db, func(tx *sql.Tx) error {
		for _, req := range todo {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT put`); err != nil {
				return err
			}
			req.rec, req.changed, req.err = put(ctx, tx, req)
			release := `RELEASE put`
			if req.err != nil {
				release = `ROLLBACK TO put; RELEASE put`
			}
			if _, err := tx.ExecContext(ctx, release); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fail(err)
	}
}

// put is Put's work inside the transaction.
func put(ctx context.Context, tx *sql.Tx, req *putRequest) (rec Record, changed bool, err error) {
	next := req.cb
	prev, err := scanRecord(tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records WHERE provider = ? AND id = ?`, req.provider, next.ID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		rec = Record{
			Provider: req.provider, ID: next.ID, Status: next.Status, Final: next.Final,
			Payload: next.Payload, ReceivedAt: time.UnixMilli(req.at).UTC(), Version: 1, Callbacks: 1,
		}
		changed = true
		_, err = tx.ExecContext(ctx, `INSERT INTO records (`+recordColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			rec.Provider, rec.ID, rec.Status, flag(rec.Final), string(rec.Payload), req.at, rec.Version, rec.Callbacks)
	case err != nil:
		return Record{}, false, err
	default:
		if changed, err = callNewer(req.newer, prev.callback(), next); err != nil {
			return Record{}, false, err
		}
		rec = prev
		rec.Callbacks++
		if changed {
			rec.Status, rec.Final, rec.Payload = next.Status, next.Final, next.Payload
			rec.ReceivedAt = time.UnixMilli(req.at).UTC()
			rec.Version++
		}
		_, err = tx.ExecContext(ctx, `UPDATE records SET status = ?, final = ?, payload = ?, received_at = ?, version = ?, callbacks = ?
			WHERE provider = ? AND id = ?`,
			rec.Status, flag(rec.Final), string(rec.Payload), rec.ReceivedAt.UnixMilli(), rec.Version, rec.Callbacks,
			rec.Provider, rec.ID)
	}
	if err != nil {
		return Record{}, false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO callbacks (provider, id, received_at, status, final, kept, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		req.provider, next.ID, req.at, next.Status, flag(next.Final), flag(changed), string(next.Payload))
	if err != nil {
		return Record{}, false, err
	}
	return rec, changed, nil
}

// callNewer keeps a panicking Receiver from taking the writer down.
func callNewer(newer func(prev, next Callback) bool, prev, next Callback) (b bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the provider's Newer panicked: %v", p)
		}
	}()
	return newer(prev, next), nil
}

func (r Record) callback() Callback {
	return Callback{ID: r.ID, Status: r.Status, Final: r.Final, Payload: r.Payload}
}

const recordColumns = `provider, id, status, final, payload, received_at, version, callbacks`

type scanner interface{ Scan(dest ...any) error }

func scanRecord(s scanner) (Record, error) {
	var (
		r       Record
		final   int64
		at      int64
		payload string
	)
	if err := s.Scan(&r.Provider, &r.ID, &r.Status, &final, &payload, &at, &r.Version, &r.Callbacks); err != nil {
		return Record{}, err
	}
	r.Final, r.Payload, r.ReceivedAt = final != 0, json.RawMessage(payload), time.UnixMilli(at).UTC()
	return r, nil
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// watchers wakes the long-polls of invoice ids. Puts of this Store notify
// at once; a poller notices other processes' writes by PRAGMA data_version
// while anyone watches.
type watchers struct {
	store *Store

	mu      sync.Mutex
	ids     map[string]*watched
	n       int           // watchers of all ids
	polling chan struct{} // closed to stop the poller; nil when none runs
}

type watched struct {
	ch chan struct{}
	n  int
}

func (w *watchers) add(id string) (<-chan struct{}, func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ids == nil {
		w.ids = map[string]*watched{}
	}
	t := w.ids[id]
	if t == nil {
		t = &watched{ch: make(chan struct{})}
		w.ids[id] = t
	}
	t.n++
	w.n++
	if w.polling == nil && !w.store.isClosed() {
		w.polling = make(chan struct{})
		go w.poll(w.polling)
	}
	var once sync.Once
	return t.ch, func() {
		once.Do(func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if t.n--; t.n == 0 && w.ids[id] == t {
				delete(w.ids, id)
			}
			if w.n--; w.n == 0 && w.polling != nil {
				close(w.polling)
				w.polling = nil
			}
		})
	}
}

// notify wakes the watchers of id; they watch again for a later change.
func (w *watchers) notify(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t := w.ids[id]; t != nil {
		close(t.ch)
		delete(w.ids, id) // the t.n watchers still hold t and release it
	}
}

func (w *watchers) notifyAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, t := range w.ids {
		close(t.ch)
		delete(w.ids, id)
	}
}

func (w *watchers) stop() {
	w.notifyAll()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.polling != nil {
		close(w.polling)
		w.polling = nil
	}
}

// poll wakes every watcher when another connection (another process, or
// this store's writer) commits. PRAGMA data_version is per connection, so
// the poller keeps one.
func (w *watchers) poll(done chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-done:
		case <-w.store.closing:
		}
		cancel()
	}()
	conn, err := w.store.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	version := func() (int64, bool) {
		var v int64
		err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
		return v, err == nil
	}
	last, ok := version()
	if !ok {
		return
	}
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, ok := version()
		if !ok {
			continue
		}
		if v != last {
			last = v
			w.notifyAll()
		}
	}
}
