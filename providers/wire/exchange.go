package wire

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"cryptopos/pos"
)

// Exchange is one request to a provider as the adapters make it, apart
// from the request itself: whom it goes to, how its reply is read, and
// where it is logged.
type Exchange struct {
	// Provider names the provider in the cashier's sentences ("Cryptomus").
	Provider string
	// Log gets one line per request, starting with Prefix ("cryptomus"):
	// a warning for a failure, debug for the rest.
	Log    *slog.Logger
	Prefix string
	// Op names the request in the log ("create").
	Op string
	// Clean removes the secrets (and the customer's details) from text
	// that came from elsewhere, before it reaches an error or the log.
	Clean func(string) string
	// Now is the clock that times the request.
	Now func() time.Time
	// Classify reads a whole reply: its result, or the error for the
	// cashier, with the provider's own words in ProviderMessage, cleaned.
	Classify func(status int, contentType string, body []byte) (json.RawMessage, *pos.ProviderError)
}

// Send sends req with hc, reads the reply (up to MaxReply) and classifies
// it. Every failure is a *pos.ProviderError: no answer (TransportError),
// an answer cut short (CutShort), one too large (TooLarge), or what
// Classify says; its Err and the log never hold what Clean removes.
func (x Exchange) Send(hc *http.Client, req *http.Request) (json.RawMessage, error) {
	log := x.Log.With("op", x.Op)
	start := x.Now()
	resp, err := hc.Do(req)
	if err != nil {
		pe := TransportError(x.Provider, err)
		pe.Err = Redacted(err, x.Clean)
		log.Warn(x.Prefix+": no answer", "err", pe.Err.Error())
		return nil, pe
	}
	defer resp.Body.Close()
	data, tooLarge, err := ReadReply(resp.Body)
	if err != nil {
		log.Warn(x.Prefix+": answer cut short", "http_status", resp.StatusCode, "err", x.Clean(err.Error()))
		return nil, CutShort(x.Provider, resp.StatusCode, Redacted(err, x.Clean))
	}
	if tooLarge {
		log.Debug(x.Prefix+": reply too large", "http_status", resp.StatusCode, "body", Snippet(x.Clean(string(data))))
		return nil, TooLarge(x.Provider, resp.StatusCode)
	}
	result, pe := x.Classify(resp.StatusCode, resp.Header.Get("Content-Type"), data)
	took := x.Now().Sub(start)
	if pe != nil {
		log.Debug(x.Prefix+": request failed", "http_status", resp.StatusCode, "took", took,
			"body", Snippet(x.Clean(string(data))))
		log.Warn(x.Prefix+": request failed", "http_status", resp.StatusCode, "err", pe.Message,
			"provider_message", x.Clean(OneLine(pe.ProviderMessage)))
		return nil, pe
	}
	log.Debug(x.Prefix+": ok", "http_status", resp.StatusCode, "took", took)
	return result, nil
}
