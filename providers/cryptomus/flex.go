package cryptomus

import (
	"time"

	"cryptopos/providers/flexjson"
)

// The tolerant field types of the replies are package flexjson's; the
// times are Cryptomus's own. flexUnix is not flexjson.Unix: Cryptomus may
// send ISO text in place of Unix seconds, and the time is read in the local
// zone.

// flexUnix is a Unix time in seconds, given as a number or a string (see
// flexjson.UnixSeconds: zero, negative and huge numbers are no time), or an
// ISO time in its place.
type flexUnix struct{ T time.Time }

func (f *flexUnix) UnmarshalJSON(b []byte) error {
	*f = flexUnix{}
	s, _ := flexjson.ScalarText(b)
	if s == "" {
		return nil
	}
	if secs, ok := flexjson.UnixSeconds(s); ok {
		f.T = time.Unix(secs, 0)
	} else if t, ok := parseTime(s); ok {
		f.T = t
	}
	return nil
}

// flexTime is an ISO-8601 time with an offset (Cryptomus uses +03:00).
type flexTime struct{ T time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	s, _ := flexjson.ScalarText(b)
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
