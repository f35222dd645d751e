package relay

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The environment of the child process of TestCrashSafety.
const (
	crashEnvPath   = "CRYPTOPOS_RELAY_CRASH_PATH"
	crashEnvPrefix = "CRYPTOPOS_RELAY_CRASH_PREFIX"
)

var crashStatuses = []string{"created", "pending", "processing", "confirmed"}

// TestHelperProcess is the child of TestCrashSafety, not a test: several
// goroutines store callbacks until the process is killed, printing
// "ack ID VERSION CALLBACKS" once each Put has returned.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(crashEnvPath)
	if path == "" {
		return
	}
	s, err := OpenStore(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	prefix := os.Getenv(crashEnvPrefix)
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
	if os.Getenv(crashEnvPath) != "" {
		t.Skip("running as the helper process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip("cannot find the test binary to run as a child: ", err)
	}
	path := filepath.Join(t.TempDir(), "relay.db")
	ctx := context.Background()
	rounds := 8
	if testing.Short() {
		rounds = 3
	}
	for round := range rounds {
		prefix := fmt.Sprintf("pos-r%02d", round)
		kill := 1 + rand.IntN(400) // lines to read before the kill

		cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnvPath+"="+path, crashEnvPrefix+"="+prefix)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		watchdog := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })

		type ack struct{ version, callbacks int64 }
		acked := map[string]ack{} // the highest acknowledged per invoice
		lines := 0
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 4 || f[0] != "ack" {
				continue // not ours (test framework output)
			}
			v, _ := strconv.ParseInt(f[2], 10, 64)
			c, _ := strconv.ParseInt(f[3], 10, 64)
			a := acked[f[1]]
			acked[f[1]] = ack{max(a.version, v), max(a.callbacks, c)}
			if lines++; lines == kill {
				// Land anywhere in the child's next writes: spin a
				// random while.
				for start, d := time.Now(), time.Duration(rand.IntN(500))*time.Microsecond; time.Since(start) < d; {
				}
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
			}
		}
		watchdog.Stop()
		werr := cmd.Wait()
		if lines < kill {
			t.Fatalf("round %d: the child stopped after %d lines (%v): %s", round, lines, werr, stderr.String())
		}

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
