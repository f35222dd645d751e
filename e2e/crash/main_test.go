//go:build unix

package crash

import (
	"cryptopos/e2e/e2ekit"
	"fmt"
	"os"
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
	bin, remove, err := e2ekit.Build("cryptopos-crash-bin-")
	if err != nil {
		skipReason = err.Error()
		fmt.Fprintln(os.Stderr, "crash: skipping every test:", skipReason)
		return m.Run()
	}
	defer remove()
	binPath = bin
	return m.Run()
}

// needBinary skips t when the binary could not be built.
func needBinary(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}
