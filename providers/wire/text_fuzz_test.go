package wire

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzOneLine checks OneLine, which makes a provider's words safe for the
// cashier's screen, and Sentence and StatusNote, which use it:
//   - the result is valid UTF-8 on one line, without control characters
//     or Unicode line separators, without leading, trailing or double
//     spaces;
//   - nothing is deleted: the input's other characters all remain, in
//     order (so redacted text cannot join into a secret);
//   - OneLine is idempotent;
//   - Sentence ends with a full stop, "!" or "?" unless it is empty, and
//     StatusNote is " (HTTP n)" or " (HTTP n: …)".
func FuzzOneLine(f *testing.F) {
	for _, s := range []string{"", "Payment not found", " a\r\nb\tc ", "\x1b[2J\a", "x\u2028y\u2029z", "\xff\xfe", "é\u0085\u00a0ü", "  .  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := OneLine(s)
		if !utf8.ValidString(got) || strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("OneLine(%q) = %q", s, got)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }); i >= 0 {
			t.Fatalf("OneLine(%q) = %q, with a control character at %d", s, got, i)
		}
		var want []rune
		for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
			if !unicode.IsSpace(r) && !unicode.IsControl(r) && r != '\u2028' && r != '\u2029' {
				want = append(want, r)
			}
		}
		if kept := strings.ReplaceAll(got, " ", ""); kept != string(want) {
			t.Fatalf("OneLine(%q) = %q, which drops or adds characters (want %q without spaces)", s, got, string(want))
		}
		if again := OneLine(got); again != got {
			t.Fatalf("OneLine is not idempotent: %q, then %q", got, again)
		}
		if sen := Sentence(s); sen != "" && !strings.HasSuffix(sen, ".") && !strings.HasSuffix(sen, "!") && !strings.HasSuffix(sen, "?") {
			t.Fatalf("Sentence(%q) = %q", s, sen)
		}
		note := StatusNote(502, s)
		if !strings.HasPrefix(note, " (HTTP 502") || !strings.HasSuffix(note, ")") || strings.ContainsAny(note, "\r\n") {
			t.Fatalf("StatusNote(502, %q) = %q", s, note)
		}
	})
}
