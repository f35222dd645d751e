package providers

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

type section struct {
	Key     string
	FromEnv string
}

func (s *section) ApplyEnv(getenv func(string) string) {
	if v := getenv("KEY"); v != "" {
		s.Key = v
	}
}

func TestDecodeSection(t *testing.T) {
	fromFile := func(v any) error { v.(*section).Key = "file"; return nil }
	broken := func(any) error { return errors.New("cryptomus.lifetime: not a duration") }
	env := func(string) string { return "env" }
	noEnv := func(string) string { return "" }
	for _, tt := range []struct {
		name string
		env  Env
		want string
		err  string
	}{
		{"demo: no section, no environment", Env{}, "", ""},
		{"file only", Env{Section: fromFile, Getenv: noEnv}, "file", ""},
		{"the environment wins", Env{Section: fromFile, Getenv: env}, "env", ""},
		{"environment without a section", Env{Getenv: env}, "env", ""},
		{"a broken section", Env{Section: broken, Getenv: env}, "", "cryptomus.lifetime: not a duration"},
	} {
		var s section
		err := tt.env.DecodeSection(&s)
		if s.Key != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("%s: %q, %v", tt.name, s.Key, err)
		}
	}
}

func TestSandboxFlags(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		listen  string
		verbose bool
		extra   string
		err     string
	}{
		{nil, "127.0.0.1:8089", false, "", ""},
		{[]string{"--listen", "0.0.0.0:9000", "-v", "--merchant", "m-1"}, "0.0.0.0:9000", true, "m-1", ""},
		{[]string{"stray"}, "", false, "", `unexpected argument "stray"`},
		{[]string{"--nope"}, "", false, "", "flag provided but not defined: -nope"},
	} {
		var out bytes.Buffer
		fs := NewSandboxFlags("cryptomus", "127.0.0.1:8089", "log every request", &out)
		extra := fs.String("merchant", "", "the merchant id to accept")
		err := fs.Parse(tt.args)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || fs.Listen() != tt.listen || (fs.Logger() != nil) != tt.verbose || *extra != tt.extra {
			t.Errorf("%q: listen %q, logger %v, merchant %q, %v", tt.args, fs.Listen(), fs.Logger(), *extra, err)
		}
		if tt.verbose {
			fs.Logger().Debug("request", "path", "/v1/payment")
			if !strings.Contains(out.String(), "level=DEBUG msg=request path=/v1/payment") {
				t.Errorf("-v logs %q", out.String())
			}
		}
	}
	var usage bytes.Buffer
	fs := NewSandboxFlags("cryptoprocessing", "127.0.0.1:8091", "log every request and callback", &usage)
	_ = fs.Parse([]string{"-h"})
	want := `Usage of cryptopos sandbox cryptoprocessing:
  -listen ADDR
    	serve on ADDR (default "127.0.0.1:8091")
  -v	log every request and callback
`
	if usage.String() != want {
		t.Errorf("usage:\n%s\nwant:\n%s", usage.String(), want)
	}
}

func TestWaitForStop(t *testing.T) {
	var out bytes.Buffer
	stop := make(chan struct{})
	close(stop)
	WaitForStop(&out, stop, "Cryptomus", "Cryptomus sandbox listening on http://127.0.0.1:8089\n")
	if got := out.String(); got != "Cryptomus sandbox listening on http://127.0.0.1:8089\nCryptomus sandbox stopped.\n" {
		t.Errorf("printed %q", got)
	}
}

func TestFind(t *testing.T) {
	kits := []Kit{{Key: "cryptomus"}, {Key: "cryptoprocessing"}}
	if k, ok := Find(kits, "cryptoprocessing"); !ok || k.Key != "cryptoprocessing" {
		t.Errorf("Find = %+v, %t", k, ok)
	}
	if _, ok := Find(kits, "stripe"); ok {
		t.Error("found a kit that is not there")
	}
}
