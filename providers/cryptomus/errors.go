package cryptomus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"cryptopos/pos"
	"cryptopos/providers/flexjson"
	"cryptopos/providers/wire"
)

// envelope is the outer object of every reply, success or error (spec §7).
type envelope struct {
	State   json.RawMessage `json:"state"`
	Message json.RawMessage `json:"message"`
	Errors  json.RawMessage `json:"errors"`
	Result  json.RawMessage `json:"result"`
}

func (e *envelope) state() (value string, present bool) {
	s, ok := flexjson.ScalarText(e.State)
	return s, ok && s != ""
}

// message is the envelope's message on one line (wire.OneLine).
func (e *envelope) message() string {
	s, _ := flexjson.ScalarText(e.Message)
	return wire.OneLine(s)
}

// fieldErrors reads the errors map, {"field":["validation.rule", …]},
// tolerating a single string per field; names and rules are put on one
// line (wire.OneLine), and empty ones dropped.
func (e *envelope) fieldErrors() map[string][]string {
	var raw map[string]json.RawMessage
	if json.Unmarshal(e.Errors, &raw) != nil {
		return nil
	}
	out := map[string][]string{}
	for field, v := range raw {
		if field = wire.OneLine(field); field == "" {
			continue
		}
		var list []json.RawMessage
		if json.Unmarshal(v, &list) != nil {
			list = []json.RawMessage{v}
		}
		for _, item := range list {
			if s, _ := flexjson.ScalarText(item); wire.OneLine(s) != "" {
				out[field] = append(out[field], wire.OneLine(s))
			}
		}
	}
	return out
}

const authMessage = "Cryptomus refused the merchant id or signature: check merchant and payment_key in the config."

// classify decides whether a reply is a success and returns its result, or
// the error for the cashier. An error is HTTP ≠ 200 or state ≠ 0.
func (c *Client) classify(op operation, status int, contentType string, body []byte) (json.RawMessage, *pos.ProviderError) {
	// providerMsg is redacted already: it may be in the message too.
	fail := func(kind pos.ErrorKind, providerMsg, message string) *pos.ProviderError {
		return &pos.ProviderError{Kind: kind, Message: message, ProviderMessage: providerMsg, HTTPStatus: status}
	}
	if status >= 300 && status < 400 {
		return nil, fail(pos.ErrKindRejected, "", fmt.Sprintf(
			"Cryptomus sent the request elsewhere (HTTP %d): check that cryptomus.base_url is the API root, %s.", status, DefaultBaseURL))
	}

	var env envelope
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &env) != nil {
		return nil, c.notData(status, contentType, trimmed)
	}

	state, statePresent := env.state()
	msg := c.redact(env.message())
	fields := env.fieldErrors()
	if status == http.StatusOK && (state == "0" || (!statePresent && msg == "" && len(fields) == 0 && len(env.Result) > 0)) {
		return env.Result, nil
	}

	providerMsg := msg
	if len(fields) > 0 {
		providerMsg = c.redact(joinNonEmpty("; ", msg, describeFieldErrors(fields)))
	}
	lowMsg := strings.ToLower(msg)
	switch {
	case status == http.StatusUnauthorized || strings.Contains(lowMsg, "invalid sign"):
		return nil, fail(pos.ErrKindAuth, providerMsg, authMessage)
	case status == http.StatusTooManyRequests:
		return nil, fail(pos.ErrKindTemporary, providerMsg,
			"Cryptomus is receiving too many requests"+wire.StatusNote(status, msg)+"; the terminal will try again shortly.")
	case status >= 500:
		return nil, fail(pos.ErrKindTemporary, providerMsg,
			"Cryptomus has an internal problem"+wire.StatusNote(status, msg)+"; the terminal will try again.")
	case status == http.StatusRequestTimeout:
		return nil, fail(pos.ErrKindTemporary, providerMsg,
			"Cryptomus did not finish the request in time"+wire.StatusNote(status, msg)+"; the terminal will try again.")
	case temporaryMessage(lowMsg):
		return nil, fail(pos.ErrKindTemporary, providerMsg,
			"Cryptomus cannot serve the request now: "+wire.Sentence(msg)+" The terminal will try again.")
	case op.lookup && notFoundMessage(lowMsg, status, statePresent):
		said := "Cryptomus does not know this invoice."
		if msg != "" {
			said = "Cryptomus does not know this invoice: " + wire.Sentence(msg)
		}
		return nil, fail(pos.ErrKindNotFound, providerMsg, said)
	case status == http.StatusNotFound && !statePresent:
		return nil, fail(pos.ErrKindRejected, providerMsg,
			"Cryptomus has no such address"+wire.StatusNote(status, msg)+": check that cryptomus.base_url is the API root, "+DefaultBaseURL+".")
	case providerMsg != "": // the message or field errors, in words
		return nil, fail(pos.ErrKindRejected, providerMsg,
			"Cryptomus refused "+op.what+": "+wire.Sentence(providerMsg))
	case status == http.StatusOK && !statePresent:
		return nil, fail(pos.ErrKindBadReply, "", "Cryptomus sent a reply without a result (HTTP 200).")
	}
	return nil, fail(pos.ErrKindRejected, "",
		fmt.Sprintf("Cryptomus refused %s without saying why (HTTP %d, state %s).", op.what, status, orDash(state)))
}

// notData describes a reply that is not a JSON object: a proxy's web page,
// plain text, or JSON cut short.
func (c *Client) notData(status int, contentType string, body []byte) *pos.ProviderError {
	pe := &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: status}
	what := wire.KindOfBody(contentType, body)
	if what == wire.PlainText {
		pe.ProviderMessage = wire.Shorten(c.redact(string(body)), 120)
	}
	switch {
	case status == http.StatusUnauthorized:
		pe.Kind = pos.ErrKindAuth
		pe.Message = authMessage
		return pe
	case status == http.StatusTooManyRequests:
		pe.Kind = pos.ErrKindTemporary
		pe.Message = "Cryptomus is receiving too many requests" + wire.StatusNote(status, pe.ProviderMessage) + "; the terminal will try again shortly."
		return pe
	case status == http.StatusNotFound:
		pe.Kind = pos.ErrKindRejected
		pe.Message = "Cryptomus has no such address (HTTP 404): check that cryptomus.base_url is the API root, " + DefaultBaseURL + "."
		return pe
	case status >= 500 || status == http.StatusRequestTimeout:
		pe.Kind = pos.ErrKindTemporary
		pe.Message = fmt.Sprintf("Cryptomus answered with %s%s; the terminal will try again.", what, wire.StatusNote(status, pe.ProviderMessage))
		return pe
	}
	pe.Message = fmt.Sprintf("Cryptomus answered with %s%s.", what, wire.StatusNote(status, pe.ProviderMessage))
	return pe
}

// temporaryMessage reports the business errors that Cryptomus documents as
// "retry later".
func temporaryMessage(low string) bool {
	for _, s := range []string{"gateway error", "terminal was not found", "server error", "try again later"} {
		if strings.Contains(low, s) {
			return true
		}
	}
	return false
}

// notFoundMessage reports a "no such invoice" reply. A bare 404 "Not Found"
// without state is a wrong URL, not a missing invoice, and must not end a
// sale.
func notFoundMessage(low string, status int, statePresent bool) bool {
	if !strings.Contains(low, "not found") {
		return status == http.StatusNotFound && statePresent
	}
	return statePresent || status != http.StatusNotFound || strings.TrimSuffix(low, ".") != "not found"
}

// ruleWords are the Laravel validation rules Cryptomus answers with, in words.
var ruleWords = map[string]string{
	"required":         "is required",
	"required_without": "is required",
	"required_with":    "is required",
	"present":          "is required",
	"string":           "must be text",
	"numeric":          "must be a number",
	"decimal":          "must be a decimal number",
	"integer":          "must be a whole number",
	"boolean":          "must be true or false",
	"array":            "must be a list",
	"url":              "must be a full web address",
	"uuid":             "must be a UUID",
	"email":            "must be an email address",
	"in":               "is not one of the allowed values",
	"not_in":           "is not allowed",
	"exists":           "does not exist",
	"unique":           "is already used",
	"alpha_dash":       "may contain only letters, digits, - and _",
	"regex":            "has characters that are not allowed",
	"min":              "is too small",
	"max":              "is too large",
	"between":          "is out of range",
	"gt":               "is too small",
	"gte":              "is too small",
	"lt":               "is too large",
	"lte":              "is too large",
	"size":             "has the wrong size",
}

// describeFieldErrors turns {"amount":["validation.required"]} into
// "amount is required", fields in a stable order.
func describeFieldErrors(fields map[string][]string) string {
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var parts []string
	for _, f := range names {
		field := strings.ReplaceAll(f, "_", " ")
		seen := map[string]bool{}
		for _, rule := range fields[f] {
			w := ruleText(rule)
			if w == "" || seen[w] {
				continue
			}
			seen[w] = true
			parts = append(parts, field+" "+w)
		}
	}
	return strings.Join(parts, "; ")
}

// ruleText is one rule in words: "validation.min.string" → "is too short".
func ruleText(rule string) string {
	if !strings.HasPrefix(rule, "validation.") {
		return strings.TrimSuffix(strings.TrimSpace(rule), ".")
	}
	parts := strings.Split(strings.TrimPrefix(rule, "validation."), ".")
	name := parts[0]
	if len(parts) > 1 && parts[1] == "string" {
		switch name {
		case "min", "gt", "gte":
			return "is too short"
		case "max", "lt", "lte":
			return "is too long"
		}
	}
	if w, ok := ruleWords[name]; ok {
		return w
	}
	return "fails the check " + strings.ReplaceAll(strings.Join(parts, " "), "_", " ")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSuffix(strings.TrimSpace(p), "."); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func orDash(s string) string {
	if s == "" {
		return "missing"
	}
	return s
}
