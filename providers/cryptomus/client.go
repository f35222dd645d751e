package cryptomus

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"cryptopos/pos"
	"cryptopos/providers/flexjson"
	"cryptopos/providers/wire"

	"github.com/shopspring/decimal"
)

// Options are the client's collaborators. Zero fields take the defaults.
type Options struct {
	// HTTPClient sends the requests (default: a client with a 10 s timeout
	// that does not follow redirects). One that skips TLS verification is
	// refused.
	HTTPClient *http.Client
	// TerminalID is sent in additional_data as "terminal ID", so the
	// merchant can see which terminal made an invoice.
	TerminalID string
	// Logger receives the adapter's log lines (default: discarded). It
	// never receives the payment key or request headers.
	Logger *slog.Logger
	// Clock is the source of time (default pos.SystemClock).
	Clock pos.Clock
}

// DefaultTimeout bounds one request of the default HTTP client.
const DefaultTimeout = wire.DefaultTimeout

// Client talks to the Cryptomus merchant API. It implements pos.Provider
// and pos.Reissuer and is safe for concurrent use.
type Client struct {
	cfg       Config
	allowList []currencyRef
	base      string
	http      *http.Client
	log       *slog.Logger
	clock     pos.Clock
	note      string
}

var (
	_ pos.Provider = (*Client)(nil)
	_ pos.Reissuer = (*Client)(nil)
)

// New validates cfg (filling its defaults) and returns a client.
func New(cfg Config, opts Options) (*Client, error) {
	coins, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return newClient(cfg, coins.allowed, opts)
}

// newClient returns a client for cfg, validated already; allowed is its
// currencies, parsed.
func newClient(cfg Config, allowed []pos.PayOption, opts Options) (*Client, error) {
	c := &Client{
		cfg:   cfg,
		base:  cfg.BaseURL,
		log:   opts.Logger,
		clock: opts.Clock,
	}
	for _, o := range allowed {
		c.allowList = append(c.allowList, currencyRef{Currency: o.Code, Network: o.Network})
	}
	hc, err := wire.HTTPClient(opts.HTTPClient, "cryptomus")
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
	if id := strings.TrimSpace(opts.TerminalID); id != "" {
		c.note = wire.Shorten("terminal "+id, 255)
	}
	return c, nil
}

// Key is "cryptomus".
func (c *Client) Key() string { return "cryptomus" }

// Name is "Cryptomus".
func (c *Client) Name() string { return "Cryptomus" }

// TopUps reports is_payment_multiple: a customer who paid too little may
// send the rest until the invoice expires.
func (c *Client) TopUps() bool { return *c.cfg.IsPaymentMultiple }

// currencyRef is one entry of the currencies allow-list.
type currencyRef struct {
	Currency string `json:"currency"`
	Network  string `json:"network,omitempty"`
}

// createRequest is the body of POST /payment. Field order is the order on
// the wire; the bytes are signed as marshalled.
type createRequest struct {
	Amount                 string        `json:"amount"`
	Currency               string        `json:"currency"`
	OrderID                string        `json:"order_id"`
	ToCurrency             string        `json:"to_currency,omitempty"`
	Network                string        `json:"network,omitempty"`
	Lifetime               int64         `json:"lifetime"`
	URLCallback            string        `json:"url_callback,omitempty"`
	URLReturn              string        `json:"url_return,omitempty"`
	URLSuccess             string        `json:"url_success,omitempty"`
	IsPaymentMultiple      bool          `json:"is_payment_multiple"`
	AccuracyPaymentPercent json.Number   `json:"accuracy_payment_percent,omitempty"`
	Subtract               int           `json:"subtract,omitempty"`
	Currencies             []currencyRef `json:"currencies,omitempty"`
	AdditionalData         string        `json:"additional_data,omitempty"`
	IsRefresh              bool          `json:"is_refresh,omitempty"`
}

// Create creates the invoice for inv at Cryptomus. Sending the same order id
// again returns the invoice made the first time.
func (c *Client) Create(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	return c.create(ctx, inv, false)
}

// Reissue renews an expired invoice under the same order id (is_refresh):
// a fresh address and expiry, no second invoice.
func (c *Client) Reissue(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	u, err := c.create(ctx, inv, true)
	if err == nil && u.Status == pos.StatusExpired {
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindRejected, ProviderMessage: u.ProviderStatus,
			Message: "Cryptomus did not renew the invoice; it is still expired. Start a new sale."}
	}
	return u, err
}

func (c *Client) create(ctx context.Context, inv pos.Invoice, refresh bool) (pos.Update, error) {
	req := createRequest{
		Amount:            amountText(inv.Amount),
		Currency:          inv.Amount.Currency,
		OrderID:           inv.OrderID,
		ToCurrency:        inv.Pay.Code,
		Network:           inv.Pay.Network,
		Lifetime:          int64(c.cfg.Lifetime / time.Second),
		URLCallback:       c.cfg.CallbackURL,
		URLReturn:         c.cfg.URLReturn,
		URLSuccess:        c.cfg.URLSuccess,
		IsPaymentMultiple: *c.cfg.IsPaymentMultiple,
		Subtract:          c.cfg.Subtract,
		AdditionalData:    c.note,
		IsRefresh:         refresh,
	}
	if p := c.cfg.AccuracyPaymentPercent.Decimal; !p.IsZero() {
		req.AccuracyPaymentPercent = json.Number(p.String())
	}
	if inv.Pay.CustomerChooses() {
		req.Currencies = c.allowList
	}
	op := opCreate
	if refresh {
		op.name, op.what = "reissue", "to renew the invoice"
	}
	result, err := c.post(ctx, op, req)
	if err != nil {
		return pos.Update{}, err
	}
	o, err := c.decodeInvoice(result, op)
	if err != nil {
		return pos.Update{}, err
	}
	if got := string(o.OrderID); got != "" && got != inv.OrderID {
		return pos.Update{}, c.otherInvoice(op, "order id "+got)
	}
	c.log.Info("cryptomus: invoice "+op.name, "order_id", inv.OrderID, "uuid", string(o.UUID), "status", o.statusWord())
	return c.update(o), nil
}

// Status reads the invoice by its uuid, or by its order id when the create
// never answered. An invoice Cryptomus does not know is ErrKindNotFound.
func (c *Client) Status(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	var body any = struct {
		UUID string `json:"uuid"`
	}{inv.ProviderID}
	if inv.ProviderID == "" {
		body = struct {
			OrderID string `json:"order_id"`
		}{inv.OrderID}
	}
	result, err := c.post(ctx, opInfo, body)
	if err != nil {
		return pos.Update{}, err
	}
	o, err := c.decodeInvoice(result, opInfo)
	if err != nil {
		return pos.Update{}, err
	}
	switch {
	case inv.ProviderID != "" && string(o.UUID) != inv.ProviderID:
		return pos.Update{}, c.otherInvoice(opInfo, "uuid "+string(o.UUID))
	case inv.ProviderID == "" && o.OrderID != "" && string(o.OrderID) != inv.OrderID:
		return pos.Update{}, c.otherInvoice(opInfo, "order id "+string(o.OrderID))
	}
	return c.update(o), nil
}

// decodeInvoice reads an invoice object out of a result; it must have a
// uuid and a status.
func (c *Client) decodeInvoice(result json.RawMessage, op operation) (*invoiceObject, error) {
	var o invoiceObject
	if err := json.Unmarshal(result, &o); err != nil || o.UUID == "" || o.statusWord() == "" {
		pe := &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: http.StatusOK,
			Message: "Cryptomus answered without the invoice's id or status."}
		c.log.Debug("cryptomus: request failed", "op", op.name, "result", c.snippet(result))
		c.log.Warn("cryptomus: request failed", "op", op.name, "err", pe.Message)
		return nil, pe
	}
	return &o, nil
}

func (c *Client) otherInvoice(op operation, what string) error {
	c.log.Warn("cryptomus: reply about another invoice", "op", op.name, "got", what)
	return &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: http.StatusOK,
		Message: "Cryptomus answered about a different invoice (" + what + ")."}
}

// amountText writes the amount with a '.' and the currency's decimals
// ("12.50" for EUR), or exactly as precise as it is when that would round.
func amountText(m pos.Money) string {
	if cur, ok := pos.LookupCurrency(m.Currency); ok && m.Amount.Equal(m.Amount.Round(cur.Decimals)) {
		return m.Amount.StringFixed(cur.Decimals)
	}
	return m.Amount.String()
}

// Service is one coin on one network as /payment/services lists it.
type Service struct {
	Currency  string // upper case, e.g. "USDT"
	Network   string // lower case, e.g. "tron"
	Available bool
	// MinAmount and MaxAmount are the limits in the coin; zero when unknown.
	MinAmount, MaxAmount decimal.Decimal
}

type serviceObject struct {
	Network     flexjson.String `json:"network"`
	Currency    flexjson.String `json:"currency"`
	IsAvailable flexjson.Bool   `json:"is_available"`
	Limit       struct {
		MinAmount flexjson.Decimal `json:"min_amount"`
		MaxAmount flexjson.Decimal `json:"max_amount"`
	} `json:"limit"`
}

// Services lists the coins and networks of the merchant.
func (c *Client) Services(ctx context.Context) ([]Service, error) {
	result, err := c.post(ctx, opServices, struct{}{})
	if err != nil {
		return nil, err
	}
	out, ok := decodeServices(result)
	if !ok {
		pe := &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: http.StatusOK,
			Message: "Cryptomus answered the list of coins request with something that is not a list."}
		c.log.Debug("cryptomus: request failed", "op", opServices.name, "result", c.snippet(result))
		c.log.Warn("cryptomus: request failed", "op", opServices.name, "err", pe.Message)
		return nil, pe
	}
	return out, nil
}

// decodeServices reads the services list; ok is false when result is not
// a list of objects. A member of an unexpected shape (PHP writes an empty
// "limit" as []) is left unset, not fatal.
func decodeServices(result json.RawMessage) (out []Service, ok bool) {
	var list []serviceObject
	if err := json.Unmarshal(result, &list); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field == "" {
			return nil, false
		}
	}
	out = make([]Service, 0, len(list))
	for _, s := range list {
		out = append(out, Service{
			Currency:  strings.ToUpper(string(s.Currency)),
			Network:   strings.ToLower(string(s.Network)),
			Available: bool(s.IsAvailable),
			MinAmount: s.Limit.MinAmount.V,
			MaxAmount: s.Limit.MaxAmount.V,
		})
	}
	return out, true
}

// CheckPayOptions verifies that every option is offered and available at
// Cryptomus; the error names every one that is not.
func (c *Client) CheckPayOptions(ctx context.Context, opts []pos.PayOption) error {
	services, err := c.Services(ctx)
	if err != nil {
		return err
	}
	var missing []string
	for _, o := range opts {
		if o.CustomerChooses() {
			continue
		}
		o.Code, o.Network = strings.ToUpper(o.Code), strings.ToLower(o.Network)
		offered, available := false, false
		for _, s := range services {
			if s.Currency == o.Code && (o.Network == "" || s.Network == o.Network) {
				offered = true
				available = available || s.Available
			}
		}
		switch {
		case !offered:
			missing = append(missing, o.Label()+" (not offered)")
		case !available:
			missing = append(missing, o.Label()+" (switched off for this merchant)")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	it := wire.ItOrThem(len(missing))
	return &pos.ProviderError{Kind: pos.ErrKindRejected,
		Message: "Cryptomus cannot take " + strings.Join(missing, ", ") +
			": remove " + it + " from cryptomus.pay_currencies or turn " + it + " on in the Cryptomus dashboard."}
}
