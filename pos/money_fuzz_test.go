package pos

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// amountText is what a cashier's amount may look like once trimmed: digits
// with at most one '.' or ',' for the decimals (an oracle written apart from
// ParseAmount's own check).
var amountText = regexp.MustCompile(`^-?[0-9]*[.,]?[0-9]*$`)

// FuzzParseAmount checks ParseAmount on any input, any number of decimals
// (0 to 8) and any shop maximum:
//   - it never panics;
//   - it accepts exactly the inputs that are digits with one optional '.'
//     or ',' (surrounding blanks ignored), more than zero, with at most the
//     currency's decimals, and not above the maximum when one is set;
//   - an accepted amount is positive, at most the maximum, has at most that
//     many decimal places, equals the input's number, and parsing its
//     String() again gives the same value;
//   - a refused one is an *AmountError wrapping one of the ErrAmount…
//     values, with a one-line sentence for the cashier.
func FuzzParseAmount(f *testing.F) {
	f.Fuzz(func(t *testing.T, input string, decimals uint8, max string) {
		cur := Currency{Code: "XYZ", Decimals: int32(decimals % 9)}
		limit, err := decimal.NewFromString(max)
		if err != nil || limit.Exponent() < -40 || limit.Exponent() > 40 {
			// Not a number, or one whose scale alone would make every
			// comparison slow (1e999999999): the config's business.
			limit = decimal.Zero
		}

		got, err := ParseAmount(input, cur, limit)

		// The oracle.
		s := strings.TrimSpace(input)
		want := "accept"
		var value decimal.Decimal
		switch {
		case s == "":
			want = "empty"
		case !amountText.MatchString(s) || strings.Trim(s, "-.,") == "" || strings.Count(s, "-") > 1:
			want = "not valid"
		default:
			value = decimal.RequireFromString(strings.Replace(strings.TrimPrefix(s, "-"), ",", ".", 1))
			places := 0
			if i := strings.IndexAny(s, ".,"); i >= 0 {
				places = len(s) - i - 1
			}
			switch {
			case value.IsZero():
				want = "zero"
			case strings.HasPrefix(s, "-"):
				want = "negative"
			case places > int(cur.Decimals):
				want = "too precise"
			case limit.IsPositive() && value.GreaterThan(limit):
				want = "too large"
			}
		}

		if err != nil {
			var ae *AmountError
			if !errors.As(err, &ae) {
				t.Fatalf("ParseAmount(%q) error %T %v, want an *AmountError", input, err, err)
			}
			if ae.Message == "" || strings.ContainsAny(ae.Message, "\r\n") || !strings.HasSuffix(ae.Message, ".") ||
				!utf8.ValidString(ae.Message) {
				t.Fatalf("ParseAmount(%q) error %q is not a one-line sentence", input, ae.Message)
			}
			kinds := map[error]string{ErrAmountEmpty: "empty", ErrAmountNotValid: "not valid", ErrAmountZero: "zero",
				ErrAmountNegative: "negative", ErrAmountTooPrecise: "too precise", ErrAmountTooLarge: "too large"}
			kind, ok := kinds[ae.Err]
			if !ok {
				t.Fatalf("ParseAmount(%q) error %q wraps %v, none of the ErrAmount… values", input, ae.Message, ae.Err)
			}
			if kind != want {
				t.Fatalf("ParseAmount(%q, %d decimals, max %s) refused it as %s, want %s", input, cur.Decimals, limit, kind, want)
			}
			return
		}
		if want != "accept" {
			t.Fatalf("ParseAmount(%q, %d decimals, max %s) = %s, want it refused as %s", input, cur.Decimals, limit, got, want)
		}
		if !got.IsPositive() {
			t.Fatalf("ParseAmount(%q) = %s, not positive", input, got)
		}
		if limit.IsPositive() && got.GreaterThan(limit) {
			t.Fatalf("ParseAmount(%q) = %s, above the maximum %s", input, got, limit)
		}
		if !got.Equal(got.Round(cur.Decimals)) {
			t.Fatalf("ParseAmount(%q) = %s, more than %d decimal places", input, got, cur.Decimals)
		}
		if !got.Equal(value) {
			t.Fatalf("ParseAmount(%q) = %s, want %s", input, got, value)
		}
		again, err := ParseAmount(got.String(), cur, limit)
		if err != nil || !again.Equal(got) {
			t.Fatalf("ParseAmount(%q) = %s, but parsing %q again gives %s, %v", input, got, got.String(), again, err)
		}
	})
}

var (
	codePattern    = regexp.MustCompile(`^[A-Z0-9_-]{1,20}$`)
	networkPattern = regexp.MustCompile(`^[a-z0-9_-]{1,20}$`)
)

// FuzzParsePayOption checks ParsePayOption on any text:
//   - it never panics;
//   - an accepted option has an upper-case ASCII code and an empty or
//     lower-case ASCII network (letters, digits, _ and -, at most 20), its
//     String() parses back to the same option, and its Label() is valid
//     UTF-8 (it capitalizes the network's first byte);
//   - text with a colon has a network when accepted;
//   - a refusal is one line that quotes the text.
func FuzzParsePayOption(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParsePayOption(s)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, `"`) {
				t.Fatalf("ParsePayOption(%q) error %q is not one line quoting the text", s, msg)
			}
			return
		}
		if !codePattern.MatchString(o.Code) {
			t.Fatalf("ParsePayOption(%q) code %q is not upper-case letters, digits, _ or -", s, o.Code)
		}
		if o.Network != "" && !networkPattern.MatchString(o.Network) {
			t.Fatalf("ParsePayOption(%q) network %q is not lower-case letters, digits, _ or -", s, o.Network)
		}
		if strings.Contains(s, ":") && o.Network == "" {
			t.Fatalf("ParsePayOption(%q) has a colon but no network: %+v", s, o)
		}
		if o.CustomerChooses() {
			t.Fatalf("ParsePayOption(%q) = customer chooses", s)
		}
		again, err := ParsePayOption(o.String())
		if err != nil || again != o {
			t.Fatalf("ParsePayOption(%q) = %+v, but its String() %q parses to %+v, %v", s, o, o.String(), again, err)
		}
		if l := o.Label(); l == "" || !utf8.ValidString(l) {
			t.Fatalf("ParsePayOption(%q) = %+v, whose Label() %q is not valid text", s, o, l)
		}
	})
}
