package sandbox

import (
	"bytes"
	"encoding/json"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// createParams is a create request that passed validation.
type createParams struct {
	Timer            bool
	Title            string
	Description      string
	Currency         string
	Amount           decimal.Decimal
	ForeignID        string
	EndUserReference string
	Type             string
	URLSuccess       string
	URLFailed        string
	HasEmail         bool
	SenderCurrency   string
	SenderType       string
}

// fields reads a JSON object field by field, noting Laravel-style
// validation messages.
type fields struct {
	raw  map[string]json.RawMessage
	errs map[string]string
}

func newFields(body []byte) *fields {
	f := &fields{errs: map[string]string{}}
	_ = json.Unmarshal(body, &f.raw)
	return f
}

func (f *fields) fail(field, msg string) {
	if _, dup := f.errs[field]; !dup {
		f.errs[field] = msg
	}
}

// words is "foreign id" for foreign_id, as Laravel writes field names.
func words(field string) string { return strings.ReplaceAll(field, "_", " ") }

func (f *fields) present(field string) bool {
	v, ok := f.raw[field]
	return ok && string(bytes.TrimSpace(v)) != "null"
}

// str reads a string field; numbers are refused as Laravel's string rule
// would.
func (f *fields) str(field string, required bool, max int) string {
	if !f.present(field) {
		if required {
			f.fail(field, "The "+words(field)+" field is required.")
		}
		return ""
	}
	var s string
	if json.Unmarshal(f.raw[field], &s) != nil {
		f.fail(field, "The "+words(field)+" must be a string.")
		return ""
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		f.fail(field, "The "+words(field)+" field is required.")
	case max > 0 && utf8.RuneCountInString(s) > max:
		f.fail(field, "The "+words(field)+" may not be greater than "+strconv.Itoa(max)+" characters.")
	}
	return s
}

func (f *fields) boolean(field string) bool {
	if !f.present(field) {
		f.fail(field, "The "+words(field)+" field is required.")
		return false
	}
	var b bool
	if json.Unmarshal(f.raw[field], &b) != nil {
		f.fail(field, "The "+words(field)+" field must be true or false.")
	}
	return b
}

// number reads a JSON number, or a numeric string (spec §15.5 asks
// whether the API takes one; the sandbox does).
func (f *fields) number(field string) decimal.Decimal {
	if !f.present(field) {
		f.fail(field, "The "+words(field)+" field is required.")
		return decimal.Zero
	}
	raw := bytes.TrimSpace(f.raw[field])
	text := string(raw)
	if raw[0] == '"' {
		_ = json.Unmarshal(raw, &text)
	}
	d, err := decimal.NewFromString(strings.TrimSpace(text))
	if err != nil {
		f.fail(field, "The "+words(field)+" must be a number.")
		return decimal.Zero
	}
	if !d.IsPositive() {
		f.fail(field, "The "+words(field)+" must be greater than 0.")
	}
	return d
}

// parseCreate validates a create body (spec §5.1); the map holds one
// message per refused field.
func (s *Sandbox) parseCreate(body []byte) (createParams, map[string]string) {
	f := newFields(body)
	p := createParams{
		Timer:            f.boolean("timer"),
		Title:            f.str("title", true, 50),
		Description:      f.str("description", false, 1000),
		Currency:         strings.ToUpper(f.str("currency", true, 0)),
		Amount:           f.number("amount"),
		ForeignID:        f.str("foreign_id", true, 255),
		EndUserReference: f.str("end_user_reference", true, 255),
		Type:             f.str("type", false, 0),
		URLSuccess:       f.str("url_success", false, 255),
		URLFailed:        f.str("url_failed", false, 255),
		SenderCurrency:   strings.ToUpper(f.str("sender_currency", false, 0)),
		SenderType:       f.str("sender_type", false, 0),
	}
	switch p.Type {
	case "":
		p.Type = "fill_or_kill"
	case "fill_or_kill", "good_until_expired":
	default:
		f.fail("type", "The selected type is invalid.")
	}
	for _, u := range []struct{ field, v string }{{"url_success", p.URLSuccess}, {"url_failed", p.URLFailed}} {
		if u.v != "" && !pageURL(u.v) {
			f.fail(u.field, "The "+words(u.field)+" must be a valid URL.")
		}
	}
	if email := f.str("email_user", false, 255); email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			f.fail("email_user", "The email user must be a valid email address.")
		}
		p.HasEmail = true
	}
	if p.Currency != "" {
		if _, ok := s.currency(p.Currency); !ok {
			f.fail("currency", "The selected currency is invalid.")
		}
	}
	if p.SenderCurrency != "" {
		if c, ok := s.currency(p.SenderCurrency); !ok || c.Type != "crypto" {
			f.fail("sender_currency", "The selected sender currency is invalid.")
		}
	}
	s.checkSender(f, p)
	if len(f.errs) > 0 {
		return p, f.errs
	}
	return p, nil
}

// checkSender applies the MiCA rule (spec §5.1): sender_type and
// sender_data are required with timer and sender_currency, and checked
// whenever given.
func (s *Sandbox) checkSender(f *fields, p createParams) {
	required := p.Timer && p.SenderCurrency != ""
	switch {
	case p.SenderType == "" && required:
		f.fail("sender_type", "The sender type field is required when timer is true and sender currency is present.")
		return
	case p.SenderType == "" && f.present("sender_data"):
		f.fail("sender_type", "The sender type field is required when sender data is present.")
		return
	case p.SenderType == "":
		return
	case p.SenderType != "natural" && p.SenderType != "legal":
		f.fail("sender_type", "The selected sender type is invalid.")
		return
	}
	var data map[string]json.RawMessage
	if !f.present("sender_data") || json.Unmarshal(f.raw["sender_data"], &data) != nil {
		f.fail("sender_data", "The sender data field is required when sender type is present.")
		return
	}
	sub := &fields{raw: data, errs: map[string]string{}}
	if p.SenderType == "natural" {
		sub.str("first_name", true, 100)
		sub.str("last_name", true, 100)
		if dob := sub.str("date_of_birth", true, 0); dob != "" {
			if t, err := time.Parse("2006-01-02", dob); err != nil || t.After(s.now()) {
				sub.fail("date_of_birth", "The date of birth does not match the format Y-m-d.")
			}
		}
	} else {
		sub.str("legal_name", true, 255)
		if c := sub.str("country_of_registration", true, 0); c != "" && !alpha3(c) {
			sub.fail("country_of_registration", "The country of registration must be 3 characters.")
		}
	}
	for k, v := range sub.errs {
		f.fail("sender_data."+k, strings.Replace(v, "The "+words(k), "The sender data."+k, 1))
	}
}

func alpha3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// pageURL reports an https address with a domain name (spec §5.1).
func pageURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && net.ParseIP(u.Hostname()) == nil
}
