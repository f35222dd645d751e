package sqlitetest

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Crash is a crash-safety test. Its child, the test binary running only
// the test function Helper, writes to a file and prints a line for each
// write it saw committed; the parent, the test, kills the child with
// SIGKILL at a random moment, then reopens the file to check that every
// acknowledged write is there.
//
// SIGKILL loses what the process had not handed to the OS; the OS's
// buffers survive it, so this tests the process-crash half of
// synchronous=FULL.
type Crash struct {
	// Env begins the names of the child's environment: Env+"_PATH" is the
	// file, Env+"_PREFIX" a prefix for the ids it writes, unique to the
	// round.
	Env string
	// Helper is the name of the test function that is the child, e.g.
	// "TestHelperProcess". It must return at once when Child reports false.
	Helper string
	// Kills is how many rounds the test runs (at most 3 with -short).
	Kills int
	// MaxLines: the child is killed a random while after its
	// 1 + rand.IntN(MaxLines)th acknowledgement.
	MaxLines int
	// Watchdog kills a child that hangs, rather than the test.
	Watchdog time.Duration
}

// Child reports whether this process is the child, and if so the file it
// is to write and the prefix of its ids.
func (c Crash) Child() (path, prefix string, ok bool) {
	path = os.Getenv(c.Env + "_PATH")
	return path, os.Getenv(c.Env + "_PREFIX"), path != ""
}

// Rounds is how many rounds the test is to run: c.Kills, or at most 3
// with -short.
func (c Crash) Rounds() int {
	if testing.Short() {
		return min(3, c.Kills)
	}
	return c.Kills
}

// Kill runs one round: it starts the child on path with the prefix
// "pos-rNN" (NN the round), passes ack each line the child prints, and
// kills the child a random while (up to half a millisecond, spinning, so
// that the kill lands anywhere in the child's next writes) after the kill-th
// line that ack reports to be an acknowledgement. It reads on to the end of
// the output, since lines already in the pipe were committed too, waits for
// the child, and returns kill. It fails t if the child stops before.
func (c Crash) Kill(t *testing.T, round int, path string, ack func(line string) bool) (kill int) {
	t.Helper()
	if _, _, child := c.Child(); child {
		t.Skip("running as the helper process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip("cannot find the test binary to run as a child: ", err)
	}
	prefix := fmt.Sprintf("pos-r%02d", round)
	kill = 1 + rand.IntN(c.MaxLines) // lines to read before the kill

	cmd := exec.Command(exe, "-test.run=^"+c.Helper+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), c.Env+"_PATH="+path, c.Env+"_PREFIX="+prefix)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	watchdog := time.AfterFunc(c.Watchdog, func() { cmd.Process.Kill() })

	lines := 0
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if !ack(sc.Text()) {
			continue // not ours (test framework output)
		}
		if lines++; lines == kill {
			// Land anywhere in the child's next writes, not just where it
			// prints: spin (not sleep) a random while.
			for start, d := time.Now(), time.Duration(rand.IntN(500))*time.Microsecond; time.Since(start) < d; {
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
		// Keep reading: lines already in the pipe were committed too.
	}
	watchdog.Stop()
	werr := cmd.Wait()
	if lines < kill {
		t.Fatalf("round %d: the child stopped after %d lines (%v): %s", round, lines, werr, stderr.String())
	}
	return kill
}
