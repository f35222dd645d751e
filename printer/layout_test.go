package printer

import (
	"errors"
	"strings"
	"testing"

	"cryptopos/pos"
	"cryptopos/printer/escpos"
	"cryptopos/printer/escposdecode"
)

func decode(t *testing.T, data []byte) *escposdecode.Document {
	t.Helper()
	doc, err := escposdecode.Decode(data)
	if err != nil {
		t.Fatalf("the job does not decode: %v", err)
	}
	return doc
}

// checkFits fails for a line wider than the paper at its character size.
func checkFits(t *testing.T, doc *escposdecode.Document, cols int) {
	t.Helper()
	for _, l := range doc.Lines() {
		if n := len([]rune(l.Text)) * l.Width; n > cols {
			t.Errorf("line %q is %d columns wide, the paper %d", l.Text, n, cols)
		}
		if l.Mixed {
			t.Errorf("line %q changes style in the middle", l.Text)
		}
	}
}

func wantValue(t *testing.T, doc *escposdecode.Document, label, want string) {
	t.Helper()
	if got, ok := doc.Value(label); !ok || got != want {
		t.Errorf("%s: %q (found %t), want %q\n%s", label, got, ok, want, doc.Render(doc.Columns()))
	}
}

// A receipt has every item the issue lists, with exact amounts.
func TestReceiptContent(t *testing.T) {
	for _, p := range []Paper{Paper58, Paper80} {
		inv := paidBTC()
		inv.TxID = testTxID
		data, err := Receipt(ReceiptData{Invoice: inv, ProviderName: "Cryptomus"}, testShop, testFormat(p))
		if err != nil {
			t.Fatal(err)
		}
		doc := decode(t, data)
		checkFits(t, doc, p.Columns())
		if doc.Columns() != p.Columns() {
			t.Errorf("%s: lines of %d columns, want %d", p, doc.Columns(), p.Columns())
		}
		lines := doc.Lines()
		if l := lines[0]; l.Text != "Corner Café" || !l.Bold || l.Width != 2 || l.Align != escpos.Center {
			t.Errorf("%s: first line %+v, want the shop's name large and bold", p, l)
		}
		texts := doc.Texts()
		for _, want := range []string{"1 Market Street, Springfield", "VAT DE123456789",
			`Thank you - "Danke"!`, "Come back soon...", "Your digital receipt:"} {
			if !contains(texts, want) {
				t.Errorf("%s: no line %q", p, want)
			}
		}
		wantValue(t, doc, "Date", "2026-11-21 14:05") // paid at 13:05 UTC, in CET
		wantValue(t, doc, "Order", "till-1-0T5J9QKAB3C4D")
		wantValue(t, doc, "Amount", "12.50 EUR")
		wantValue(t, doc, "Crypto paid", "0.00020833 BTC")
		wantValue(t, doc, "Rate", "1 BTC = 60,000.96 EUR")
		wantValue(t, doc, "Provider", "Cryptomus")
		wantValue(t, doc, "Invoice", "c1f2a3b4-5d6e-4f70-8a9b-0c1d2e3f4a5b")
		wantValue(t, doc, "Transaction", testTxID)
		if l, ok := doc.Find("PAID"); !ok || l.Width != 2 || !l.Bold {
			t.Errorf("%s: status line %+v", p, l)
		}
		if _, ok := doc.Value("Crypto asked"); ok {
			t.Errorf("%s: an exact payment shows the amount asked", p)
		}
		if _, ok := doc.Value("Network"); ok {
			t.Errorf("%s: BTC on its own network names the network", p)
		}
		qrs := doc.QRs()
		if len(qrs) != 1 || string(qrs[0].Data) != paidBTC().URL {
			t.Fatalf("%s: QR codes %+v, want one of the invoice URL", p, qrs)
		}
		if q := qrs[0]; q.Model != escpos.QRModel2 || q.Level != escpos.QRLevelM || q.Size != 6 || q.Align != escpos.Center {
			t.Errorf("%s: QR %+v, want model 2, level M, 6 dots, centred", p, q)
		}
		if items := doc.Items; items[0].Kind != escposdecode.KindInit || items[len(items)-1].Kind != escposdecode.KindCut ||
			items[len(items)-1].N != 1 || doc.CodePage != escpos.CP858 {
			t.Errorf("%s: the job does not start with ESC @ in CP858 and end with a partial cut", p)
		}
	}
}

func TestReceiptOverpaidLateCopy(t *testing.T) {
	data, err := Receipt(ReceiptData{Invoice: overpaidUSDT(), Copy: true}, testShop, testFormat(Paper58))
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, data)
	checkFits(t, doc, 32)
	texts := doc.Texts()
	for _, want := range []string{"COPY", "Printed 2026-11-22 10:02", "PAID (overpaid)", "Paid after the invoice had ended"} {
		if !contains(texts, want) {
			t.Errorf("no line %q", want)
		}
	}
	wantValue(t, doc, "Amount", "1,234.50 EUR")
	wantValue(t, doc, "Crypto paid", "1350.00 USDT")
	wantValue(t, doc, "Crypto asked", "1342.25 USDT")
	wantValue(t, doc, "Network", "Tron")
	wantValue(t, doc, "Rate", "1 USDT = 0.9197 EUR") // the price asked, not the overpayment
	wantValue(t, doc, "Provider", "Cryptomus")
	if _, ok := doc.Value("Transaction"); ok {
		t.Error("a transaction line without a transaction id")
	}
}

func TestReceiptRefusesUnpaid(t *testing.T) {
	for _, s := range []pos.Status{pos.StatusUnderpaid, pos.StatusWaiting, pos.StatusExpired} {
		inv := paidBTC()
		inv.Status = s
		if _, err := Receipt(ReceiptData{Invoice: inv}, testShop, Format{}); !errors.Is(err, ErrNotPaid) {
			t.Errorf("%s: %v, want ErrNotPaid", s, err)
		}
	}
}

// A receipt without the provider's amounts, page or id still prints what
// is known, and nothing empty.
func TestReceiptSparse(t *testing.T) {
	inv := pos.Invoice{OrderID: "pos-1", Provider: "cryptoprocessing", Amount: money("5", "JPY"),
		CreatedAt: saleTime, UpdatedAt: saleTime, Status: pos.StatusPaid}
	data, err := Receipt(ReceiptData{Invoice: inv}, Shop{}, Format{Location: testZone})
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, data)
	checkFits(t, doc, 48)
	wantValue(t, doc, "Amount", "5 JPY")
	wantValue(t, doc, "Provider", "Cryptoprocessing")
	for _, label := range []string{"Crypto paid", "Rate", "Invoice", "Network"} {
		if v, ok := doc.Value(label); ok {
			t.Errorf("%s: %q for an invoice without it", label, v)
		}
	}
	if len(doc.QRs()) != 0 || contains(doc.Texts(), "Your digital receipt:") {
		t.Error("a QR code without a URL")
	}
}

func TestLongShopNameWraps(t *testing.T) {
	shop := Shop{Name: "The Extraordinarily Long-Named Neighbourhood Coffee Roastery", Header: []string{strings.Repeat("Very long header line ", 5)}}
	for _, p := range []Paper{Paper58, Paper80} {
		data, err := Receipt(ReceiptData{Invoice: paidBTC()}, shop, testFormat(p))
		if err != nil {
			t.Fatal(err)
		}
		doc := decode(t, data)
		checkFits(t, doc, p.Columns())
		var name []string
		for _, l := range doc.Lines() {
			if l.Width == 2 && l.Bold && l.Align == escpos.Center && !strings.HasPrefix(l.Text, "PAID") {
				name = append(name, l.Text)
			}
		}
		if len(name) < 3 || strings.Join(name, " ") != shop.Name {
			t.Errorf("%s: the name printed as %q", p, name)
		}
	}
}

func TestTransliteratedHeader(t *testing.T) {
	shop := Shop{Name: "Café “Zum Bären”", Header: []string{"Preise in € – inkl. MwSt.", "₿ welcome…"}}
	f := testFormat(Paper80)
	f.CodePage = escpos.CP437
	data, err := Receipt(ReceiptData{Invoice: paidBTC()}, shop, f)
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, data)
	if doc.CodePage != escpos.CP437 {
		t.Errorf("code page %s", doc.CodePage)
	}
	for _, want := range []string{`Café "Zum Bären"`, "Preise in EUR - inkl. MwSt.", "BTC welcome..."} {
		if !contains(doc.Texts(), want) {
			t.Errorf("no line %q in\n%s", want, doc.Render(48))
		}
	}
}

func TestQRTooLongPrintsTheURL(t *testing.T) {
	inv := paidBTC()
	inv.URL = "https://pay.example/" + strings.Repeat("x", 2400)
	data, err := Receipt(ReceiptData{Invoice: inv}, testShop, testFormat(Paper58))
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, data)
	checkFits(t, doc, 32)
	if len(doc.QRs()) != 0 {
		t.Error("a QR code for too much data")
	}
	if !strings.Contains(strings.Join(doc.Texts(), ""), inv.URL) {
		t.Error("the URL is not printed instead")
	}
	// On 58 mm paper a large code needs small modules, still on paper.
	// (600 bytes: version 19, 93 modules and 8 of quiet zone in 360 dots).
	inv.URL = "https://pay.example/" + strings.Repeat("x", 580)
	data, _ = Receipt(ReceiptData{Invoice: inv}, testShop, testFormat(Paper58))
	qrs := decode(t, data).QRs()
	if len(qrs) != 1 || qrs[0].Size != 3 || len(qrs[0].Data) != 600 {
		t.Errorf("a 600-byte QR code on 58 mm: %d codes, want one with 3-dot modules", len(qrs))
	}
}

func TestPaymentQRContent(t *testing.T) {
	inv := paidBTC()
	inv.Status, inv.Paid = pos.StatusWaiting, pos.Money{}
	inv.Pay, inv.PayAmount, inv.Network = pos.PayOption{Code: "USDT", Network: "tron"}, money("13.59", "USDT"), "tron"
	for _, p := range []Paper{Paper58, Paper80} {
		data, err := PaymentQR(inv, testShop, testFormat(p))
		if err != nil {
			t.Fatal(err)
		}
		doc := decode(t, data)
		checkFits(t, doc, p.Columns())
		texts := doc.Texts()
		for _, want := range []string{"Corner Café", "Scan to pay", "12.50 EUR", "13.59 USDT on Tron",
			"Order till-1-0T5J9QKAB3C4D", "Pay before 2026-11-21 14:17"} {
			if !contains(texts, want) {
				t.Errorf("%s: no line %q in\n%s", p, want, doc.Render(p.Columns()))
			}
		}
		if contains(texts, "VAT DE123456789") {
			t.Errorf("%s: the payment QR prints the header", p)
		}
		if l, _ := doc.Find("12.50 EUR"); l.Width != 2 {
			t.Errorf("%s: the amount is not large", p)
		}
		if qrs := doc.QRs(); len(qrs) != 1 || string(qrs[0].Data) != inv.URL {
			t.Errorf("%s: QR codes %+v", p, qrs)
		}
	}
	// Partly paid: what is still to pay.
	inv.Status, inv.Paid = pos.StatusPartial, money("10", "USDT")
	data, _ := PaymentQR(inv, testShop, Format{})
	if !contains(decode(t, data).Texts(), "Still to pay: 3.59 USDT") {
		t.Error("a partly paid invoice does not say what is left")
	}

	inv.URL = ""
	if _, err := PaymentQR(inv, testShop, Format{}); !errors.Is(err, ErrNoPaymentPage) {
		t.Errorf("no URL: %v", err)
	}
	if _, err := PaymentQR(paidBTC(), testShop, Format{}); !errors.Is(err, ErrSaleOver) {
		t.Errorf("paid: %v", err)
	}
}

func TestDayReportContent(t *testing.T) {
	r := testReport()
	for _, p := range []Paper{Paper58, Paper80} {
		doc := decode(t, DayReport(r, testShop, testFormat(p)))
		checkFits(t, doc, p.Columns())
		for label, want := range map[string]string{
			"Sales": "6", "Amount of all sales": "1,302.50 EUR",
			"Waiting (1)": "8.00 EUR", "Paid (2)": "17.50 EUR", "Overpaid (1)": "1,234.50 EUR",
			"Underpaid (1)": "30.00 EUR", "Expired (1)": "12.50 EUR",
			"Taken, paid in full": "1,252.00 EUR", "Underpaid, received": "24.00 EUR",
			"Received in all": "1,276.00 EUR", "Still open: 1 sale": "8.00 EUR",
			"BTC (2)": "36.50 EUR", "USDT (1)": "1,234.50 EUR", "Coin not known (1)": "5.00 EUR",
		} {
			wantValue(t, doc, label, want)
		}
		texts := doc.Texts()
		for _, want := range []string{"DAY REPORT", "2026-11-21", "Printed 2026-11-22 10:02",
			"0.00060833 BTC", "1350.00 USDT", "1 sale without a crypto amount",
			"Late payments (1)", "Exceptions (3)", "10:00 till-1-0T5JA0ZZX9Y8W", "11:00 till-1-0T5JB1UNDER01",
			"15:00 till-1-0T5JF5USD0005"} {
			if !contains(texts, want) {
				t.Errorf("%s: no line %q in\n%s", p, want, doc.Render(p.Columns()))
			}
		}
		all := strings.Join(texts, " ")
		for _, want := range []string{"0.0004 of 0.0005 BTC arrived, worth 24.00 EUR", "Priced in another currency, not in the totals"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: no %q", p, want)
			}
		}
		for _, absent := range []string{"Creating", "Cancelled", "Failed", "Confirming"} {
			if _, ok := doc.Find(absent); ok {
				t.Errorf("%s: a row for %s, which had no sale", p, absent)
			}
		}
	}
}

func TestDayReportEmpty(t *testing.T) {
	from, to := pos.DayBounds(saleTime, testZone)
	doc := decode(t, DayReport(pos.Summarize(nil, from, to, "EUR"), testShop, testFormat(Paper58)))
	checkFits(t, doc, 32)
	wantValue(t, doc, "Sales", "0")
	wantValue(t, doc, "Received in all", "0.00 EUR")
	if !contains(doc.Texts(), "No sales in this period.") {
		t.Error("an empty day does not say so")
	}
	// Several days, in the report's words.
	r := pos.Summarize(nil, from, to.AddDate(0, 0, 2), "EUR")
	if !contains(decode(t, DayReport(r, testShop, testFormat(Paper58))).Texts(), "2026-11-21 to 2026-11-23") {
		t.Error("a three-day period is not named")
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		fiat, crypto pos.Money
		want         string
	}{
		{money("12.50", "EUR"), money("0.00020833", "BTC"), "1 BTC = 60,000.96 EUR"},
		{money("60000", "EUR"), money("1", "BTC"), "1 BTC = 60,000.00 EUR"},
		{money("10.00", "EUR"), money("125", "DOGE"), "1 DOGE = 0.08000 EUR"},
		{money("12.50", "EUR"), money("13.59", "USDT"), "1 USDT = 0.9198 EUR"},
		{money("1500", "JPY"), money("10", "USDT"), "1 USDT = 150.0 JPY"},
		{money("10000000", "JPY"), money("1", "BTC"), "1 BTC = 10,000,000 JPY"},
	}
	for _, tt := range tests {
		if got, ok := rate(tt.fiat, tt.crypto); !ok || got != tt.want {
			t.Errorf("rate(%s, %s) = %q, want %q", tt.fiat, tt.crypto, got, tt.want)
		}
	}
	if _, ok := rate(money("1", "EUR"), money("0", "BTC")); ok {
		t.Error("a rate for nothing paid")
	}
	for in, want := range map[string]string{"0.50": "0.50", "999": "999", "1000": "1,000", "-1234567.891": "-1,234,567.891"} {
		if got := group(in); got != want {
			t.Errorf("group(%q) = %q", in, got)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// The receipt names the network by pos's rule (Invoice.NetworkLabel):
// where the coin does not say it, also when only what arrived is known.
func TestReceiptNetwork(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*pos.Invoice)
		want   string // "" for no Network line
	}{
		{"BTC", func(*pos.Invoice) {}, ""},
		{"USDT on Tron", func(i *pos.Invoice) {
			i.PayAmount, i.Paid, i.Network = money("13.59", "USDT"), money("13.59", "USDT"), "tron"
		}, "Tron"},
		{"TRX on Tron", func(i *pos.Invoice) {
			i.PayAmount, i.Paid, i.Network = money("50", "TRX"), money("50", "TRX"), "tron"
		}, ""},
		{"USDT on BNB Chain, only what arrived known", func(i *pos.Invoice) {
			i.PayAmount, i.Paid, i.Network = pos.Money{}, money("13.59", "USDT"), "bsc"
		}, "BNB Chain"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			inv := paidBTC()
			tt.change(&inv)
			data, err := Receipt(ReceiptData{Invoice: inv}, testShop, testFormat(Paper80))
			if err != nil {
				t.Fatal(err)
			}
			doc := decode(t, data)
			got, ok := doc.Value("Network")
			if tt.want == "" && ok {
				t.Errorf("a Network line %q where the coin says it all", got)
			}
			if tt.want != "" {
				wantValue(t, doc, "Network", tt.want)
			}
		})
	}
}
