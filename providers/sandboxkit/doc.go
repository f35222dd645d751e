// Package sandboxkit holds what the providers' sandboxes (the local
// stand-ins for payment APIs in providers/NAME/sandbox) do alike: serving
// on a local address, injected faults (a queue of them, a dropped
// connection, a gateway's error page), raw and JSON replies, the admin
// endpoints for invoices, the demo's customer, and the frame of the
// payment page. What a real API answers, and how its invoices behave,
// stays in each sandbox.
package sandboxkit
