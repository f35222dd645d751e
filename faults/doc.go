// Package faults proves the checkout right under payment-provider faults.
// It holds tests only: each wires, in one process, a provider's sandbox
// with an injected fault, the real HTTP adapter (cryptomus, or
// cryptoprocessing with a real relay receiving the sandbox's signed
// callbacks), the SQLite journal, the checkout engine on a fake clock and
// the terminal's UI, and sells through the fault:
//
//   - while the fault lasts, the cashier sees a sentence that names the
//     provider and says what happened, and when the terminal tries again;
//   - when it clears, the same sale goes on to its invoice and is paid;
//   - the provider never holds two live invoices for one sale, and every
//     invoice it holds is in the journal with the right status.
//
// The faults: added latency, no answer before the client's timeout (with
// and without the invoice made), HTTP 5xx with the providers' bodies, a
// gateway's HTML page, HTTP 429 with a plain-text body, JSON cut in half,
// the connection cut after the invoice was made, the provider down at
// start, garbage for a long time, and for Cryptoprocessing a relay that is
// down, slow or behind a failing proxy. Time moves on the fake clock;
// only latencies and client timeouts take real time, a fraction of a
// second each.
package faults
