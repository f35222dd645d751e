package wire

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redact replaces every non-empty secret in s with label, in order. It is
// for text that came from elsewhere (a proxy that echoes requests, an
// error that quotes one); the adapters never put secrets into such text
// themselves.
func Redact(s, label string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, label)
		}
	}
	return s
}

// Redacted returns err with its text passed through clean; errors.Is and
// errors.As still see err.
func Redacted(err error, clean func(string) string) error {
	return redactedError{err: err, text: clean(err.Error())}
}

type redactedError struct {
	err  error
	text string
}

func (e redactedError) Error() string { return e.text }
func (e redactedError) Unwrap() error { return e.err }

// SnippetLen is how much of a reply body a debug log line shows.
const SnippetLen = 2048

// Snippet is text (a reply body, already redacted) for the debug log: on
// one line and cut to SnippetLen bytes.
func Snippet(text string) string { return Shorten(text, SnippetLen) }

// Shorten puts s on one line (OneLine: control characters become spaces,
// runs of white space one space) and cuts it to at most n bytes on a rune
// boundary, marking the cut with "…".
func Shorten(s string, n int) string {
	s = OneLine(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Sentence puts s on one line (see OneLine) and ends it with a full stop
// unless it ends in ".", "!" or "?"; "" stays "".
func Sentence(s string) string {
	s = OneLine(s)
	if s == "" {
		return ""
	}
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// StatusNote is the HTTP status, and the provider's message on one line
// without its full stop when there is one, in parentheses after a space:
// " (HTTP 502)" or " (HTTP 500: Server error)".
func StatusNote(status int, msg string) string {
	if msg = strings.TrimSuffix(OneLine(msg), "."); msg != "" {
		return fmt.Sprintf(" (HTTP %d: %s)", status, msg)
	}
	return fmt.Sprintf(" (HTTP %d)", status)
}

// ItOrThem is "it" for one thing and "them" for more, for sentences such
// as "remove them from cryptomus.pay_currencies".
func ItOrThem(n int) string {
	if n > 1 {
		return "them"
	}
	return "it"
}

// OneLine makes text from elsewhere (a provider's message) safe to show in
// a terminal: control characters (line breaks, tabs, ESC and the rest of
// C0 and C1) and the Unicode line and paragraph separators become spaces,
// invalid UTF-8 becomes U+FFFD, and runs of white space become one space,
// trimmed. Nothing is deleted outright, so that redacted text cannot join
// into a secret.
func OneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}
