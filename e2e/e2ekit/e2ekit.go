// Package e2ekit holds what the end-to-end suites (e2e and e2e/crash) share:
// building the binary once, relay configs, the sandboxes' admin calls and
// small text helpers. Only tests import it.
package e2ekit

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// HTTPClient is the client the suites call sandboxes and relays with.
var HTTPClient = &http.Client{Timeout: 10 * time.Second}

// Build compiles cryptopos into a new temporary directory and returns the
// binary's path and a function that removes the directory.
func Build(prefix string) (bin string, remove func(), err error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	remove = func() { os.RemoveAll(dir) }
	bin = filepath.Join(dir, "cryptopos")
	if out, err := exec.Command("go", "build", "-o", bin, "cryptopos").CombinedOutput(); err != nil {
		remove()
		return "", nil, fmt.Errorf("cannot build cryptopos: %v\n%s", err, out)
	}
	return bin, remove, nil
}

// AdminCall calls a sandbox's admin endpoint and decodes its JSON answer
// into v (nil: none) on 200. It returns the HTTP status and the body.
func AdminCall(t testing.TB, method, url string, v any) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, body)
		}
	}
	return resp.StatusCode, string(body)
}

// RelayKeys are what a relay's config holds.
type RelayKeys struct {
	Token, APIKey, SecretKey string
}

// RelayConfig is a relay config (headed by the comment title) listening on
// a free loopback port, with its store and a debug log at the given paths.
func RelayConfig(title string, k RelayKeys, store, log string) string {
	return fmt.Sprintf(`# %s
[relay]
listen = "127.0.0.1:0"
token = %q
store = %q

[log]
path = %q
level = "debug"

[cryptoprocessing]
api_key = %q
secret_key = %q
`, title, k.Token, store, log, k.APIKey, k.SecretKey)
}

// Buffer is a bytes.Buffer safe for a writer and a reader at once: a
// process's output read while it runs.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// ReadFile is the file's text, "" when it cannot be read.
func ReadFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// RandomHex is n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
