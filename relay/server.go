package relay

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"cryptopos/pos"
)

// Defaults and limits of Options.
const (
	// DefaultMaxBody caps a callback's body.
	DefaultMaxBody = 1 << 20
	// DefaultLongPollMax caps ?wait=.
	DefaultLongPollMax = 30 * time.Second
	// MinTokenLength is the shortest bearer token New accepts, in bytes.
	// Generate one with `openssl rand -hex 32`.
	MinTokenLength = 16
	// debugBodyMax caps how much of an unreadable callback is logged.
	debugBodyMax = 2048
)

// Options configure a Server.
type Options struct {
	// Store keeps the records (required).
	Store *Store
	// Token is the bearer token terminals send to read records (required,
	// at least MinTokenLength bytes, no spaces or control characters).
	Token string
	// MaxBody caps a callback's body; larger ones get 413 (default
	// DefaultMaxBody).
	MaxBody int64
	// Clock dates callbacks (default the system clock). Long-poll waits
	// run on real time whatever the Clock.
	Clock pos.Clock
	// Log receives the relay's log (default: discarded). It never gets the
	// token, signatures or, above debug level, callback bodies.
	Log *slog.Logger
	// OnUpdate, when set, is called after a callback changed an invoice's
	// record, once per change, before the provider gets its answer: it
	// must not block (a terminal that embeds the relay signals its engine
	// to look at the invoice at once).
	OnUpdate func(provider, id string, rec Record)
	// LongPollMax caps a terminal's ?wait= (default DefaultLongPollMax).
	LongPollMax time.Duration
}

// Server is the relay's HTTP handler:
//
//	POST /callbacks/{provider}  a provider's callback: 200 "ok" when stored,
//	                            ignored or a duplicate; 403 "forbidden" when
//	                            not authentic; 400 when authentic but
//	                            unreadable; 413 over MaxBody; 404 for an
//	                            unknown provider; 500 when it could not be
//	                            stored (the provider retries).
//	GET /v1/invoices/{id}       a terminal's read, with "Authorization:
//	                            Bearer TOKEN": 200 and the Record as JSON;
//	                            404 {"error":"no_callback",...} before any
//	                            callback; 401 without the right token.
//	                            ?provider=NAME limits it to one provider.
//	                            ?wait=25s&after=VERSION long-polls: the
//	                            answer comes as soon as the record's version
//	                            differs from after (0 when absent), else at
//	                            the wait (capped at LongPollMax) with the
//	                            record as it stands, or 404; wait is a Go
//	                            duration or whole seconds. 400 for a bad
//	                            wait or after.
//	GET /healthz                200 "ok" while the store is open.
//
// Other paths get 404, other methods 405.
type Server struct {
	store       *Store
	tokenSum    [sha256.Size]byte
	maxBody     int64
	clock       pos.Clock
	log         *slog.Logger
	onUpdate    func(provider, id string, rec Record)
	longPollMax time.Duration
	mux         *http.ServeMux

	mu        sync.RWMutex
	receivers map[string]Receiver
}

// New returns a Server with no receivers; Add them.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("the relay needs a store")
	}
	if err := CheckToken(o.Token); err != nil {
		return nil, err
	}
	if o.MaxBody < 0 {
		return nil, fmt.Errorf("the relay's body cap %d is negative", o.MaxBody)
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.LongPollMax < 0 {
		return nil, fmt.Errorf("the relay's longest wait %s is negative", o.LongPollMax)
	}
	if o.LongPollMax == 0 {
		o.LongPollMax = DefaultLongPollMax
	}
	if o.Clock == nil {
		o.Clock = pos.SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		store:       o.Store,
		tokenSum:    sha256.Sum256([]byte(o.Token)),
		maxBody:     o.MaxBody,
		clock:       o.Clock,
		log:         o.Log,
		onUpdate:    o.OnUpdate,
		longPollMax: o.LongPollMax,
		mux:         http.NewServeMux(),
		receivers:   map[string]Receiver{},
	}
	s.mux.HandleFunc("POST /callbacks/{provider}", s.callback)
	s.mux.HandleFunc("GET /v1/invoices/{id}", s.invoice)
	s.mux.HandleFunc("GET /healthz", s.health)
	return s, nil
}

// CheckToken reports, in a sentence without the token, why token cannot be
// a relay's bearer token.
func CheckToken(token string) error {
	if token == "" {
		return errors.New("the relay needs a token: set one of at least 16 characters, e.g. from `openssl rand -hex 32`")
	}
	if len(token) < MinTokenLength {
		return fmt.Errorf("the relay token is too short (%d characters): use at least %d, e.g. from `openssl rand -hex 32`", len(token), MinTokenLength)
	}
	if strings.IndexFunc(token, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return errors.New("the relay token contains spaces or control characters, which an Authorization header cannot carry")
	}
	return nil
}

// Add serves r's callbacks at POST /callbacks/{r.Provider()}, replacing a
// receiver of the same provider. It is safe while the Server serves.
func (s *Server) Add(r Receiver) {
	if r == nil {
		return
	}
	p := r.Provider()
	if p == "" || strings.ContainsAny(p, "/?#%") {
		s.log.Error("relay: a receiver's provider name cannot be a URL path segment", "provider", p)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.receivers[p]; ok {
		s.log.Info("relay: callback receiver replaced", "provider", p)
	}
	s.receivers[p] = r
}

// ServeHTTP serves the relay's routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) receiver(provider string) Receiver {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.receivers[provider]
}

func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	rcv := s.receiver(provider)
	if rcv == nil {
		text(w, http.StatusNotFound, "unknown provider")
		return
	}
	log := s.log.With("provider", provider, "remote", r.RemoteAddr)
	if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
		log = log.With("forwarded_for", truncate(fwd, 200))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			log.Warn("relay: callback refused: body over the cap", "max_bytes", s.maxBody)
			text(w, http.StatusRequestEntityTooLarge, "too large")
			return
		}
		log.Info("relay: callback body could not be read", "err", err)
		text(w, http.StatusBadRequest, "unreadable")
		return
	}
	cb, err := rcv.Receive(r.Header, body)
	switch {
	case errors.Is(err, ErrForged):
		log.Warn("relay: callback refused: not signed by the provider", "bytes", len(body), "reason", err.Error())
		text(w, http.StatusForbidden, "forbidden")
		return
	case errors.Is(err, ErrIgnored):
		log.Debug("relay: callback ignored", "bytes", len(body), "reason", err.Error())
		text(w, http.StatusOK, "ok")
		return
	case err != nil:
		log.Info("relay: authentic callback could not be read", "bytes", len(body), "err", err)
		log.Debug("relay: unreadable callback body", "body", truncate(string(body), debugBodyMax))
		text(w, http.StatusBadRequest, "unreadable")
		return
	}
	if cb.Payload == nil {
		cb.Payload = body
	}
	if cb.ID == "" || !json.Valid(cb.Payload) {
		log.Info("relay: authentic callback has no invoice id or no JSON payload", "bytes", len(body))
		log.Debug("relay: unreadable callback body", "body", truncate(string(body), debugBodyMax))
		text(w, http.StatusBadRequest, "unreadable")
		return
	}
	// An authentic callback is worth storing even if the provider hangs up.
	ctx := context.WithoutCancel(r.Context())
	rec, changed, err := s.store.Put(ctx, provider, cb, s.clock.Now(), rcv.Newer)
	if err != nil {
		log.Error("relay: callback could not be stored; the provider will retry", "id", cb.ID, "status", cb.Status, "err", err)
		text(w, http.StatusInternalServerError, "try again later")
		return
	}
	if changed {
		log.Info("relay: callback stored", "id", cb.ID, "status", cb.Status, "final", cb.Final, "version", rec.Version)
		if s.onUpdate != nil {
			s.onUpdate(provider, cb.ID, rec)
		}
	} else {
		log.Info("relay: callback changes nothing (duplicate or older)", "id", cb.ID, "status", cb.Status,
			"kept_status", rec.Status, "version", rec.Version)
	}
	text(w, http.StatusOK, "ok")
}

// authorized compares the bearer token in constant time: both sides are
// hashed first, so that neither their contents nor their lengths leak
// through timing.
func (s *Server) authorized(r *http.Request) (ok, present bool) {
	h := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		// Still compare, so that a missing token costs what a wrong one does.
		sum := sha256.Sum256([]byte(h))
		subtle.ConstantTimeCompare(sum[:], s.tokenSum[:])
		return false, h != ""
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(sum[:], s.tokenSum[:]) == 1, true
}

func (s *Server) invoice(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if ok, present := s.authorized(r); !ok {
		challenge := `Bearer realm="cryptopos relay"`
		msg := "A bearer token is needed: send Authorization: Bearer TOKEN."
		if present {
			challenge += `, error="invalid_token"`
			msg = "The token is not the relay's."
		}
		w.Header().Set("WWW-Authenticate", challenge)
		s.log.Info("relay: invoice read refused: no or wrong token", "remote", r.RemoteAddr)
		writeJSON(w, http.StatusUnauthorized, apiError{Error: "unauthorized", Message: msg})
		return
	}
	id := r.PathValue("id")
	q := r.URL.Query()
	provider := q.Get("provider")
	var (
		wait  time.Duration
		after int64
	)
	if v := q.Get("wait"); v != "" {
		d, err := parseWait(v)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Error: "bad_wait", Message: err.Error()})
			return
		}
		wait = min(d, s.longPollMax)
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeJSON(w, http.StatusBadRequest, apiError{Error: "bad_after",
				Message: "after is not a record version: give the version of the last record you have, a whole number like 3, or 0 for none."})
			return
		}
		after = n
	}
	if wait <= 0 {
		rec, err := s.store.Get(context.WithoutCancel(r.Context()), provider, id)
		s.answer(w, r, rec, err)
		return
	}
	s.longPoll(w, r, provider, id, after, wait)
}

// longPoll answers as soon as the record's version differs from after (it
// is newer, or the store was replaced and starts over), else after wait,
// then with the record as it stands (or 404). A client that goes away ends
// it; so does a shutting down Serve, which gets the record as it stands.
func (s *Server) longPoll(w http.ResponseWriter, r *http.Request, provider, id string, after int64, wait time.Duration) {
	// The server's read and write deadlines are set for short requests;
	// when the read deadline passes, net/http cancels the request's context.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(wait + slack))
	_ = rc.SetWriteDeadline(time.Now().Add(wait + slack))

	ctx := r.Context()
	// Reads take milliseconds: they finish even if the client leaves or
	// Serve shuts down, so that their errors are the store's.
	rctx := context.WithoutCancel(ctx)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		changed, stop := s.store.Watch(id)
		rec, err := s.store.Get(rctx, provider, id)
		if (err == nil && rec.Version != after) || (err != nil && !errors.Is(err, ErrNoCallback)) {
			stop()
			s.answer(w, r, rec, err)
			return
		}
		select {
		case <-changed:
			stop()
			continue
		case <-timer.C:
			// Another process's write may be less than a poll old.
			rec, err = s.store.Get(rctx, provider, id)
		case <-ctx.Done():
			if !errors.Is(context.Cause(ctx), ErrShuttingDown) {
				stop()
				return // the client went away: nobody to answer
			}
			rec, err = s.store.Get(rctx, provider, id)
		}
		stop()
		s.answer(w, r, rec, err)
		return
	}
}

// answer writes a Get's outcome.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, rec Record, err error) {
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, rec)
	case errors.Is(err, ErrNoCallback):
		writeJSON(w, http.StatusNotFound, apiError{Error: "no_callback", Message: "No callback has arrived for this invoice yet."})
	default:
		s.log.Error("relay: invoice could not be read", "id", r.PathValue("id"), "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "store", Message: "The relay could not read its store; try again."})
	}
}

// parseWait reads ?wait= as a Go duration ("25s", "1m") or whole seconds
// ("25").
func parseWait(v string) (time.Duration, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, errors.New("wait is negative: give the seconds to wait, like wait=25.")
		}
		return time.Duration(min(n, 24*3600)) * time.Second, nil // the caller caps it further
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, errors.New("wait is not a duration: write it like wait=25s or wait=25.")
	}
	return d, nil
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if s.store.isClosed() {
		text(w, http.StatusServiceUnavailable, "store closed")
		return
	}
	text(w, http.StatusOK, "ok")
}

func text(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(msg)+1))
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}

// writeJSON writes v without HTML escaping, so that payloads keep their
// text ("<", "&" as sent).
func writeJSON(w http.ResponseWriter, code int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		code = http.StatusInternalServerError
		b.Reset()
		b.WriteString(`{"error":"encoding","message":"The relay could not encode its answer."}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// truncate cuts s to at most n bytes, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
