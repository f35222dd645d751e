package cryptoprocessing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"cryptopos/pos"
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

	return wire.Exchange{
		Provider: c.name, Log: c.log, Prefix: "cryptoprocessing", Op: op.name, Now: c.clock.Now,
		Clean: func(s string) string { return c.clean(op, s) },
		Classify: func(status int, contentType string, body []byte) (json.RawMessage, *pos.ProviderError) {
			return c.classify(op, status, contentType, body)
		},
	}.Send(c.http, req)
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
