// Package cryptomus is the cryptopos adapter for the Cryptomus merchant
// (payment) API: it creates invoices, reads their status by polling, renews
// expired ones and checks at start-up that the configured coins can be
// invoiced. It implements pos.Provider and pos.Reissuer.
//
// Every request is a POST of a JSON body that is marshalled once, signed as
// lower_hex(md5(base64_std(body) + payment_key)) and sent byte for byte as
// signed. Replies are decoded tolerantly (amounts as strings or numbers,
// nulls, unknown fields) and every failure becomes a *pos.ProviderError with
// a sentence for the cashier that never contains the payment key.
//
// The sandbox subpackage is a local server that speaks the same API, for
// tests and the demo.
package cryptomus
