package sandboxkit

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// FaultQueue holds a sandbox's injected faults, of type F, until requests
// take them: each request takes one use of the first fault queued for its
// path, and a fault is gone once it is used up. The zero value is an empty
// queue; it is safe for concurrent use.
type FaultQueue[F any] struct {
	mu     sync.Mutex
	queued []queuedFault[F]
}

type queuedFault[F any] struct {
	fault F
	path  string
	left  int
}

// Add queues f for times requests (0 or less means one) to path; "" means
// any path. A trailing slash of a path does not count.
func (q *FaultQueue[F]) Add(f F, path string, times int) {
	if times <= 0 {
		times = 1
	}
	q.mu.Lock()
	q.queued = append(q.queued, queuedFault[F]{fault: f, path: strings.TrimSuffix(path, "/"), left: times})
	q.mu.Unlock()
}

// Take removes one use of the first fault queued for path and returns it.
func (q *FaultQueue[F]) Take(path string) (F, bool) {
	path = strings.TrimSuffix(path, "/")
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.queued {
		if f.path != "" && f.path != path {
			continue
		}
		if f.left--; f.left <= 0 {
			q.queued = append(q.queued[:i], q.queued[i+1:]...)
		} else {
			q.queued[i] = f
		}
		return f.fault, true
	}
	var none F
	return none, false
}

// Clear drops every queued fault.
func (q *FaultQueue[F]) Clear() {
	q.mu.Lock()
	q.queued = nil
	q.mu.Unlock()
}

// Len is how many faults are queued.
func (q *FaultQueue[F]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queued)
}

// DropConnection closes the request's connection without an answer, like
// a server that fails after doing the work: the client sees a transport
// error. Where the connection cannot be taken over (HTTP/2) it aborts the
// stream instead, by panicking with http.ErrAbortHandler, which net/http
// recovers from. The handler must not write anything before.
func DropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// GatewayPage is nginx's page for HTTP 502.
const GatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// WriteBadGateway answers like a proxy whose backend is down: HTTP 502
// with GatewayPage as text/html.
func WriteBadGateway(w http.ResponseWriter) {
	Reply(w, http.StatusBadGateway, "text/html", []byte(GatewayPage))
}

// Wait waits d of real time, for an injected latency, or less when the
// client gives up on r first; it reports whether the client is still
// there. A server notices a client that hung up only once the request's
// body has been read to its end, so read the body before waiting: a
// request whose client left during the wait is then never processed,
// as behind a real proxy that dropped it.
func Wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// RateLimitText is the plain-text body Cloudflare answers HTTP 429 with
// when a site's rate limit is hit (its error 1015).
const RateLimitText = "error code: 1015"
