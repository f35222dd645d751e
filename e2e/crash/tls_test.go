package crash

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// skipVerify matches a TLS config that turns certificate checks off:
// InsecureSkipVerify set (in a literal or by assignment) to anything but
// false.
var skipVerify = regexp.MustCompile(`InsecureSkipVerify\s*(?::|=)\s*([^,}\s;]+)`)

// TestTLSVerificationNeverDisabled reads every Go source of the module,
// tests excepted, and fails if one switches TLS certificate verification
// off. (The provider clients also refuse an http.Client that does; that
// is tested in providers/wire.)
func TestTLSVerificationNeverDisabled(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	scanned := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for i, line := range strings.Split(string(b), "\n") {
			if m := skipVerify.FindStringSubmatch(line); m != nil && m[1] != "false" {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s:%d switches TLS certificate verification off: %s", rel, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("only %d Go files found under %s: not the module's sources", scanned, root)
	}
	for _, probe := range []string{"tls.Config{InsecureSkipVerify: true}", "c.InsecureSkipVerify = true", "InsecureSkipVerify:true,"} {
		if m := skipVerify.FindStringSubmatch(probe); m == nil || m[1] == "false" {
			t.Errorf("the check misses %q", probe)
		}
	}
}

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
