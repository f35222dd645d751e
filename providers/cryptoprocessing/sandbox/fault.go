package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"cryptopos/providers/sandboxkit"
)

// FaultKind is a kind of trouble the sandbox can inject into API replies.
type FaultKind string

// The faults. Each applies to API requests (/api/...) only, never to the
// payment pages or the admin endpoints.
const (
	// FaultResetAfterCreate processes a create and then closes the
	// connection without answering: the client sees a transport error
	// while the invoice exists, and its retry is "already taken".
	FaultResetAfterCreate FaultKind = "reset_after_create"
	// FaultStatus500 answers HTTP Fault.Status (default 500) with
	// Fault.Body (default ServerErrorBody) as JSON, without processing the
	// request.
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
	// FaultLatency waits Fault.Delay of real time, then answers normally.
	// A client that gives up during the wait leaves the request
	// unprocessed.
	FaultLatency FaultKind = "latency"
	// FaultLateReply processes the request at once and answers only after
	// Fault.Delay of real time: a client whose timeout is shorter gives up
	// although the work is done (an invoice created, say), and its retry
	// is "already taken".
	FaultLateReply FaultKind = "late_reply"
	// FaultReset processes the request, whatever its path (a cancel, say),
	// and then closes the connection without answering.
	FaultReset FaultKind = "reset"
)

// The bodies of FaultStatus500. The API's answer to a server error is
// undocumented; these are its documented error shapes (spec §10) and the
// PHP framework's own.
const (
	// ServerErrorBody is the framework's answer to an unhandled error, the
	// default.
	ServerErrorBody = `{"message":"Server Error"}`
	// ServerErrorCoded is the {"error":…,"code":…} shape.
	ServerErrorCoded = `{"error":"Internal server error.","code":"internal_server_error"}`
	// ServerErrorNested is the {"errors":{"error":…,"code":…}} shape.
	ServerErrorNested = `{"errors":{"error":"Internal server error.","code":"internal_server_error"}}`
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
	// Delay is the wait of FaultLatency and FaultLateReply.
	Delay time.Duration
	// Status and Body are the answer of FaultStatus500 (defaults 500 and
	// ServerErrorBody).
	Status int
	Body   string
}

var faultKinds = []FaultKind{FaultResetAfterCreate, FaultStatus500, FaultGatewayHTML, FaultRateLimited, FaultGarbage,
	FaultLatency, FaultLateReply, FaultReset}

// InjectFault queues f.
func (s *Sandbox) InjectFault(f Fault) {
	if f.Kind == FaultResetAfterCreate && f.Path == "" {
		f.Path = createPath
	}
	s.faults.Add(f, f.Path, f.Times)
}

// ClearFaults drops every queued fault.
func (s *Sandbox) ClearFaults() { s.faults.Clear() }

// PendingFaults returns how many faults are still queued.
func (s *Sandbox) PendingFaults() int { return s.faults.Len() }

// writeFault answers a fault that needs no processing; it reports whether
// it did.
func writeFault(w http.ResponseWriter, f Fault) bool {
	switch f.Kind {
	case FaultStatus500:
		status, body := f.Status, f.Body
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if body == "" {
			body = ServerErrorBody
		}
		sandboxkit.Reply(w, status, "application/json", []byte(body))
	case FaultGatewayHTML:
		sandboxkit.WriteBadGateway(w)
	case FaultRateLimited:
		sandboxkit.Reply(w, http.StatusTooManyRequests, "text/plain; charset=UTF-8", []byte(`{"errors": {"error code: 1015"}}`))
	default:
		return false
	}
	return true
}

// faultFromQuery is the fault the admin endpoint POST
// /_sandbox/faults/{kind} queues: ?path= the endpoint, ?times= how many
// requests, ?delay= the wait of latency and late_reply (a Go duration,
// "300ms"), ?status= the HTTP status of status_500.
func faultFromQuery(kind FaultKind, q url.Values) (Fault, error) {
	f := Fault{Kind: kind, Path: q.Get("path")}
	if v := q.Get("times"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return Fault{}, errors.New("sandbox: times must be a whole number of at least 1, not " + strconv.Quote(v))
		}
		f.Times = n
	}
	if v := q.Get("delay"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return Fault{}, errors.New("sandbox: delay must be a duration such as 300ms, not " + strconv.Quote(v))
		}
		f.Delay = d
	}
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 500 || n > 599 {
			return Fault{}, errors.New("sandbox: status must be a server error from 500 to 599, not " + strconv.Quote(v))
		}
		f.Status = n
	}
	return f, nil
}
