package cryptomus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"cryptopos/pos"
	"cryptopos/providers/wire"
)

// operation is one API call.
type operation struct {
	name   string // for logs: "create"
	path   string // below base_url: "/payment"
	what   string // for the cashier: "the invoice"
	lookup bool   // a not-found reply means the invoice does not exist
}

var (
	opCreate   = operation{name: "create", path: "/payment", what: "the invoice"}
	opInfo     = operation{name: "info", path: "/payment/info", what: "the status request", lookup: true}
	opServices = operation{name: "services", path: "/payment/services", what: "the list of coins request"}
)

// post marshals payload once, signs those bytes, sends the same bytes and
// returns the reply's result.
func (c *Client) post(ctx context.Context, op operation, payload any) (json.RawMessage, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("cryptomus: encoding the %s request: %w", op.name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+op.path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("cryptomus: building the %s request: %w", op.name, err)
	}
	req.Header.Set("merchant", c.cfg.Merchant)
	req.Header.Set("sign", Sign(body, c.cfg.PaymentKey))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "cryptopos")

	return wire.Exchange{
		Provider: "Cryptomus", Log: c.log, Prefix: "cryptomus", Op: op.name, Clean: c.redact, Now: c.clock.Now,
		Classify: func(status int, contentType string, body []byte) (json.RawMessage, *pos.ProviderError) {
			return c.classify(op, status, contentType, body)
		},
	}.Send(c.http, req)
}

// redact removes the payment key from text that came from elsewhere (a
// proxy that echoes requests, an error that quotes one). The key is never
// put into such text by this package.
func (c *Client) redact(s string) string {
	return wire.Redact(s, "[payment key]", c.cfg.PaymentKey)
}

// snippet is a reply body for the debug log: redacted and cut short.
func (c *Client) snippet(body []byte) string {
	return wire.Snippet(c.redact(string(body)))
}
