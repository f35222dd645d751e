//go:build unix

package crash

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var (
	// binPath is the cryptopos binary TestMain built.
	binPath string
	// skipReason, when set, skips every test: the binary could not be built.
	skipReason string
)

// TestMain builds cryptopos once for all the tests, or skips them all when
// it cannot.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "cryptopos-crash-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "cryptopos")
	build := exec.Command("go", "build", "-o", binPath, "cryptopos")
	if out, err := build.CombinedOutput(); err != nil {
		skipReason = fmt.Sprintf("cannot build cryptopos: %v\n%s", err, out)
		fmt.Fprintln(os.Stderr, "crash: skipping every test:", skipReason)
	}
	return m.Run()
}

// needBinary skips t when the binary could not be built.
func needBinary(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}
