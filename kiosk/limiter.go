package kiosk

import (
	"sync"
	"time"

	"cryptopos/pos"
)

// Limiter slows down PIN guessing: after Free wrong PINs in a row, each
// further wrong one locks entry for a pause that doubles, from 30 s up to
// 15 min. A right PIN resets it.
type Limiter struct {
	Clock pos.Clock
	Free  int // wrong PINs allowed before the pauses start (default 3)

	mu        sync.Mutex
	wrong     int
	lockedTil time.Time
}

// Pause limits of the Limiter.
const (
	FirstPause = 30 * time.Second
	MaxPause   = 15 * time.Minute
)

// Wait returns how long PIN entry stays locked; zero when a PIN may be tried.
func (l *Limiter) Wait() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if d := l.lockedTil.Sub(l.Clock.Now()); d > 0 {
		return d
	}
	return 0
}

// Record notes a tried PIN and returns the lock it caused, zero if none.
func (l *Limiter) Record(right bool) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if right {
		l.wrong, l.lockedTil = 0, time.Time{}
		return 0
	}
	l.wrong++
	free := l.Free
	if free <= 0 {
		free = 3
	}
	if l.wrong < free {
		return 0
	}
	pause := FirstPause
	for i := free; i < l.wrong && pause < MaxPause; i++ {
		pause *= 2
	}
	pause = min(pause, MaxPause)
	l.lockedTil = l.Clock.Now().Add(pause)
	return pause
}
