package cryptoprocessing

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The flex types decode one field tolerantly (spec §12): ids and amounts
// come as strings or numbers, timestamps and addresses may be null, and one
// documented example even shows "0.106.75000000". A value of an unexpected
// type leaves the field unset (keeping the raw text) instead of failing the
// whole reply.

// flexDecimal is an amount given as a JSON string, a number or null.
type flexDecimal struct {
	V     decimal.Decimal
	Valid bool
	Raw   string // the text as sent, also when it is not a number
}

func (f *flexDecimal) UnmarshalJSON(b []byte) error {
	*f = flexDecimal{}
	s, _ := scalarText(b)
	f.Raw = s
	if s == "" {
		return nil
	}
	if d, err := decimal.NewFromString(s); err == nil {
		f.V, f.Valid = d, true
	}
	return nil
}

// flexString is text given as a string, a number, a bool or null; numbers
// keep their digits as written (an id 826900 reads "826900").
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	s, _ := scalarText(b)
	*f = flexString(s)
	return nil
}

// flexUnix is a Unix time in seconds, given as a number, a string or null.
type flexUnix struct{ T time.Time }

func (f *flexUnix) UnmarshalJSON(b []byte) error {
	*f = flexUnix{}
	s, _ := scalarText(b)
	if d, err := decimal.NewFromString(s); err == nil && d.IsPositive() {
		f.T = time.Unix(d.IntPart(), 0).UTC()
	}
	return nil
}

// flexInt is a whole number given as a number, a string or null.
type flexInt struct {
	V     int64
	Valid bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	*f = flexInt{}
	s, _ := scalarText(b)
	if d, err := decimal.NewFromString(s); err == nil {
		f.V, f.Valid = d.IntPart(), true
	}
	return nil
}

// scalarText returns a JSON scalar as text: a string's contents, a number's
// digits, "true"/"false"; "" for null. ok is false for objects, arrays and
// malformed input.
func scalarText(b []byte) (string, bool) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return "", true
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	case b[0] == '{' || b[0] == '[':
		return "", false
	}
	return string(b), true
}
