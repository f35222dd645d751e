package wire

import (
	"io"
	"strings"

	"cryptopos/pos"
)

// MaxReply caps how much of a reply is read: 1 MiB.
const MaxReply = 1 << 20

// ReadReply reads a reply body up to MaxReply bytes. tooLarge reports a
// body longer than that; data then holds what was read, one byte over the
// cap.
func ReadReply(body io.Reader) (data []byte, tooLarge bool, err error) {
	data, err = io.ReadAll(io.LimitReader(body, MaxReply+1))
	return data, err == nil && len(data) > MaxReply, err
}

// CutShort is the error of a reply whose body broke off while it was read;
// err is kept (redacted: see Redacted) for errors.Is.
func CutShort(provider string, status int, err error) *pos.ProviderError {
	return &pos.ProviderError{Kind: pos.ErrKindTransport, HTTPStatus: status,
		Message: "Cannot reach " + provider + ": the connection was cut while the answer arrived.",
		Err:     err}
}

// TooLarge is the error of a reply over MaxReply.
func TooLarge(provider string, status int) *pos.ProviderError {
	return &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: status,
		Message: provider + " sent a reply too large to read (over 1 MiB)."}
}

// BodyKind is what a reply is when it is not the data asked for.
type BodyKind int

// The kinds of bodies that are not data.
const (
	// EmptyBody is a reply without a body (or only white space).
	EmptyBody BodyKind = iota
	// WebPage is HTML: a proxy's or a gateway's error page.
	WebPage
	// BrokenJSON starts like JSON but is cut short or malformed.
	BrokenJSON
	// PlainText is anything else.
	PlainText
)

// KindOfBody tells what body is, from its Content-Type and its first
// byte. body is expected trimmed of white space.
func KindOfBody(contentType string, body []byte) BodyKind {
	switch {
	case len(body) == 0:
		return EmptyBody
	case strings.Contains(strings.ToLower(contentType), "html") || body[0] == '<':
		return WebPage
	case body[0] == '{' || body[0] == '[':
		return BrokenJSON
	}
	return PlainText
}

// String is the kind in the cashier's words: "an empty reply", "a web page
// instead of data", "data that is cut short or malformed" or "plain text
// instead of data".
func (k BodyKind) String() string {
	switch k {
	case EmptyBody:
		return "an empty reply"
	case WebPage:
		return "a web page instead of data"
	case BrokenJSON:
		return "data that is cut short or malformed"
	}
	return "plain text instead of data"
}
