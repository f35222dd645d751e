package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ClientTimeout bounds one Invoice call, and the part of a Wait call beyond
// its wait.
const ClientTimeout = 10 * time.Second

// maxAnswer caps what the Client reads of an answer: a Record carries a
// callback of up to DefaultMaxBody bytes, which JSON may escape further.
const maxAnswer = 8 << 20

// Client is a terminal's connection to a relay. The zero HTTP uses a plain
// http.Client; give one without a Timeout shorter than the waits you ask
// for (the Client bounds each call itself).
type Client struct {
	// BaseURL is the relay's address, e.g. https://relay.example.com; a
	// path prefix is kept (https://example.com/relay).
	BaseURL string
	// Token is the relay's bearer token.
	Token string
	// Provider, when set, limits answers to that provider's callbacks
	// (?provider=); when empty the relay answers with the invoice id's
	// newest record of any provider.
	Provider string
	HTTP     *http.Client
}

// Invoice returns the relay's record of the invoice: an error wrapping
// ErrNoCallback when no callback has arrived for it yet, ErrUnauthorized
// when the relay refuses the token.
func (c *Client) Invoice(ctx context.Context, id string) (Record, error) {
	return c.get(ctx, id, nil, ClientTimeout)
}

// Wait long-polls the relay: it returns as soon as the invoice's Version
// differs from after, normally because it exceeds it (use 0 for "as soon
// as any callback arrived"; a smaller Version means the relay's store was
// replaced), or when wait has passed, then with the current record (or
// ErrNoCallback). Compare the returned Version with after to tell the two
// apart. The relay may shorten
// wait to its own limit (30 s by default). wait <= 0 is Invoice.
func (c *Client) Wait(ctx context.Context, id string, after int64, wait time.Duration) (Record, error) {
	if wait <= 0 {
		return c.Invoice(ctx, id)
	}
	q := url.Values{}
	q.Set("after", strconv.FormatInt(after, 10))
	q.Set("wait", wait.String())
	return c.get(ctx, id, q, wait+ClientTimeout)
}

func (c *Client) get(ctx context.Context, id string, q url.Values, limit time.Duration) (Record, error) {
	if id == "" {
		return Record{}, errors.New("an invoice id is needed to ask the relay")
	}
	base, err := url.Parse(strings.TrimRight(c.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return Record{}, fmt.Errorf("the relay address %q is not a web address like https://relay.example.com", redact(c.BaseURL))
	}
	where := base.Host
	// The id is one path segment whatever it holds ("/" included).
	u := *base
	u.Path = base.Path + "/v1/invoices/" + id
	u.RawPath = base.EscapedPath() + "/v1/invoices/" + url.PathEscape(id)
	if q == nil {
		q = url.Values{}
	}
	if c.Provider != "" {
		q.Set("provider", c.Provider)
	}
	u.RawQuery = q.Encode()

	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Record{}, fmt.Errorf("could not ask the relay at %s: %w", where, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return Record{}, fmt.Errorf("the relay at %s did not answer in time: %w", where, ctxErr)
		}
		return Record{}, fmt.Errorf("could not reach the relay at %s: %w", where, unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return Record{}, fmt.Errorf("the relay at %s broke off its answer: %w", where, unwrapURLError(err))
	}
	if len(body) > maxAnswer {
		return Record{}, fmt.Errorf("the relay at %s sent an answer larger than %d bytes", where, maxAnswer)
	}

	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		var e apiError
		if json.Unmarshal(body, &e) == nil && e.Error == "no_callback" {
			return Record{}, fmt.Errorf("relay at %s, invoice %s: %w", where, id, ErrNoCallback)
		}
		return Record{}, fmt.Errorf("the relay at %s has no invoice route (404 Not Found): check its address", where)
	case http.StatusUnauthorized, http.StatusForbidden:
		return Record{}, fmt.Errorf("relay at %s: %w (%s): check the relay token", where, ErrUnauthorized, resp.Status)
	default:
		var e apiError
		if json.Unmarshal(body, &e) == nil && e.Message != "" {
			msg := strings.Join(strings.Fields(e.Message), " ") // on one line
			return Record{}, fmt.Errorf("the relay at %s answered %s: %s", where, resp.Status, redactToken(msg, c.Token))
		}
		return Record{}, fmt.Errorf("the relay at %s answered %s", where, resp.Status)
	}
	var rec Record
	if err := json.Unmarshal(body, &rec); err != nil {
		return Record{}, fmt.Errorf("the relay at %s sent an answer that is not a record: %v", where, err)
	}
	if rec.ID != id {
		return Record{}, fmt.Errorf("the relay at %s answered for invoice %q instead of %q", where, redactToken(rec.ID, c.Token), id)
	}
	return rec, nil
}

// apiError is the relay's JSON error body.
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// unwrapURLError drops *url.Error's "Get URL:" prefix; the caller names the
// relay by host.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact hides a user:password in a configured address.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

func redactToken(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "[token]")
}
