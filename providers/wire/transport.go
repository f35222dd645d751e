package wire

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"syscall"

	"cryptopos/pos"
)

// TransportError describes a request to provider that got no answer:
// "Cannot reach Cryptomus: connection refused." The error keeps err.
func TransportError(provider string, err error) *pos.ProviderError {
	return &pos.ProviderError{Kind: pos.ErrKindTransport, Message: "Cannot reach " + provider + ": " + noAnswer(err) + ".", Err: err}
}

// noAnswer is why a request got no answer, in the cashier's words.
func noAnswer(err error) string {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		certErr *tls.CertificateVerificationError
		authErr x509.UnknownAuthorityError
		hostErr x509.HostnameError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.As(err, &dnsErr):
		return "the name " + dnsErr.Name + " could not be looked up (DNS)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.EPIPE):
		return "the connection was cut before the answer arrived"
	case errors.As(err, &certErr), errors.As(err, &authErr), errors.As(err, &hostErr):
		return "the secure connection failed because the server's certificate is not trusted"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "the network is unreachable"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	}
	return "the request failed"
}
