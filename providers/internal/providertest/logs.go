// Package providertest holds test helpers the provider packages share.
package providertest

import (
	"bytes"
	"cryptopos/pos"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// Logs collects log output for a test to look at; it is safe for
// concurrent use.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String is everything written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Logger is a text logger at debug level that writes to l.
func (l *Logs) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// CheckProviderMessage checks that err is a *pos.ProviderError carrying the
// provider's own words want, and that the "request failed" warning in logs
// carries them too.
func CheckProviderMessage(t testing.TB, err error, logs string, want string) {
	t.Helper()
	var pe *pos.ProviderError
	if !errors.As(err, &pe) {
		t.Fatalf("want a *pos.ProviderError, got %T %v", err, err)
	}
	if pe.ProviderMessage != want {
		t.Errorf("ProviderMessage %q, want %q", pe.ProviderMessage, want)
	}
	var warn string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "level=WARN") && strings.Contains(l, "request failed") {
			warn = l
		}
	}
	if field := fmt.Sprintf("provider_message=%q", want); !strings.Contains(warn, field) {
		t.Errorf("the warning lacks %s:\n%s", field, logs)
	}
}
