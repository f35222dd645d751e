package printer

import (
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

// The fixtures: a shop, paid sales and a day's report, at fixed times.

var testZone = time.FixedZone("CET", 3600)

var saleTime = time.Date(2026, 11, 21, 13, 2, 0, 0, time.UTC) // 14:02 CET

func money(s, cur string) pos.Money {
	return pos.Money{Amount: decimal.RequireFromString(s), Currency: cur}
}

var testShop = Shop{
	Name:   "Corner Café",
	Header: []string{"1 Market Street, Springfield", "VAT DE123456789"},
	Footer: []string{"Thank you – “Danke”!", "Come back soon…"},
}

func testFormat(p Paper) Format {
	return Format{Paper: p, Location: testZone, Now: func() time.Time { return saleTime.Add(20 * time.Hour) }}
}

// paidBTC is a sale paid exactly in BTC, with a provider invoice id.
func paidBTC() pos.Invoice {
	return pos.Invoice{
		OrderID: "till-1-0T5J9QKAB3C4D", Provider: "cryptomus",
		Amount: money("12.50", "EUR"), Pay: pos.PayOption{Code: "BTC"},
		CreatedAt: saleTime, UpdatedAt: saleTime.Add(3 * time.Minute),
		ProviderID: "c1f2a3b4-5d6e-4f70-8a9b-0c1d2e3f4a5b",
		URL:        "https://pay.cryptomus.com/pay/c1f2a3b4-5d6e-4f70-8a9b-0c1d2e3f4a5b",
		ExpiresAt:  saleTime.Add(15 * time.Minute),
		PayAmount:  money("0.00020833", "BTC"), Paid: money("0.00020833", "BTC"), Network: "btc",
		Status: pos.StatusPaid, ProviderStatus: "paid",
	}
}

// overpaidUSDT is a sale overpaid in USDT on Tron, paid late.
func overpaidUSDT() pos.Invoice {
	inv := paidBTC()
	inv.OrderID = "till-1-0T5JA0ZZX9Y8W"
	inv.Amount = money("1234.50", "EUR")
	inv.Pay = pos.PayOption{Code: "USDT", Network: "tron"}
	inv.PayAmount, inv.Paid, inv.Network = money("1342.25", "USDT"), money("1350", "USDT"), "tron"
	inv.Status, inv.ProviderStatus = pos.StatusOverpaid, "paid_over"
	inv.Late = true
	return inv
}

const testTxID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"

// testReport is a day with sales of every kind.
func testReport() pos.Report {
	from := time.Date(2026, 11, 21, 0, 0, 0, 0, testZone)
	at := func(h int) time.Time { return from.Add(time.Duration(h) * time.Hour) }
	paid := paidBTC()
	paid.CreatedAt = at(9)
	over := overpaidUSDT()
	over.CreatedAt = at(10)
	under := paidBTC()
	under.OrderID, under.CreatedAt = "till-1-0T5JB1UNDER01", at(11)
	under.Amount, under.PayAmount, under.Paid = money("30.00", "EUR"), money("0.0005", "BTC"), money("0.0004", "BTC")
	under.Status = pos.StatusUnderpaid
	waiting := paidBTC()
	waiting.OrderID, waiting.CreatedAt, waiting.Status, waiting.Paid = "till-1-0T5JC2WAIT002", at(12), pos.StatusWaiting, pos.Money{}
	waiting.Amount = money("8.00", "EUR")
	expired := paidBTC()
	expired.OrderID, expired.CreatedAt, expired.Status, expired.Paid = "till-1-0T5JD3EXPD003", at(13), pos.StatusExpired, pos.Money{}
	chooses := paidBTC()
	chooses.OrderID, chooses.CreatedAt, chooses.Pay = "till-1-0T5JE4ANY0004", at(14), pos.PayOption{}
	chooses.PayAmount, chooses.Paid, chooses.Amount = pos.Money{}, pos.Money{}, money("5.00", "EUR")
	usd := paidBTC()
	usd.OrderID, usd.CreatedAt, usd.Amount = "till-1-0T5JF5USD0005", at(15), money("20.00", "USD")
	from, to := pos.DayBounds(at(12), testZone)
	return pos.Summarize([]pos.Invoice{paid, over, under, waiting, expired, chooses, usd}, from, to, "EUR")
}
