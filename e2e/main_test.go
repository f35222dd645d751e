package e2e

import (
	"cryptopos/e2e/e2ekit"
	"fmt"
	"os"
	"os/exec"
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
	bin, remove, err := e2ekit.Build("cryptopos-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer remove()
	binPath = bin
	return m.Run()
}

// needTmux skips t when the package's tests cannot run here.
func needTmux(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}
