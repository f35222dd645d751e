package cryptomus

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"cryptopos/pos"

	"github.com/shopspring/decimal"
)

// captured is one request as the server saw it.
type captured struct {
	path, merchant, sign, contentType string
	body                              []byte
}

// recordingServer answers every request with status and reply, and keeps
// what it received.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newRecordingServer(t *testing.T, status int, reply string) *recordingServer {
	t.Helper()
	rs := &recordingServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, captured{r.URL.Path, r.Header.Get("merchant"), r.Header.Get("sign"),
			r.Header.Get("Content-Type"), body})
		rs.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *recordingServer) last(t *testing.T) captured {
	t.Helper()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.reqs) == 0 {
		t.Fatal("the server received no request")
	}
	return rs.reqs[len(rs.reqs)-1]
}

const invoiceReply = `{"state":0,"result":{"uuid":"26109ba0-b05b-4ee0-93d1-fd62c822ce95","order_id":"pos-01hzx3k9q2",
 "amount":"12.50","payment_amount":null,"payer_amount":"12.80000000","discount_percent":null,
 "discount":"0.00000000","payer_currency":"USDT","currency":"EUR","merchant_amount":null,
 "network":"tron","address":"TXYZabc","from":null,"txid":null,"payment_status":"check",
 "url":"https://pay.cryptomus.com/pay/26109ba0-b05b-4ee0-93d1-fd62c822ce95","expired_at":1689098133,"status":"check",
 "is_final":false,"additional_data":"terminal pos-1",
 "created_at":"2023-07-11T20:23:52+03:00","updated_at":"2023-07-11T21:24:17+03:00"}}`

func testInvoice(amount, currency string, pay pos.PayOption) pos.Invoice {
	return pos.Invoice{OrderID: "pos-01hzx3k9q2", Provider: "cryptomus",
		Amount: pos.NewMoney(decimal.RequireFromString(amount), currency), Pay: pay, Status: pos.StatusCreating}
}

func TestCreateSignsTheBytesItSends(t *testing.T) {
	tests := []struct {
		name   string
		inv    pos.Invoice
		config func(*Config, *Options)
		want   map[string]any
		absent []string
	}{
		{
			name: "coin and network",
			inv:  testInvoice("12.5", "EUR", pos.PayOption{Code: "USDT", Network: "tron"}),
			config: func(c *Config, _ *Options) {
				c.CallbackURL = "https://pos.example/cb"
				c.Currencies = []string{"LTC"}
			},
			want: map[string]any{"amount": "12.50", "currency": "EUR", "order_id": "pos-01hzx3k9q2",
				"to_currency": "USDT", "network": "tron", "lifetime": 900.0, "is_payment_multiple": true,
				"url_callback": "https://pos.example/cb", "additional_data": "terminal pos-1"},
			absent: []string{"currencies", "is_refresh", "subtract", "accuracy_payment_percent"},
		},
		{
			name: "bare coin",
			inv:  testInvoice("1500", "JPY", pos.PayOption{Code: "BTC"}),
			config: func(c *Config, _ *Options) {
				no := false
				c.IsPaymentMultiple = &no
				c.Subtract = 100
				_ = c.AccuracyPaymentPercent.UnmarshalText([]byte("0.5"))
				c.Lifetime = time.Hour
			},
			want: map[string]any{"amount": "1500", "currency": "JPY", "to_currency": "BTC", "lifetime": 3600.0,
				"is_payment_multiple": false, "subtract": 100.0, "accuracy_payment_percent": 0.5},
			absent: []string{"network", "url_callback", "currencies"},
		},
		{
			name: "customer chooses, with an allow-list",
			inv:  testInvoice("9.99", "USD", pos.PayOption{}),
			config: func(c *Config, o *Options) {
				c.Currencies = []string{"USDT:tron", "ltc"}
				c.URLReturn, c.URLSuccess = "https://shop.example/", "https://shop.example/ok"
				o.TerminalID = ""
			},
			want: map[string]any{"amount": "9.99", "currency": "USD",
				"currencies":  []any{map[string]any{"currency": "USDT", "network": "tron"}, map[string]any{"currency": "LTC"}},
				"url_return":  "https://shop.example/",
				"url_success": "https://shop.example/ok"},
			absent: []string{"to_currency", "network", "additional_data"},
		},
		{
			name: "more decimals than the currency has are sent as they are",
			inv:  testInvoice("0.125", "USD", pos.PayOption{}),
			want: map[string]any{"amount": "0.125"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecordingServer(t, http.StatusOK, invoiceReply)
			change := []func(*Config, *Options){}
			if tt.config != nil {
				change = append(change, tt.config)
			}
			c, _ := newTestClient(t, srv.URL+"/v1", change...)
			if _, err := c.Create(context.Background(), tt.inv); err != nil {
				t.Fatalf("Create: %v", err)
			}
			req := srv.last(t)
			if req.path != "/v1/payment" || req.merchant != "merchant-uuid-1" || req.contentType != "application/json" {
				t.Errorf("sent to %s with merchant %q, content type %q", req.path, req.merchant, req.contentType)
			}
			if want := Sign(req.body, testKey); req.sign != want {
				t.Errorf("sign %s does not match the bytes sent (want %s)", req.sign, want)
			}
			if strings.Contains(string(req.body), testKey) {
				t.Error("the body carries the payment key")
			}
			var got map[string]any
			if err := json.Unmarshal(req.body, &got); err != nil {
				t.Fatalf("body %s: %v", req.body, err)
			}
			for k, v := range tt.want {
				if !reflect.DeepEqual(got[k], v) {
					t.Errorf("%s = %#v, want %#v (body %s)", k, got[k], v, req.body)
				}
			}
			for _, k := range tt.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s was sent: %s", k, req.body)
				}
			}
		})
	}
}

func TestCreateReturnsTheInvoice(t *testing.T) {
	srv := newRecordingServer(t, http.StatusOK, invoiceReply)
	c, _ := newTestClient(t, srv.URL+"/v1")
	u, err := c.Create(context.Background(), testInvoice("12.5", "EUR", pos.PayOption{Code: "USDT", Network: "tron"}))
	if err != nil {
		t.Fatal(err)
	}
	want := pos.Update{
		ProviderID: "26109ba0-b05b-4ee0-93d1-fd62c822ce95",
		URL:        "https://pay.cryptomus.com/pay/26109ba0-b05b-4ee0-93d1-fd62c822ce95",
		Address:    "TXYZabc", Network: "tron", ExpiresAt: time.Unix(1689098133, 0),
		PayAmount: pos.NewMoney(decimal.RequireFromString("12.8"), "USDT"),
		Status:    pos.StatusWaiting, ProviderStatus: "check", Source: "Cryptomus API",
	}
	if !u.PayAmount.Amount.Equal(want.PayAmount.Amount) {
		t.Errorf("PayAmount = %s", u.PayAmount)
	}
	u.PayAmount.Amount = want.PayAmount.Amount
	if !reflect.DeepEqual(u, want) {
		t.Errorf("update\n got %+v\nwant %+v", u, want)
	}
}

func TestReissueSendsRefresh(t *testing.T) {
	srv := newRecordingServer(t, http.StatusOK, invoiceReply)
	c, _ := newTestClient(t, srv.URL+"/v1")
	if _, err := c.Reissue(context.Background(), testInvoice("12.5", "EUR", pos.PayOption{Code: "USDT", Network: "tron"})); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.Unmarshal(srv.last(t).body, &got)
	if got["is_refresh"] != true || got["order_id"] != "pos-01hzx3k9q2" {
		t.Errorf("reissue body %v", got)
	}

	still := newRecordingServer(t, http.StatusOK, strings.ReplaceAll(invoiceReply, `"check"`, `"cancel"`))
	c2, _ := newTestClient(t, still.URL+"/v1")
	_, err := c2.Reissue(context.Background(), testInvoice("12.5", "EUR", pos.PayOption{}))
	if pos.KindOf(err) != pos.ErrKindRejected || !strings.Contains(err.Error(), "still expired") {
		t.Errorf("reissue answered with a still-expired invoice: %v", err)
	}
}

func TestStatusAsksByUUIDOrOrderID(t *testing.T) {
	srv := newRecordingServer(t, http.StatusOK, invoiceReply)
	c, _ := newTestClient(t, srv.URL+"/v1")
	inv := testInvoice("12.5", "EUR", pos.PayOption{})
	inv.ProviderID = "26109ba0-b05b-4ee0-93d1-fd62c822ce95"
	if _, err := c.Status(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	req := srv.last(t)
	if req.path != "/v1/payment/info" || string(req.body) != `{"uuid":"26109ba0-b05b-4ee0-93d1-fd62c822ce95"}` || req.sign != Sign(req.body, testKey) {
		t.Errorf("by uuid: %s %s", req.path, req.body)
	}
	inv.ProviderID = ""
	if _, err := c.Status(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	if req := srv.last(t); string(req.body) != `{"order_id":"pos-01hzx3k9q2"}` {
		t.Errorf("by order id: %s", req.body)
	}
	inv.ProviderID = "another-uuid"
	if _, err := c.Status(context.Background(), inv); pos.KindOf(err) != pos.ErrKindBadReply {
		t.Errorf("a reply about another invoice was accepted: %v", err)
	}
}

func TestCheckPayOptions(t *testing.T) {
	services := `{"state":0,"result":[
	 {"network":"BTC","currency":"BTC","is_available":true,"limit":{"min_amount":"0.00005000","max_amount":"10.00000000"},"commission":{"fee_amount":"0.00","percent":"1.50"}},
	 {"network":"TRON","currency":"USDT","is_available":true,"limit":{"min_amount":"1.00000000","max_amount":"100000.00000000"},"commission":{"fee_amount":"0.00","percent":"2.00"}},
	 {"network":"ETH","currency":"USDT","is_available":false,"limit":{"min_amount":"10","max_amount":"100000"},"commission":{"fee_amount":"0.00","percent":"2.00"}},
	 {"network":"LTC","currency":"LTC","is_available":false,"limit":{"min_amount":0.01,"max_amount":null},"commission":null},
	 {"network":"TON","currency":"TON","is_available":"1","limit":null,"future_field":{}}]}`
	srv := newRecordingServer(t, http.StatusOK, services)
	c, _ := newTestClient(t, srv.URL+"/v1")
	ctx := context.Background()
	ok := []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}, {Code: "USDT"}, {Code: "TON", Network: "TON"}, {}}
	if err := c.CheckPayOptions(ctx, ok); err != nil {
		t.Errorf("CheckPayOptions(%v) = %v", ok, err)
	}
	req := srv.last(t)
	if req.path != "/v1/payment/services" || string(req.body) != "{}" || req.sign != Sign([]byte("{}"), testKey) {
		t.Errorf("services request %s %q sign %s", req.path, req.body, req.sign)
	}
	err := c.CheckPayOptions(ctx, []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "polygon"}, {Code: "LTC"}, {Code: "USDT", Network: "eth"}})
	if pos.KindOf(err) != pos.ErrKindRejected {
		t.Fatalf("want a rejection, got %v", err)
	}
	for _, want := range []string{"USDT · Polygon (not offered)", "LTC (switched off", "USDT · Ethereum (switched off", "remove them from cryptomus.pay_currencies"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "BTC") {
		t.Errorf("%q names BTC, which is offered", err)
	}
	list, err := c.Services(ctx)
	if err != nil || len(list) != 5 || list[1].Network != "tron" || !list[3].MinAmount.Equal(decimal.RequireFromString("0.01")) || !list[4].Available {
		t.Errorf("Services = %+v, %v", list, err)
	}
}

func TestNewRefusesInsecureTLS(t *testing.T) {
	insecure := &http.Client{Transport: &http.Transport{}}
	insecure.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	_, err := New(Config{Merchant: "m", PaymentKey: testKey}, Options{HTTPClient: insecure})
	if err == nil {
		t.Fatal("New accepted a client that skips certificate checks")
	}
	c, err := New(Config{Merchant: "m", PaymentKey: testKey}, Options{})
	if err != nil || c.http.Timeout != DefaultTimeout || c.Key() != "cryptomus" || c.Name() != "Cryptomus" {
		t.Errorf("defaults: %v %v", c, err)
	}
}

func TestCancelledContext(t *testing.T) {
	srv := newRecordingServer(t, http.StatusOK, invoiceReply)
	c, _ := newTestClient(t, srv.URL+"/v1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Create(ctx, testInvoice("1", "EUR", pos.PayOption{}))
	if pos.KindOf(err) != pos.ErrKindTransport || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v (kind %d)", err, pos.KindOf(err))
	}
}
