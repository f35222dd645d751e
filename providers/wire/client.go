package wire

import (
	"errors"
	"net/http"
	"time"
)

// DefaultTimeout bounds one request of the default HTTP client.
const DefaultTimeout = 10 * time.Second

// HTTPClient returns hc, or when hc is nil a client with DefaultTimeout
// that does not follow redirects (a redirected POST would arrive as a GET
// without its body). It refuses a client whose transport skips TLS
// certificate checks; pkg ("cryptomus") starts that error.
func HTTPClient(hc *http.Client, pkg string) (*http.Client, error) {
	if hc == nil {
		return &http.Client{
			Timeout:       DefaultTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}, nil
	}
	if t, ok := hc.Transport.(*http.Transport); ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify {
		return nil, errors.New(pkg + ": the HTTP client skips TLS certificate checks; the terminal does not talk to a payment provider that way")
	}
	return hc, nil
}
