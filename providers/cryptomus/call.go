package cryptomus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

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

	start := c.clock.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		pe := wire.TransportError("Cryptomus", err)
		pe.Err = wire.Redacted(err, c.redact)
		c.log.Warn("cryptomus: no answer", "op", op.name, "err", pe.Err.Error())
		return nil, pe
	}
	defer resp.Body.Close()
	data, tooLarge, err := wire.ReadReply(resp.Body)
	if err != nil {
		c.log.Warn("cryptomus: answer cut short", "op", op.name, "http_status", resp.StatusCode, "err", c.redact(err.Error()))
		return nil, wire.CutShort("Cryptomus", resp.StatusCode, wire.Redacted(err, c.redact))
	}
	if tooLarge {
		c.log.Debug("cryptomus: reply too large", "op", op.name, "http_status", resp.StatusCode, "body", c.snippet(data))
		return nil, wire.TooLarge("Cryptomus", resp.StatusCode)
	}
	result, pe := c.classify(op, resp.StatusCode, resp.Header.Get("Content-Type"), data)
	took := c.clock.Now().Sub(start)
	if pe != nil {
		c.log.Debug("cryptomus: request failed", "op", op.name, "http_status", resp.StatusCode,
			"took", took, "body", c.snippet(data))
		c.log.Warn("cryptomus: request failed", "op", op.name, "http_status", resp.StatusCode, "err", pe.Message,
			"provider_message", c.redact(wire.OneLine(pe.ProviderMessage)))
		return nil, pe
	}
	c.log.Debug("cryptomus: ok", "op", op.name, "http_status", resp.StatusCode, "took", took)
	return result, nil
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
