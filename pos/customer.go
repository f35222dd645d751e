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
	if !strings.Contains(iso3166Alpha3, v) {
		return &CustomerError{"country", v + " is not a country code: use the three-letter ISO code, e.g. DEU for Germany, CHE for Switzerland."}
	}
	return nil
}

// iso3166Alpha3 lists the ISO 3166-1 alpha-3 country codes.
const iso3166Alpha3 = "ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA " +
	"BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD " +
	"COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH " +
	"FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG " +
	"HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA " +
	"KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT " +
	"MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN " +
	"PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN " +
	"SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM " +
	"TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE"

// ErrNeedCustomer is returned by StartSale when the provider needs to know
// the customer and the sale does not say.
var ErrNeedCustomer = errors.New("this way of paying needs the customer's details")
