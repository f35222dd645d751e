package e2e

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
	// skipReason, when set, skips every test: something they need is missing.
	skipReason string
)

// TestMain builds cryptopos once for all the tests, or skips them all when
// tmux is not installed.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if _, err := exec.LookPath("tmux"); err != nil {
		skipReason = "tmux is not installed: the end-to-end tests run the terminal in tmux " +
			"(install it, e.g. apt-get install tmux, to run them)"
		fmt.Fprintln(os.Stderr, "e2e: skipping every test:", skipReason)
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "cryptopos-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "cryptopos")
	build := exec.Command("go", "build", "-o", binPath, "cryptopos")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: cannot build cryptopos: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// needTmux skips t when the package's tests cannot run here.
func needTmux(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}
