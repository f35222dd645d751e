package sandboxkit

import (
	"encoding/json"
	"io"
	"net/http"
)

// Reply answers status with body as contentType.
func Reply(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteJSON answers status with v as JSON (application/json).
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	Reply(w, status, "application/json", b)
}

// WriteError answers status with {"error": err's text}, the error shape of
// the admin endpoints.
func WriteError(w http.ResponseWriter, status int, err error) {
	WriteJSON(w, status, map[string]string{"error": err.Error()})
}

// MaxBody caps how much of a request body a sandbox reads: 1 MiB.
const MaxBody = 1 << 20

// ReadBody reads at most MaxBody bytes of r's body.
func ReadBody(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, MaxBody))
}

// NullIfEmpty is nil for "" (null in JSON) and &s otherwise.
func NullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
