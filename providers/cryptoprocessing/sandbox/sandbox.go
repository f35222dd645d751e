// Package sandbox is a local stand-in for the Cryptoprocessing (CoinsPaid)
// merchant API v2 invoices, for tests, the end-to-end tests and the demo.
// It is shaped like net/http/httptest: New returns an http.Handler, Start
// serves it on a local address.
//
// API, under /api/v2 (spec §4):
//
//	POST /invoices/create               201 {"data":{…}}; 400 {"errors":{field:message}}
//	POST /invoices/{foreign_id}/cancel/ 200 []; 400 {"errors":{"error":…,"code":"invalid_invoice_state"}}
//	POST /currencies/list               200 {"data":[…]}
//	GET  /ping                          200 OK, no keys needed
//
// Every POST needs Content-Type: application/json (else 400
// bad_content_format), X-Processing-Key (403 required_header_key /
// bad_header_key) and X-Processing-Signature, the hex HMAC-SHA512 of the
// raw body under the secret key (403 required_header_signature /
// bad_header_signature). A wrong path is answered 403 bad_header_signature
// too, as the real API answers unknown URLs with an auth error.
//
// Invoices follow spec §7: created (no timer, coin not chosen), pending
// (window of 15 minutes running), processing (a transaction in the
// mempool; for BTC and BCH the window extends to 24 hours from fixed_at),
// confirmed, failed with the documented error texts ("Timer expired. User
// not paid.", "Timer expired. User paid less than requested.", "Timer
// expired. Transactions were in status processing too long.") or, after a
// cancel, CancelledError. Instalments of a good_until_expired invoice keep
// it pending with remaining_amount counting down, one callback each.
// Timers are evaluated lazily on every request and actively by Tick, which
// Start runs on a real-time ticker; tests call Tick after moving their
// clock.
//
// Every status change and every payment is sent as a signed callback
// (X-Processing-Key, X-Processing-Signature over the exact bytes, with /
// escaped as \/ as the PHP backend writes it; each callback carries the
// invoice's url, an addition to the documented payload, so there is a /)
// to Options.CallbackURL, and
// retried on DefaultRetrySchedule until the receiver answers 200. Test
// knobs (AddKnob) duplicate, hold back (to deliver after a later one) or
// drop callbacks; faults (InjectFault) break API replies.
//
// Each invoice has a payment page at its url (/invoice/{code}) with
// buttons for a customer and the blockchain: choose a coin, pay, pay part,
// pay too little, send to the mempool, confirm, let it expire.
//
// Admin endpoints (unsigned, never faulted; not part of the real API):
//
//	GET  /_sandbox/invoices                  every invoice, oldest first (AdminInvoice)
//	GET  /_sandbox/invoices/{id}             one, by foreign_id, id or page code
//	POST /_sandbox/invoices/{id}/{action}    Drive (?coin=ETH for choose and the payments)
//	GET  /_sandbox/callbacks                 every callback delivery (AdminDelivery)
//	POST /_sandbox/callbacks/flush           deliver every waiting callback now
//	POST /_sandbox/callbacks/knobs/{kind}    AddKnob: duplicate, hold, drop (?foreign_id=)
//	POST /_sandbox/tick                      Tick
//	POST /_sandbox/faults/{kind}             InjectFault (?path=/api/v2/invoices/create&times=2&delay=300ms&status=503)
package sandbox

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"cryptopos/pos"
	"cryptopos/providers/sandboxkit"
)

// The keys a sandbox accepts when Options leave them empty. They are
// public: use them only with the sandbox.
const (
	DemoAPIKey    = "sandbox-api-key-not-secret"
	DemoSecretKey = "sandbox-secret-key-not-secret"
)

// Timers of the API (spec §7).
const (
	// Window is the payment window of an invoice with a timer.
	Window = 15 * time.Minute
	// MempoolWindow is the window, from fixed_at, once a BTC or BCH
	// transaction is in the mempool.
	MempoolWindow = 24 * time.Hour
)

// DefaultRetrySchedule is the gap before each retry of a callback the
// receiver did not take: the real schedule (spec §8.1: +1, +5, +15, +30,
// +60, +90, +120, +180, +240, +240, +240, +240 minutes) with seconds for
// minutes, so a test or a demo sees retries at once.
var DefaultRetrySchedule = []time.Duration{
	1 * time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second, 60 * time.Second,
	90 * time.Second, 120 * time.Second, 180 * time.Second, 240 * time.Second,
	240 * time.Second, 240 * time.Second, 240 * time.Second,
}

// Options configure a sandbox. Zero fields take the defaults.
type Options struct {
	// APIKey and SecretKey are the only keys accepted, and sign the
	// callbacks (default DemoAPIKey and DemoSecretKey).
	APIKey, SecretKey string
	// Clock decides timers, timestamps and retries (default
	// pos.SystemClock).
	Clock pos.Clock
	// CallbackURL receives the callbacks, like the URL set in the
	// merchant dashboard; empty keeps them waiting.
	CallbackURL string
	// HTTPClient sends the callbacks (default: a client with a 5 s
	// timeout).
	HTTPClient *http.Client
	// Logger receives one debug line per request and callback (default:
	// discarded). It never receives the customer's details.
	Logger *slog.Logger
	// Currencies is the account's currency list (default
	// DefaultCurrencies).
	Currencies []Currency
	// DefaultCoin is the coin a payment picks on an invoice whose coin is
	// not chosen yet (default "BTC").
	DefaultCoin string
	// RetrySchedule is the gap before each callback retry (default
	// DefaultRetrySchedule); after the last, the sandbox gives up.
	RetrySchedule []time.Duration
	// PublicURL is the base of invoice urls, e.g. "http://127.0.0.1:8091"
	// (default: Start's URL, or the scheme and Host of each create).
	PublicURL string
	// TickEvery is how often Start's background loop runs Tick in real
	// time (default 200 ms); negative runs no loop.
	TickEvery time.Duration
}

// Sandbox is the fake Cryptoprocessing API, an http.Handler. Its methods
// are safe for concurrent use.
type Sandbox struct {
	opts   Options
	mux    *http.ServeMux
	faults sandboxkit.FaultQueue[Fault] // locks itself

	mu        sync.Mutex
	invoices  map[string]*InvoiceState // by foreign_id
	created   []string                 // foreign_ids in creation order
	nextID    int64
	knobs     []Knob
	outbox    []*delivery
	nextSeq   int64
	kick      chan struct{}
	deliverMu sync.Mutex // one Tick at a time
}

// New returns a sandbox with o's settings.
func New(o Options) *Sandbox {
	if o.APIKey == "" {
		o.APIKey = DemoAPIKey
	}
	if o.SecretKey == "" {
		o.SecretKey = DemoSecretKey
	}
	if o.Clock == nil {
		o.Clock = pos.SystemClock{}
	}
	if o.Currencies == nil {
		o.Currencies = DefaultCurrencies()
	}
	if o.DefaultCoin == "" {
		o.DefaultCoin = "BTC"
	}
	if o.RetrySchedule == nil {
		o.RetrySchedule = DefaultRetrySchedule
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	s := &Sandbox{opts: o, mux: http.NewServeMux(), invoices: map[string]*InvoiceState{},
		nextID: 826900, kick: make(chan struct{}, 1)}
	s.mux.HandleFunc("/api/", s.serveAPI)
	s.mux.HandleFunc("GET /invoice/{code}", s.servePage)
	s.mux.HandleFunc("POST /invoice/{code}/{action}", s.servePageAction)
	s.registerAdmin()
	return s
}

// ServeHTTP serves the API, the payment pages and the admin endpoints.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// APIKey returns the API key the sandbox accepts.
func (s *Sandbox) APIKey() string { return s.opts.APIKey }

// SecretKey returns the secret key the sandbox accepts and signs with.
func (s *Sandbox) SecretKey() string { return s.opts.SecretKey }

// CallbackURL returns where callbacks go.
func (s *Sandbox) CallbackURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.CallbackURL
}

// SetCallbackURL changes where callbacks go, like editing the dashboard's
// callback setting.
func (s *Sandbox) SetCallbackURL(u string) {
	s.mu.Lock()
	s.opts.CallbackURL = u
	s.mu.Unlock()
}

func (s *Sandbox) now() time.Time { return s.opts.Clock.Now() }

// Server is a sandbox listening on a local address.
type Server struct {
	*Sandbox
	// URL is the server's root, e.g. "http://127.0.0.1:41234", without
	// /api/v2; invoice pages are at URL + "/invoice/" + code.
	URL string

	hs   *sandboxkit.Server
	stop chan struct{}
	done chan struct{}
}

// Start serves a new sandbox on addr ("127.0.0.1:0" picks a free port)
// and runs Tick in the background every o.TickEvery.
func Start(o Options, addr string) (*Server, error) {
	hs, err := sandboxkit.Listen(addr)
	if err != nil {
		return nil, err
	}
	if o.PublicURL == "" {
		o.PublicURL = hs.URL
	}
	every := o.TickEvery
	if every == 0 {
		every = 200 * time.Millisecond
	}
	sb := New(o)
	hs.Serve(sb)
	s := &Server{Sandbox: sb, URL: hs.URL, hs: hs, stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop(every)
	return s, nil
}

// loop runs Tick on a real-time ticker, and at once after a change.
func (s *Server) loop(every time.Duration) {
	defer close(s.done)
	if every < 0 {
		<-s.stop
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		case <-s.kick:
		}
		s.Tick()
	}
}

// APIBase is the base_url for the client: URL + "/api/v2".
func (s *Server) APIBase() string { return s.URL + "/api/v2" }

// Close stops the background loop and the server.
func (s *Server) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
	return s.hs.Close()
}
