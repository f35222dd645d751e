package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"cryptopos/providers/sandboxkit"
)

// FaultKind is a kind of trouble the sandbox can inject.
type FaultKind int

// The faults. Each applies to API requests (/v1/...) only, never to the
// payment pages or the admin endpoints.
const (
	// FaultResetAfterCreate processes a create (POST /v1/payment) and then
	// closes the connection without answering: the client sees a transport
	// error while the invoice exists. A refused create is answered.
	FaultResetAfterCreate FaultKind = iota + 1
	// FaultStatus500 answers HTTP 500 {"message":"Server error, #1",
	// "code":500,"error":null}, without processing the request.
	FaultStatus500
	// FaultGatewayHTML answers HTTP 502 with an nginx error page, without
	// processing the request.
	FaultGatewayHTML
	// FaultGarbage processes the request and answers HTTP 200 with the
	// first half of the JSON reply.
	FaultGarbage
	// FaultLatency waits Fault.Delay of real time, then answers normally.
	// A client that gives up during the wait leaves the request
	// unprocessed. It is for end-to-end and fault tests (with a short
	// Delay, or a client timeout shorter than it); unit tests use the
	// injected clock.
	FaultLatency
	// FaultRateLimited answers HTTP 429 with Cloudflare's plain-text body
	// "error code: 1015" (sandboxkit.RateLimitText), without processing
	// the request.
	FaultRateLimited
	// FaultReset processes the request, whatever its path, and then closes
	// the connection without answering, whatever the answer was.
	FaultReset
	// FaultLateReply processes the request at once and answers only after
	// Fault.Delay of real time: a client whose timeout is shorter gives up
	// although the work is done (an invoice created, say).
	FaultLateReply
)

// Fault is one injected fault. Faults wait in a queue: each request takes
// the first fault whose Path matches it, and a fault is gone once it has
// applied Times times.
type Fault struct {
	Kind FaultKind
	// Path is the endpoint it applies to, e.g. "/v1/payment/info"; "" means
	// any API endpoint (for FaultResetAfterCreate: "/v1/payment").
	Path string
	// Delay is the wait of FaultLatency and FaultLateReply.
	Delay time.Duration
	// Times is how many requests it applies to (0 means once).
	Times int
}

// ResetAfterCreate is a FaultResetAfterCreate for the next create.
func ResetAfterCreate() Fault { return Fault{Kind: FaultResetAfterCreate, Path: "/v1/payment"} }

// Status500 is a FaultStatus500 for the next request to path ("" for any).
func Status500(path string) Fault { return Fault{Kind: FaultStatus500, Path: path} }

// GatewayHTML is a FaultGatewayHTML for the next request to path.
func GatewayHTML(path string) Fault { return Fault{Kind: FaultGatewayHTML, Path: path} }

// Garbage is a FaultGarbage for the next request to path.
func Garbage(path string) Fault { return Fault{Kind: FaultGarbage, Path: path} }

// Latency is a FaultLatency of d for the next request to path.
func Latency(path string, d time.Duration) Fault {
	return Fault{Kind: FaultLatency, Path: path, Delay: d}
}

// RateLimited is a FaultRateLimited for the next request to path.
func RateLimited(path string) Fault { return Fault{Kind: FaultRateLimited, Path: path} }

// Reset is a FaultReset for the next request to path.
func Reset(path string) Fault { return Fault{Kind: FaultReset, Path: path} }

// LateReply is a FaultLateReply of d for the next request to path.
func LateReply(path string, d time.Duration) Fault {
	return Fault{Kind: FaultLateReply, Path: path, Delay: d}
}

// InjectFault queues f.
func (s *Sandbox) InjectFault(f Fault) {
	if f.Kind == FaultResetAfterCreate && f.Path == "" {
		f.Path = "/v1/payment"
	}
	s.faults.Add(f, f.Path, f.Times)
}

// ClearFaults drops every queued fault.
func (s *Sandbox) ClearFaults() { s.faults.Clear() }

// PendingFaults returns how many faults are still queued.
func (s *Sandbox) PendingFaults() int { return s.faults.Len() }

// serveAPI answers /v1/... with any queued fault applied.
func (s *Sandbox) serveAPI(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	fault, faulty := s.faults.Take(path)
	if faulty {
		s.opts.Logger.Debug("sandbox: injecting fault", "kind", int(fault.Kind), "path", path)
		switch fault.Kind {
		case FaultStatus500:
			sandboxkit.Reply(w, http.StatusInternalServerError, "application/json",
				[]byte(`{"message":"Server error, #1","code":500,"error":null}`))
			return
		case FaultGatewayHTML:
			sandboxkit.WriteBadGateway(w)
			return
		case FaultRateLimited:
			sandboxkit.Reply(w, http.StatusTooManyRequests, "text/plain; charset=UTF-8", []byte(sandboxkit.RateLimitText))
			return
		}
	}

	body, err := sandboxkit.ReadBody(r)
	if err != nil {
		return
	}
	// The body is read, so a client that gives up during the wait is noticed.
	if faulty && fault.Kind == FaultLatency && !sandboxkit.Wait(r, fault.Delay) {
		return // nothing was done
	}
	rep := s.handleAPI(r, body)
	s.opts.Logger.Debug("sandbox: api", "method", r.Method, "path", path, "status", rep.status)
	switch {
	case faulty && fault.Kind == FaultGarbage:
		b, _ := json.Marshal(rep.body)
		sandboxkit.Reply(w, http.StatusOK, "application/json", b[:len(b)/2])
	case faulty && fault.Kind == FaultResetAfterCreate && rep.status == http.StatusOK,
		faulty && fault.Kind == FaultReset:
		sandboxkit.DropConnection(w)
	case faulty && fault.Kind == FaultLateReply:
		if sandboxkit.Wait(r, fault.Delay) {
			sandboxkit.WriteJSON(w, rep.status, rep.body)
		}
	default:
		sandboxkit.WriteJSON(w, rep.status, rep.body)
	}
}
