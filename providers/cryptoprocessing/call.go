package cryptoprocessing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"cryptopos/providers/wire"
)

// operation is one API call.
type operation struct {
	name   string // for logs: "create"
	method string
	path   string // below base_url: "/invoices/create"
	what   string // for the cashier: "the invoice"
	create bool   // a foreign_id "already taken" answer is ErrKindDuplicate
	cancel bool   // an empty or [] body is a success; "not found" is ErrKindNotFound
	public bool   // sent without key and signature (ping)
	// pii are the customer's details sent in this request, removed from
	// anything the reply echoes before it reaches an error or the log.
	pii []string
}

var (
	opCreate     = operation{name: "create", method: http.MethodPost, path: "/invoices/create", what: "the invoice", create: true}
	opCurrencies = operation{name: "currencies", method: http.MethodPost, path: "/currencies/list", what: "the list of currencies request"}
	opPing       = operation{name: "ping", method: http.MethodGet, path: "/ping", what: "the ping", public: true}
)

// opCancel is the cancel of one foreign_id; the trailing slash is as
// documented (spec §6).
func opCancel(foreignID string) operation {
	return operation{name: "cancel", method: http.MethodPost, path: "/invoices/" + pathSegment(foreignID) + "/cancel/",
		what: "to cancel the invoice", cancel: true}
}

// call marshals payload once, signs those bytes, sends the same bytes and
// returns the reply's data. A nil payload sends no body (GET ping).
func (c *Client) call(ctx context.Context, op operation, payload any) (json.RawMessage, error) {
	var body []byte
	if payload != nil {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return nil, fmt.Errorf("cryptoprocessing: encoding the %s request: %w", op.name, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, op.method, c.base+op.path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("cryptoprocessing: building the %s request: %w", op.name, err)
	}
	if payload == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "cryptopos")
	if !op.public {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Processing-Key", c.cfg.APIKey)
		req.Header.Set("X-Processing-Signature", Sign(body, c.cfg.SecretKey))
	}

	clean := func(s string) string { return c.clean(op, s) }
	start := c.clock.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		pe := wire.TransportError(c.name, err)
		pe.Err = wire.Redacted(err, clean)
		c.log.Warn("cryptoprocessing: no answer", "op", op.name, "err", pe.Err.Error())
		return nil, pe
	}
	defer resp.Body.Close()
	data, tooLarge, err := wire.ReadReply(resp.Body)
	if err != nil {
		c.log.Warn("cryptoprocessing: answer cut short", "op", op.name, "http_status", resp.StatusCode, "err", clean(err.Error()))
		return nil, wire.CutShort(c.name, resp.StatusCode, wire.Redacted(err, clean))
	}
	if tooLarge {
		return nil, wire.TooLarge(c.name, resp.StatusCode)
	}
	result, pe := c.classify(op, resp.StatusCode, resp.Header.Get("Content-Type"), data)
	took := c.clock.Now().Sub(start)
	if pe != nil {
		c.log.Debug("cryptoprocessing: request failed", "op", op.name, "http_status", resp.StatusCode,
			"took", took, "body", wire.Snippet(clean(string(data))))
		c.log.Warn("cryptoprocessing: request failed", "op", op.name, "http_status", resp.StatusCode, "err", pe.Message,
			"provider_message", clean(wire.OneLine(pe.ProviderMessage)))
		return nil, pe
	}
	c.log.Debug("cryptoprocessing: ok", "op", op.name, "http_status", resp.StatusCode, "took", took)
	return result, nil
}

// clean removes the keys, and the customer's details sent with op, from
// text that came from elsewhere (a proxy that echoes requests, an error
// that quotes one). This package never puts them into such text itself.
func (c *Client) clean(op operation, s string) string {
	s = wire.Redact(s, "[key]", c.cfg.SecretKey, c.cfg.APIKey)
	for _, v := range op.pii {
		if len(v) >= 2 {
			s = strings.ReplaceAll(s, v, "[customer]")
		}
	}
	return s
}

// pathSegment escapes s for one path segment. Order ids are letters,
// digits and '-', so this changes nothing in practice.
func pathSegment(s string) string {
	var b strings.Builder
	for _, r := range []byte(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == '~':
			b.WriteByte(r)
		default:
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return b.String()
}
