package cryptomus

import (
	"strings"
	"testing"
	"time"

	"cryptopos/pos/postest"
	"cryptopos/providers/internal/providertest"
)

// fakeClock is a pos.Clock that moves only when told.
type fakeClock = postest.Clock

func newFakeClock() *fakeClock {
	return postest.NewClock(time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC))
}

// logBuffer collects the client's log output at debug level.
type logBuffer = providertest.Logs

// newTestClient returns a client for baseURL with the test key, its log,
// and the clock it uses.
func newTestClient(t *testing.T, baseURL string, change ...func(*Config, *Options)) (*Client, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	cfg := Config{BaseURL: baseURL, Merchant: "merchant-uuid-1", PaymentKey: testKey}
	opts := Options{TerminalID: "pos-1", Logger: logs.Logger(), Clock: newFakeClock()}
	for _, f := range change {
		f(&cfg, &opts)
	}
	c, err := New(cfg, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testKey) {
			t.Errorf("the log shows the payment key:\n%s", logs.String())
		}
	})
	return c, logs
}
