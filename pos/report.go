package pos

import (
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Report is the end-of-day report of the sales made in a period: the numbers
// the terminal's report screen and `cryptopos report` both show. Summarize
// makes it; it holds no I/O and no formatting.
//
// What counts:
//
//   - A sale belongs to the period in which it was made (Invoice.CreatedAt,
//     From <= CreatedAt < To), whenever it was paid: a late payment shows in
//     the report of the day of the sale, and in the Late list.
//   - Every fiat total is in the shop currency, in exact decimals. A sale
//     priced in another currency (the shop changed its currency) is in no
//     count and no total; it is listed in Exceptions as
//     ExceptionOtherCurrency.
//   - The value received of a sale (Invoice.ValueReceived) is its Amount
//     when it was paid in full (paid or overpaid: the excess of an
//     overpayment is the customer's, not a larger sale); for an underpaid
//     sale it is the fiat value of what arrived at the sale's own rate,
//     Amount × Paid / PayAmount rounded half away from zero to the shop
//     currency's minor units (never more than Amount); it is zero for every
//     other status. Open sales (partial, on hold, ...) are not received
//     until they are final.
//   - Taken is the sum of Amount over the paid and overpaid sales;
//     Underpaid is the sum of the value received over the underpaid ones;
//     Received = Taken + Underpaid, the fiat value of all that arrived, and
//     equals the sum of ByCoin's Value.
//   - Counts are of invoices: an invoice replaced by another (ReplacedBy)
//     counts as the cancelled invoice it is, and its replacement as one
//     more.
//   - Zero totals carry the shop currency's minor units ("0.00" for EUR).
type Report struct {
	// From and To bound the sales' CreatedAt: From <= CreatedAt < To; a
	// zero bound is open.
	From, To time.Time
	// Currency is the shop currency every fiat amount is in.
	Currency string
	// Invoices is the number of sales counted: all statuses, shop currency.
	Invoices int
	// Amount is the sum of their Amounts, whatever became of them.
	Amount decimal.Decimal

	// ByStatus has one row per status, in Statuses order, rows with no sale
	// kept (Count 0), so that ByStatus[i].Status == Statuses[i] always.
	ByStatus []StatusTotal
	// ByCoin has one row per coin that money arrived in (paid, overpaid
	// and underpaid sales), by code, with CoinNotChosen last.
	ByCoin []CoinTotal

	// Taken is the sum of Amount over the sales paid in full (paid,
	// overpaid).
	Taken decimal.Decimal
	// Underpaid is the fiat value of what arrived on underpaid sales, at
	// each sale's rate.
	Underpaid decimal.Decimal
	// UnderpaidUnknown counts underpaid sales whose crypto amounts the
	// provider did not give: their value received is not in Underpaid.
	UnderpaidUnknown int
	// Received is Taken + Underpaid.
	Received decimal.Decimal
	// Open and OpenAmount are the sales with no outcome yet (creating,
	// waiting, confirming, partial, on hold) and their Amounts.
	Open       int
	OpenAmount decimal.Decimal

	// Late lists, oldest first, the sales paid after they had ended unpaid
	// (Invoice.Late), whatever their status now.
	Late []Entry
	// Exceptions lists, oldest first, the sales that need a look: one entry
	// per sale, of the first kind that applies in the order of the
	// ExceptionKind constants.
	Exceptions []Entry
}

// StatusTotal is the sales with one status.
type StatusTotal struct {
	Status Status
	Count  int
	Amount decimal.Decimal // sum of their Amounts, in the shop currency
}

// CoinNotChosen is CoinTotal.Coin for sales where the customer was to choose
// the coin and the provider never said which one arrived.
const CoinNotChosen = ""

// CoinTotal is what arrived in one coin.
type CoinTotal struct {
	// Coin is the crypto currency code ("BTC", "USDT"), or CoinNotChosen.
	Coin string
	// Sales counts the paid, overpaid and underpaid sales in this coin.
	Sales int
	// Value is the fiat value received (Invoice.ValueReceived) of these
	// sales, in the shop currency.
	Value decimal.Decimal
	// Crypto is the sum of the crypto amounts received: Paid when the
	// provider said, else PayAmount for sales paid exactly (status paid).
	Crypto decimal.Decimal
	// CryptoUnknown counts the sales whose crypto amount received is not
	// known, and so not in Crypto.
	CryptoUnknown int
}

// CryptoWords says what arrived in the coin, in crypto, as the printed and
// the command-line reports show it: received is the sum ("0.0004 BTC"), ""
// when the coin is not known (CoinNotChosen) or no sale's crypto amount
// is; unknown is "2 sales without a crypto amount", "" when every sale's
// amount is known.
func (c CoinTotal) CryptoWords() (received, unknown string) {
	if c.Coin != CoinNotChosen && c.CryptoUnknown < c.Sales {
		received = Money{Amount: c.Crypto, Currency: c.Coin}.String()
	}
	if c.CryptoUnknown > 0 {
		unknown = Plural(c.CryptoUnknown, "sale") + " without a crypto amount"
	}
	return received, unknown
}

// Plural is n and word, with an s unless n is 1: "1 sale", "3 sales".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// ExceptionKind says why a sale is in the report's exceptions.
type ExceptionKind string

// The kinds of exceptions; a sale is listed under the first that applies.
const (
	// ExceptionOtherCurrency: priced in a currency other than the shop's;
	// in no total.
	ExceptionOtherCurrency ExceptionKind = "other_currency"
	// ExceptionUnderpaid: ended with less than asked.
	ExceptionUnderpaid ExceptionKind = "underpaid"
	// ExceptionOverpaid: the customer sent more than asked.
	ExceptionOverpaid ExceptionKind = "overpaid"
	// ExceptionOnHold: the provider holds the funds for a compliance check.
	ExceptionOnHold ExceptionKind = "on_hold"
	// ExceptionCancelledOpen: cancelled on the terminal (Dismissed) but not
	// final at the provider yet: the customer may still pay.
	ExceptionCancelledOpen ExceptionKind = "cancelled_open"
)

// Words is the kind in plain words for the cashier.
func (k ExceptionKind) Words() string {
	switch k {
	case ExceptionOtherCurrency:
		return "Priced in another currency, not in the totals"
	case ExceptionUnderpaid:
		return "Underpaid"
	case ExceptionOverpaid:
		return "Overpaid"
	case ExceptionOnHold:
		return "On hold for a compliance check"
	case ExceptionCancelledOpen:
		return "Cancelled on the terminal, still payable"
	}
	return string(k)
}

// Entry is one sale listed in a report.
type Entry struct {
	Invoice Invoice
	// Kind is why it is listed; empty in Report.Late.
	Kind ExceptionKind
	// Value is Invoice.ValueReceived; ValueKnown is false when it could not
	// be computed (an underpaid sale without crypto amounts).
	Value      Money
	ValueKnown bool
}

// ValueReceived is the fiat value of what reached the shop for this sale, in
// the currency of Amount: Amount when paid or overpaid; for an underpaid
// sale, Amount × Paid / PayAmount rounded half away from zero to the
// currency's minor units and capped at Amount, known only when Paid and
// PayAmount are both known, in the same coin, and PayAmount is positive;
// zero for every other status (nothing final arrived).
func (inv Invoice) ValueReceived() (Money, bool) {
	zero := Money{Amount: decimal.Zero, Currency: inv.Amount.Currency}
	switch inv.Status {
	case StatusPaid, StatusOverpaid:
		return inv.Amount, true
	case StatusUnderpaid:
		if inv.PayAmount.IsZero() || inv.Paid.IsZero() || inv.PayAmount.Currency != inv.Paid.Currency ||
			!inv.PayAmount.Amount.IsPositive() {
			return zero, false
		}
		v := inv.Amount.Amount.Mul(inv.Paid.Amount).DivRound(inv.PayAmount.Amount, minorUnits(inv.Amount.Currency))
		if v.GreaterThan(inv.Amount.Amount) {
			v = inv.Amount.Amount
		}
		if v.IsNegative() {
			v = decimal.Zero
		}
		return Money{Amount: v, Currency: inv.Amount.Currency}, true
	}
	return zero, true
}

// Coin is the crypto currency the sale was paid in, or is to be: the coin
// that arrived (Paid) when known, else the one asked for (PayAmount), else
// the cashier's pre-selection; CoinNotChosen when the customer was to
// choose and the provider never said.
func (inv Invoice) Coin() string {
	switch {
	case inv.Paid.Currency != "":
		return inv.Paid.Currency
	case inv.PayAmount.Currency != "":
		return inv.PayAmount.Currency
	}
	return inv.Pay.Code
}

// CryptoReceived is the crypto amount that reached the shop: Paid when the
// provider said, else PayAmount for a sale paid exactly (status paid). ok is
// false when it is not known, and for sales where nothing final arrived.
func (inv Invoice) CryptoReceived() (amount Money, ok bool) {
	switch inv.Status {
	case StatusPaid, StatusOverpaid, StatusUnderpaid:
	default:
		return Money{}, false
	}
	switch {
	case !inv.Paid.IsZero():
		return inv.Paid, true
	case inv.Status == StatusPaid && !inv.PayAmount.IsZero():
		return inv.PayAmount, true
	}
	return Money{}, false
}

func minorUnits(code string) int32 {
	if c, ok := LookupCurrency(code); ok {
		return c.Decimals
	}
	return 2
}

// Summarize makes the report of the invoices created in [from, to) (a zero
// bound is open) for a shop pricing in shopCurrency; invoices outside the
// period are ignored, and the order of invoices does not matter. It is pure:
// the same invoices always give the same report. See Report for what each
// number means.
func Summarize(invoices []Invoice, from, to time.Time, shopCurrency string) Report {
	zero := decimal.New(0, -minorUnits(shopCurrency)) // "0.00" for EUR
	r := Report{From: from, To: to, Currency: shopCurrency,
		Amount: zero, Taken: zero, Underpaid: zero, Received: zero, OpenAmount: zero}
	r.ByStatus = make([]StatusTotal, len(Statuses))
	index := map[Status]int{}
	for i, s := range Statuses {
		r.ByStatus[i] = StatusTotal{Status: s, Amount: zero}
		index[s] = i
	}
	coins := map[string]*CoinTotal{}
	period := Filter{From: from, To: to}

	for _, inv := range invoices {
		if !period.Matches(inv) {
			continue
		}
		value, valueKnown := inv.ValueReceived()
		entry := Entry{Invoice: inv, Value: value, ValueKnown: valueKnown}
		if inv.Amount.Currency != shopCurrency {
			entry.Kind = ExceptionOtherCurrency // its value is in its own currency
			r.Exceptions = append(r.Exceptions, entry)
			continue
		}

		r.Invoices++
		r.Amount = r.Amount.Add(inv.Amount.Amount)
		if i, ok := index[inv.Status]; ok {
			r.ByStatus[i].Count++
			r.ByStatus[i].Amount = r.ByStatus[i].Amount.Add(inv.Amount.Amount)
		}
		switch {
		case inv.Status.Success():
			r.Taken = r.Taken.Add(value.Amount)
		case inv.Status == StatusUnderpaid && valueKnown:
			r.Underpaid = r.Underpaid.Add(value.Amount)
		case inv.Status == StatusUnderpaid:
			r.UnderpaidUnknown++
		case !inv.Status.Final():
			r.Open++
			r.OpenAmount = r.OpenAmount.Add(inv.Amount.Amount)
		}
		if inv.Status.Success() || inv.Status == StatusUnderpaid {
			coin := inv.Coin()
			c := coins[coin]
			if c == nil {
				c = &CoinTotal{Coin: coin, Value: zero, Crypto: decimal.Zero}
				coins[coin] = c
			}
			c.Sales++
			c.Value = c.Value.Add(value.Amount)
			if crypto, ok := inv.CryptoReceived(); ok && crypto.Currency == coin {
				c.Crypto = c.Crypto.Add(crypto.Amount)
			} else {
				c.CryptoUnknown++
			}
		}

		if inv.Late {
			r.Late = append(r.Late, entry)
		}
		switch {
		case inv.Status == StatusUnderpaid:
			entry.Kind = ExceptionUnderpaid
		case inv.Status == StatusOverpaid:
			entry.Kind = ExceptionOverpaid
		case inv.Status == StatusOnHold:
			entry.Kind = ExceptionOnHold
		case inv.Dismissed && !inv.Status.Final():
			entry.Kind = ExceptionCancelledOpen
		}
		if entry.Kind != "" {
			r.Exceptions = append(r.Exceptions, entry)
		}
	}
	r.Received = r.Taken.Add(r.Underpaid)

	for _, c := range coins {
		r.ByCoin = append(r.ByCoin, *c)
	}
	sort.Slice(r.ByCoin, func(a, b int) bool {
		ca, cb := r.ByCoin[a].Coin, r.ByCoin[b].Coin
		if (ca == CoinNotChosen) != (cb == CoinNotChosen) {
			return cb == CoinNotChosen
		}
		return ca < cb
	})
	oldestFirst := func(list []Entry) {
		sort.Slice(list, func(a, b int) bool { return olderThan(list[a].Invoice, list[b].Invoice) })
	}
	oldestFirst(r.Late)
	oldestFirst(r.Exceptions)
	return r
}

// Status returns the row of status s (a zero row for a status not in
// Statuses).
func (r Report) Status(s Status) StatusTotal {
	for _, row := range r.ByStatus {
		if row.Status == s {
			return row
		}
	}
	return StatusTotal{Status: s}
}

// DayBounds returns the day that date falls on in loc, as the interval
// [from, to) from its first instant to the next day's: 24 hours on most
// days, 23 or 25 across a daylight-saving change, and starting at 01:00
// where a change skips midnight. To name a calendar day, pass noon of it:
// DayBounds(time.Date(y, m, d, 12, 0, 0, 0, loc), loc). A nil loc is UTC.
func DayBounds(date time.Time, loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := date.In(loc).Date()
	return startOfDay(y, m, d, loc), startOfDay(y, m, d+1, loc)
}

// startOfDay is the first instant of the day y-m-d in loc. time.Date gives
// an instant of the previous day when a daylight-saving change skips
// midnight (America/Santiago, America/Havana); the day then starts where
// that zone ends, at the change.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	y, m, d = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Date() // the 32nd is the 1st of the next month
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); ty != y || tm != m || td != d {
		if _, end := t.ZoneBounds(); !end.IsZero() {
			t = end
		}
	}
	return t
}
