package wire

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"

	"cryptopos/pos"
)

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestTransportError(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{errors.New("something odd"), "Cannot reach Cryptomus: the request failed."},
		{fmt.Errorf("post: %w", context.Canceled), "Cannot reach Cryptomus: the request was cancelled."},
		{context.DeadlineExceeded, "Cannot reach Cryptomus: no answer in time."},
		{&net.DNSError{Name: "api.cryptomus.com", Err: "no such host"}, "Cannot reach Cryptomus: the name api.cryptomus.com could not be looked up (DNS)."},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, "Cannot reach Cryptomus: connection refused."},
		{syscall.ECONNRESET, "Cannot reach Cryptomus: the connection was cut before the answer arrived."},
		{io.EOF, "Cannot reach Cryptomus: the connection was cut before the answer arrived."},
		{io.ErrUnexpectedEOF, "Cannot reach Cryptomus: the connection was cut before the answer arrived."},
		{syscall.EPIPE, "Cannot reach Cryptomus: the connection was cut before the answer arrived."},
		{&tls.CertificateVerificationError{Err: errors.New("expired")}, "Cannot reach Cryptomus: the secure connection failed because the server's certificate is not trusted."},
		{x509.UnknownAuthorityError{}, "Cannot reach Cryptomus: the secure connection failed because the server's certificate is not trusted."},
		{x509.HostnameError{Certificate: &x509.Certificate{}, Host: "x"}, "Cannot reach Cryptomus: the secure connection failed because the server's certificate is not trusted."},
		{syscall.ENETUNREACH, "Cannot reach Cryptomus: the network is unreachable."},
		{syscall.EHOSTUNREACH, "Cannot reach Cryptomus: the network is unreachable."},
		{&net.OpError{Op: "read", Err: timeoutError{}}, "Cannot reach Cryptomus: no answer in time."},
	} {
		pe := TransportError("Cryptomus", tt.err)
		if pe.Kind != pos.ErrKindTransport || pe.Message != tt.want || pe.Err != tt.err || !pos.Retryable(pe) {
			t.Errorf("TransportError(%v) = %+v, want transport %q", tt.err, pe, tt.want)
		}
	}
	if got := TransportError("AlphaPo", syscall.ECONNREFUSED).Message; got != "Cannot reach AlphaPo: connection refused." {
		t.Errorf("the provider's name: %q", got)
	}
}

func TestReadReply(t *testing.T) {
	for _, tt := range []struct {
		name     string
		body     io.Reader
		size     int
		tooLarge bool
		err      bool
	}{
		{"empty", strings.NewReader(""), 0, false, false},
		{"small", strings.NewReader(`{"state":0}`), 11, false, false},
		{"exactly the cap", bytes.NewReader(make([]byte, MaxReply)), MaxReply, false, false},
		{"over the cap", bytes.NewReader(make([]byte, 3*MaxReply)), MaxReply + 1, true, false},
		{"broken off", io.MultiReader(strings.NewReader(`{"sta`), iotest.ErrReader(io.ErrUnexpectedEOF)), 5, false, true},
	} {
		data, tooLarge, err := ReadReply(tt.body)
		if len(data) != tt.size || tooLarge != tt.tooLarge || (err != nil) != tt.err {
			t.Errorf("%s: %d bytes, too large %t, %v", tt.name, len(data), tooLarge, err)
		}
	}
}

func TestReplyErrors(t *testing.T) {
	cut := CutShort("Cryptomus", 200, io.ErrUnexpectedEOF)
	if cut.Kind != pos.ErrKindTransport || cut.HTTPStatus != 200 || !errors.Is(cut, io.ErrUnexpectedEOF) ||
		cut.Message != "Cannot reach Cryptomus: the connection was cut while the answer arrived." {
		t.Errorf("CutShort = %+v", cut)
	}
	large := TooLarge("AlphaPo", 200)
	if large.Kind != pos.ErrKindBadReply || large.HTTPStatus != 200 || large.Message != "AlphaPo sent a reply too large to read (over 1 MiB)." {
		t.Errorf("TooLarge = %+v", large)
	}
}

func TestKindOfBody(t *testing.T) {
	for _, tt := range []struct {
		contentType, body string
		want              BodyKind
		words             string
	}{
		{"application/json", "", EmptyBody, "an empty reply"},
		{"text/HTML; charset=utf-8", "Bad gateway", WebPage, "a web page instead of data"},
		{"", "<html><body>502</body></html>", WebPage, "a web page instead of data"},
		{"application/json", `{"state":0,"res`, BrokenJSON, "data that is cut short or malformed"},
		{"application/json", `[1,`, BrokenJSON, "data that is cut short or malformed"},
		{"text/plain", "error code: 1015", PlainText, "plain text instead of data"},
	} {
		got := KindOfBody(tt.contentType, []byte(tt.body))
		if got != tt.want || got.String() != tt.words {
			t.Errorf("KindOfBody(%q, %q) = %d %q, want %d %q", tt.contentType, tt.body, got, got, tt.want, tt.words)
		}
	}
}

func TestHTTPClient(t *testing.T) {
	def, err := HTTPClient(nil, "cryptomus")
	if err != nil || def.Timeout != DefaultTimeout || def.CheckRedirect == nil ||
		def.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
		t.Errorf("default client: %+v, %v", def, err)
	}
	own := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS13}}}
	if got, err := HTTPClient(own, "cryptomus"); got != own || err != nil {
		t.Errorf("a safe client is not used as it is: %v, %v", got, err)
	}
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	_, err = HTTPClient(insecure, "cryptoprocessing")
	if err == nil || err.Error() != "cryptoprocessing: the HTTP client skips TLS certificate checks; the terminal does not talk to a payment provider that way" {
		t.Errorf("insecure client: %v", err)
	}
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct {
		in, label string
		secrets   []string
		want      string
	}{
		{"key k3y in k3y", "[key]", []string{"k3y"}, "key [key] in [key]"},
		{"no secret", "[key]", []string{""}, "no secret"},
		{"a-secret and an-api-key", "[key]", []string{"a-secret", "an-api-key"}, "[key] and [key]"},
		{"the payment key pk-1", "[payment key]", []string{"pk-1", ""}, "the payment key [payment key]"},
	} {
		if got := Redact(tt.in, tt.label, tt.secrets...); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	err := Redacted(fmt.Errorf("dial https://x?key=pk-1: %w", syscall.ECONNREFUSED), func(s string) string { return Redact(s, "[key]", "pk-1") })
	if err.Error() != "dial https://x?key=[key]: connection refused" || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Redacted = %q", err)
	}
}

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{"Payment not found", "Payment not found."},
		{" Invalid Sign. ", "Invalid Sign."},
		{"Really?", "Really?"},
		{"Stop!", "Stop!"},
	} {
		if got := Sentence(tt.in); got != tt.want {
			t.Errorf("Sentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		status int
		msg    string
		want   string
	}{
		{502, "", " (HTTP 502)"},
		{500, "Server error, #1", " (HTTP 500: Server error, #1)"},
		{429, " Too many requests. ", " (HTTP 429: Too many requests)"},
		{404, ".", " (HTTP 404)"},
	} {
		if got := StatusNote(tt.status, tt.msg); got != tt.want {
			t.Errorf("StatusNote(%d, %q) = %q, want %q", tt.status, tt.msg, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"on\n  one\tline ", 20, "on one line"},
		{"esc\x1b[2J bell\a csi\u009b nel\u0085 ls\u2028end", 60, "esc [2J bell csi nel ls end"},
		{"bad\xffutf8", 20, "bad\ufffdutf8"},
		{"0123456789", 4, "0123…"},
		{"café au lait", 4, "caf…"}, // é is two bytes: cut before it
		{"", 3, ""},
	} {
		if got := Shorten(tt.in, tt.n); got != tt.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	if got := Snippet(strings.Repeat("x ", 2000)); len(got) != SnippetLen+len("…") {
		t.Errorf("Snippet is %d bytes", len(got))
	}
	for n, want := range map[int]string{1: "it", 2: "them", 5: "them"} {
		if got := ItOrThem(n); got != want {
			t.Errorf("ItOrThem(%d) = %q", n, got)
		}
	}
}

func TestCheckServiceURL(t *testing.T) {
	const example = "https://api.example.com/v1"
	for _, tt := range []struct {
		in   string
		want string // part of the problem; "" when fine
	}{
		{"https://api.example.com/v1", ""},
		{"https://203.0.113.7/v1", ""},
		{"http://127.0.0.1:8090/v1", ""},
		{"http://127.8.9.10/v1", ""},
		{"http://[::1]:8090", ""},
		{"http://localhost:8090", ""},
		{"http://sandbox.localhost", ""},
		{"http://10.0.0.2:8090", ""},
		{"http://172.16.5.1", ""},
		{"http://192.168.1.10:8090", ""},
		{"http://[fd00::1]:8090", ""},
		{"http://api.example.com/v1", "is not encrypted: use https://"},
		{"http://203.0.113.7/v1", "is not encrypted"},
		{"http://localhost.example.com", "is not encrypted"},
		{"http://172.32.0.1", "is not encrypted"},
		{"api.example.com/v1", "is not a web address like " + example},
		{"ftp://api.example.com", "is not a web address"},
		{"https://", "is not a web address"},
		{"https://user:pw@api.example.com", "without a user name, query or #"},
		{"https://api.example.com/v1?x=1", "without a user name, query or #"},
		{"https://api.example.com/v1#top", "without a user name, query or #"},
	} {
		got := CheckServiceURL(tt.in, example)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckServiceURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "pw") {
			t.Errorf("CheckServiceURL(%q) shows the password: %q", tt.in, got)
		}
	}
}
