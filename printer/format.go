package printer

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/printer/escpos"
)

// Shop is what every print starts and ends with.
type Shop struct {
	// Name is printed large at the top.
	Name string
	// Header lines follow the name (address, phone, VAT number); Footer
	// lines end receipts ("Thank you!").
	Header, Footer []string
}

// Format is how jobs are laid out.
type Format struct {
	// Paper is the roll width (default 80 mm).
	Paper Paper
	// CodePage is the printer's character set (default CP858).
	CodePage *escpos.CodePage
	// Location is the time zone times are printed in (default time.Local).
	Location *time.Location
	// Now is the time of printing, for reprints and reports (default
	// time.Now).
	Now func() time.Time
}

func (f Format) withDefaults() Format {
	if f.Paper == "" {
		f.Paper = Paper80
	}
	if f.CodePage == nil {
		f.CodePage = escpos.CP858
	}
	if f.Location == nil {
		f.Location = time.Local
	}
	if f.Now == nil {
		f.Now = time.Now
	}
	return f
}

// builder starts a job: initialise, code page.
func (f Format) builder() *escpos.Builder {
	return escpos.NewBuilder(f.Paper.Columns(), f.CodePage).Init()
}

// time formats t in the format's zone: "2026-11-21 14:03".
func (f Format) time(t time.Time) string { return t.In(f.Location).Format("2006-01-02 15:04") }

// qr prints data as a QR code as large as the paper allows (6-dot modules
// at most), centred; when no QR code fits, it prints the text instead.
func (f Format) qr(b *escpos.Builder, data string) {
	b.Align(escpos.Center)
	if size, ok := escpos.QRFit(len(data), f.Paper.Dots(), 6); ok && b.QR(data, size) == nil {
		b.Blank()
		return
	}
	b.Align(escpos.Left).Line(data).Align(escpos.Center)
}

// header prints the shop's name, large and bold, and its header lines,
// centred.
func header(b *escpos.Builder, shop Shop) {
	b.Align(escpos.Center)
	if name := strings.TrimSpace(shop.Name); name != "" {
		b.Bold(true).Double(true).Line(name).Double(false).Bold(false)
	}
	for _, l := range shop.Header {
		b.Line(l)
	}
}

// footer prints the shop's footer lines, centred.
func footer(b *escpos.Builder, shop Shop) {
	if len(shop.Footer) == 0 {
		return
	}
	b.Align(escpos.Center)
	for _, l := range shop.Footer {
		b.Line(l)
	}
}

// fiat formats a shop-currency amount with its minor units and thousands
// separated: "60,000.00 EUR".
func fiat(m pos.Money) string {
	if m.IsZero() {
		return ""
	}
	return fiatAmount(m.Amount, m.Currency) + " " + m.Currency
}

// fiatAmount is fiat without the code.
func fiatAmount(d decimal.Decimal, currency string) string {
	return group(pos.FormatAmount(d, currency))
}

// group puts a comma between each three digits before the decimal point.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// rate is the price of one coin in the shop currency, "1 BTC = 60,000.00
// EUR": fiat divided by crypto, rounded to the currency's minor units, or
// to four significant digits for a coin worth less than one unit.
func rate(fiatAmount pos.Money, crypto pos.Money) (string, bool) {
	if fiatAmount.IsZero() || crypto.IsZero() || !crypto.Amount.IsPositive() {
		return "", false
	}
	places := int32(2)
	if c, ok := pos.LookupCurrency(fiatAmount.Currency); ok {
		places = c.Decimals
	}
	r := fiatAmount.Amount.DivRound(crypto.Amount, places)
	for r.Abs().LessThan(decimal.New(1000, -places)) && places < 8 {
		places++ // fewer than four significant digits
		r = fiatAmount.Amount.DivRound(crypto.Amount, places)
	}
	s := group(r.StringFixed(places))
	return "1 " + crypto.Currency + " = " + s + " " + fiatAmount.Currency, true
}
