package cryptoprocessing

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"cryptopos/relay"
)

// Receiver verifies and reads Cryptoprocessing callbacks for a relay
// (spec §8.2). It implements relay.Receiver for POST
// /callbacks/cryptoprocessing.
type Receiver struct {
	apiKey, secretKey string
}

var _ relay.Receiver = (*Receiver)(nil)

// NewReceiver returns the receiver for the account of cfg; it needs
// api_key and secret_key only.
func NewReceiver(cfg Config) (*Receiver, error) {
	if err := cfg.validateKeys(); err != nil {
		return nil, err
	}
	return &Receiver{apiKey: cfg.APIKey, secretKey: cfg.SecretKey}, nil
}

// Provider is "cryptoprocessing".
func (r *Receiver) Provider() string { return Key }

// Receive checks X-Processing-Signature, the hex HMAC-SHA512 of the raw
// body under the secret key (either case), and X-Processing-Key when
// present, both in constant time, without ever re-encoding the body (the
// PHP backend escapes / as \/). A missing or wrong signature or key is
// relay.ErrForged. An authentic callback other than an invoice's (deposit,
// withdrawal, exchange…) or one without a foreign_id is relay.ErrIgnored.
func (r *Receiver) Receive(header http.Header, body []byte) (relay.Callback, error) {
	sig := strings.TrimSpace(header.Get("X-Processing-Signature"))
	if sig == "" {
		return relay.Callback{}, fmt.Errorf("%w: no X-Processing-Signature header", relay.ErrForged)
	}
	if key := header.Values("X-Processing-Key"); len(key) > 0 &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(key[0])), []byte(r.apiKey)) != 1 {
		return relay.Callback{}, fmt.Errorf("%w: X-Processing-Key is not this account's API key", relay.ErrForged)
	}
	if !VerifySignature(body, sig, r.secretKey) {
		return relay.Callback{}, fmt.Errorf("%w: X-Processing-Signature does not match the body", relay.ErrForged)
	}
	p, ok := parseCallback(body)
	if !ok {
		return relay.Callback{}, fmt.Errorf("%w: an authentic callback that is not a JSON object", relay.ErrIgnored)
	}
	if t := strings.ToLower(string(p.Type)); t != CallbackType {
		return relay.Callback{}, fmt.Errorf("%w: a callback of type %q, not an invoice's", relay.ErrIgnored, t)
	}
	id := string(p.ForeignID)
	if id == "" {
		return relay.Callback{}, fmt.Errorf("%w: an invoice callback without foreign_id", relay.ErrIgnored)
	}
	word := p.statusWord()
	return relay.Callback{ID: id, Status: word, Final: statusWords[word].final,
		Payload: json.RawMessage(bytes.Clone(body))}, nil
}

// Newer reports whether next says more than prev about the invoice: a
// final status beats a waiting one and created < pending < processing;
// confirmed beats failed (a payment that arrived in the end); with the
// same status word, the one with more paid, less remaining, more deposits,
// more confirmations or a later expires_at, in that order. A duplicate is
// not newer, nor is anything after confirmed.
func (r *Receiver) Newer(prev, next relay.Callback) bool {
	if prev.Final != next.Final {
		return next.Final
	}
	pw, nw := strings.ToLower(prev.Status), strings.ToLower(next.Status)
	if pr, nr := statusWords[pw].rank, statusWords[nw].rank; pr != nr {
		return nr > pr
	}
	if pw != nw {
		return nw == "confirmed" && pw == "failed"
	}
	pp, _ := parseCallback(prev.Payload)
	np, _ := parseCallback(next.Payload)
	if c := np.paid().Cmp(pp.paid()); c != 0 {
		return c > 0
	}
	pRest, pOK := pp.remaining()
	nRest, nOK := np.remaining()
	if pOK && nOK {
		if c := nRest.Cmp(pRest); c != 0 {
			return c < 0
		}
	}
	if a, b := len(np.deposits()), len(pp.deposits()); a != b {
		return a > b
	}
	if a, b := np.confirmations(), pp.confirmations(); a != b {
		return a > b
	}
	return np.expiresAt().After(pp.expiresAt())
}
