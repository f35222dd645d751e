package relay

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cryptopos/internal/sqlitefile/sqlitetest"
)

// crash is TestCrashSafety's harness; TestHelperProcess is its child.
var crash = sqlitetest.Crash{
	Env:      "CRYPTOPOS_RELAY_CRASH",
	Helper:   "TestHelperProcess",
	Kills:    8,
	MaxLines: 400,
	Watchdog: 30 * time.Second,
}

var crashStatuses = []string{"created", "pending", "processing", "confirmed"}

// TestHelperProcess is the child of TestCrashSafety, not a test: several
// goroutines store callbacks until the process is killed, printing
// "ack ID VERSION CALLBACKS" once each Put has returned.
func TestHelperProcess(t *testing.T) {
	path, prefix, ok := crash.Child()
	if !ok {
		return
	}
	s, err := OpenStore(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	var out sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for i := 0; i < 100_000; i++ {
				// Several goroutines share each invoice, in random order.
				id := fmt.Sprintf("%s-%04d", prefix, (i/8)*2+g%2)
				rec, _, err := s.Put(ctx, "fake", cb(id, crashStatuses[r.IntN(len(crashStatuses))]), time.Now(), newer)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				// os.Stdout is unbuffered: the line is in the pipe when
				// Fprintf returns.
				out.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %d %d\n", id, rec.Version, rec.Callbacks)
				out.Unlock()
			}
		}()
	}
	wg.Wait()
	os.Exit(0)
}

// TestCrashSafety kills a process storing callbacks at random moments and
// checks that every write it acknowledged is in the store, records agree
// with the log, and the file is sound. (SIGKILL loses what the process had
// not handed to the OS; this tests the process-crash half of
// synchronous=FULL.)
func TestCrashSafety(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relay.db")
	ctx := context.Background()
	for round := range crash.Rounds() {
		type ack struct{ version, callbacks int64 }
		acked := map[string]ack{} // the highest acknowledged per invoice
		kill := crash.Kill(t, round, path, func(line string) bool {
			f := strings.Fields(line)
			if len(f) != 4 || f[0] != "ack" {
				return false
			}
			v, _ := strconv.ParseInt(f[2], 10, 64)
			c, _ := strconv.ParseInt(f[3], 10, 64)
			a := acked[f[1]]
			acked[f[1]] = ack{max(a.version, v), max(a.callbacks, c)}
			return true
		})

		s, err := OpenStore(path)
		if err != nil {
			t.Fatalf("round %d: reopening after the kill: %v", round, err)
		}
		for id, a := range acked {
			rec, err := s.Get(ctx, "fake", id)
			if err != nil {
				t.Errorf("round %d: %s was acknowledged: %v", round, id, err)
				continue
			}
			if rec.Version < a.version || rec.Callbacks < a.callbacks {
				t.Errorf("round %d: %s is v%d c%d, but v%d c%d was acknowledged", round, id, rec.Version, rec.Callbacks, a.version, a.callbacks)
			}
		}
		checkConsistent(t, s.db)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after %d lines; %d invoices acknowledged", round, kill, len(acked))
	}
}
