package pos

import (
	"errors"
	"testing"
	"time"
)

func TestCustomerValidate(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	identity := CustomerNeeds{Identity: true, Email: true}
	person := Customer{Kind: CustomerNatural, FirstName: "Ada", LastName: "Lovelace", DateOfBirth: "1990-12-10"}
	company := Customer{Kind: CustomerLegal, LegalName: "Acme GmbH", Country: "DEU"}
	with := func(c Customer, f func(*Customer)) Customer { f(&c); return c }
	tests := []struct {
		name  string
		c     Customer
		needs CustomerNeeds
		field string // "" = valid
	}{
		{"person", person, identity, ""},
		{"company", company, identity, ""},
		{"e-mail only", Customer{Email: "a@b.example"}, CustomerNeeds{Email: true}, ""},
		{"nothing, not needed", Customer{}, CustomerNeeds{}, ""},
		{"nothing, needed", Customer{}, identity, "kind"},
		{"no first name", with(person, func(c *Customer) { c.FirstName = " " }), identity, "first name"},
		{"no last name", with(person, func(c *Customer) { c.LastName = "" }), identity, "last name"},
		{"bad date", with(person, func(c *Customer) { c.DateOfBirth = "10.12.1990" }), identity, "date of birth"},
		{"future birth", with(person, func(c *Customer) { c.DateOfBirth = "2030-01-01" }), identity, "date of birth"},
		{"too old", with(person, func(c *Customer) { c.DateOfBirth = "1880-01-01" }), identity, "date of birth"},
		{"control character", with(person, func(c *Customer) { c.LastName = "Love\x00lace" }), identity, "last name"},
		{"no company name", with(company, func(c *Customer) { c.LegalName = "" }), identity, "company name"},
		{"country as name", with(company, func(c *Customer) { c.Country = "Germany" }), identity, "country"},
		{"not a country", with(company, func(c *Customer) { c.Country = "GER" }), identity, "country"},
		{"lower-case country", with(company, func(c *Customer) { c.Country = "deu" }), identity, "country"},
		{"bad e-mail", with(person, func(c *Customer) { c.Email = "ada@" }), identity, "e-mail"},
		{"e-mail with name", with(person, func(c *Customer) { c.Email = "Ada <ada@b.example>" }), identity, "e-mail"},
		{"odd kind", Customer{Kind: "robot"}, identity, "kind"},
	}
	for _, tt := range tests {
		err := tt.c.Validate(tt.needs, now)
		var ce *CustomerError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.field != "" && (!errors.As(err, &ce) || ce.Field != tt.field):
			t.Errorf("%s: error %v, want one about the %s", tt.name, err, tt.field)
		}
	}
}
