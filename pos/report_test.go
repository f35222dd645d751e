package pos_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

func repDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func repCoin(amount, code string) pos.Money { return pos.Money{Amount: repDec(amount), Currency: code} }

// day is the report period of the table test.
var (
	dayFrom = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	dayTo   = dayFrom.Add(24 * time.Hour)
)

// reportFixture is a day with one sale of every interesting kind. The
// comments give each sale's part in the hand-computed totals of
// TestSummarizeByHand.
func reportFixture() []pos.Invoice {
	btc := pos.PayOption{Code: "BTC"}
	usdt := pos.PayOption{Code: "USDT", Network: "tron"}
	at := func(i int) time.Time { return dayFrom.Add(time.Duration(i) * time.Hour) }
	return []pos.Invoice{
		// paid 12.50, BTC 0.00020833 (PayAmount: Paid not given)
		{OrderID: "s01", Amount: eur("12.50"), Pay: btc, CreatedAt: at(1), Status: pos.StatusPaid,
			PayAmount: repCoin("0.00020833", "BTC")},
		// overpaid 20.00, USDT 25.00 arrived of 21.70
		{OrderID: "s02", Amount: eur("20.00"), Pay: usdt, CreatedAt: at(2), Status: pos.StatusOverpaid,
			PayAmount: repCoin("21.70", "USDT"), Paid: repCoin("25.00", "USDT")},
		// underpaid 10.00, a third arrived: 3.33 EUR, BTC 0.0001
		{OrderID: "s03", Amount: eur("10.00"), Pay: btc, CreatedAt: at(3), Status: pos.StatusUnderpaid,
			PayAmount: repCoin("0.0003", "BTC"), Paid: repCoin("0.0001", "BTC")},
		// paid 7.00, customer chose, provider never said: not chosen
		{OrderID: "s04", Amount: eur("7.00"), CreatedAt: at(4), Status: pos.StatusPaid},
		// paid 4.60, customer chose USDT: 5.00 arrived
		{OrderID: "s05", Amount: eur("4.60"), CreatedAt: at(5), Status: pos.StatusPaid, Paid: repCoin("5.00", "USDT")},
		// expired 9.99: nothing received
		{OrderID: "s06", Amount: eur("9.99"), Pay: btc, CreatedAt: at(6), Status: pos.StatusExpired,
			PayAmount: repCoin("0.0002", "BTC")},
		// on hold 15.00: open, an exception
		{OrderID: "s07", Amount: eur("15.00"), Pay: btc, CreatedAt: at(7), Status: pos.StatusOnHold,
			PayAmount: repCoin("0.0003", "BTC"), Paid: repCoin("0.0003", "BTC")},
		// waiting 3.00, cancelled on the terminal: open, an exception
		{OrderID: "s08", Amount: eur("3.00"), CreatedAt: at(8), Status: pos.StatusWaiting, Dismissed: true},
		// paid late 8.00, BTC 0.0001
		{OrderID: "s09", Amount: eur("8.00"), Pay: btc, CreatedAt: at(9), Status: pos.StatusPaid, Late: true,
			PayAmount: repCoin("0.0001", "BTC"), Paid: repCoin("0.0001", "BTC")},
		// priced in USD: in no total, an exception
		{OrderID: "s10", Amount: pos.Money{Amount: repDec("5.00"), Currency: "USD"}, Pay: btc, CreatedAt: at(10),
			Status: pos.StatusPaid, PayAmount: repCoin("0.0001", "BTC")},
		// the day before: ignored
		{OrderID: "s11", Amount: eur("100.00"), Pay: btc, CreatedAt: dayFrom.Add(-time.Second), Status: pos.StatusPaid},
		// underpaid 6.00, Paid not given: value unknown
		{OrderID: "s12", Amount: eur("6.00"), Pay: usdt, CreatedAt: at(12), Status: pos.StatusUnderpaid,
			PayAmount: repCoin("6.51", "USDT")},
		// the next day: ignored
		{OrderID: "s13", Amount: eur("100.00"), Pay: btc, CreatedAt: dayTo, Status: pos.StatusPaid},
	}
}

func TestSummarizeByHand(t *testing.T) {
	r := pos.Summarize(reportFixture(), dayFrom, dayTo, "EUR")

	wantStatus := map[pos.Status]string{
		pos.StatusWaiting: "1 3.00", pos.StatusOnHold: "1 15.00", pos.StatusPaid: "4 32.10",
		pos.StatusOverpaid: "1 20.00", pos.StatusUnderpaid: "2 16.00", pos.StatusExpired: "1 9.99",
	}
	if len(r.ByStatus) != len(pos.Statuses) {
		t.Fatalf("%d status rows, want %d", len(r.ByStatus), len(pos.Statuses))
	}
	for i, row := range r.ByStatus {
		if row.Status != pos.Statuses[i] {
			t.Errorf("row %d is %s, want %s", i, row.Status, pos.Statuses[i])
		}
		want := wantStatus[row.Status]
		if want == "" {
			want = "0 0.00"
		}
		if got := fmt.Sprintf("%d %s", row.Count, row.Amount.StringFixed(2)); got != want {
			t.Errorf("%s: %s, want %s", row.Status, got, want)
		}
		if row.Amount.Exponent() != -2 {
			t.Errorf("%s: amount %s has exponent %d, want -2 (cents)", row.Status, row.Amount, row.Amount.Exponent())
		}
	}

	for _, tt := range []struct {
		name string
		got  decimal.Decimal
		want string
	}{
		{"Amount", r.Amount, "96.09"},
		{"Taken", r.Taken, "52.10"},
		{"Underpaid", r.Underpaid, "3.33"},
		{"Received", r.Received, "55.43"},
		{"OpenAmount", r.OpenAmount, "18.00"},
	} {
		if tt.got.String() != repDec(tt.want).String() || tt.got.StringFixed(2) != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	if r.Invoices != 10 || r.Open != 2 || r.UnderpaidUnknown != 1 || r.Currency != "EUR" {
		t.Errorf("Invoices %d Open %d UnderpaidUnknown %d Currency %q, want 10 2 1 EUR",
			r.Invoices, r.Open, r.UnderpaidUnknown, r.Currency)
	}

	var coins []string
	for _, c := range r.ByCoin {
		coins = append(coins, fmt.Sprintf("%q %d %s %s %d", c.Coin, c.Sales, c.Value.StringFixed(2), c.Crypto, c.CryptoUnknown))
	}
	wantCoins := []string{
		`"BTC" 3 23.83 0.00040833 0`,
		`"USDT" 3 24.60 30 1`,
		`"" 1 7.00 0 1`,
	}
	if strings.Join(coins, "\n") != strings.Join(wantCoins, "\n") {
		t.Errorf("ByCoin:\n%s\nwant\n%s", strings.Join(coins, "\n"), strings.Join(wantCoins, "\n"))
	}

	list := func(es []pos.Entry) string {
		var s []string
		for _, e := range es {
			v := "?"
			if e.ValueKnown {
				v = e.Value.String()
			}
			s = append(s, fmt.Sprintf("%s %s %s", e.Invoice.OrderID, e.Kind, v))
		}
		return strings.Join(s, ", ")
	}
	if got, want := list(r.Late), "s09  8.00 EUR"; got != want {
		t.Errorf("Late = %q, want %q", got, want)
	}
	wantEx := "s02 overpaid 20.00 EUR, s03 underpaid 3.33 EUR, s07 on_hold 0.00 EUR, s08 cancelled_open 0.00 EUR, " +
		"s10 other_currency 5.00 USD, s12 underpaid ?"
	if got := list(r.Exceptions); got != wantEx {
		t.Errorf("Exceptions = %q\nwant         %q", got, wantEx)
	}
}

func TestSummarizeEmpty(t *testing.T) {
	r := pos.Summarize(nil, dayFrom, dayTo, "JPY")
	if r.Invoices != 0 || len(r.ByCoin) != 0 || len(r.Late) != 0 || len(r.Exceptions) != 0 {
		t.Errorf("empty report has rows: %+v", r)
	}
	if len(r.ByStatus) != len(pos.Statuses) || r.Received.String() != "0" || r.Received.Exponent() != 0 {
		t.Errorf("empty JPY report: %d status rows, Received %s (exp %d)", len(r.ByStatus), r.Received, r.Received.Exponent())
	}
	if got := pos.Summarize(nil, dayFrom, dayTo, "EUR").Taken.StringFixed(2); got != "0.00" {
		t.Errorf("empty Taken = %s", got)
	}
}

func TestValueReceived(t *testing.T) {
	for _, tt := range []struct {
		name      string
		inv       pos.Invoice
		want      string
		wantKnown bool
	}{
		{"paid", pos.Invoice{Status: pos.StatusPaid, Amount: eur("12.50")}, "12.50 EUR", true},
		{"overpaid keeps the sale's amount", pos.Invoice{Status: pos.StatusOverpaid, Amount: eur("12.50"),
			PayAmount: repCoin("1", "BTC"), Paid: repCoin("2", "BTC")}, "12.50 EUR", true},
		{"underpaid a third rounds down", pos.Invoice{Status: pos.StatusUnderpaid, Amount: eur("10.00"),
			PayAmount: repCoin("0.0003", "BTC"), Paid: repCoin("0.0001", "BTC")}, "3.33 EUR", true},
		{"underpaid two thirds rounds up", pos.Invoice{Status: pos.StatusUnderpaid, Amount: eur("10.00"),
			PayAmount: repCoin("0.0003", "BTC"), Paid: repCoin("0.0002", "BTC")}, "6.67 EUR", true},
		{"underpaid half a cent rounds away from zero", pos.Invoice{Status: pos.StatusUnderpaid, Amount: eur("0.01"),
			PayAmount: repCoin("2", "USDT"), Paid: repCoin("1", "USDT")}, "0.01 EUR", true},
		{"underpaid in yen has no decimals", pos.Invoice{Status: pos.StatusUnderpaid,
			Amount: pos.Money{Amount: repDec("1000"), Currency: "JPY"}, PayAmount: repCoin("3", "USDT"), Paid: repCoin("1", "USDT")},
			"333 JPY", true},
		{"underpaid never above the sale", pos.Invoice{Status: pos.StatusUnderpaid, Amount: eur("10.00"),
			PayAmount: repCoin("1", "BTC"), Paid: repCoin("2", "BTC")}, "10.00 EUR", true},
		{"underpaid without Paid", pos.Invoice{Status: pos.StatusUnderpaid, Amount: eur("10.00"),
			PayAmount: repCoin("1", "BTC")}, "0.00 EUR", false},
		{"underpaid in two coins", pos.Invoice{Status: pos.StatusUnderpaid, Amount: eur("10.00"),
			PayAmount: repCoin("1", "BTC"), Paid: repCoin("1", "USDT")}, "0.00 EUR", false},
		{"partial is not received yet", pos.Invoice{Status: pos.StatusPartial, Amount: eur("10.00"),
			PayAmount: repCoin("1", "BTC"), Paid: repCoin("0.5", "BTC")}, "0.00 EUR", true},
		{"expired", pos.Invoice{Status: pos.StatusExpired, Amount: eur("10.00")}, "0.00 EUR", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, known := tt.inv.ValueReceived()
			if got.String() != tt.want || known != tt.wantKnown {
				t.Errorf("ValueReceived = %s, %v; want %s, %v", got, known, tt.want, tt.wantKnown)
			}
		})
	}
}

func TestCoinAndCryptoReceived(t *testing.T) {
	for _, tt := range []struct {
		inv          pos.Invoice
		coin, crypto string
	}{
		{pos.Invoice{Status: pos.StatusPaid, Pay: pos.PayOption{Code: "BTC"}}, "BTC", ""},
		{pos.Invoice{Status: pos.StatusPaid, PayAmount: repCoin("2", "LTC")}, "LTC", "2.00 LTC"},
		{pos.Invoice{Status: pos.StatusOverpaid, PayAmount: repCoin("2", "LTC")}, "LTC", ""},
		{pos.Invoice{Status: pos.StatusOverpaid, PayAmount: repCoin("2", "LTC"), Paid: repCoin("3", "LTC")}, "LTC", "3.00 LTC"},
		{pos.Invoice{Status: pos.StatusPaid, Paid: repCoin("5", "USDT")}, "USDT", "5.00 USDT"},
		{pos.Invoice{Status: pos.StatusExpired, PayAmount: repCoin("2", "LTC")}, "LTC", ""},
		{pos.Invoice{Status: pos.StatusPaid}, pos.CoinNotChosen, ""},
	} {
		got, _ := tt.inv.CryptoReceived()
		if tt.inv.Coin() != tt.coin || got.String() != tt.crypto {
			t.Errorf("%+v: Coin %q CryptoReceived %q, want %q %q", tt.inv, tt.inv.Coin(), got.String(), tt.coin, tt.crypto)
		}
	}
}

// TestSummarizeAddsUpOneByOne is the property test: for random days of
// sales, every total of the report equals the sum over the invoices one by
// one, computed here independently with exact rationals.
func TestSummarizeAddsUpOneByOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	coins := []string{"BTC", "USDT", "ETH", "LTC"}
	for round := 0; round < 300; round++ {
		n := rng.IntN(80)
		invs := make([]pos.Invoice, n)
		for i := range invs {
			inv := pos.Invoice{
				OrderID:   fmt.Sprintf("r%d-%03d", round, i),
				Amount:    pos.Money{Amount: decimal.New(rng.Int64N(500_000)+1, -2), Currency: "EUR"},
				CreatedAt: dayFrom.Add(time.Duration(rng.Int64N(int64(30*time.Hour))) - 3*time.Hour),
				Status:    pos.Statuses[rng.IntN(len(pos.Statuses))],
				Late:      rng.IntN(10) == 0,
				Dismissed: rng.IntN(10) == 0,
			}
			if rng.IntN(20) == 0 {
				inv.Amount.Currency = "USD"
			}
			c := coins[rng.IntN(len(coins))]
			if rng.IntN(4) > 0 {
				inv.Pay = pos.PayOption{Code: c}
			}
			if rng.IntN(5) > 0 {
				inv.PayAmount = pos.Money{Amount: decimal.New(rng.Int64N(1e9)+1, -8), Currency: c}
			}
			if rng.IntN(3) > 0 {
				inv.Paid = pos.Money{Amount: decimal.New(rng.Int64N(1e9), -8), Currency: c}
			}
			invs[i] = inv
		}
		checkAddsUp(t, invs, pos.Summarize(invs, dayFrom, dayTo, "EUR"))
		if t.Failed() {
			t.Fatalf("round %d failed", round)
		}
	}
}

func checkAddsUp(t *testing.T, invs []pos.Invoice, r pos.Report) {
	t.Helper()
	rat := func(d decimal.Decimal) *big.Rat { return d.Rat() }
	sum := func() *big.Rat { return new(big.Rat) }
	eq := func(what string, got decimal.Decimal, want *big.Rat) {
		t.Helper()
		if got.Rat().Cmp(want) != 0 {
			t.Errorf("%s = %s, want %s", what, got, want.FloatString(8))
		}
	}
	// value is the oracle's fiat value of an underpaid sale: the exact
	// rational rounded half away from zero to cents.
	value := func(inv pos.Invoice) (*big.Rat, bool) {
		if inv.PayAmount.IsZero() || inv.Paid.IsZero() || inv.PayAmount.Currency != inv.Paid.Currency || inv.PayAmount.Amount.IsZero() {
			return nil, false
		}
		x := new(big.Rat).Mul(rat(inv.Amount.Amount), rat(inv.Paid.Amount))
		x.Quo(x, rat(inv.PayAmount.Amount))
		x.Mul(x, big.NewRat(100, 1))
		x.Add(x, big.NewRat(1, 2))
		cents := new(big.Int).Quo(x.Num(), x.Denom()) // floor: x is positive
		v := new(big.Rat).SetFrac(cents, big.NewInt(100))
		if v.Cmp(rat(inv.Amount.Amount)) > 0 {
			v = rat(inv.Amount.Amount)
		}
		return v, true
	}

	count, statusCount := 0, map[pos.Status]int{}
	amount, taken, underpaid, open := sum(), sum(), sum(), sum()
	statusAmount := map[pos.Status]*big.Rat{}
	coinValue, coinCrypto := map[string]*big.Rat{}, map[string]*big.Rat{}
	coinSales, coinUnknown := map[string]int{}, map[string]int{}
	late, exceptions, nOpen, nUnknown := 0, 0, 0, 0
	for _, inv := range invs {
		if inv.CreatedAt.Before(dayFrom) || !inv.CreatedAt.Before(dayTo) {
			continue
		}
		if inv.Amount.Currency != "EUR" {
			exceptions++
			continue
		}
		count++
		a := rat(inv.Amount.Amount)
		amount.Add(amount, a)
		statusCount[inv.Status]++
		if statusAmount[inv.Status] == nil {
			statusAmount[inv.Status] = sum()
		}
		statusAmount[inv.Status].Add(statusAmount[inv.Status], a)
		var v *big.Rat
		switch inv.Status {
		case pos.StatusPaid, pos.StatusOverpaid:
			v = a
			taken.Add(taken, a)
		case pos.StatusUnderpaid:
			var ok bool
			if v, ok = value(inv); ok {
				underpaid.Add(underpaid, v)
			} else {
				v = sum()
				nUnknown++
			}
		default:
			if !inv.Status.Final() {
				nOpen++
				open.Add(open, a)
			}
		}
		if v != nil {
			c := inv.Pay.Code
			if inv.PayAmount.Currency != "" {
				c = inv.PayAmount.Currency
			}
			if inv.Paid.Currency != "" {
				c = inv.Paid.Currency
			}
			coinSales[c]++
			if coinValue[c] == nil {
				coinValue[c], coinCrypto[c] = sum(), sum()
			}
			coinValue[c].Add(coinValue[c], v)
			switch {
			case !inv.Paid.IsZero():
				coinCrypto[c].Add(coinCrypto[c], rat(inv.Paid.Amount))
			case inv.Status == pos.StatusPaid && !inv.PayAmount.IsZero():
				coinCrypto[c].Add(coinCrypto[c], rat(inv.PayAmount.Amount))
			default:
				coinUnknown[c]++
			}
		}
		if inv.Late {
			late++
		}
		switch {
		case inv.Status == pos.StatusUnderpaid, inv.Status == pos.StatusOverpaid, inv.Status == pos.StatusOnHold,
			inv.Dismissed && !inv.Status.Final():
			exceptions++
		}
	}

	if r.Invoices != count {
		t.Errorf("Invoices = %d, want %d", r.Invoices, count)
	}
	rows := 0
	for _, row := range r.ByStatus {
		rows += row.Count
		if row.Count != statusCount[row.Status] {
			t.Errorf("%s count = %d, want %d", row.Status, row.Count, statusCount[row.Status])
		}
		want := statusAmount[row.Status]
		if want == nil {
			want = sum()
		}
		eq(string(row.Status)+" amount", row.Amount, want)
	}
	if rows != r.Invoices {
		t.Errorf("status rows add up to %d, Invoices is %d", rows, r.Invoices)
	}
	eq("Amount", r.Amount, amount)
	eq("Taken", r.Taken, taken)
	eq("Underpaid", r.Underpaid, underpaid)
	eq("Received", r.Received, new(big.Rat).Add(taken, underpaid))
	eq("OpenAmount", r.OpenAmount, open)
	if r.Open != nOpen || r.UnderpaidUnknown != nUnknown {
		t.Errorf("Open %d UnderpaidUnknown %d, want %d %d", r.Open, r.UnderpaidUnknown, nOpen, nUnknown)
	}
	byCoin := sum()
	if len(r.ByCoin) != len(coinSales) {
		t.Errorf("%d coin rows, want %d", len(r.ByCoin), len(coinSales))
	}
	for _, c := range r.ByCoin {
		byCoin.Add(byCoin, c.Value.Rat())
		if c.Sales != coinSales[c.Coin] || c.CryptoUnknown != coinUnknown[c.Coin] {
			t.Errorf("coin %q: %d sales %d unknown, want %d %d", c.Coin, c.Sales, c.CryptoUnknown, coinSales[c.Coin], coinUnknown[c.Coin])
		}
		eq("value in "+c.Coin, c.Value, coinValue[c.Coin])
		eq("crypto in "+c.Coin, c.Crypto, coinCrypto[c.Coin])
	}
	eq("sum of ByCoin values", r.Received, byCoin)
	if len(r.Late) != late || len(r.Exceptions) != exceptions {
		t.Errorf("%d late, %d exceptions; want %d, %d", len(r.Late), len(r.Exceptions), late, exceptions)
	}
	for i := 1; i < len(r.Exceptions); i++ {
		if r.Exceptions[i].Invoice.CreatedAt.Before(r.Exceptions[i-1].Invoice.CreatedAt) {
			t.Errorf("exceptions not oldest first at %d", i)
		}
	}
}

func TestDayBounds(t *testing.T) {
	berlin := loadZone(t, "Europe/Berlin")
	santiago := loadZone(t, "America/Santiago")
	for _, tt := range []struct {
		name       string
		date       time.Time
		loc        *time.Location
		from, to   string // in loc
		wantLength time.Duration
	}{
		{"ordinary day", time.Date(2026, 3, 14, 15, 9, 0, 0, berlin), berlin,
			"2026-03-14 00:00 CET", "2026-03-15 00:00 CET", 24 * time.Hour},
		{"spring forward: 23 hours", time.Date(2026, 3, 29, 12, 0, 0, 0, berlin), berlin,
			"2026-03-29 00:00 CET", "2026-03-30 00:00 CEST", 23 * time.Hour},
		{"fall back: 25 hours", time.Date(2026, 10, 25, 12, 0, 0, 0, berlin), berlin,
			"2026-10-25 00:00 CEST", "2026-10-26 00:00 CET", 25 * time.Hour},
		{"an instant is taken in loc", time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC), berlin,
			"2026-03-15 00:00 CET", "2026-03-16 00:00 CET", 24 * time.Hour},
		{"midnight skipped: the day starts at 01:00", time.Date(2022, 9, 11, 12, 0, 0, 0, santiago), santiago,
			"2022-09-11 01:00 -03", "2022-09-12 00:00 -03", 23 * time.Hour},
		{"the day before a skipped midnight ends at the change", time.Date(2022, 9, 10, 12, 0, 0, 0, santiago), santiago,
			"2022-09-10 00:00 -04", "2022-09-11 01:00 -03", 24 * time.Hour},
		{"end of the year", time.Date(2026, 12, 31, 8, 0, 0, 0, time.UTC), nil,
			"2026-12-31 00:00 UTC", "2027-01-01 00:00 UTC", 24 * time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			from, to := pos.DayBounds(tt.date, tt.loc)
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			const layout = "2006-01-02 15:04 MST"
			if got := from.In(loc).Format(layout); got != tt.from {
				t.Errorf("from = %s, want %s", got, tt.from)
			}
			if got := to.In(loc).Format(layout); got != tt.to {
				t.Errorf("to = %s, want %s", got, tt.to)
			}
			if to.Sub(from) != tt.wantLength {
				t.Errorf("the day lasts %v, want %v", to.Sub(from), tt.wantLength)
			}
			_, _, d := tt.date.In(loc).Date()
			if _, _, before := from.Add(-time.Nanosecond).In(loc).Date(); before == d {
				t.Errorf("the instant before from is still on day %d", d)
			}
			if _, _, last := to.Add(-time.Nanosecond).In(loc).Date(); last != d {
				t.Errorf("the instant before to is on day %d, want %d", last, d)
			}
		})
	}
}

func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no time zone data for %s: %v", name, err)
	}
	return loc
}

// CryptoWords is the per-coin crypto line the printed and the command-line
// reports share.
func TestCoinTotalCryptoWords(t *testing.T) {
	d := decimal.RequireFromString
	for _, tt := range []struct {
		name              string
		total             pos.CoinTotal
		received, unknown string
	}{
		{"all known", pos.CoinTotal{Coin: "BTC", Sales: 2, Crypto: d("0.0004")}, "0.0004 BTC", ""},
		{"one of three unknown", pos.CoinTotal{Coin: "USDT", Sales: 3, Crypto: d("25"), CryptoUnknown: 1}, "25.00 USDT", "1 sale without a crypto amount"},
		{"none known", pos.CoinTotal{Coin: "BTC", Sales: 2, CryptoUnknown: 2}, "", "2 sales without a crypto amount"},
		{"coin not chosen", pos.CoinTotal{Coin: pos.CoinNotChosen, Sales: 1, CryptoUnknown: 1}, "", "1 sale without a crypto amount"},
	} {
		received, unknown := tt.total.CryptoWords()
		if received != tt.received || unknown != tt.unknown {
			t.Errorf("%s: %q, %q; want %q, %q", tt.name, received, unknown, tt.received, tt.unknown)
		}
	}
	for n, want := range map[int]string{0: "0 sales", 1: "1 sale", 2: "2 sales"} {
		if got := pos.Plural(n, "sale"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
