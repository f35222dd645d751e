package cryptoprocessing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
	"cryptopos/relay"
)

// callback builds an invoice callback like the documentation's examples.
func callback(status, errText, amount, remaining string, txs []string, expires int64) string {
	list := strings.Join(txs, ",")
	e := `null`
	if errText != "" {
		e = `"` + errText + `"`
	}
	return fmt.Sprintf(`{"id":588,"foreign_id":"pos-01hzx3k9q2","end_user_reference":"ab12","type":"invoice",
 "crypto_address":{"id":386897,"currency":"BTC","address":"2Mvo6FMduhHz1BTDHsQ5GyRoifcG3y4ycpk","tag":null,"convert_to":"EUR"},
 "currency_sent":{"currency":"BTC","amount":"%s","remaining_amount":"%s"},
 "currency_received":{"currency":"EUR","amount":"26.00000000"},
 "transactions":[%s],"fees":[],"error":%s,"status":"%s","fixed_at":1592307241,"expires_at":%d}`,
		amount, remaining, list, e, status, expires)
}

func tx(amount, confirmations string) string {
	return `{"id":750294,"currency":"BTC","transaction_type":"blockchain","type":"deposit","address":"2Mvo","tag":null,"amount":"` +
		amount + `","txid":"528d","confirmations":` + confirmations + `}`
}

const fixedAt, window = int64(1592307241), int64(900)

func TestStatusFromRelay(t *testing.T) {
	exchange := `{"id":1,"currency":"BTC","currency_to":"EUR","transaction_type":"exchange","type":"exchange","amount":"0.02000000","amount_to":"26"}`
	tests := []struct {
		name      string
		payload   string
		dismissed bool
		status    pos.Status
		pay, paid string
		expires   int64
		reason    string
	}{
		{name: "pending, nothing paid", payload: callback("pending", "", "0.02000000", "0.02000000", nil, fixedAt+window),
			status: pos.StatusWaiting, pay: "0.02 BTC", expires: fixedAt + window},
		{name: "created, error empty string", payload: strings.Replace(callback("created", "", "0.02", "0.02", nil, fixedAt+window), `"error":null`, `"error":""`, 1),
			status: pos.StatusWaiting, pay: "0.02 BTC"},
		{name: "instalment (docs: pending with one part)", payload: callback("pending", "", "0.02000000", "0.01000000", []string{tx("0.01000000", `"0"`)}, fixedAt+window),
			status: pos.StatusPartial, pay: "0.02 BTC", paid: "0.01 BTC"},
		{name: "second instalment in the mempool", payload: callback("processing", "", "0.03000000", "0.01000000", []string{tx("0.01", `"1"`), tx("0.01", "0")}, fixedAt+86400),
			status: pos.StatusPartial, pay: "0.03 BTC", paid: "0.02 BTC", expires: fixedAt + 86400},
		{name: "mempool extends the window to 24 h", payload: callback("processing", "", "0.00309556", "0.00000000", []string{tx("0.00309556", `"0"`)}, 1592395375),
			status: pos.StatusConfirming, pay: "0.00309556 BTC", paid: "0.00309556 BTC", expires: 1592395375},
		{name: "confirmed in two parts", payload: callback("confirmed", "", "0.02000000", "0.00000000", []string{tx("0.01", `"1"`), tx("0.01", "3")}, 1592394104),
			status: pos.StatusPaid, pay: "0.02 BTC", paid: "0.02 BTC"},
		{name: "confirmed, exchange leg not counted", payload: callback("confirmed", "", "0.02000000", "0", []string{tx("0.02", `"1"`), exchange}, fixedAt+window),
			status: pos.StatusPaid, pay: "0.02 BTC", paid: "0.02 BTC"},
		{name: "overpaid", payload: callback("confirmed", "", "0.02000000", "0.00000000", []string{tx("0.025", `"2"`)}, fixedAt+window),
			status: pos.StatusOverpaid, pay: "0.02 BTC", paid: "0.025 BTC"},
		{name: "timer expired, not paid", payload: callback("failed", "Timer expired. User not paid.", "0.02", "0.02", nil, fixedAt+window),
			status: pos.StatusExpired, pay: "0.02 BTC", reason: "ran out before the customer paid"},
		{name: "paid less than requested", payload: callback("failed", "Timer expired. User paid less than requested.", "0.01", "0.0099", []string{tx("0.0001", `"2"`)}, fixedAt+window),
			status: pos.StatusUnderpaid, pay: "0.01 BTC", paid: "0.0001 BTC", reason: "refunds the customer in full"},
		{name: "processing too long", payload: callback("failed", "Timer expired. Transactions were in status processing too long.", "0.01", "0.0099", []string{tx("0.0001", `"0"`)}, fixedAt+86400),
			status: pos.StatusFailed, pay: "0.01 BTC", paid: "0.0001 BTC", reason: "unconfirmed for more than 24 hours"},
		{name: "other failure", payload: callback("failed", "Something odd", "0.01", "0.01", nil, fixedAt+window),
			status: pos.StatusFailed, pay: "0.01 BTC", reason: "Cryptoprocessing reports that the invoice failed: Something odd."},
		{name: "failure without text", payload: callback("failed", "", "0.01", "0.01", nil, fixedAt+window),
			status: pos.StatusFailed, pay: "0.01 BTC", reason: "without saying why"},
		{name: "cancelled elsewhere", payload: callback("failed", "Invoice cancelled by merchant.", "0.01", "0.01", nil, fixedAt+window),
			status: pos.StatusCancelled, pay: "0.01 BTC", reason: "Cancelled at Cryptoprocessing."},
		{name: "dismissed, then expired", payload: callback("failed", "Timer expired. User not paid.", "0.01", "0.01", nil, fixedAt+window),
			dismissed: true, status: pos.StatusCancelled, pay: "0.01 BTC"},
		{name: "dismissed, paid less stays underpaid", payload: callback("failed", "Timer expired. User paid less than requested.", "0.01", "0.005", []string{tx("0.005", `"1"`)}, fixedAt+window),
			dismissed: true, status: pos.StatusUnderpaid, pay: "0.01 BTC", paid: "0.005 BTC"},
		{name: "unknown word: no news", payload: callback("refunded", "", "0.01", "0", nil, fixedAt+window), status: pos.StatusUnknown, pay: "0.01 BTC", paid: "0.01 BTC"},
		{name: "no coin yet (nulls)", payload: `{"id":1,"foreign_id":"pos-01hzx3k9q2","type":"invoice","crypto_address":null,"currency_sent":null,
			"currency_received":null,"transactions":[],"fees":[],"error":"Invoice cancelled by merchant.","status":"failed","fixed_at":null,"expires_at":null}`,
			status: pos.StatusCancelled},
		{name: "numbers where strings were", payload: `{"id":"9","foreign_id":"pos-01hzx3k9q2","type":"invoice","currency_sent":{"currency":"USDTT","amount":13.59,"remaining_amount":0},
			"transactions":[{"currency":"USDTT","amount":13.59,"confirmations":3}],"error":"","status":"confirmed","expires_at":"1592308141"}`,
			status: pos.StatusPaid, pay: "13.59 USDT", paid: "13.59 USDT", expires: 1592308141},
		{name: "spec §8.3 reading: amount is what was sent", payload: callback("processing", "", "0.01000000", "0.01000000", nil, fixedAt+window),
			status: pos.StatusConfirming, pay: "0.01 BTC"},
	}
	at := testNow.Add(-time.Minute)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := &fakeRelay{}
			fr.put(testOrderID, tt.payload, at)
			c, _, _ := newTestClient(t, "https://app.cryptoprocessing.com/api/v2", func(_ *Config, o *Options) { o.Relay = fr })
			inv := testInvoice("26", "EUR", pos.PayOption{})
			inv.URL, inv.Dismissed = "https://x.example/invoice/1", tt.dismissed
			u, err := c.Status(context.Background(), inv)
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			if u.Status != tt.status {
				t.Errorf("status %q, want %q (reason %q)", u.Status, tt.status, u.Reason)
			}
			if u.PayAmount.String() != tt.pay || u.Paid.String() != tt.paid {
				t.Errorf("pay %q paid %q, want %q and %q", u.PayAmount, u.Paid, tt.pay, tt.paid)
			}
			if tt.expires != 0 && !u.ExpiresAt.Equal(time.Unix(tt.expires, 0)) {
				t.Errorf("expires %v, want %v", u.ExpiresAt, time.Unix(tt.expires, 0))
			}
			if !strings.Contains(u.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", u.Reason, tt.reason)
			}
			if u.Source != "relay" || !u.At.Equal(at) {
				t.Errorf("source %q at %v, want relay at %v", u.Source, u.At, at)
			}
			if u.ProviderID != "" || u.URL != "" {
				t.Errorf("a callback changed the id or page: %+v", u)
			}
		})
	}
}

// The receipt's transaction is the customer's last deposit in the
// invoice's coin: never a refund or withdrawal, an exchange leg or another
// coin's transaction, whatever their order or letter case.
func TestStatusTxIDIsTheLastDeposit(t *testing.T) {
	leg := func(txType, kind, currency, txid string) string {
		return `{"id":2,"currency":"` + currency + `","transaction_type":"` + txType + `","type":"` + kind +
			`","amount":"0.01","txid":"` + txid + `","confirmations":"1"}`
	}
	deposit := func(txid string) string { return leg("blockchain", "deposit", "BTC", txid) }
	tests := []struct {
		name string
		txs  []string
		want string
	}{
		{"one deposit", []string{deposit("dep-1")}, "dep-1"},
		{"two deposits: the last", []string{deposit("dep-1"), deposit("dep-2")}, "dep-2"},
		{"refund after the deposit", []string{deposit("dep-1"), leg("blockchain", "withdrawal", "BTC", "refund-1")}, "dep-1"},
		{"another coin's deposit after it", []string{deposit("dep-1"), leg("blockchain", "deposit", "ETH", "eth-1")}, "dep-1"},
		{"exchange leg after it", []string{deposit("dep-1"), leg("exchange", "exchange", "BTC", "ex-1")}, "dep-1"},
		{"upper-case words", []string{leg("Blockchain", "Deposit", "btc", "dep-1")}, "dep-1"},
		{"last deposit without txid", []string{deposit("dep-1"), deposit("")}, "dep-1"},
		{"only a refund", []string{leg("blockchain", "withdrawal", "BTC", "refund-1")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := &fakeRelay{}
			fr.put(testOrderID, callback("confirmed", "", "0.01", "0", tt.txs, fixedAt+window), testNow)
			c, _, _ := newTestClient(t, "https://app.cryptoprocessing.com/api/v2", func(_ *Config, o *Options) { o.Relay = fr })
			inv := testInvoice("26", "EUR", pos.PayOption{})
			inv.URL = "https://x.example/invoice/1"
			u, err := c.Status(context.Background(), inv)
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			if u.TxID != tt.want {
				t.Errorf("TxID %q, want %q", u.TxID, tt.want)
			}
		})
	}
}

func TestStatusOutstandingOfInstalments(t *testing.T) {
	fr := &fakeRelay{}
	fr.put(testOrderID, callback("pending", "", "0.02000000", "0.01500000", []string{tx("0.005", `"1"`)}, fixedAt+window), testNow)
	c, _, _ := newTestClient(t, DefaultBaseURL, func(_ *Config, o *Options) { o.Relay = fr })
	inv := testInvoice("26", "EUR", pos.PayOption{})
	inv.URL = "https://x.example/invoice/1"
	u, err := c.Status(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	inv.Apply(u)
	rest, ok := inv.Outstanding()
	if !ok || rest.String() != "0.015 BTC" || inv.Network != "btc" || inv.Address == "" {
		t.Errorf("outstanding %s (%t), network %q, address %q", rest, ok, inv.Network, inv.Address)
	}
}

func TestStatusRelayErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		kind pos.ErrorKind
		want string
	}{
		{"token refused", fmt.Errorf("relay at r.example: %w (401 Unauthorized): check the relay token", relay.ErrUnauthorized),
			pos.ErrKindAuth, "The relay refused the token: check cryptoprocessing.relay_token."},
		{"unreachable", errors.New("could not reach the relay at relay.example.com: connection refused"),
			pos.ErrKindTransport, "Cannot reach the relay at relay.example.com; the terminal will keep trying."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := newTestClient(t, DefaultBaseURL, func(_ *Config, o *Options) { o.Relay = &fakeRelay{err: tt.err} })
			inv := testInvoice("1", "EUR", pos.PayOption{})
			inv.URL = "https://x.example/i"
			_, err := c.Status(context.Background(), inv)
			if pos.KindOf(err) != tt.kind || err.Error() != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("err = %v (kind %d), want %q", err, pos.KindOf(err), tt.want)
			}
		})
	}
	c, _, _ := newTestClient(t, DefaultBaseURL)
	if _, err := c.Status(context.Background(), testInvoice("1", "EUR", pos.PayOption{})); err == nil ||
		!strings.Contains(err.Error(), "cryptoprocessing.relay_url") {
		t.Errorf("no relay: %v", err)
	}
}

func TestStatusUnusableRecords(t *testing.T) {
	tests := []struct {
		name string
		rec  relay.Record
		want string
	}{
		{"another provider", relay.Record{Provider: "cryptomus", ID: testOrderID, Payload: []byte(`{}`)}, "another provider (cryptomus)"},
		{"not JSON", relay.Record{Provider: Key, ID: testOrderID, Payload: []byte(`"x"`)}, "cannot be read"},
		{"another foreign_id", relay.Record{Provider: Key, ID: testOrderID, Payload: []byte(`{"foreign_id":"pos-x","status":"confirmed"}`)}, "another invoice (pos-x)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr := &fakeRelay{recs: map[string]relay.Record{testOrderID: tt.rec}}
			c, _, _ := newTestClient(t, DefaultBaseURL, func(_ *Config, o *Options) { o.Relay = fr })
			_, err := c.Status(context.Background(), testInvoice("1", "EUR", pos.PayOption{}))
			if pos.KindOf(err) != pos.ErrKindBadReply || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a bad reply with %q", err, tt.want)
			}
		})
	}
}

func TestStatusWithoutCallback(t *testing.T) {
	// A created invoice the relay has not heard of: no news, no API call.
	rs := newRecordingServer(t, 200, `[]`)
	fr := &fakeRelay{}
	c, _, _ := newTestClient(t, rs.URL+"/api/v2", func(_ *Config, o *Options) { o.Relay = fr })
	inv := testInvoice("1", "EUR", pos.PayOption{})
	inv.URL, inv.ProviderID = "https://x.example/i", "1"
	u, err := c.Status(context.Background(), inv)
	if err != nil || u.Status != pos.StatusUnknown || u.Source != "relay (no callback yet)" || rs.count() != 0 {
		t.Errorf("Status = %+v, %v; %d API calls", u, err, rs.count())
	}
}

func TestStatusOfAnInvoiceNeverShown(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		reply     string
		dismissed bool
		want      pos.Status
		kind      pos.ErrorKind
		reason    string
	}{
		{name: "cancelled at the provider", status: 200, reply: `[]`, want: pos.StatusCancelled,
			reason: "cancelled at Cryptoprocessing because the terminal never showed it"},
		{name: "dismissed while creating", status: 200, reply: `[]`, dismissed: true, want: pos.StatusCancelled,
			reason: "Cancelled on the terminal; Cryptoprocessing confirmed the cancel."},
		{name: "never made", status: 404, reply: `{"errors":{"error":"Invoice not found.","code":"invoice_not_found"}}`, kind: pos.ErrKindNotFound},
		{name: "closed already: wait for the callback", status: 400,
			reply: `{"errors":{"error":"Invoice cannot be failed in its current state.","code":"invalid_invoice_state"}}`, want: pos.StatusUnknown},
		{name: "provider down", status: 502, reply: `<html></html>`, kind: pos.ErrKindTemporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := newRecordingServer(t, tt.status, tt.reply)
			c, _, clock := newTestClient(t, rs.URL+"/api/v2", func(_ *Config, o *Options) { o.Relay = &fakeRelay{} })
			inv := testInvoice("1", "EUR", pos.PayOption{})
			inv.Dismissed = tt.dismissed
			u, err := c.Status(context.Background(), inv)
			if pos.KindOf(err) != tt.kind {
				t.Fatalf("err = %v, want kind %d", err, tt.kind)
			}
			if err != nil {
				return
			}
			if u.Status != tt.want || !strings.Contains(u.Reason, tt.reason) {
				t.Errorf("Status = %q %q, want %q with %q", u.Status, u.Reason, tt.want, tt.reason)
			}
			got := rs.last(t)
			if got.path != "/api/v2/invoices/pos-01hzx3k9q2/cancel/" || string(got.body) != "{}" ||
				got.signature != Sign([]byte("{}"), testSecretKey) {
				t.Errorf("cancel request %+v", got)
			}
			// Asked again at once, it does not call the API again.
			_, _ = c.Status(context.Background(), inv)
			if rs.count() != 1 {
				t.Errorf("%d cancel calls, want 1", rs.count())
			}
			if tt.want == pos.StatusUnknown {
				clock.Advance(recheckCancel)
				_, _ = c.Status(context.Background(), inv)
				if rs.count() != 2 {
					t.Errorf("after a minute: %d cancel calls, want 2", rs.count())
				}
			}
		})
	}
}

func TestCancelThenStatus(t *testing.T) {
	rs := newRecordingServer(t, http.StatusOK, `[]`)
	fr := &fakeRelay{}
	c, _, _ := newTestClient(t, rs.URL+"/api/v2", func(_ *Config, o *Options) { o.Relay = fr })
	inv := testInvoice("1", "EUR", pos.PayOption{})
	inv.URL, inv.Dismissed = "https://x.example/i", true
	if err := c.Cancel(context.Background(), inv); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	// No callback yet: the accepted cancel decides.
	if u, err := c.Status(context.Background(), inv); err != nil || u.Status != pos.StatusCancelled {
		t.Errorf("no callback: %+v %v", u, err)
	}
	// A stale pending callback: still cancelled.
	fr.put(testOrderID, callback("pending", "", "0.02", "0.02", nil, fixedAt+window), testNow)
	if u, err := c.Status(context.Background(), inv); err != nil || u.Status != pos.StatusCancelled {
		t.Errorf("pending callback: %+v %v", u, err)
	}
	// Money in the mempool: the callback decides.
	fr.put(testOrderID, callback("processing", "", "0.02", "0", []string{tx("0.02", `"0"`)}, fixedAt+86400), testNow)
	if u, err := c.Status(context.Background(), inv); err != nil || u.Status != pos.StatusConfirming {
		t.Errorf("processing callback: %+v %v", u, err)
	}
	fr.put(testOrderID, callback("confirmed", "", "0.02", "0", []string{tx("0.02", `"1"`)}, fixedAt+86400), testNow)
	if u, err := c.Status(context.Background(), inv); err != nil || u.Status != pos.StatusPaid {
		t.Errorf("confirmed callback: %+v %v", u, err)
	}
}

func TestStatusOfAnUnshownInvoiceWithACallback(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		calls   int
		want    pos.Status
	}{
		{"pending, unpaid: cancelled", callback("pending", "", "0.02", "0.02", nil, fixedAt+window), 1, pos.StatusCancelled},
		{"in the mempool: left alone", callback("processing", "", "0.02", "0", []string{tx("0.02", `"0"`)}, fixedAt+86400), 0, pos.StatusConfirming},
		{"partly paid: left alone", callback("pending", "", "0.02", "0.01", []string{tx("0.01", `"1"`)}, fixedAt+window), 0, pos.StatusPartial},
		{"final: left alone", callback("failed", ErrorNotPaid, "0.02", "0.02", nil, fixedAt+window), 0, pos.StatusExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := newRecordingServer(t, 200, `[]`)
			fr := &fakeRelay{}
			fr.put(testOrderID, tt.payload, testNow)
			c, _, _ := newTestClient(t, rs.URL+"/api/v2", func(_ *Config, o *Options) { o.Relay = fr })
			u, err := c.Status(context.Background(), testInvoice("26", "EUR", pos.PayOption{}))
			if err != nil || u.Status != tt.want || rs.count() != tt.calls {
				t.Errorf("Status = %s, %v; %d cancel calls; want %s and %d", u.Status, err, rs.count(), tt.want, tt.calls)
			}
		})
	}
	// Closed already: the callback's word stands.
	rs := newRecordingServer(t, 400, `{"errors":{"error":"Invoice cannot be failed in its current state.","code":"invalid_invoice_state"}}`)
	fr := &fakeRelay{}
	fr.put(testOrderID, callback("pending", "", "0.02", "0.02", nil, fixedAt+window), testNow)
	c, _, _ := newTestClient(t, rs.URL+"/api/v2", func(_ *Config, o *Options) { o.Relay = fr })
	if u, err := c.Status(context.Background(), testInvoice("26", "EUR", pos.PayOption{})); err != nil || u.Status != pos.StatusWaiting || u.Source != "relay" {
		t.Errorf("closed already: %+v %v", u, err)
	}
}
