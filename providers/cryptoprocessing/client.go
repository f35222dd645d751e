package cryptoprocessing

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"cryptopos/pos"
	"cryptopos/providers/wire"
	"cryptopos/relay"
)

// RelayReader reads what the relay knows about an invoice. *relay.Client
// implements it; tests use a fake.
type RelayReader interface {
	// Invoice returns the newest callback of the invoice with this
	// foreign_id, an error wrapping relay.ErrNoCallback when none arrived,
	// or one wrapping relay.ErrUnauthorized when the token is refused.
	Invoice(ctx context.Context, id string) (relay.Record, error)
}

// Options are the client's collaborators. Zero fields take the defaults.
type Options struct {
	// HTTPClient sends the API requests (default: a client with a 10 s
	// timeout that does not follow redirects). One that skips TLS
	// verification is refused.
	HTTPClient *http.Client
	// Relay is where Status reads the callbacks (see NewRelayClient).
	// Without one, Status fails with a sentence naming relay_url.
	Relay RelayReader
	// RelayURL is the relay's address, for the cashier's messages.
	RelayURL string
	// ShopName starts every invoice title: "Shop · order id".
	ShopName string
	// Logger receives the adapter's log lines (default: discarded). It
	// never receives a key, a token or the customer's details.
	Logger *slog.Logger
	// Clock is the source of time (default pos.SystemClock).
	Clock pos.Clock
}

// DefaultTimeout bounds one request of the default HTTP client.
const DefaultTimeout = wire.DefaultTimeout

// recheckCancel is how long Status waits before it tries again to cancel
// an invoice the terminal never showed, when the first try found it closed
// (spec §10: at most one provider call per invoice every 30 to 60 s).
const recheckCancel = time.Minute

// Client talks to the Cryptoprocessing (CoinsPaid, AlphaPo) merchant API
// v2 and reads invoice statuses from the relay. It implements pos.Provider,
// pos.Canceller and pos.CustomerAsker and is safe for concurrent use.
type Client struct {
	cfg        Config
	base       string
	name       string
	shop       string
	http       *http.Client
	relay      RelayReader
	relayWhere string
	log        *slog.Logger
	clock      pos.Clock
	refKey     []byte

	mu sync.Mutex
	// cancelled holds the foreign_ids this client cancelled successfully,
	// so that Status knows the outcome before the callback arrives.
	cancelled map[string]bool
	// closedAt holds when a cancel of an unshown invoice found it closed.
	closedAt map[string]time.Time
}

var (
	_ pos.Provider      = (*Client)(nil)
	_ pos.Canceller     = (*Client)(nil)
	_ pos.CustomerAsker = (*Client)(nil)
)

// New validates cfg (filling its defaults) and returns a client.
func New(cfg Config, opts Options) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return newClient(cfg, opts)
}

// newClient returns a client for cfg, validated already.
func newClient(cfg Config, opts Options) (*Client, error) {
	c := &Client{
		cfg:       cfg,
		base:      cfg.BaseURL,
		name:      Brand(cfg.BaseURL),
		shop:      strings.TrimSpace(opts.ShopName),
		relay:     opts.Relay,
		log:       opts.Logger,
		clock:     opts.Clock,
		refKey:    referenceKey(cfg.SecretKey),
		cancelled: map[string]bool{},
		closedAt:  map[string]time.Time{},
	}
	c.relayWhere = relayHost(opts.RelayURL)
	hc, err := wire.HTTPClient(opts.HTTPClient, "cryptoprocessing")
	if err != nil {
		return nil, err
	}
	c.http = hc
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.clock == nil {
		c.clock = pos.SystemClock{}
	}
	return c, nil
}

// NewRelayClient returns the relay client for Options.Relay: it reads
// Cryptoprocessing callbacks only.
func NewRelayClient(relayURL, token string, hc *http.Client) *relay.Client {
	return &relay.Client{BaseURL: relayURL, Token: token, Provider: Key, HTTP: hc}
}

// Key is the provider's key in the config, the journal and the relay.
const Key = "cryptoprocessing"

// Key is "cryptoprocessing".
func (c *Client) Key() string { return Key }

// Name is the brand of the configured host: "Cryptoprocessing", or
// "AlphaPo" on app.alphapo.net (see Brand).
func (c *Client) Name() string { return c.name }

// TopUps reports partial_payments: an instalment invoice
// (good_until_expired) takes the rest until it expires; a standard one
// (fill_or_kill) fails underpaid and the money is refunded.
func (c *Client) TopUps() bool { return c.cfg.PartialPayments }

// CustomerNeeds says what the cashier's form asks: who pays, for an invoice
// in a pre-selected coin (MiCA, spec §5.1: sender_type and sender_data are
// required with timer and sender_currency); an optional e-mail address for
// refund instructions unless ask_email is false.
func (c *Client) CustomerNeeds(pay pos.PayOption) pos.CustomerNeeds {
	return pos.CustomerNeeds{Identity: !pay.CustomerChooses(), Email: *c.cfg.AskEmail}
}

// Ping calls GET /ping, which needs no keys: it tells whether the API
// answers at base_url.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.call(ctx, opPing, nil)
	return err
}

// relayHost is the relay's host for messages ("" when unknown).
func relayHost(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return ""
}
