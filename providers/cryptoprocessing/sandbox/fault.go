package sandbox

import (
	"net/http"

	"cryptopos/providers/sandboxkit"
)

// FaultKind is a kind of trouble the sandbox can inject into API replies.
type FaultKind string

// The faults. Each applies to API requests (/api/...) only.
const (
	// FaultResetAfterCreate processes a create and then closes the
	// connection without answering: the client sees a transport error
	// while the invoice exists, and its retry is "already taken".
	FaultResetAfterCreate FaultKind = "reset_after_create"
	// FaultStatus500 answers HTTP 500 {"message":"Server Error"} without
	// processing the request.
	FaultStatus500 FaultKind = "status_500"
	// FaultGatewayHTML answers HTTP 502 with an nginx page, without
	// processing the request.
	FaultGatewayHTML FaultKind = "gateway_html"
	// FaultRateLimited answers HTTP 429 with the documented body, which is
	// not valid JSON: {"errors": {"error code: 1015"}}.
	FaultRateLimited FaultKind = "rate_limited"
	// FaultGarbage processes the request and answers with the first half
	// of its JSON reply.
	FaultGarbage FaultKind = "garbage"
)

// Fault is one injected fault. Faults wait in a queue: each request takes
// the first fault whose Path matches it.
type Fault struct {
	Kind FaultKind
	// Path is the endpoint it applies to, e.g. "/api/v2/invoices/create";
	// "" means any API endpoint (FaultResetAfterCreate: the create).
	Path string
	// Times is how many requests it applies to (0 means once).
	Times int
}

var faultKinds = []FaultKind{FaultResetAfterCreate, FaultStatus500, FaultGatewayHTML, FaultRateLimited, FaultGarbage}

// InjectFault queues f.
func (s *Sandbox) InjectFault(f Fault) {
	if f.Kind == FaultResetAfterCreate && f.Path == "" {
		f.Path = createPath
	}
	s.faults.Add(f, f.Path, f.Times)
}

// writeFault answers a fault that needs no processing; it reports whether
// it did.
func writeFault(w http.ResponseWriter, f Fault) bool {
	switch f.Kind {
	case FaultStatus500:
		sandboxkit.Reply(w, http.StatusInternalServerError, "application/json", []byte(`{"message":"Server Error"}`))
	case FaultGatewayHTML:
		sandboxkit.WriteBadGateway(w)
	case FaultRateLimited:
		sandboxkit.Reply(w, http.StatusTooManyRequests, "text/plain; charset=UTF-8", []byte(`{"errors": {"error code: 1015"}}`))
	default:
		return false
	}
	return true
}
