package cryptomus

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The flex types decode one field of a reply tolerantly: a value of an
// unexpected type leaves the field unset instead of failing the whole reply,
// because Cryptomus and its SDKs disagree on types (amounts as strings or
// numbers, discount_percent as int or string) and fields are often null.

// flexDecimal is an amount given as a JSON string, a number or null.
type flexDecimal struct {
	V     decimal.Decimal
	Valid bool
}

func (f *flexDecimal) UnmarshalJSON(b []byte) error {
	*f = flexDecimal{}
	if s, ok := scalarText(b); ok && s != "" {
		if d, err := decimal.NewFromString(s); err == nil {
			f.V, f.Valid = d, true
		}
	}
	return nil
}

// flexString is text given as a string, a number, a bool or null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	s, _ := scalarText(b)
	*f = flexString(s)
	return nil
}

// flexBool is true, false, "true", "1", 1 or null.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	s, _ := scalarText(b)
	v, err := strconv.ParseBool(strings.ToLower(s))
	*f = flexBool(err == nil && v)
	return nil
}

// flexUnix is a Unix time in seconds, given as a number or a string.
type flexUnix struct{ T time.Time }

func (f *flexUnix) UnmarshalJSON(b []byte) error {
	*f = flexUnix{}
	s, _ := scalarText(b)
	if s == "" {
		return nil
	}
	if d, err := decimal.NewFromString(s); err == nil && d.IsPositive() {
		f.T = time.Unix(d.IntPart(), 0)
	} else if t, ok := parseTime(s); ok {
		f.T = t
	}
	return nil
}

// flexTime is an ISO-8601 time with an offset (Cryptomus uses +03:00).
type flexTime struct{ T time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	s, _ := scalarText(b)
	f.T, _ = parseTime(s)
	return nil
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
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
