package crash

import (
	"go/ast"
	"go/parser"
	"go/token"
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

// constantTime are the functions that compare a secret with what a client
// sent: the relay's bearer token, Cryptoprocessing's signature and API key,
// Cryptomus's webhook sign.
var constantTime = []struct{ file, recv, name string }{
	{"relay/server.go", "Server", "authorized"},
	{"providers/cryptoprocessing/sign.go", "", "VerifySignature"},
	{"providers/cryptoprocessing/receiver.go", "Receiver", "Receive"},
	{"providers/cryptomus/webhook.go", "webhookReceiver", "Receive"},
}

// secretNames are the identifiers that hold secrets, or values derived
// from them, in those functions.
var secretNames = map[string]bool{
	"token": true, "tokenSum": true, "sum": true, "key": true, "apiKey": true, "secretKey": true,
	"sig": true, "signature": true, "sign": true, "given": true, "want": true, "digest": true, "h": true,
}

// TestSecretsComparedInConstantTime reads the functions that check a
// token, a key or a signature, and fails unless each compares with
// crypto/subtle or hmac.Equal, and none compares a secret with == or !=,
// bytes.Equal, strings.Compare or strings.EqualFold (whose time depends on
// where the first difference is). Comparing with a literal ("" for a
// missing header, the result 1 of ConstantTimeCompare) and lengths is
// allowed: neither tells anything of the secret.
func TestSecretsComparedInConstantTime(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range constantTime {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, filepath.Join(root, c.file), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var fn *ast.FuncDecl
		for _, d := range f.Decls {
			if d, ok := d.(*ast.FuncDecl); ok && d.Name.Name == c.name && receiverName(d) == c.recv {
				fn = d
			}
		}
		where := c.file + ": " + c.name
		if fn == nil {
			t.Errorf("%s: no such function; if it moved, point this test at the code that compares the secret now", where)
			continue
		}
		constant := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch callName(n) {
				case "subtle.ConstantTimeCompare", "hmac.Equal":
					constant = true
				case "bytes.Equal", "strings.Compare", "bytes.Compare", "reflect.DeepEqual", "strings.EqualFold":
					if !anyLiteral(n.Args...) {
						t.Errorf("%s (%s): %s compares a value in variable time", where, fset.Position(n.Pos()), callName(n))
					}
				}
			case *ast.BinaryExpr:
				if (n.Op == token.EQL || n.Op == token.NEQ) && !anyLiteral(n.X, n.Y) && (mentionsSecret(n.X) || mentionsSecret(n.Y)) {
					t.Errorf("%s (%s): a secret is compared with %s", where, fset.Position(n.Pos()), n.Op)
				}
			}
			return true
		})
		if !constant {
			t.Errorf("%s compares with neither subtle.ConstantTimeCompare nor hmac.Equal", where)
		}
	}
}

func receiverName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	typ := d.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func callName(c *ast.CallExpr) string {
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if pkg, ok := sel.X.(*ast.Ident); ok {
			return pkg.Name + "." + sel.Sel.Name
		}
	}
	return ""
}

// anyLiteral reports whether one of the expressions is a literal, nil or
// a length.
func anyLiteral(es ...ast.Expr) bool {
	for _, e := range es {
		switch e := e.(type) {
		case *ast.BasicLit:
			return true
		case *ast.Ident:
			if e.Name == "nil" {
				return true
			}
		case *ast.CallExpr:
			if id, ok := e.Fun.(*ast.Ident); ok && id.Name == "len" {
				return true
			}
		}
	}
	return false
}

func mentionsSecret(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && secretNames[id.Name] {
			found = true
		}
		return !found
	})
	return found
}
