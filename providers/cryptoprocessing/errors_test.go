package cryptoprocessing

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cryptopos/pos"
	"cryptopos/providers/internal/providertest"
)

func TestErrorReplies(t *testing.T) {
	const gateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
	const (
		create = iota
		cancel
		list
	)
	tests := []struct {
		name        string
		op          int
		status      int
		contentType string
		body        string
		kind        pos.ErrorKind
		want        []string // substrings of the sentence
		provider    string   // substring of ProviderMessage
	}{
		{name: "validation: amount too small", status: 400,
			body: `{"errors":{"amount":"The amount is too small. The minimum amount is 10.00 EUR."}}`,
			kind: pos.ErrKindRejected, want: []string{"Cryptoprocessing refused the invoice: The amount is too small. The minimum amount is 10.00 EUR."}},
		{name: "validation: several fields, lists", status: 400,
			body: `{"errors":{"title":["The title field is required."],"currency":"The selected currency is invalid"}}`,
			kind: pos.ErrKindRejected, want: []string{"refused the invoice: The selected currency is invalid. The title field is required."}},
		{name: "foreign id taken", status: 400, body: `{"errors":{"foreign_id":"The foreign id has already been taken."}}`,
			kind: pos.ErrKindDuplicate, want: []string{"already has an invoice for this order id"}, provider: "already been taken"},
		{name: "foreign id taken, on cancel is not a duplicate", op: cancel, status: 400,
			body: `{"errors":{"foreign_id":"The foreign id has already been taken."}}`, kind: pos.ErrKindRejected},
		{name: "bad content format", status: 400, body: `{"error":"Bad content format","code":"bad_content_format"}`,
			kind: pos.ErrKindRejected, want: []string{"could not read the terminal's request (bad_content_format)"}},
		{name: "bad signature", status: 403, body: `{"error":"Bad header signature","code":"bad_header_signature"}`,
			kind: pos.ErrKindAuth, want: []string{"refused the request's signature: check cryptoprocessing.secret_key", "base_url"}},
		{name: "required signature", status: 403, body: `{"error":"","code":"required_header_signature"}`,
			kind: pos.ErrKindAuth, want: []string{"check cryptoprocessing.secret_key"}},
		{name: "bad key", status: 403, body: `{"error":"Bad header key","code":"bad_header_key"}`,
			kind: pos.ErrKindAuth, want: []string{"does not accept the API key: check cryptoprocessing.api_key"}, provider: "bad_header_key"},
		{name: "required key", status: 403, body: `{"error":"Required header key","code":"required_header_key"}`,
			kind: pos.ErrKindAuth, want: []string{"check cryptoprocessing.api_key"}},
		{name: "403 other (IP whitelist)", status: 403, body: `{"error":"Access denied for IP 10.1.2.3"}`,
			kind: pos.ErrKindAuth, want: []string{"refused the request (HTTP 403: Access denied for IP 10.1.2.3)", "IP whitelist"}},
		{name: "cancel: invalid state (nested shape)", op: cancel, status: 400,
			body: `{"errors":{"error":"Invoice cannot be failed in its current state.","code":"invalid_invoice_state"}}`,
			kind: pos.ErrKindRejected, want: []string{"cannot cancel the invoice in its current state: it is already paid or closed."},
			provider: "Invoice cannot be failed in its current state. (invalid_invoice_state)"},
		{name: "cancel: not found, 404", op: cancel, status: 404,
			body: `{"errors":{"error":"Invoice not found.","code":"invoice_not_found"}}`,
			kind: pos.ErrKindNotFound, want: []string{"has no invoice for this order id: Invoice not found."}},
		{name: "cancel: unknown foreign id, Laravel", op: cancel, status: 422,
			body: `{"errors":{"foreign_id":["The selected foreign id is invalid."]}}`, kind: pos.ErrKindNotFound},
		{name: "create: 404 JSON is no not-found", status: 404, body: `{"error":"Not found"}`, kind: pos.ErrKindRejected},
		{name: "429 documented body (not JSON)", status: 429, contentType: "text/plain", body: `{"errors": {"error code: 1015"}}`,
			kind: pos.ErrKindTemporary, want: []string{"is receiving too many requests (HTTP 429); the terminal will try again shortly."},
			provider: "error code: 1015"},
		{name: "429 plain text", status: 429, contentType: "text/plain", body: "error code: 1015",
			kind: pos.ErrKindTemporary, want: []string{"too many requests"}, provider: "error code: 1015"},
		{name: "429 JSON", status: 429, body: `{"error":"Too Many Attempts."}`,
			kind: pos.ErrKindTemporary, want: []string{"too many requests (HTTP 429: Too Many Attempts)"}},
		{name: "500 Laravel", status: 500, body: `{"message":"Server Error"}`,
			kind: pos.ErrKindTemporary, want: []string{"has an internal problem (HTTP 500: Server Error); the terminal will try again."}},
		{name: "502 gateway page", status: 502, contentType: "text/html", body: gateway,
			kind: pos.ErrKindTemporary, want: []string{"answered with a web page instead of data (HTTP 502)"}},
		{name: "403 Cloudflare page", status: 403, contentType: "text/html", body: "<!DOCTYPE html><title>Attention Required!</title>",
			kind: pos.ErrKindAuth, want: []string{"HTTP 403, a web page instead of data", "IP whitelist"}},
		{name: "404 page", status: 404, contentType: "text/html", body: "<h1>Not Found</h1>",
			kind: pos.ErrKindRejected, want: []string{"no such address (HTTP 404): check that cryptoprocessing.base_url"}},
		{name: "200 truncated JSON", status: 200, body: `{"data":{"id":826900,"url":"https://inv`,
			kind: pos.ErrKindBadReply, want: []string{"answered with data that is cut short or malformed (HTTP 200)."}},
		{name: "201 empty", status: 201, body: ``, kind: pos.ErrKindBadReply, want: []string{"an empty reply (HTTP 201)"}},
		{name: "200 HTML", status: 200, contentType: "text/html", body: "<html>captive portal</html>",
			kind: pos.ErrKindBadReply, want: []string{"a web page instead of data (HTTP 200)"}},
		{name: "redirect", status: 301, body: ``, kind: pos.ErrKindRejected, want: []string{"sent the request elsewhere (HTTP 301)"}},
		{name: "422 without words", status: 422, body: `{}`, kind: pos.ErrKindRejected, want: []string{"refused the invoice without saying why (HTTP 422)."}},
		{name: "list: validation", op: list, status: 400, body: `{"errors":{"visible":"The visible field must be true or false."}}`,
			kind: pos.ErrKindRejected, want: []string{"refused the list of currencies request: The visible field must be true or false."}},
		{name: "an echoed secret is removed", status: 400, body: `{"error":"key ` + testAPIKey + ` signed by ` + testSecretKey + `"}`,
			kind: pos.ErrKindRejected, want: []string{"key [key] signed by [key]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := newRecordingServer(t, tt.status, tt.body)
			if tt.contentType != "" {
				rs.answer(tt.status, tt.contentType, tt.body)
			}
			c, logs, _ := newTestClient(t, rs.URL+"/api/v2")
			var err error
			switch tt.op {
			case create:
				_, err = c.Create(context.Background(), testInvoice("12.50", "EUR", pos.PayOption{}))
			case cancel:
				err = c.Cancel(context.Background(), testInvoice("12.50", "EUR", pos.PayOption{}))
			case list:
				_, err = c.Currencies(context.Background())
			}
			var pe *pos.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want a *pos.ProviderError", err, err)
			}
			if pe.Kind != tt.kind {
				t.Errorf("kind %d, want %d (%s)", pe.Kind, tt.kind, pe.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(pe.Message, w) {
					t.Errorf("message %q lacks %q", pe.Message, w)
				}
			}
			if !strings.HasPrefix(pe.Message, "Cryptoprocessing ") {
				t.Errorf("message %q does not name Cryptoprocessing first", pe.Message)
			}
			if !strings.Contains(pe.ProviderMessage, tt.provider) {
				t.Errorf("provider message %q lacks %q", pe.ProviderMessage, tt.provider)
			}
			if tt.status >= 300 && pe.HTTPStatus != tt.status {
				t.Errorf("HTTPStatus %d, want %d", pe.HTTPStatus, tt.status)
			}
			secretsAbsent(t, "the error", pe.Message+" "+pe.ProviderMessage)
			if !strings.Contains(logs.String(), "request failed") {
				t.Errorf("the failure was not logged:\n%s", logs)
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/api/v2"
	ln.Close()

	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer reset.Close()

	tests := []struct{ name, base, want string }{
		{"connection refused", closed, "Cannot reach Cryptoprocessing: connection refused."},
		{"connection cut", reset.URL + "/api/v2", "Cannot reach Cryptoprocessing: the connection was cut before the answer arrived."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := newTestClient(t, tt.base)
			_, err := c.Create(context.Background(), testInvoice("12.50", "EUR", pos.PayOption{}))
			if pos.KindOf(err) != pos.ErrKindTransport || err.Error() != tt.want {
				t.Errorf("err = %v (kind %d), want transport %q", err, pos.KindOf(err), tt.want)
			}
			if !pos.Retryable(err) {
				t.Error("not retryable")
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _, _ := newTestClient(t, reset.URL+"/api/v2")
	if err := c.Cancel(ctx, testInvoice("1", "EUR", pos.PayOption{})); pos.KindOf(err) != pos.ErrKindTransport ||
		!strings.Contains(err.Error(), "cancelled") || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestBrandNamesTheHost(t *testing.T) {
	tests := []struct{ base, want string }{
		{DefaultBaseURL, "Cryptoprocessing"}, {SandboxBaseURL, "Cryptoprocessing"}, {LTBaseURL, "Cryptoprocessing"},
		{AlphaPoBaseURL, "AlphaPo"}, {"https://app.coinspaid.com/api/v2", "CoinsPaid"},
		{"https://app.sandbox.coinspaid.com/api/v2", "CoinsPaid"}, {"http://127.0.0.1:8091/api/v2", "Cryptoprocessing"},
		{"https://notalphapo.net/api/v2", "Cryptoprocessing"},
	}
	for _, tt := range tests {
		if got := Brand(tt.base); got != tt.want {
			t.Errorf("Brand(%s) = %s, want %s", tt.base, got, tt.want)
		}
	}
	c, _, _ := newTestClient(t, AlphaPoBaseURL)
	if c.Name() != "AlphaPo" || c.Key() != "cryptoprocessing" {
		t.Errorf("Name %q Key %q", c.Name(), c.Key())
	}
}

func TestAlphaPoNamedInErrors(t *testing.T) {
	rs := newRecordingServer(t, 500, `{"message":"Server Error"}`)
	c, _, _ := newTestClient(t, rs.URL+"/api/v2")
	c.name = Brand(AlphaPoBaseURL) // the test server is on 127.0.0.1
	_, err := c.Create(context.Background(), testInvoice("12.50", "EUR", pos.PayOption{}))
	if err == nil || !strings.HasPrefix(err.Error(), "AlphaPo has an internal problem") {
		t.Errorf("err = %v", err)
	}
}

func TestPing(t *testing.T) {
	rs := newRecordingServer(t, 200, "OK")
	rs.answer(200, "text/plain", "OK")
	c, _, _ := newTestClient(t, rs.URL+"/api/v2")
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	got := rs.last(t)
	if got.method != http.MethodGet || got.path != "/api/v2/ping" || got.key != "" || got.signature != "" || len(got.body) != 0 {
		t.Errorf("ping request %+v, want an unsigned GET /api/v2/ping", got)
	}
	rs.answer(503, "text/html", "<html>maintenance</html>")
	if err := c.Ping(context.Background()); pos.KindOf(err) != pos.ErrKindTemporary {
		t.Errorf("Ping on 503: %v", err)
	}
}

func TestErrorsNeverShowTheCustomer(t *testing.T) {
	rs := newRecordingServer(t, 400, `{"errors":{"email_user":"anna@example.com is not accepted","sender_data.last_name":"Müller-Lüdenscheidt is too long"}}`)
	c, logs, _ := newTestClient(t, rs.URL+"/api/v2")
	inv := testInvoice("12.50", "EUR", pos.PayOption{Code: "BTC"})
	inv.Customer = &pos.Customer{Kind: pos.CustomerNatural, FirstName: "Anna", LastName: "Müller-Lüdenscheidt", DateOfBirth: "1985-04-23", Email: "anna@example.com"}
	_, err := c.Create(context.Background(), inv)
	var pe *pos.ProviderError
	if !errors.As(err, &pe) || pe.Kind != pos.ErrKindRejected {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(pe.Message, "[customer] is not accepted") {
		t.Errorf("message %q", pe.Message)
	}
	secretsAbsent(t, "the error", pe.Message+pe.ProviderMessage, "anna@example.com", "Müller-Lüdenscheidt")
	secretsAbsent(t, "the log", logs.String(), "anna@example.com", "Müller-Lüdenscheidt", "1985-04-23")
}

// The provider's own words reach the "request failed" warning, on one line,
// without control characters and without the keys.
func TestRequestFailedLogsTheProviderMessage(t *testing.T) {
	for _, tt := range []struct {
		name, contentType, body string
		status                  int
		want                    string // the ProviderMessage, and in the log
	}{
		{"error echoing the secret", "application/json", `{"error":"signed by ` + testSecretKey + `","code":"bad_request"}`, 400,
			"signed by [key]. (bad_request)"},
		{"code echoing the api key", "application/json", `{"error":"nope","code":"` + testAPIKey + `"}`, 400,
			"nope. ([key])"},
		{"code with control characters", "application/json", `{"error":"nope","code":"bad\u001b[2J\nrequest"}`, 400,
			"nope. (bad [2J request)"},
		{"plain text echoing the key", "text/plain", "debug: key=" + testAPIKey, 500,
			"debug: key=[key]"},
		{"plain text with control characters", "text/plain", "upstream\x1b[2J\x07 reset\r\nby peer\u009b", 503,
			"upstream [2J reset by peer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs := newRecordingServer(t, tt.status, tt.body)
			rs.answer(tt.status, tt.contentType, tt.body)
			c, logs, _ := newTestClient(t, rs.URL+"/api/v2")
			_, err := c.Create(context.Background(), testInvoice("12.50", "EUR", pos.PayOption{}))
			providertest.CheckProviderMessage(t, err, logs.String(), tt.want)
		})
	}
}
