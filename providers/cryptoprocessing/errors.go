package cryptoprocessing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"cryptopos/pos"
	"cryptopos/providers/flexjson"
	"cryptopos/providers/wire"
)

// The error codes of the API's {"error":…,"code":…} bodies (spec §10).
const (
	codeBadContentFormat   = "bad_content_format"
	codeBadSignature       = "bad_header_signature"
	codeRequiredSignature  = "required_header_signature"
	codeBadKey             = "bad_header_key"
	codeRequiredKey        = "required_header_key"
	codeInvalidInvoiceStat = "invalid_invoice_state"
)

// errInvalidState is wrapped by the error of a cancel that the API refused
// with invalid_invoice_state: the invoice is confirmed or failed already.
var errInvalidState = errors.New("the invoice is in a state that cannot be cancelled (invalid_invoice_state)")

// errorBody is any of the three error shapes (spec §10), read into one:
//
//	{"error":"<text>","code":"<code>"}
//	{"errors":{"<field>":"<message>",…}}          (a message may be a list)
//	{"errors":{"error":"<text>","code":"<code>"}}  (cancel in a wrong state)
//
// A Laravel-style {"message":"…"} is read too.
type errorBody struct {
	text   string
	code   string
	fields map[string][]string
}

// parseErrorBody reads b as an error body; ok is false when b is not a
// JSON object.
func parseErrorBody(b []byte) (e errorBody, ok bool) {
	var top map[string]json.RawMessage
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &top) != nil {
		return errorBody{}, false
	}
	e.text, _ = flexjson.ScalarText(top["error"])
	if e.text == "" {
		e.text, _ = flexjson.ScalarText(top["message"])
	}
	e.code, _ = flexjson.ScalarText(top["code"])
	raw := bytes.TrimSpace(top["errors"])
	var inner map[string]json.RawMessage
	switch {
	case len(raw) == 0 || string(raw) == "null":
	case json.Unmarshal(raw, &inner) == nil:
		for field, v := range inner {
			switch field {
			case "code":
				if s, _ := flexjson.ScalarText(v); s != "" {
					e.code = s
				}
				continue
			case "error":
				if s, ok := flexjson.ScalarText(v); ok && s != "" && e.text == "" {
					e.text = s
					continue
				}
			}
			if msgs := messages(v); len(msgs) > 0 {
				if e.fields == nil {
					e.fields = map[string][]string{}
				}
				e.fields[field] = append(e.fields[field], msgs...)
			}
		}
	default:
		if msgs := messages(raw); len(msgs) > 0 && e.text == "" {
			e.text = strings.Join(msgs, " ")
		}
	}
	return e, true
}

// messages reads "text" or ["text", …].
func messages(v json.RawMessage) []string {
	if s, ok := flexjson.ScalarText(v); ok {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(v, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if s, ok := flexjson.ScalarText(item); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sentences is every message in a stable order: the text, then the
// fields' messages sorted by field, each ending with a full stop.
func (e errorBody) sentences() string {
	var parts []string
	if s := wire.Sentence(e.text); s != "" {
		parts = append(parts, s)
	}
	names := make([]string, 0, len(e.fields))
	for f := range e.fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		for _, m := range e.fields[f] {
			if s := wire.Sentence(m); s != "" { // not only control characters
				parts = append(parts, s)
			}
		}
	}
	return strings.Join(parts, " ")
}

// foreignIDTaken reports the validation error of a create whose foreign_id
// exists already: "The foreign id has already been taken."
func (e errorBody) foreignIDTaken() bool {
	for _, m := range e.fields["foreign_id"] {
		low := strings.ToLower(m)
		if strings.Contains(low, "taken") || strings.Contains(low, "already") || strings.Contains(low, "unique") {
			return true
		}
	}
	return false
}

// notFound reports an answer that says the invoice does not exist. Which
// words the real API uses is not documented (spec §15); this accepts a
// "not_found" code, "not found" text, HTTP 404 with a JSON error body, and
// the Laravel answer for an unknown key ("The selected foreign id is
// invalid.").
func (e errorBody) notFound(status int) bool {
	all := strings.ToLower(e.code + " " + e.sentences())
	if strings.Contains(all, "not_found") || strings.Contains(all, "not found") || status == http.StatusNotFound {
		return true
	}
	for _, m := range e.fields["foreign_id"] {
		if strings.Contains(strings.ToLower(m), "invalid") {
			return true
		}
	}
	return false
}

// classify decides whether a reply is a success and returns its data (the
// "data" member when present, else the whole body), or the error for the
// cashier. Any 2xx is a success (create answers 200 or 201).
func (c *Client) classify(op operation, status int, contentType string, body []byte) (json.RawMessage, *pos.ProviderError) {
	name := c.name
	body = bytes.TrimSpace(body)
	// providerMsg is cleaned already: it may be in the message too.
	fail := func(kind pos.ErrorKind, providerMsg, message string) *pos.ProviderError {
		return &pos.ProviderError{Kind: kind, Message: message, ProviderMessage: providerMsg, HTTPStatus: status}
	}
	switch {
	case status >= 200 && status < 300:
		return c.success(op, status, contentType, body)
	case status >= 300 && status < 400:
		return nil, fail(pos.ErrKindRejected, "", fmt.Sprintf(
			"%s sent the request elsewhere (HTTP %d): check that cryptoprocessing.base_url is the API root, like %s.", name, status, DefaultBaseURL))
	}
	e, ok := parseErrorBody(body)
	if !ok {
		return nil, c.notData(op, status, contentType, body)
	}
	said := c.clean(op, e.sentences())
	providerMsg := said
	if code := c.clean(op, wire.OneLine(e.code)); code != "" {
		providerMsg = strings.TrimSpace(said + " (" + code + ")")
	}
	switch {
	case e.code == codeBadKey || e.code == codeRequiredKey:
		return nil, fail(pos.ErrKindAuth, providerMsg, name+" does not accept the API key: check cryptoprocessing.api_key, and that cryptoprocessing.base_url is the API root (a wrong address is answered the same way).")
	case e.code == codeBadSignature || e.code == codeRequiredSignature:
		return nil, fail(pos.ErrKindAuth, providerMsg, name+" refused the request's signature: check cryptoprocessing.secret_key, and that cryptoprocessing.base_url is the API root (a wrong address is answered the same way).")
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, fail(pos.ErrKindAuth, providerMsg, name+" refused the request"+wire.StatusNote(status, said)+
			": check cryptoprocessing.api_key and secret_key, and the key's IP whitelist in the dashboard.")
	case status == http.StatusTooManyRequests:
		return nil, fail(pos.ErrKindTemporary, providerMsg, name+" is receiving too many requests"+wire.StatusNote(status, said)+"; the terminal will try again shortly.")
	case status >= 500:
		return nil, fail(pos.ErrKindTemporary, providerMsg, name+" has an internal problem"+wire.StatusNote(status, said)+"; the terminal will try again.")
	case status == http.StatusRequestTimeout:
		return nil, fail(pos.ErrKindTemporary, providerMsg, name+" did not finish the request in time"+wire.StatusNote(status, said)+"; the terminal will try again.")
	case e.code == codeBadContentFormat:
		return nil, fail(pos.ErrKindRejected, providerMsg, name+" could not read the terminal's request (bad_content_format); this is a fault in the terminal, please report it.")
	case op.create && e.foreignIDTaken():
		return nil, fail(pos.ErrKindDuplicate, providerMsg, name+" already has an invoice for this order id but does not say what it was.")
	case e.code == codeInvalidInvoiceStat:
		pe := fail(pos.ErrKindRejected, providerMsg, name+" cannot cancel the invoice in its current state: it is already paid or closed.")
		pe.Err = errInvalidState
		return nil, pe
	case op.cancel && e.notFound(status):
		return nil, fail(pos.ErrKindNotFound, providerMsg, name+" has no invoice for this order id"+colon(said))
	case said != "":
		return nil, fail(pos.ErrKindRejected, providerMsg, name+" refused "+op.what+": "+said)
	}
	return nil, fail(pos.ErrKindRejected, providerMsg, fmt.Sprintf("%s refused %s without saying why (HTTP %d).", name, op.what, status))
}

// success reads the data of a 2xx reply. Cancel answers [] or nothing.
func (c *Client) success(op operation, status int, contentType string, body []byte) (json.RawMessage, *pos.ProviderError) {
	if op.public || (op.cancel && len(body) == 0) {
		return body, nil // ping answers plain "OK"
	}
	if len(body) == 0 || !json.Valid(body) {
		return nil, c.notData(op, status, contentType, body)
	}
	if body[0] == '{' {
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(body, &env) == nil && len(env.Data) > 0 && string(env.Data) != "null" {
			return env.Data, nil
		}
	}
	return body, nil
}

// notData describes a reply that is not a JSON object: a gateway's web
// page, Cloudflare's plain text, JSON cut short (spec §10: the 429 example
// is not even valid JSON). The raw text, cut short, is kept as the
// provider's message.
func (c *Client) notData(op operation, status int, contentType string, body []byte) *pos.ProviderError {
	name := c.name
	pe := &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: status}
	what := wire.KindOfBody(contentType, body)
	if what == wire.BrokenJSON || what == wire.PlainText {
		pe.ProviderMessage = wire.Shorten(c.clean(op, string(body)), 120)
	}
	switch {
	case status == http.StatusTooManyRequests:
		pe.Kind = pos.ErrKindTemporary
		pe.Message = name + " is receiving too many requests (HTTP 429); the terminal will try again shortly."
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		pe.Kind = pos.ErrKindAuth
		pe.Message = fmt.Sprintf("%s refused the request (HTTP %d, %s): check cryptoprocessing.api_key, secret_key and base_url, and the key's IP whitelist in the dashboard.", name, status, what)
	case status == http.StatusNotFound:
		pe.Kind = pos.ErrKindRejected
		pe.Message = name + " has no such address (HTTP 404): check that cryptoprocessing.base_url is the API root, like " + DefaultBaseURL + "."
	case status >= 500 || status == http.StatusRequestTimeout:
		pe.Kind = pos.ErrKindTemporary
		pe.Message = fmt.Sprintf("%s answered with %s (HTTP %d); the terminal will try again.", name, what, status)
	default:
		pe.Message = fmt.Sprintf("%s answered with %s (HTTP %d).", name, what, status)
	}
	return pe
}

// colon is ": Invoice not found." or ".".
func colon(msg string) string {
	if msg = strings.TrimSpace(msg); msg != "" {
		return ": " + wire.Sentence(msg)
	}
	return "."
}
