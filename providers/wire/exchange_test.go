package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
)

func TestExchangeSend(t *testing.T) {
	const secret = "s3cret-key-0123456789"
	classify := func(status int, _ string, body []byte) (json.RawMessage, *pos.ProviderError) {
		if status == http.StatusOK {
			return body, nil
		}
		return nil, &pos.ProviderError{Kind: pos.ErrKindRejected, HTTPStatus: status,
			Message: "Acme refused the request.", ProviderMessage: string(body)}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc // nil: nobody listens
		result  string
		kind    pos.ErrorKind
		message string
		logged  []string
	}{
		{name: "ok", handler: func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"a":1}`)) },
			result: `{"a":1}`, logged: []string{`msg="acme: ok" op=create http_status=200`}},
		{name: "refused, the provider's words cleaned in the warning",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(422)
				_, _ = w.Write([]byte("bad key " + secret + "\x1b[2J"))
			},
			kind: pos.ErrKindRejected, message: "Acme refused the request.",
			logged: []string{`level=WARN msg="acme: request failed" op=create http_status=422 err="Acme refused the request." provider_message="bad key [key] [2J"`}},
		{name: "too large", handler: func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(bytes.Repeat([]byte("x"), MaxReply+1))
		}, kind: pos.ErrKindBadReply, message: "Acme sent a reply too large to read (over 1 MiB).", logged: []string{`msg="acme: reply too large"`}},
		{name: "cut short", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte("{"))
		}, kind: pos.ErrKindTransport, message: "the connection was cut while the answer arrived", logged: []string{`msg="acme: answer cut short"`}},
		{name: "no answer", kind: pos.ErrKindTransport, message: "Cannot reach Acme: connection refused.",
			logged: []string{`level=WARN msg="acme: no answer" op=create`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			if tt.handler == nil {
				srv.Close()
			} else {
				defer srv.Close()
			}
			var logs bytes.Buffer
			x := Exchange{Provider: "Acme", Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
				Prefix: "acme", Op: "create", Now: time.Now, Classify: classify,
				Clean: func(s string) string { return Redact(s, "[key]", secret) }}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/?k="+secret, strings.NewReader("{}"))
			result, err := x.Send(srv.Client(), req)
			if tt.message == "" {
				if err != nil || string(result) != tt.result {
					t.Fatalf("Send = %s, %v; want %s", result, err, tt.result)
				}
			} else {
				var pe *pos.ProviderError
				if !errors.As(err, &pe) || pe.Kind != tt.kind || !strings.Contains(pe.Message, tt.message) {
					t.Fatalf("Send error %#v, want kind %d with %q", err, tt.kind, tt.message)
				}
				if pe.Err != nil && strings.Contains(pe.Err.Error(), secret) {
					t.Errorf("the error shows the secret: %v", pe.Err)
				}
			}
			for _, want := range tt.logged {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("the log lacks %s:\n%s", want, logs.String())
				}
			}
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the log shows the secret:\n%s", logs.String())
			}
		})
	}
}
