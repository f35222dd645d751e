package cryptomus

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
	"cryptopos/providers/internal/providertest"
)

func TestErrorReplies(t *testing.T) {
	const gateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		byStatus    bool // call Status instead of Create
		kind        pos.ErrorKind
		want        []string // substrings of the sentence
	}{
		{name: "validation required", status: 422, body: `{"state":1,"errors":{"amount":["validation.required"]}}`,
			kind: pos.ErrKindRejected, want: []string{"Cryptomus refused the invoice: amount is required."}},
		{name: "validation, several fields", status: 422,
			body: `{"state":1,"errors":{"order_id":["validation.alpha_dash"],"lifetime":["validation.min.numeric"],"url_callback":["validation.max.string","validation.url"]}}`,
			kind: pos.ErrKindRejected, want: []string{"lifetime is too small; order id may contain only letters, digits, - and _; url callback is too long; url callback must be a full web address."}},
		{name: "validation, unknown rule", status: 422, body: `{"state":1,"errors":{"course_source":["validation.enum_value"]}}`,
			kind: pos.ErrKindRejected, want: []string{"course source fails the check enum value"}},
		{name: "validation, a plain string", status: 422, body: `{"state":1,"errors":{"amount":"The amount must be positive."}}`,
			kind: pos.ErrKindRejected, want: []string{"amount The amount must be positive."}},
		{name: "message and errors", status: 422, body: `{"state":1,"message":"The given data was invalid.","errors":{"currency":["validation.required"]}}`,
			kind: pos.ErrKindRejected, want: []string{"The given data was invalid; currency is required."}},
		{name: "minimum amount", status: 422, body: `{"state":1,"message":"Minimum amount 0.5 USDT"}`,
			kind: pos.ErrKindRejected, want: []string{"Cryptomus refused the invoice: Minimum amount 0.5 USDT."}},
		{name: "wallet not found", status: 422, body: `{"state":1,"message":"Wallet not found"}`,
			kind: pos.ErrKindRejected, want: []string{"Wallet not found"}},
		{name: "currency not found", status: 422, body: `{"state":1,"message":"The currency was not found"}`,
			kind: pos.ErrKindRejected, want: []string{"The currency was not found"}},
		{name: "forbidden", status: 200, body: `{"state":1,"message":"You are forbidden"}`,
			kind: pos.ErrKindRejected, want: []string{"You are forbidden"}},
		{name: "state as a string", status: 422, body: `{"state":"1","message":"Error convert to_currency"}`,
			kind: pos.ErrKindRejected, want: []string{"Error convert to_currency"}},
		{name: "gateway error", status: 422, body: `{"state":1,"message":"Gateway error"}`,
			kind: pos.ErrKindTemporary, want: []string{"Gateway error", "try again"}},
		{name: "terminal not found", status: 422, body: `{"state":1,"message":"The terminal was not found"}`,
			kind: pos.ErrKindTemporary, want: []string{"The terminal was not found"}},
		{name: "server error message", status: 422, body: `{"state":1,"message":"Server error"}`,
			kind: pos.ErrKindTemporary, want: []string{"Server error"}},
		{name: "invalid sign", status: 401, body: `{"message":"Invalid Sign."}`,
			kind: pos.ErrKindAuth, want: []string{"Cryptomus refused the merchant id or signature: check merchant and payment_key in the config."}},
		{name: "invalid sign, other code", status: 403, body: `{"message":"Invalid Sign."}`,
			kind: pos.ErrKindAuth, want: []string{"check merchant and payment_key"}},
		{name: "401 without a body", status: 401, contentType: "text/plain", body: ``,
			kind: pos.ErrKindAuth, want: []string{"check merchant and payment_key"}},
		{name: "408", status: 408, body: `{"message":"Request Timeout"}`,
			kind: pos.ErrKindTemporary, want: []string{"did not finish the request in time (HTTP 408: Request Timeout)"}},
		{name: "500 without state", status: 500, body: `{"message":"Server error, #1","code":500,"error":null}`,
			kind: pos.ErrKindTemporary, want: []string{"Cryptomus has an internal problem (HTTP 500: Server error, #1)"}},
		{name: "gateway page", status: 502, contentType: "text/html", body: gateway,
			kind: pos.ErrKindTemporary, want: []string{"Cryptomus answered with a web page instead of data (HTTP 502); the terminal will try again."}},
		{name: "gateway page labelled json", status: 504, body: gateway,
			kind: pos.ErrKindTemporary, want: []string{"web page instead of data (HTTP 504)"}},
		{name: "blocking page", status: 403, contentType: "text/html", body: "<!DOCTYPE html><title>Attention Required!</title>",
			kind: pos.ErrKindBadReply, want: []string{"web page instead of data (HTTP 403)"}},
		{name: "web page with 200", status: 200, contentType: "text/html", body: "<html>maintenance</html>",
			kind: pos.ErrKindBadReply, want: []string{"web page instead of data (HTTP 200)"}},
		{name: "truncated json", status: 200, body: `{"state":0,"result":{"uuid":"26109ba0-b0`,
			kind: pos.ErrKindBadReply, want: []string{"cut short or malformed (HTTP 200)"}},
		{name: "garbage", status: 200, body: `{"state":0,,}`,
			kind: pos.ErrKindBadReply, want: []string{"malformed"}},
		{name: "empty 200", status: 200, body: ``,
			kind: pos.ErrKindBadReply, want: []string{"an empty reply (HTTP 200)"}},
		{name: "rate limited, plain text", status: 429, contentType: "text/plain", body: "Too Many Requests",
			kind: pos.ErrKindTemporary, want: []string{"too many requests (HTTP 429: Too Many Requests)"}},
		{name: "rate limited, json", status: 429, body: `{"message":"Too Many Attempts."}`,
			kind: pos.ErrKindTemporary, want: []string{"Too Many Attempts"}},
		{name: "proxy text", status: 503, contentType: "text/plain", body: "upstream connect error or disconnect/reset before headers",
			kind: pos.ErrKindTemporary, want: []string{"plain text instead of data (HTTP 503: upstream connect error"}},
		{name: "action result for create", status: 200, body: `{"state":0,"result":[]}`,
			kind: pos.ErrKindBadReply, want: []string{"without the invoice's id or status"}},
		{name: "no result", status: 200, body: `{"state":0}`,
			kind: pos.ErrKindBadReply, want: []string{"without the invoice's id or status"}},
		{name: "no state, no result", status: 200, body: `{"code":0}`,
			kind: pos.ErrKindBadReply, want: []string{"without a result"}},
		{name: "state 1 without a word", status: 200, body: `{"state":1}`,
			kind: pos.ErrKindRejected, want: []string{"without saying why (HTTP 200, state 1)"}},
		{name: "wrong base url, json", status: 404, body: `{"message":"Not Found"}`, byStatus: true,
			kind: pos.ErrKindRejected, want: []string{"check that cryptomus.base_url"}},
		{name: "wrong base url, page", status: 404, contentType: "text/html", body: "<html>404</html>",
			kind: pos.ErrKindRejected, want: []string{"HTTP 404", "base_url"}},
		{name: "payment not found", status: 422, body: `{"state":1,"message":"Payment not found"}`, byStatus: true,
			kind: pos.ErrKindNotFound, want: []string{"Cryptomus does not know this invoice: Payment not found."}},
		{name: "payment not found, 404", status: 404, body: `{"state":1,"message":"Payment not found"}`, byStatus: true,
			kind: pos.ErrKindNotFound, want: []string{"Payment not found"}},
		{name: "not found, 404 with state", status: 404, body: `{"state":1,"message":"Invoice does not exist"}`, byStatus: true,
			kind: pos.ErrKindNotFound, want: []string{"Invoice does not exist"}},
		{name: "info without ids", status: 422, byStatus: true,
			body: `{"state":1,"errors":{"uuid":["validation.required_without"],"order_id":["validation.required_without"]}}`,
			kind: pos.ErrKindRejected, want: []string{"Cryptomus refused the status request: order id is required; uuid is required."}},
		{name: "a reply that echoes the key", status: 422, body: `{"state":1,"message":"bad key ` + testKey + `"}`,
			kind: pos.ErrKindRejected, want: []string{"bad key [payment key]"}},
		{name: "a page that echoes the key", status: 500, contentType: "text/plain", body: `debug: sign=` + testKey,
			kind: pos.ErrKindTemporary, want: []string{"plain text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ct := tt.contentType
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c, logs := newTestClient(t, srv.URL+"/v1")
			inv := testInvoice("10", "USD", pos.PayOption{Code: "USDT", Network: "tron"})
			var err error
			if tt.byStatus {
				_, err = c.Status(context.Background(), inv)
			} else {
				_, err = c.Create(context.Background(), inv)
			}
			var pe *pos.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("want a *pos.ProviderError, got %T %v", err, err)
			}
			if pe.Kind != tt.kind {
				t.Errorf("kind = %d, want %d (%s)", pe.Kind, tt.kind, pe.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(pe.Message, w) {
					t.Errorf("message %q does not contain %q", pe.Message, w)
				}
			}
			if !strings.Contains(pe.Message, "Cryptomus") || !strings.HasSuffix(pe.Message, ".") {
				t.Errorf("message %q is not a sentence naming Cryptomus", pe.Message)
			}
			if pe.HTTPStatus != tt.status {
				t.Errorf("HTTPStatus = %d, want %d", pe.HTTPStatus, tt.status)
			}
			for _, s := range []string{pe.Error(), pe.ProviderMessage, logs.String()} {
				if strings.Contains(s, testKey) {
					t.Errorf("the payment key leaked: %q", s)
				}
			}
			if tt.body != "" && !strings.Contains(logs.String(), "request failed") {
				t.Errorf("the failure was not logged:\n%s", logs)
			}
		})
	}
}

func TestErrorReplyTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"state":0,"result":{"pad":"`+strings.Repeat("x", 2<<20)+`"}}`)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL+"/v1")
	_, err := c.Create(context.Background(), testInvoice("1", "USD", pos.PayOption{}))
	if pos.KindOf(err) != pos.ErrKindBadReply || !strings.Contains(err.Error(), "too large") {
		t.Errorf("got %v", err)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/v1/payment", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL+"/v1")
	_, err := c.Create(context.Background(), testInvoice("1", "USD", pos.PayOption{}))
	if pos.KindOf(err) != pos.ErrKindRejected || !strings.Contains(err.Error(), "HTTP 301") || !strings.Contains(err.Error(), "base_url") {
		t.Errorf("got %v", err)
	}
}

func TestTransportErrors(t *testing.T) {
	closed := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr + "/v1"
	}
	hang := func(t *testing.T) string {
		done := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			select {
			case <-r.Context().Done():
			case <-done:
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(done) }) // runs first
		return srv.URL + "/v1"
	}
	reset := func(t *testing.T) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/v1"
	}
	cutBody := func(t *testing.T) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, `{"state":0,`)
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/v1"
	}
	dnsFails := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp",
				Err: &net.DNSError{Err: "no such host", Name: "api.cryptomus.invalid", IsNotFound: true}}
		},
	}}
	tests := []struct {
		name   string
		url    func(*testing.T) string
		client *http.Client
		want   string
	}{
		{"refused", closed, nil, "Cannot reach Cryptomus: connection refused."},
		{"timeout", hang, &http.Client{Timeout: 50 * time.Millisecond}, "Cannot reach Cryptomus: no answer in time."},
		{"reset", reset, nil, "Cannot reach Cryptomus: the connection was cut before the answer arrived."},
		{"cut body", cutBody, nil, "Cannot reach Cryptomus: the connection was cut while the answer arrived."},
		{"dns", func(*testing.T) string { return "https://api.cryptomus.invalid/v1" }, dnsFails,
			"Cannot reach Cryptomus: the name api.cryptomus.invalid could not be looked up (DNS)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, logs := newTestClient(t, tt.url(t), func(_ *Config, o *Options) { o.HTTPClient = tt.client })
			_, err := c.Create(context.Background(), testInvoice("1", "USD", pos.PayOption{}))
			var pe *pos.ProviderError
			if !errors.As(err, &pe) || pe.Kind != pos.ErrKindTransport || pe.Message != tt.want {
				t.Fatalf("got %#v, want a transport error %q", err, tt.want)
			}
			if !pe.Retryable() || pe.Err == nil || strings.Contains(logs.String()+pe.Err.Error(), testKey) {
				t.Errorf("retryable %t, err %v", pe.Retryable(), pe.Err)
			}
		})
	}
}

// The provider's own words reach the "request failed" warning, on one line,
// without control characters and without the payment key.
func TestRequestFailedLogsTheProviderMessage(t *testing.T) {
	for _, tt := range []struct {
		name, contentType, body string
		status                  int
		want                    string // the ProviderMessage, and in the log
	}{
		{"message echoing the key", "application/json", `{"state":1,"message":"bad key ` + testKey + `"}`, 422,
			"bad key [payment key]"},
		{"field error echoing the key", "application/json", `{"state":1,"errors":{"amount":["` + testKey + `"]}}`, 422,
			"amount [payment key]"},
		{"plain text echoing the key", "text/plain", "debug: sign=" + testKey, 500,
			"debug: sign=[payment key]"},
		{"plain text with control characters", "text/plain", "upstream\x1b[2J\x07 reset\r\nby peer\u009b", 503,
			"upstream [2J reset by peer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c, logs := newTestClient(t, srv.URL+"/v1")
			_, err := c.Create(context.Background(), testInvoice("10", "USD", pos.PayOption{}))
			providertest.CheckProviderMessage(t, err, logs.String(), tt.want)
		})
	}
}
