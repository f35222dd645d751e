package sandboxkit

import (
	"net"
	"net/http"
	"time"
)

// Server serves a sandbox on a local address, in the background.
type Server struct {
	// URL is the server's root, e.g. "http://127.0.0.1:41234".
	URL string

	ln  net.Listener
	srv *http.Server
}

// Listen listens on addr ("127.0.0.1:0" picks a free port). The URL is
// known before anything is served, so that the handler given to Serve can
// be built with it.
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Server{URL: "http://" + ln.Addr().String(), ln: ln}, nil
}

// Serve serves h in the background until Close.
func (s *Server) Serve(h http.Handler) {
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(s.ln) }()
}

// Close stops the server and closes its connections (only the listener
// when Serve was never called).
func (s *Server) Close() error {
	if s.srv == nil {
		return s.ln.Close()
	}
	return s.srv.Close()
}

// PublicURL is the root of the sandbox's own pages as a client reaches it:
// configured when set, else the scheme and Host of r.
func PublicURL(configured string, r *http.Request) string {
	if configured != "" {
		return configured
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
