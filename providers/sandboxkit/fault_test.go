package sandboxkit

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	start := time.Now()
	if !Wait(r, 20*time.Millisecond) || time.Since(start) < 20*time.Millisecond {
		t.Errorf("Wait returned early or reported the client gone")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	if Wait(r.WithContext(ctx), time.Hour) || time.Since(start) > time.Minute {
		t.Errorf("Wait did not notice the client gone")
	}
}
