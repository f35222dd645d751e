// Package relay receives payment providers' signed callbacks, keeps each
// invoice's latest state, and answers the terminals that poll it.
//
// Cryptoprocessing (CoinsPaid) has no status endpoint: it POSTs signed
// callbacks to one URL per merchant account. The relay is that URL. It
// verifies each callback with the provider's Receiver, stores the newest
// state per invoice id monotonically (duplicates and out-of-order callbacks
// change nothing), and serves GET /v1/invoices/{id} to terminals holding the
// bearer token. Cryptomus webhooks are accepted too, as hints that make an
// embedded terminal check the invoice at once.
//
// The relay knows no provider: each provider package supplies a Receiver.
//
// The pieces: OpenStore opens the SQLite store (records and a log of every
// authentic callback); New builds the Server, the http.Handler, to which
// Add registers Receivers; Serve runs it with timeouts that cut slow
// clients off; Client is the terminal's side. The HTTP API is documented
// on Server.
package relay

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// Receiver verifies and reads one provider's callbacks. Provider packages
// implement it; the relay serves it at POST /callbacks/{Provider()}.
type Receiver interface {
	// Provider is the provider's key and the last path segment of its
	// callback URL ("cryptoprocessing").
	Provider() string
	// Receive checks the callback's authenticity over the raw body (in
	// constant time) and reads it. It returns ErrForged (wrapped) for a bad
	// or missing signature or key, and ErrIgnored (wrapped) for an
	// authentic callback the relay does not keep (another callback type).
	Receive(header http.Header, body []byte) (Callback, error)
	// Newer reports whether next says more than prev about the same
	// invoice, so that the relay keeps states monotonic: a final state is
	// never replaced by an earlier one, and a duplicate changes nothing.
	Newer(prev, next Callback) bool
}

// Callback is one verified callback, reduced to what the relay keeps.
type Callback struct {
	// ID is the invoice's id as the terminal knows it: Cryptoprocessing's
	// foreign_id, Cryptomus's order_id.
	ID string
	// Status is the provider's status word ("processing").
	Status string
	// Final reports whether the provider will send no further outcome.
	Final bool
	// Payload is the callback body as received (verified bytes).
	Payload json.RawMessage
}

// Record is what the relay knows about one invoice: its newest callback.
type Record struct {
	Provider string          `json:"provider"`
	ID       string          `json:"id"`
	Status   string          `json:"status"`
	Final    bool            `json:"final"`
	Payload  json.RawMessage `json:"payload"`
	// ReceivedAt is when the relay received the callback it keeps.
	ReceivedAt time.Time `json:"received_at"`
	// Version counts the changes the relay accepted for this invoice; a
	// terminal long-polls with ?after=Version.
	Version int64 `json:"version"`
	// Callbacks counts every authentic callback for the invoice, kept or not.
	Callbacks int64 `json:"callbacks"`
}

// Errors of Receivers and of the terminal-side Client.
var (
	// ErrForged: the callback's signature or key is wrong or missing (403).
	ErrForged = errors.New("the callback is not signed by the provider")
	// ErrIgnored: an authentic callback of a kind the relay does not keep (200).
	ErrIgnored = errors.New("the relay does not keep this kind of callback")
	// ErrNoCallback: no callback has arrived for the invoice yet (404).
	// It does not mean the invoice does not exist.
	ErrNoCallback = errors.New("no callback has arrived for this invoice yet")
	// ErrUnauthorized: the terminal's token was refused (401).
	ErrUnauthorized = errors.New("the relay refused the token")
)
