// Package flexjson decodes single fields of a payment provider's JSON reply
// tolerantly. Providers and their SDKs disagree on types (amounts, ids and
// timestamps as strings or numbers, flags as true or "1") and send null for
// fields they have no value for; a field of an unexpected type is left
// unset instead of failing the whole reply.
package flexjson

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ScalarText returns a JSON scalar as text: a string's contents (trimmed),
// a number's digits, "true"/"false"; "" for null or nothing. ok is false for
// objects, arrays and malformed strings.
func ScalarText(b []byte) (text string, ok bool) {
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

// Decimal is an amount given as a JSON string, a number or null. Valid is
// false when there is no amount or it is not a number.
type Decimal struct {
	V     decimal.Decimal
	Valid bool
	// Raw is the text as sent, also when it is not a number.
	Raw string
}

// UnmarshalJSON never fails.
func (f *Decimal) UnmarshalJSON(b []byte) error {
	*f = Decimal{}
	s, _ := ScalarText(b)
	f.Raw = s
	if s == "" {
		return nil
	}
	if d, err := decimal.NewFromString(s); err == nil {
		f.V, f.Valid = d, true
	}
	return nil
}

// String is text given as a string, a number, a bool or null; numbers keep
// their digits as written (an id 826900 reads "826900").
type String string

// UnmarshalJSON never fails; an object or an array reads "".
func (f *String) UnmarshalJSON(b []byte) error {
	s, _ := ScalarText(b)
	*f = String(s)
	return nil
}

// Bool is true for a value strconv.ParseBool reads as true in lower case
// (true, "true", "TRUE", "1", 1, "t"), false for anything else, null
// included.
type Bool bool

// UnmarshalJSON never fails.
func (f *Bool) UnmarshalJSON(b []byte) error {
	s, _ := ScalarText(b)
	v, err := strconv.ParseBool(strings.ToLower(s))
	*f = Bool(err == nil && v)
	return nil
}

// Int is a whole number given as a number, a string or null; a fraction is
// cut off. Valid is false when there is no number, or it is beyond what an
// int64 holds (it is never wrapped around).
type Int struct {
	V     int64
	Valid bool
}

// UnmarshalJSON never fails.
func (f *Int) UnmarshalJSON(b []byte) error {
	*f = Int{}
	s, _ := ScalarText(b)
	if d, err := decimal.NewFromString(s); err == nil {
		f.V, f.Valid = wholeNumber(d)
	}
	return nil
}

var (
	minInt64 = decimal.NewFromInt(math.MinInt64)
	maxInt64 = decimal.NewFromInt(math.MaxInt64)
)

// wholeNumber is d with its fraction cut off; ok is false when that does
// not fit an int64 (decimal's IntPart would wrap it around).
func wholeNumber(d decimal.Decimal) (n int64, ok bool) {
	d = d.Truncate(0)
	if d.LessThan(minInt64) || d.GreaterThan(maxInt64) {
		return 0, false
	}
	return d.IntPart(), true
}

// MaxUnixSeconds is 9999-12-31T23:59:59Z, the last Unix second a provider
// can mean (and RFC 3339 can write).
const MaxUnixSeconds = 253402300799

// UnixSeconds reads s, a number as text, as Unix seconds with any fraction
// cut off. ok is false unless 0 < seconds <= MaxUnixSeconds: null, zero,
// a negative or a huge number, and anything that is not a number are no
// time (a huge number never wraps around to a time near 1970).
func UnixSeconds(s string) (secs int64, ok bool) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, false
	}
	secs, ok = wholeNumber(d)
	if !ok || secs <= 0 || secs > MaxUnixSeconds {
		return 0, false
	}
	return secs, true
}

// Unix is a time given as Unix seconds, a number or a string, read in UTC;
// null, zero, a negative number, a number past the year 9999 (see
// UnixSeconds) and anything else leave it zero.
type Unix struct{ T time.Time }

// UnmarshalJSON never fails.
func (f *Unix) UnmarshalJSON(b []byte) error {
	*f = Unix{}
	s, _ := ScalarText(b)
	if secs, ok := UnixSeconds(s); ok {
		f.T = time.Unix(secs, 0).UTC()
	}
	return nil
}
