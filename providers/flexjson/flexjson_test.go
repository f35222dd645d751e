package flexjson

import (
	"encoding/json"
	"testing"
	"time"
)

func TestScalarText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		text string
		ok   bool
	}{
		{``, "", true},
		{`null`, "", true},
		{` "  padded " `, "padded", true},
		{`"a\u00e9"`, "aé", true},
		{`12.50`, "12.50", true},
		{`true`, "true", true},
		{`{"a":1}`, "", false},
		{`[1]`, "", false},
		{`"unterminated`, "", false},
	} {
		if text, ok := ScalarText([]byte(tt.in)); text != tt.text || ok != tt.ok {
			t.Errorf("ScalarText(%s) = %q, %t; want %q, %t", tt.in, text, ok, tt.text, tt.ok)
		}
	}
}

func TestScalars(t *testing.T) {
	for _, tt := range []struct {
		in    string
		dec   string // "" when not valid
		raw   string
		str   string
		truth bool
		num   int64
		isNum bool
	}{
		{`"1.50"`, "1.5", "1.50", "1.50", false, 1, true},
		{`1.5`, "1.5", "1.5", "1.5", false, 1, true},
		{`0.000000012345678901`, "0.000000012345678901", "0.000000012345678901", "0.000000012345678901", false, 0, true},
		{`826900`, "826900", "826900", "826900", false, 826900, true},
		{`null`, "", "", "", false, 0, false},
		{`""`, "", "", "", false, 0, false},
		{`true`, "", "true", "true", true, 0, false},
		{`"TRUE"`, "", "TRUE", "TRUE", true, 0, false},
		{`"1"`, "1", "1", "1", true, 1, true},
		{`"0.106.75000000"`, "", "0.106.75000000", "0.106.75000000", false, 0, false},
		{`9223372036854775807`, "9223372036854775807", "9223372036854775807", "9223372036854775807", false, 9223372036854775807, true},
		{`-9223372036854775808.9`, "-9223372036854775808.9", "-9223372036854775808.9", "-9223372036854775808.9", false, -9223372036854775808, true},
		{`9223372036854775808`, "9223372036854775808", "9223372036854775808", "9223372036854775808", false, 0, false},
		{`"18446744073709551617"`, "18446744073709551617", "18446744073709551617", "18446744073709551617", false, 0, false},
		{`-9223372036854775809`, "-9223372036854775809", "-9223372036854775809", "-9223372036854775809", false, 0, false},
		{`{"a":1}`, "", "", "", false, 0, false},
		{`[1]`, "", "", "", false, 0, false},
	} {
		var d Decimal
		var s String
		var b Bool
		var n Int
		for _, target := range []json.Unmarshaler{&d, &s, &b, &n} {
			if err := target.UnmarshalJSON([]byte(tt.in)); err != nil {
				t.Errorf("%s: %v", tt.in, err)
			}
		}
		if d.Valid != (tt.dec != "") || (d.Valid && d.V.String() != tt.dec) || d.Raw != tt.raw {
			t.Errorf("Decimal(%s) = %v %v %q", tt.in, d.V, d.Valid, d.Raw)
		}
		if string(s) != tt.str || bool(b) != tt.truth {
			t.Errorf("String(%s) = %q, Bool = %t", tt.in, s, b)
		}
		if n.Valid != tt.isNum || n.V != tt.num {
			t.Errorf("Int(%s) = %d %t", tt.in, n.V, n.Valid)
		}
	}
}

// A field of the wrong type leaves it unset without failing the reply.
func TestInAStruct(t *testing.T) {
	var v struct {
		Amount Decimal `json:"amount"`
		ID     String  `json:"id"`
		Final  Bool    `json:"is_final"`
		Count  Int     `json:"count"`
	}
	v.Amount.Valid, v.Count.Valid = true, true
	if err := json.Unmarshal([]byte(`{"amount":{"x":1},"id":42,"is_final":"1","count":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Amount.Valid || v.ID != "42" || !bool(v.Final) || v.Count.Valid {
		t.Errorf("decoded %+v", v)
	}
}

func TestUnix(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time // zero when unset
	}{
		{`1689098133`, time.Unix(1689098133, 0)},
		{`"1689098133"`, time.Unix(1689098133, 0)},
		{`1689098133.9`, time.Unix(1689098133, 0)},
		{`null`, time.Time{}},
		{`0`, time.Time{}},
		{`-5`, time.Time{}},
		{`"2023-07-11T21:15:33+03:00"`, time.Time{}},
		{`{}`, time.Time{}},
		{`0.5`, time.Time{}},
		{`253402300799`, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{`253402300800`, time.Time{}},
		{`"18446744073709551617"`, time.Time{}}, // wrapped around to 1970-01-01T00:00:01Z once
		{`18446744073709551616`, time.Time{}},
		{`9223372036854775807`, time.Time{}},
		{`1e9999`, time.Time{}},
		{`-1e9999`, time.Time{}},
	} {
		var u Unix
		if err := u.UnmarshalJSON([]byte(tt.in)); err != nil || !u.T.Equal(tt.want) || (!u.T.IsZero() && u.T.Location() != time.UTC) {
			t.Errorf("Unix(%s) = %v, %v; want %v in UTC", tt.in, u.T, err, tt.want)
		}
	}
}
