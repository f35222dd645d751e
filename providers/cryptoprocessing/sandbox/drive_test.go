package sandbox

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNoTimerChooseStartsTheWindow(t *testing.T) {
	e := newEnv(t)
	e.create(t, `{"timer":false,"title":"T","currency":"EUR","amount":12.5,"foreign_id":"pos-1","end_user_reference":"r"}`)
	e.clock.Advance(48 * time.Hour)
	e.Tick()
	if inv, _ := e.Invoice("pos-1"); inv.Status != "created" || e.rc.count() != 0 {
		t.Fatalf("an invoice without a timer expired: %s, %d callbacks", inv.Status, e.rc.count())
	}
	if err := e.DriveCoin("pos-1", Choose, "eth"); err != nil {
		t.Fatal(err)
	}
	inv, _ := e.Invoice("pos-1")
	now := e.clock.Now()
	if inv.Status != "pending" || inv.SenderCurrency != "ETH" || !inv.FixedAt.Equal(now) || !inv.ExpiresAt.Equal(now.Add(Window)) ||
		inv.SenderAmount.String() != "0.0045" || !strings.HasPrefix(inv.Address, "0x") {
		t.Errorf("after choose: %+v", inv)
	}
	e.Tick()
	if got := e.rc.statuses(t); len(got) != 1 || got[0] != "pending" {
		t.Errorf("callbacks %v, want [pending]", got)
	}
	if err := e.Drive("pos-1", Choose); err == nil {
		t.Error("chose a coin twice")
	}
}

func TestPayAndOverpay(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-p", ""))
	if err := e.Drive("pos-p", Pay); err != nil {
		t.Fatal(err)
	}
	inv, _ := e.Invoice("pos-p")
	if inv.Status != "confirmed" || inv.SenderCurrency != "BTC" || !inv.Remaining().IsZero() || len(inv.Transactions) != 1 {
		t.Errorf("after pay: %+v", inv)
	}
	if err := e.Drive("pos-p", Pay); err == nil || !strings.Contains(err.Error(), "confirmed already") {
		t.Errorf("paying a confirmed invoice: %v", err)
	}
	e.create(t, body("pos-o", `"sender_currency":"USDTT","sender_type":"legal","sender_data":{"legal_name":"A","country_of_registration":"DEU"}`))
	_ = e.Drive("pos-o", Overpay)
	inv, _ = e.Invoice("pos-o")
	if inv.Status != "confirmed" || inv.Paid().String() != "14.85" {
		t.Errorf("after overpay: %s paid %s", inv.Status, inv.Paid())
	}
}

func TestInstalments(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-i", `"type":"good_until_expired","sender_currency":"USDTT","sender_type":"legal","sender_data":{"legal_name":"A","country_of_registration":"DEU"}`))
	var remaining []string
	for range 2 {
		if err := e.Drive("pos-i", PayPart); err != nil {
			t.Fatal(err)
		}
		e.Tick()
		cb := e.rc.last(t)
		sent := cb["currency_sent"].(map[string]any)
		remaining = append(remaining, sent["remaining_amount"].(string))
		if cb["status"] != "pending" || sent["amount"] != "13.50000000" {
			t.Errorf("instalment callback %v", cb)
		}
	}
	if strings.Join(remaining, " ") != "6.75000000 3.37500000" {
		t.Errorf("remaining %v", remaining)
	}
	_ = e.Drive("pos-i", Pay)
	e.Tick()
	if got := e.rc.statuses(t); strings.Join(got, " ") != "pending pending confirmed" {
		t.Errorf("callbacks %v", got)
	}
	if txs := e.rc.last(t)["transactions"].([]any); len(txs) != 3 {
		t.Errorf("%d transactions in the last callback", len(txs))
	}
}

func TestUnderpayThenExpire(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-u", ""))
	if err := e.Drive("pos-u", PayPart); err == nil || !strings.Contains(err.Error(), "fill_or_kill") {
		t.Errorf("instalment on fill_or_kill: %v", err)
	}
	if err := e.Drive("pos-u", Underpay); err != nil {
		t.Fatal(err)
	}
	if err := e.Drive("pos-u", Pay); err == nil || !strings.Contains(err.Error(), "has had its payment") {
		t.Errorf("second payment on fill_or_kill: %v", err)
	}
	inv, _ := e.Invoice("pos-u")
	if inv.Status != "pending" || !inv.Remaining().IsPositive() {
		t.Errorf("after underpay: %+v", inv)
	}
	e.clock.Advance(Window)
	e.Tick() // the window ends: the sandbox fails it on its own
	inv, _ = e.Invoice("pos-u")
	if inv.Status != "failed" || inv.Error != ErrorPaidLess || !inv.UpdatedAt.Equal(inv.ExpiresAt) {
		t.Errorf("after expiry: %s %q", inv.Status, inv.Error)
	}
	if got := e.rc.statuses(t); strings.Join(got, " ") != "pending failed" {
		t.Errorf("callbacks %v", got)
	}
	if e.rc.last(t)["error"] != ErrorPaidLess {
		t.Errorf("last callback %v", e.rc.last(t))
	}
}

func TestMempool(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-btc", ""))
	e.create(t, body("pos-eth", ""))
	_ = e.DriveCoin("pos-btc", Mempool, "BTC")
	_ = e.DriveCoin("pos-eth", Mempool, "ETH")
	btc, _ := e.Invoice("pos-btc")
	eth, _ := e.Invoice("pos-eth")
	if btc.Status != "processing" || !btc.ExpiresAt.Equal(btc.FixedAt.Add(24*time.Hour)) || !btc.Extended {
		t.Errorf("BTC in the mempool: %s, expires %v", btc.Status, btc.ExpiresAt)
	}
	if eth.Status != "processing" || !eth.ExpiresAt.Equal(eth.FixedAt.Add(Window)) {
		t.Errorf("ETH in the mempool: %s, expires %v", eth.Status, eth.ExpiresAt)
	}
	e.clock.Advance(Window)
	e.Tick()
	btc, _ = e.Invoice("pos-btc")
	eth, _ = e.Invoice("pos-eth")
	if btc.Status != "processing" || eth.Status != "failed" || eth.Error != ErrorProcessingLong {
		t.Errorf("after 15 min: BTC %s, ETH %s %q", btc.Status, eth.Status, eth.Error)
	}
	if err := e.Drive("pos-btc", Confirm); err != nil {
		t.Fatal(err)
	}
	if btc, _ = e.Invoice("pos-btc"); btc.Status != "confirmed" {
		t.Errorf("after confirm: %s", btc.Status)
	}
	if err := e.Drive("pos-btc", Confirm); err == nil {
		t.Error("confirmed twice")
	}
	e.Tick()
	got := e.rc.statuses(t)
	if strings.Join(got, " ") != "processing processing failed confirmed" {
		t.Errorf("callbacks %v", got)
	}
}

func TestExpiry(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-lazy", ""))
	e.create(t, body("pos-forced", ""))
	e.clock.Advance(Window - time.Second)
	if inv, _ := e.Invoice("pos-lazy"); inv.Status != "pending" {
		t.Fatalf("expired early: %s", inv.Status)
	}
	_ = e.Drive("pos-forced", Expire)
	e.clock.Advance(time.Second)
	if inv, _ := e.Invoice("pos-lazy"); inv.Status != "failed" || inv.Error != ErrorNotPaid {
		t.Errorf("lazily: %s %q", inv.Status, inv.Error)
	}
	e.Tick()
	if got := e.rc.statuses(t); strings.Join(got, " ") != "failed failed" {
		t.Errorf("callbacks %v", got)
	}
	if err := e.Drive("pos-nope", Pay); err == nil {
		t.Error("drove an unknown invoice")
	}
	if err := e.Drive("pos-lazy", Action("dance")); err == nil {
		t.Error("unknown action accepted")
	}
}

func TestLookupByIDAndCode(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, body("pos-l", ""))
	code := d["url"].(string)[strings.LastIndex(d["url"].(string), "/")+1:]
	for _, id := range []string{"pos-l", code, strconv.Itoa(int(d["id"].(float64)))} {
		if inv, ok := e.Invoice(id); !ok || inv.ForeignID != "pos-l" {
			t.Errorf("Invoice(%q) = %v, %t", id, inv.ForeignID, ok)
		}
	}
}
