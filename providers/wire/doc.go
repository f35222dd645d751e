// Package wire holds what the payment adapters (providers/NAME) do alike
// when they talk HTTP to a provider: the default HTTP client, sending a
// request and reading its reply up to a cap (Exchange), checking a
// service's address (CheckServiceURL), the cashier's sentences for a
// request that got no usable answer, removing secrets from text that came
// from elsewhere, and the small text helpers those sentences are built
// with. Every sentence names the provider it is about, so each adapter
// keeps its own wording only where the provider differs (its error bodies,
// its status codes).
package wire
