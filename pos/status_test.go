package pos

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestStatusFinalAndWords(t *testing.T) {
	final := map[Status]bool{StatusPaid: true, StatusOverpaid: true, StatusUnderpaid: true,
		StatusExpired: true, StatusCancelled: true, StatusFailed: true}
	for _, s := range Statuses {
		if s.Final() != final[s] {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
		if s.Words() == "Unknown status" || s.Words() == "" {
			t.Errorf("%s has no words", s)
		}
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if Status("bogus").Valid() || StatusUnknown.Valid() {
		t.Error("bogus statuses are valid")
	}
}

func TestStatusTransitionsAreMonotonic(t *testing.T) {
	tests := []struct {
		from, to Status
		ok       bool
	}{
		{StatusCreating, StatusWaiting, true},
		{StatusWaiting, StatusConfirming, true},
		{StatusConfirming, StatusPartial, true},
		{StatusPartial, StatusConfirming, true},
		{StatusWaiting, StatusPaid, true},
		{StatusWaiting, StatusCreating, false},
		{StatusWaiting, StatusUnknown, false},
		{StatusPaid, StatusWaiting, false},
		{StatusPaid, StatusConfirming, false},
		{StatusExpired, StatusWaiting, false},
		{StatusExpired, StatusPaid, true},    // a late payment
		{StatusCancelled, StatusPaid, true},  // a late payment after a cancel on the terminal
		{StatusUnderpaid, StatusPaid, true},  // topped up late
		{StatusPaid, StatusExpired, false},   // money never goes away by expiry
		{StatusPaid, StatusUnderpaid, false}, //
		{StatusPaid, StatusOverpaid, true},
		{StatusFailed, StatusExpired, false},
		{StatusPaid, StatusPaid, false},
	}
	for _, tt := range tests {
		if got := tt.from.CanMoveTo(tt.to); got != tt.ok {
			t.Errorf("%s -> %s allowed = %v, want %v", tt.from, tt.to, got, tt.ok)
		}
	}
}

func TestApplyKeepsAFinalStatus(t *testing.T) {
	inv := Invoice{OrderID: "o", Status: StatusWaiting}
	if !inv.Apply(Update{Status: StatusPaid, ProviderStatus: "paid", URL: "https://pay/1"}) {
		t.Fatal("paid update did not change the invoice")
	}
	if inv.Apply(Update{Status: StatusWaiting, ProviderStatus: "check"}) {
		t.Fatal("a late waiting reply changed a paid invoice")
	}
	if inv.Status != StatusPaid || inv.ProviderStatus != "paid" {
		t.Fatalf("got %s (%s)", inv.Status, inv.ProviderStatus)
	}
	// A refund in progress says nothing about the sale but is noted.
	inv.Apply(Update{Status: StatusUnknown, ProviderStatus: "refund_process"})
	if inv.Status != StatusPaid || inv.ProviderStatus != "refund_process" {
		t.Fatalf("after refund word: %s (%s)", inv.Status, inv.ProviderStatus)
	}
}

func TestApplyMergesKnownFields(t *testing.T) {
	exp := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	btc := func(s string) Money { return Money{Amount: decimal.RequireFromString(s), Currency: "BTC"} }
	inv := Invoice{Status: StatusWaiting, URL: "https://pay/1", PayAmount: btc("0.0002")}
	inv.Apply(Update{Status: StatusPartial, Paid: btc("0.0001"), ExpiresAt: exp})
	if inv.URL != "https://pay/1" || !inv.ExpiresAt.Equal(exp) || inv.Paid.String() != "0.0001 BTC" {
		t.Fatalf("merged: %+v", inv)
	}
	rest, ok := inv.Outstanding()
	if !ok || rest.String() != "0.0001 BTC" {
		t.Fatalf("outstanding %v %v", rest, ok)
	}
	if inv.Apply(Update{Status: StatusPartial, Paid: btc("0.00010")}) {
		t.Fatal("an equal amount written differently counted as a change")
	}
}

func TestDismissedExpiryReadsAsCancelled(t *testing.T) {
	inv := Invoice{Status: StatusWaiting, Dismissed: true}
	inv.Apply(Update{Status: StatusExpired, ProviderStatus: "cancel"})
	if inv.Status != StatusCancelled || inv.Reason == "" || inv.ProviderStatus != "cancel" {
		t.Fatalf("got %+v", inv)
	}
}

func TestParsePayOption(t *testing.T) {
	tests := []struct {
		in    string
		want  PayOption
		label string
		bad   bool
	}{
		{"BTC", PayOption{Code: "BTC"}, "BTC", false},
		{"usdt:TRON", PayOption{Code: "USDT", Network: "tron"}, "USDT · Tron", false},
		{" USDT : bsc ", PayOption{Code: "USDT", Network: "bsc"}, "USDT · BNB Chain", false},
		{"ETH:zksync", PayOption{Code: "ETH", Network: "zksync"}, "ETH · Zksync", false},
		{"", PayOption{}, "", true},
		{"USDT:", PayOption{}, "", true},
		{"BT C", PayOption{}, "", true},
	}
	for _, tt := range tests {
		got, err := ParsePayOption(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("ParsePayOption(%q) error %v", tt.in, err)
			continue
		}
		if !tt.bad && (got != tt.want || got.Label() != tt.label) {
			t.Errorf("ParsePayOption(%q) = %+v %q", tt.in, got, got.Label())
		}
	}
	if (PayOption{}).Label() != "Customer chooses" {
		t.Error("zero option label")
	}
}

func TestPayLineNamesTheNetworkWhereItMatters(t *testing.T) {
	tests := []struct {
		amount, coin, network, want string
	}{
		{"13.59", "USDT", "tron", "13.59 USDT on Tron"},
		{"13.59", "USDT", "bsc", "13.59 USDT on BNB Chain"},
		{"0.0002", "BTC", "btc", "0.0002 BTC"},
		{"5", "TRX", "tron", "5.00 TRX"},
		{"0.01", "ETH", "arbitrum", "0.01 ETH on Arbitrum"},
		{"1", "USDT", "", "1.00 USDT"},
	}
	for _, tt := range tests {
		inv := Invoice{PayAmount: Money{Amount: decimal.RequireFromString(tt.amount), Currency: tt.coin}, Network: tt.network}
		if got := inv.PayLine(); got != tt.want {
			t.Errorf("PayLine(%s %s %s) = %q, want %q", tt.amount, tt.coin, tt.network, got, tt.want)
		}
	}
	if (Invoice{}).PayLine() != "" {
		t.Error("no amount should give no line")
	}
}

func TestPaidLineSaysWhatArrived(t *testing.T) {
	btc := func(s string) Money { return Money{Amount: decimal.RequireFromString(s), Currency: "BTC"} }
	tests := []struct {
		name string
		inv  Invoice
		want string
	}{
		{"paid exactly, amount reported", Invoice{Status: StatusPaid, PayAmount: btc("0.0003"), Paid: btc("0.0003")}, "0.0003 BTC"},
		{"paid exactly, no amount reported", Invoice{Status: StatusPaid, PayAmount: btc("0.0003")}, "0.0003 BTC"},
		{"underpaid", Invoice{Status: StatusUnderpaid, PayAmount: btc("0.0003"), Paid: btc("0.0001")}, "0.0001 of 0.0003 BTC"},
		{"paid in another coin", Invoice{Status: StatusPaid, PayAmount: btc("0.0003"), Paid: Money{Amount: decimal.RequireFromString("20"), Currency: "USDT"}}, "20.00 USDT"},
		{"expired, nothing arrived", Invoice{Status: StatusExpired, PayAmount: btc("0.0003")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.inv.PaidLine(); got != tt.want {
				t.Errorf("PaidLine() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParsePayOptionsRefusesACoinListedTwice(t *testing.T) {
	tests := []struct {
		list    []string
		want    string
		wantErr string
	}{
		{[]string{"BTC", "USDT:tron"}, "BTC USDT · Tron", ""},
		{[]string{"BTC", "btc"}, "", `"btc" is listed twice.`},
		{[]string{"BTC", "no such coin!"}, "", "is not a currency"},
		{nil, "", ""},
	}
	for _, tt := range tests {
		got, err := ParsePayOptions(tt.list, nil)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParsePayOptions(%q) error %v, want %q", tt.list, err, tt.wantErr)
			}
			continue
		}
		var labels []string
		for _, o := range got {
			labels = append(labels, o.Label())
		}
		if err != nil || strings.Join(labels, " ") != tt.want {
			t.Errorf("ParsePayOptions(%q) = %q, %v; want %q", tt.list, labels, err, tt.want)
		}
	}
}
