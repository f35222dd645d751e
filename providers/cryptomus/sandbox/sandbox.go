// Package sandbox is a local stand-in for the Cryptomus merchant API, for
// tests, the end-to-end tests and the demo. It is shaped like
// net/http/httptest and stripe-mock: New returns an http.Handler, Start
// serves it on a local address.
//
// It checks the merchant header and the signature over the raw body (401
// {"message":"Invalid Sign."} on a mismatch), validates like the real API
// (422 with an errors map or a message), is idempotent on order_id, renews
// expired invoices with is_refresh, and expires invoices lazily against its
// clock. Tests drive invoices to any status with Drive, inspect them with
// Invoice, Invoices and Count, and inject faults with InjectFault. Each
// invoice has a small payment page at its url, where a person can pay,
// underpay, overpay or expire it.
//
// Endpoints: POST /v1/payment, POST /v1/payment/info,
// POST /v1/payment/services; GET /pay/{uuid} and POST /pay/{uuid}/{action}
// for the page.
//
// Admin endpoints, for a test in another process (stripe-mock style; not
// part of the Cryptomus API, unsigned, never faulted): GET
// /_sandbox/invoices lists every invoice as JSON (uuid, order_id, status,
// url, amounts), GET /_sandbox/invoices/{id} shows one, and POST
// /_sandbox/invoices/{id}/{action} drives one like Drive, where id is a
// uuid or an order id and action an Action such as pay, pay_partial or
// expire. See AdminInvoice.
package sandbox

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"cryptopos/pos"
	"cryptopos/providers/sandboxkit"

	"github.com/shopspring/decimal"
)

// The credentials a sandbox accepts when Options leave them empty. They are
// public: use them only with the sandbox.
const (
	DemoMerchant   = "5c1f3e52-7a0b-4d8e-9c61-2b7f0a9d4e13"
	DemoPaymentKey = "sandbox-payment-key-not-secret"
)

// Options configure a sandbox. Zero fields take the defaults.
type Options struct {
	// Merchant and PaymentKey are the only credentials accepted (default
	// DemoMerchant and DemoPaymentKey).
	Merchant, PaymentKey string
	// Clock decides expiry and timestamps (default pos.SystemClock).
	Clock pos.Clock
	// Services is the merchant's coin list (default DefaultServices).
	Services []Service
	// Rates are coin prices in fiat: Rates["BTC"]["EUR"] (default
	// DefaultRates). A fiat currency missing for a coin is priced as USD, so
	// the demo works in any shop currency.
	Rates map[string]map[string]decimal.Decimal
	// Logger receives one debug line per request (default: discarded).
	Logger *slog.Logger
	// PublicURL is the base of invoice urls, e.g. "http://127.0.0.1:8089"
	// (default: Start's URL, or the scheme and Host of each create request).
	PublicURL string
}

// Sandbox is the fake Cryptomus API, an http.Handler. Its methods are safe
// for concurrent use.
type Sandbox struct {
	opts   Options
	mux    *http.ServeMux
	faults sandboxkit.FaultQueue[Fault] // locks itself

	mu       sync.Mutex
	invoices map[string]*InvoiceState // by uuid
	byOrder  map[string]string        // order_id → uuid
	created  []string                 // uuids in creation order
}

// New returns a sandbox with o's settings.
func New(o Options) *Sandbox {
	if o.Merchant == "" {
		o.Merchant = DemoMerchant
	}
	if o.PaymentKey == "" {
		o.PaymentKey = DemoPaymentKey
	}
	if o.Clock == nil {
		o.Clock = pos.SystemClock{}
	}
	if o.Services == nil {
		o.Services = DefaultServices()
	}
	if o.Rates == nil {
		o.Rates = DefaultRates()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	s := &Sandbox{opts: o, mux: http.NewServeMux(),
		invoices: map[string]*InvoiceState{}, byOrder: map[string]string{}}
	s.mux.HandleFunc("/v1/", s.serveAPI)
	s.mux.HandleFunc("GET /pay/{uuid}", s.servePage)
	s.mux.HandleFunc("POST /pay/{uuid}/{action}", s.servePageAction)
	s.registerAdmin()
	return s
}

// ServeHTTP serves the API and the payment pages.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Merchant returns the merchant id the sandbox accepts.
func (s *Sandbox) Merchant() string { return s.opts.Merchant }

// PaymentKey returns the payment key the sandbox accepts.
func (s *Sandbox) PaymentKey() string { return s.opts.PaymentKey }

func (s *Sandbox) now() time.Time { return s.opts.Clock.Now() }

// Server is a sandbox listening on a local address.
type Server struct {
	*Sandbox
	// URL is the server's root, e.g. "http://127.0.0.1:41234", without
	// /v1; invoice pages are at URL + "/pay/" + uuid.
	URL string

	hs *sandboxkit.Server
}

// Start serves a new sandbox on addr ("127.0.0.1:0" picks a free port).
func Start(o Options, addr string) (*Server, error) {
	hs, err := sandboxkit.Listen(addr)
	if err != nil {
		return nil, err
	}
	if o.PublicURL == "" {
		o.PublicURL = hs.URL
	}
	sb := New(o)
	hs.Serve(sb)
	return &Server{Sandbox: sb, URL: hs.URL, hs: hs}, nil
}

// APIBase is the base_url for the client: URL + "/v1".
func (s *Server) APIBase() string { return s.URL + "/v1" }

// Close stops the server and closes its connections.
func (s *Server) Close() error { return s.hs.Close() }
