// Package cryptoprocessing is the cryptopos adapter for the
// Cryptoprocessing (CoinsPaid) merchant API v2 invoices, also sold as
// AlphaPo: it creates and cancels invoices, checks the configured coins at
// start-up, and learns statuses from a relay. It implements pos.Provider,
// pos.Canceller and pos.CustomerAsker, and a relay.Receiver for the
// callbacks.
//
// Every request is signed: X-Processing-Key is the API key and
// X-Processing-Signature the lower-case hex HMAC-SHA512 of the exact body
// bytes under the secret key; the body is marshalled once and sent byte for
// byte as signed, {} for parameterless POSTs. Replies are decoded
// tolerantly (ids as numbers or strings, 8-decimal amount strings, null
// timestamps, 200 or 201, with or without the data wrapper) and every
// failure, in any of the three documented error shapes or none (a gateway
// page, Cloudflare's 429 text, JSON cut short), becomes a
// *pos.ProviderError with a sentence for the cashier that never contains a
// key, a token or the customer's details.
//
// The API has no status endpoint: Cryptoprocessing POSTs signed callbacks
// to one URL per account, the relay. Status reads the relay's newest
// callback for the order id (the foreign_id) and maps it (spec §7):
//
//	created                         → waiting
//	pending                         → waiting; partial once something is paid
//	processing                      → confirming; partial when some is still due
//	confirmed                       → paid; overpaid when more arrived
//	failed "…User not paid."        → expired
//	failed "…paid less than…"       → underpaid
//	failed "…processing too long."  → failed
//	failed after this terminal's cancel, or with "cancel" in the text → cancelled
//	failed, any other text          → failed, with the text
//
// currency_sent.amount is read as the amount asked for in the coin and
// remaining_amount as what is still due, as every documented callback
// example shows (an instalment of 0.01 of 0.02 BTC: amount 0.02, remaining
// 0.01, one transaction of 0.01); what was paid is the sum of the
// blockchain deposits.
//
// Decisions where the API is silent: a pre-selected coin always makes a
// timer invoice with sender_currency and the customer's MiCA data; the
// end_user_reference is a keyed hash of the customer's identity (see
// EndUserReference); pay_currencies are API codes, shown to the cashier as
// ticker and network (USDTT as "USDT · Tron"); a cancel answered "not
// found" (any not_found code or text, HTTP 404, or "The selected foreign
// id is invalid.") is ErrKindNotFound. An invoice whose create reply was
// lost, of which the relay knows nothing or only that it is open and
// unpaid, is cancelled by its foreign_id when Status is asked (see
// Status).
//
// The sandbox subpackage is a local server that speaks the same API and
// sends the callbacks, for tests and the demo.
package cryptoprocessing
