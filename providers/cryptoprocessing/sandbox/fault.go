package sandbox

import (
	"net/http"
	"strings"
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
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

// takeFault removes one use of the first fault that applies to path.
func (s *Sandbox) takeFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Path != "" && strings.TrimSuffix(f.Path, "/") != strings.TrimSuffix(path, "/") {
			continue
		}
		if f.Times--; f.Times <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		} else {
			s.faults[i] = f
		}
		return f, true
	}
	return Fault{}, false
}

const gatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// writeFault answers a fault that needs no processing; it reports whether
// it did.
func writeFault(w http.ResponseWriter, f Fault) bool {
	switch f.Kind {
	case FaultStatus500:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message":"Server Error"}`))
	case FaultGatewayHTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(gatewayPage))
	case FaultRateLimited:
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"errors": {"error code: 1015"}}`))
	default:
		return false
	}
	return true
}
