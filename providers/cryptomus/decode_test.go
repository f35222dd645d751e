package cryptomus

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"

	"github.com/shopspring/decimal"
)

func TestTolerantDecoding(t *testing.T) {
	const uuid = "8e0a4f4c-5c2c-4b4b-9a51-0a0e3f6f3c11"
	wrap := func(fields string) string {
		return `{"state":0,"result":{"uuid":"` + uuid + `","order_id":"pos-01hzx3k9q2",` + fields + `}}`
	}
	money := func(amount, code string) pos.Money {
		return pos.NewMoney(decimal.RequireFromString(amount), code)
	}
	tests := []struct {
		name       string
		reply      string
		status     pos.Status
		word       string
		pay, paid  pos.Money
		expires    time.Time
		address    string
		logs       []string
		wantReason bool
	}{
		{name: "amounts as numbers",
			reply:  wrap(`"status":"wrong_amount_waiting","payment_status":"wrong_amount_waiting","is_final":false,"payer_amount":0.00021,"payment_amount":0.0001,"payer_currency":"BTC","expired_at":1741944413`),
			status: pos.StatusPartial, word: "wrong_amount_waiting",
			pay: money("0.00021", "BTC"), paid: money("0.0001", "BTC"), expires: time.Unix(1741944413, 0)},
		{name: "amounts as strings",
			reply:  wrap(`"status":"paid","is_final":true,"payer_amount":"15.43500000","payment_amount":"15.43500000","payer_currency":"USDT","network":"tron","address":"TQx","expired_at":"1741944413"`),
			status: pos.StatusPaid, word: "paid", pay: money("15.435", "USDT"), paid: money("15.435", "USDT"),
			expires: time.Unix(1741944413, 0), address: "TQx"},
		{name: "nulls everywhere",
			reply:  wrap(`"status":"check","is_final":false,"amount":null,"payer_amount":null,"payment_amount":null,"payer_currency":null,"network":null,"address":null,"txid":null,"from":null,"url":null,"expired_at":null,"discount_percent":null,"discount":null,"additional_data":null,"created_at":null`),
			status: pos.StatusWaiting, word: "check"},
		{name: "nothing paid yet is not a payment",
			reply:  wrap(`"status":"check","is_final":false,"payer_amount":"10","payment_amount":"0.00000000","payer_currency":"usdt"`),
			status: pos.StatusWaiting, word: "check", pay: money("10", "USDT")},
		{name: "unknown fields and shapes",
			reply:  wrap(`"status":"paid_over","is_final":true,"convert":{"to_currency":"USDT","rate":"0.077"},"comments":null,"new_list":[1,2],"payer_amount":{"value":"1"},"payer_currency":"TRX"`),
			status: pos.StatusOverpaid, word: "paid_over"},
		{name: "discount_percent as int", reply: wrap(`"status":"check","discount_percent":5,"discount":"-0.75"`),
			status: pos.StatusWaiting, word: "check"},
		{name: "discount_percent as string", reply: wrap(`"status":"check","discount_percent":"-10"`),
			status: pos.StatusWaiting, word: "check"},
		{name: "discount_percent as garbage", reply: wrap(`"status":"check","discount_percent":"n/a","amount":"12,5"`),
			status: pos.StatusWaiting, word: "check"},
		{name: "is_final as a string", reply: wrap(`"status":"cancel","is_final":"true"`),
			status: pos.StatusExpired, word: "cancel", wantReason: true},
		{name: "status and payment_status differ",
			reply:  wrap(`"status":"paid","payment_status":"check","is_final":true`),
			status: pos.StatusPaid, word: "paid", logs: []string{"status and payment_status differ", "payment_status=check"}},
		{name: "only payment_status", reply: wrap(`"payment_status":"confirm_check","is_final":false`),
			status: pos.StatusConfirming, word: "confirm_check"},
		{name: "upper case status", reply: wrap(`"status":"PAID","is_final":true`),
			status: pos.StatusPaid, word: "paid"},
		{name: "refund does not change the sale", reply: wrap(`"status":"refund_process","payment_status":"paid","is_final":false`),
			status: pos.StatusUnknown, word: "refund_process", logs: []string{"payment_status=paid"}},
		{name: "unknown status word", reply: wrap(`"status":"teleported","is_final":false`),
			status: pos.StatusUnknown, word: "teleported", logs: []string{"unknown invoice status", "status=teleported"}},
		{name: "final while waiting", reply: wrap(`"status":"check","is_final":true`),
			status: pos.StatusFailed, word: "check", wantReason: true},
		{name: "locked, then final", reply: wrap(`"status":"locked","is_final":true`),
			status: pos.StatusFailed, word: "locked", wantReason: true},
		{name: "system fail", reply: wrap(`"status":"system_fail","is_final":true`),
			status: pos.StatusFailed, word: "system_fail", wantReason: true},
		{name: "no state but a result", reply: `{"result":{"uuid":"` + uuid + `","order_id":"pos-01hzx3k9q2","status":"check"}}`,
			status: pos.StatusWaiting, word: "check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecordingServer(t, http.StatusOK, tt.reply)
			c, logs := newTestClient(t, srv.URL+"/v1")
			inv := testInvoice("10", "USD", pos.PayOption{})
			inv.ProviderID = uuid
			u, err := c.Status(context.Background(), inv)
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			if u.Status != tt.status || u.ProviderStatus != tt.word || u.ProviderID != uuid || u.Source != "Cryptomus API" {
				t.Errorf("got status %q (%q) id %q source %q; want %q (%q)", u.Status, u.ProviderStatus, u.ProviderID, u.Source, tt.status, tt.word)
			}
			if (u.Reason != "") != tt.wantReason {
				t.Errorf("reason %q", u.Reason)
			}
			sameMoney := func(what string, got, want pos.Money) {
				if got.Currency != want.Currency || !got.Amount.Equal(want.Amount) {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			sameMoney("PayAmount", u.PayAmount, tt.pay)
			sameMoney("Paid", u.Paid, tt.paid)
			if !u.ExpiresAt.Equal(tt.expires) || u.Address != tt.address {
				t.Errorf("expires %v address %q", u.ExpiresAt, u.Address)
			}
			for _, l := range tt.logs {
				if !strings.Contains(logs.String(), l) {
					t.Errorf("log lacks %q:\n%s", l, logs)
				}
			}
		})
	}
}

func TestInvoiceObjectTimes(t *testing.T) {
	var o invoiceObject
	err := json.Unmarshal([]byte(`{"uuid":"u","status":"check","expired_at":1689098133,
		"created_at":"2023-07-11T20:23:52+03:00","updated_at":"2023-07-11T21:24:17.5+03:00"}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2023, 7, 11, 17, 23, 52, 0, time.UTC); !o.CreatedAt.T.Equal(want) {
		t.Errorf("created_at = %v, want %v", o.CreatedAt.T, want)
	}
	if _, off := o.CreatedAt.T.Zone(); off != 3*3600 {
		t.Errorf("the +03:00 offset was lost: %v", o.CreatedAt.T)
	}
	if want := time.Date(2023, 7, 11, 18, 24, 17, 5e8, time.UTC); !o.UpdatedAt.T.Equal(want) {
		t.Errorf("updated_at = %v, want %v", o.UpdatedAt.T, want)
	}
	if !o.ExpiredAt.T.Equal(time.Unix(1689098133, 0)) {
		t.Errorf("expired_at = %v", o.ExpiredAt.T)
	}
}

func TestFlexUnix(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time // zero when unset
	}{
		{`1689098133`, time.Unix(1689098133, 0)},
		{`"1689098133"`, time.Unix(1689098133, 0)},
		{`"2023-07-11T21:15:33+03:00"`, time.Date(2023, 7, 11, 18, 15, 33, 0, time.UTC)},
		{`253402300799`, time.Unix(253402300799, 0)},
		{`null`, time.Time{}},
		{`0`, time.Time{}},
		{`-5`, time.Time{}},
		{`253402300800`, time.Time{}},
		{`"18446744073709551617"`, time.Time{}}, // wrapped around to 1970-01-01T00:00:01Z once
		{`9223372036854775808`, time.Time{}},
		{`1e9999`, time.Time{}},
	} {
		var f flexUnix
		if err := f.UnmarshalJSON([]byte(tt.in)); err != nil || !f.T.Equal(tt.want) {
			t.Errorf("flexUnix(%s) = %v, %v; want %v", tt.in, f.T, err, tt.want)
		}
	}
}
