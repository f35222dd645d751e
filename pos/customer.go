package pos

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
)

// CustomerKind says whether the payer is a person or a company.
type CustomerKind string

// The kinds of payer, as MiCA's travel rule names them.
const (
	CustomerNatural CustomerKind = "natural"
	CustomerLegal   CustomerKind = "legal"
)

// Customer is who pays, for providers that must know it (MiCA data for a
// pre-selected coin at Cryptoprocessing) or can send refund instructions
// (an e-mail address). It is personal data: it lives in memory for the
// create call only and is never written to the journal or the log.
type Customer struct {
	Kind        CustomerKind
	FirstName   string // natural person
	LastName    string
	DateOfBirth string // natural person, YYYY-MM-DD
	LegalName   string // company
	Country     string // company's country of registration, ISO 3166-1 alpha-3 (DEU)
	Email       string // optional, for refund instructions
}

// Identified reports whether the customer gave who they are (not only an
// e-mail address).
func (c Customer) Identified() bool { return c.Kind != "" }

// CustomerNeeds says what a provider wants to know about the customer for
// an invoice payable in a given way.
type CustomerNeeds struct {
	Identity bool // who pays (required): name and date of birth, or company and country
	Email    bool // an e-mail address for refund instructions (optional)
}

// CustomerAsker is a Provider that needs the customer for some invoices.
type CustomerAsker interface {
	CustomerNeeds(pay PayOption) CustomerNeeds
}

// CustomerError names the field a cashier must correct.
type CustomerError struct {
	Field   string // "first name", "date of birth", ...
	Message string
}

func (e *CustomerError) Error() string { return e.Message }

// Validate checks the customer as a provider would, in plain words. now
// bounds the date of birth.
func (c Customer) Validate(needs CustomerNeeds, now time.Time) error {
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || !strings.Contains(c.Email, ".") {
			return &CustomerError{"e-mail", "The e-mail address is not valid: it should look like name@example.com."}
		}
	}
	if !needs.Identity && c.Kind == "" {
		return nil
	}
	switch c.Kind {
	case CustomerNatural:
		if err := checkName("first name", c.FirstName); err != nil {
			return err
		}
		if err := checkName("last name", c.LastName); err != nil {
			return err
		}
		return checkBirth(c.DateOfBirth, now)
	case CustomerLegal:
		if err := checkName("company name", c.LegalName); err != nil {
			return err
		}
		return checkCountry(c.Country)
	case "":
		return &CustomerError{"kind", "Say whether the customer is a person or a company."}
	}
	return &CustomerError{"kind", fmt.Sprintf("%q is neither a person nor a company.", c.Kind)}
}

func checkName(field, v string) error {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return &CustomerError{field, "The " + field + " is missing."}
	case len([]rune(v)) > 100:
		return &CustomerError{field, "The " + field + " is longer than 100 characters."}
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return &CustomerError{field, "The " + field + " has a character that cannot be sent."}
		}
	}
	return nil
}

func checkBirth(v string, now time.Time) error {
	const field = "date of birth"
	d, err := time.Parse("2006-01-02", strings.TrimSpace(v))
	if err != nil {
		return &CustomerError{field, "Write the date of birth as YYYY-MM-DD, e.g. 1985-04-23."}
	}
	age := now.Year() - d.Year()
	if now.YearDay() < d.YearDay() {
		age--
	}
	switch {
	case d.After(now):
		return &CustomerError{field, "The date of birth is in the future."}
	case age > 120:
		return &CustomerError{field, "The date of birth is more than 120 years ago."}
	case age < 0:
		return &CustomerError{field, "The date of birth is in the future."}
	}
	return nil
}

func checkCountry(v string) error {
	v = strings.TrimSpace(v)
	if len(v) != 3 || strings.ToUpper(v) != v || strings.IndexFunc(v, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return &CustomerError{"country", "Write the country as its three-letter ISO code, e.g. DEU, FRA, GBR."}
	}
	return nil
}

// ErrNeedCustomer is returned by StartSale when the provider needs to know
// the customer and the sale does not say.
var ErrNeedCustomer = errors.New("this way of paying needs the customer's details")
