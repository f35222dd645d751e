package sandboxkit

import (
	"strings"
	"testing"
)

func TestRandomFrom(t *testing.T) {
	for _, tt := range []struct {
		name     string
		got      string
		n        int
		alphabet string
	}{
		{"base58", RandomFrom(Base58, 33), 33, Base58},
		{"hex digits, even", RandomHexDigits(64), 64, HexDigits},
		{"hex digits, odd", RandomHexDigits(39), 39, HexDigits},
		{"none", RandomFrom(Base58, 0), 0, Base58},
	} {
		if len(tt.got) != tt.n {
			t.Errorf("%s: %q has %d characters, want %d", tt.name, tt.got, len(tt.got), tt.n)
		}
		if i := strings.IndexFunc(tt.got, func(r rune) bool { return !strings.ContainsRune(tt.alphabet, r) }); i >= 0 {
			t.Errorf("%s: %q has %q, not in the alphabet", tt.name, tt.got, tt.got[i])
		}
	}
	if RandomHexDigits(64) == RandomHexDigits(64) {
		t.Error("two random transaction ids are the same")
	}
}
