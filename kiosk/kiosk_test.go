package kiosk

import (
	"strings"
	"testing"
	"time"

	"cryptopos/pos/postest"
)

func TestHashAndMatch(t *testing.T) {
	h, err := Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "pbkdf2-sha256$100000$") || strings.Contains(h, "2468") {
		t.Fatalf("hash %q", h)
	}
	if !Matches(h, "2468") || Matches(h, "2469") || Matches(h, "") {
		t.Fatal("matching is wrong")
	}
	if h2, _ := Hash("2468"); h2 == h {
		t.Fatal("two hashes of one PIN are equal: no salt")
	}
	if err := CheckHash(h); err != nil {
		t.Fatal(err)
	}
}

func TestBadPINsAndHashes(t *testing.T) {
	for _, pin := range []string{"", "123", "1234567890123", "12a4", " 1234"} {
		if _, err := Hash(pin); err == nil {
			t.Errorf("PIN %q accepted", pin)
		}
	}
	for _, h := range []string{"", "2468", "pbkdf2-sha256$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"md5$100000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "pbkdf2-sha256$100000$!!$aGFzaA"} {
		if CheckHash(h) == nil || Matches(h, "2468") {
			t.Errorf("hash %q accepted", h)
		}
	}
}

func TestLimiterPausesDouble(t *testing.T) {
	clock := postest.NewClock(time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC))
	l := &Limiter{Clock: clock}
	for i := 0; i < 2; i++ {
		if d := l.Record(false); d != 0 {
			t.Fatalf("wrong PIN %d locked for %v", i+1, d)
		}
	}
	for _, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} {
		if d := l.Record(false); d != want {
			t.Fatalf("lock %v, want %v", d, want)
		}
		if l.Wait() != want {
			t.Fatalf("wait %v", l.Wait())
		}
		clock.Advance(want)
		if l.Wait() != 0 {
			t.Fatal("still locked after the pause")
		}
	}
	for i := 0; i < 10; i++ {
		l.Record(false)
	}
	if l.Wait() != MaxPause {
		t.Fatalf("pause grew to %v", l.Wait())
	}
	clock.Advance(MaxPause)
	l.Record(true)
	if l.Record(false) != 0 {
		t.Fatal("a right PIN did not reset the count")
	}
}
