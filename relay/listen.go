package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of Serve's http.Server, so that slow or idle clients are cut
// off. A long-poll extends its own read and write deadlines by its wait.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 15 * time.Second
	IdleTimeout       = 60 * time.Second
	// ShutdownTimeout is how long Serve waits for requests in progress
	// after its ctx ends.
	ShutdownTimeout = 10 * time.Second
	maxHeaderBytes  = 64 << 10
	// slack is a long-poll's time to answer beyond its wait.
	slack = 10 * time.Second
)

// timeouts are Serve's; tests shorten them.
var timeouts = struct{ readHeader, read, write, idle, shutdown time.Duration }{
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout,
}

// ErrShuttingDown is the cause of the request contexts' cancellation when
// Serve's ctx ends: long-polls then answer at once with what they have,
// instead of holding the shutdown up.
var ErrShuttingDown = errors.New("the relay is shutting down")

// Serve listens on addr ("127.0.0.1:8090", ":8090"; port 0 picks one) and
// serves h until ctx ends, then shuts down gracefully: it stops accepting,
// cancels the request contexts with the cause ErrShuttingDown, and waits up
// to ShutdownTimeout for requests in progress. It returns once listening:
// url is the base URL to reach it (http://127.0.0.1:PORT when addr is on
// every interface), wait blocks until the server has stopped and returns
// why it stopped unexpectedly (nil after ctx ended). A relay on the
// Internet belongs behind an HTTPS reverse proxy.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (url string, wait func() error, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("the relay could not listen on %s: %w", addr, err)
	}
	url = "http://" + DialAddr(ln.Addr().String())

	base, cancelBase := context.WithCancelCause(context.WithoutCancel(ctx))
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: timeouts.readHeader,
		ReadTimeout:       timeouts.read,
		WriteTimeout:      timeouts.write,
		IdleTimeout:       timeouts.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	done := make(chan struct{})
	var result error
	go func() {
		defer close(done)
		defer cancelBase(nil)
		select {
		case err := <-served:
			result = fmt.Errorf("the relay on %s stopped: %w", url, err)
			return
		case <-ctx.Done():
		}
		log.Info("relay: shutting down", "url", url)
		cancelBase(ErrShuttingDown)
		sctx, cancel := context.WithTimeout(context.Background(), timeouts.shutdown)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("relay: requests still in progress at shutdown were cut off", "err", err)
			srv.Close()
		}
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			result = fmt.Errorf("the relay on %s stopped: %w", url, err)
		}
	}()
	log.Info("relay: listening", "url", url)
	return url, func() error { <-done; return result }, nil
}

// DialAddr is a listen address as a client dials it: an unspecified host
// (":8090", "0.0.0.0:8090", "[::]:8090": every interface) becomes the IPv4
// loopback, which Go's dual-stack listeners on every interface accept.
func DialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
