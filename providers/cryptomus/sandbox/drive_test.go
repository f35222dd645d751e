package sandbox

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"

	"github.com/shopspring/decimal"
)

func TestDrive(t *testing.T) {
	tests := []struct {
		name     string
		multiple bool
		accuracy string
		actions  []Action
		status   string
		final    bool
		paid     string // payment_amount, "" for none
	}{
		{"pay", true, "", []Action{Pay}, "paid", true, "20"},
		{"overpay", true, "", []Action{PayOver}, "paid_over", true, "22"},
		{"underpay", true, "", []Action{PayPartial}, "wrong_amount_waiting", false, "10"},
		{"underpay twice", true, "", []Action{PayPartial, PayPartial}, "wrong_amount_waiting", false, "15"},
		{"underpay, single payment", false, "", []Action{PayPartial}, "wrong_amount", true, "10"},
		{"underpay within accuracy", true, "5", []Action{PayPartial, PayPartial, PayPartial, PayPartial, PayPartial}, "paid", true, "19.37"},
		{"top up", true, "", []Action{PayPartial, TopUp}, "paid", true, "20"},
		{"underpay, then pay", true, "", []Action{PayPartial, Pay}, "paid", true, "20"},
		{"wrong amount", true, "", []Action{WrongAmount}, "wrong_amount", true, "10"},
		{"seen", true, "", []Action{ConfirmCheck}, "confirm_check", false, ""},
		{"process", true, "", []Action{Process}, "process", false, ""},
		{"cancel", true, "", []Action{Cancel}, "cancel", true, ""},
		{"expire", true, "", []Action{Expire}, "cancel", true, ""},
		{"underpay, expire", true, "", []Action{PayPartial, Expire}, "wrong_amount", true, "10"},
		{"fail", true, "", []Action{Fail}, "fail", true, ""},
		{"system fail", true, "", []Action{SystemFail}, "system_fail", true, ""},
		{"lock", true, "", []Action{Lock}, "locked", false, ""},
		{"refund", true, "", []Action{Pay, Refund}, "refund_paid", true, "20"},
		{"late payment", true, "", []Action{Expire, Pay}, "paid", true, "20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			body := `{"amount":"20","currency":"USD","order_id":"pos-d","to_currency":"USDT","network":"tron","is_payment_multiple":` +
				map[bool]string{true: "true", false: "false"}[tt.multiple]
			if tt.accuracy != "" {
				body += `,"accuracy_payment_percent":` + tt.accuracy
			}
			res := e.create(t, body+"}")
			for _, a := range tt.actions {
				if err := e.Drive(res["uuid"].(string), a); err != nil {
					t.Fatalf("Drive(%s): %v", a, err)
				}
			}
			got := e.post(t, "/v1/payment/info", `{"order_id":"pos-d"}`).result(t)
			if got["status"] != tt.status || got["payment_status"] != tt.status || got["is_final"] != tt.final {
				t.Errorf("status %v final %v, want %s %t", got["status"], got["is_final"], tt.status, tt.final)
			}
			paid, _ := got["payment_amount"].(string)
			if tt.paid == "" && paid != "" || tt.paid != "" && !decimal.RequireFromString(paid).Equal(decimal.RequireFromString(tt.paid)) {
				t.Errorf("payment_amount %q, want %q", paid, tt.paid)
			}
			if tt.paid != "" && (got["txid"] == nil || got["from"] == nil || got["merchant_amount"] == nil) {
				t.Errorf("a payment without txid, from or merchant_amount: %v", got)
			}
		})
	}
}

func TestDriveRefusesNonsense(t *testing.T) {
	e := newEnv(t)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"pos-n","to_currency":"BTC"}`)
	if err := e.Drive("nope", Pay); err == nil {
		t.Error("drove an unknown invoice")
	}
	if err := e.Drive("pos-n", TopUp); err == nil {
		t.Error("topped up an invoice that is not partly paid")
	}
	if err := e.Drive("pos-n", Refund); err == nil {
		t.Error("refunded an unpaid invoice")
	}
	if err := e.Drive("pos-n", Action("dance")); err == nil {
		t.Error("unknown action accepted")
	}
	if err := e.Drive("pos-n", Pay); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Action{Pay, PayPartial, Expire, Cancel, Lock} {
		if err := e.Drive("pos-n", a); err == nil {
			t.Errorf("%s on a paid invoice was accepted", a)
		}
	}
	if st, _ := e.Invoice("pos-n"); st.Status != "paid" {
		t.Errorf("status %s", st.Status)
	}
}

func TestCustomerChoosesGetsACoinWhenPaid(t *testing.T) {
	tests := []struct {
		body, coin, network string
	}{
		{`{"amount":"30","currency":"EUR","order_id":"a"}`, "USDT", "tron"},
		{`{"amount":"30","currency":"EUR","order_id":"a","currencies":[{"currency":"LTC"},{"currency":"BTC"}]}`, "LTC", "ltc"},
		{`{"amount":"30","currency":"EUR","order_id":"a","currencies":[{"currency":"USDT","network":"bsc"}]}`, "USDT", "bsc"},
		{`{"amount":"30","currency":"EUR","order_id":"a","to_currency":"USDT"}`, "USDT", "tron"},
	}
	for _, tt := range tests {
		e := newEnv(t)
		res := e.create(t, tt.body)
		if res["address"] != nil {
			t.Errorf("%s: address before the customer chose", tt.body)
		}
		if err := e.Drive("a", Pay); err != nil {
			t.Fatal(err)
		}
		st, _ := e.Invoice("a")
		if st.PayerCurrency != tt.coin || st.Network != tt.network || st.Address == "" || !st.PayerAmount.IsPositive() ||
			!st.PaymentAmount.Equal(st.PayerAmount) || st.Status != "paid" {
			t.Errorf("%s: paid in %s on %s: %+v", tt.body, st.PayerCurrency, st.Network, st)
		}
	}
}

func TestLazyExpiry(t *testing.T) {
	e := newEnv(t)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"unpaid","to_currency":"BTC","lifetime":300}`)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"partly","to_currency":"BTC","lifetime":300}`)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"seen","to_currency":"BTC","lifetime":300}`)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"long","to_currency":"BTC","lifetime":3600}`)
	_ = e.Drive("partly", PayPartial)
	_ = e.Drive("seen", ConfirmCheck)
	e.clock.Advance(5 * time.Minute)
	want := map[string]string{"unpaid": "cancel", "partly": "wrong_amount", "seen": "confirm_check", "long": "check"}
	for _, st := range e.Invoices() {
		if st.Status != want[st.OrderID] {
			t.Errorf("%s: %s, want %s", st.OrderID, st.Status, want[st.OrderID])
		}
	}
	if e.Count() != 4 || e.Invoices()[0].OrderID != "unpaid" {
		t.Errorf("Invoices not in creation order")
	}
	if st, _ := e.Invoice("unpaid"); !st.UpdatedAt.Equal(st.ExpiresAt) || !st.IsFinal {
		t.Errorf("expired invoice %+v", st)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"f"}`)
	info := `{"order_id":"f"}`

	e.InjectFault(Status500("/v1/payment/info"))
	e.InjectFault(GatewayHTML(""))
	if r := e.post(t, "/v1/payment/services", `{}`); r.status != 502 || !strings.Contains(string(r.body), "nginx") {
		t.Errorf("a fault for any path did not apply first to services: %d %s", r.status, r.body)
	}
	if r := e.post(t, "/v1/payment/info", info); r.status != 500 || string(r.body) != `{"message":"Server error, #1","code":500,"error":null}` {
		t.Errorf("500: %d %s", r.status, r.body)
	}
	if r := e.post(t, "/v1/payment/info", info); r.status != 200 || e.PendingFaults() != 0 {
		t.Errorf("faults are once: %d, %d pending", r.status, e.PendingFaults())
	}

	e.InjectFault(Fault{Kind: FaultGarbage, Path: "/v1/payment/info", Times: 2})
	for i := 0; i < 2; i++ {
		r := e.post(t, "/v1/payment/info", info)
		if r.status != 200 || !strings.HasPrefix(string(r.body), `{"state":0,"result":{`) || strings.HasSuffix(string(r.body), "}") {
			t.Errorf("garbage %d: %s", i, r.body)
		}
	}
	if e.PendingFaults() != 0 {
		t.Error("Times: 2 applied more or less than twice")
	}

	e.InjectFault(ResetAfterCreate())
	if r := e.post(t, "/v1/payment/info", info); r.status != 200 {
		t.Error("ResetAfterCreate applied to info")
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/payment", strings.NewReader(`{"amount":"5","currency":"USD","order_id":"g"}`))
	req.Header.Set("merchant", testMerchant)
	req.Header.Set("sign", sign([]byte(`{"amount":"5","currency":"USD","order_id":"g"}`), testKey))
	if resp, err := e.srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("ResetAfterCreate answered %d", resp.StatusCode)
	}
	if _, ok := e.Invoice("g"); !ok || e.Count() != 2 {
		t.Errorf("the create behind the reset was not processed")
	}

	e.InjectFault(Latency("/v1/payment/services", 30*time.Millisecond))
	start := time.Now()
	if r := e.post(t, "/v1/payment/services", `{}`); r.status != 200 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("latency: %d after %v", r.status, time.Since(start))
	}

	e.InjectFault(Status500(""))
	e.ClearFaults()
	if e.PendingFaults() != 0 {
		t.Error("ClearFaults left faults")
	}
	if resp, err := http.Get(e.srv.URL + "/pay/" + mustUUID(t, e, "f")); err != nil || resp.StatusCode != 200 {
		t.Errorf("page: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

func mustUUID(t *testing.T, e *env, orderID string) string {
	t.Helper()
	st, ok := e.Invoice(orderID)
	if !ok {
		t.Fatalf("no invoice %s", orderID)
	}
	return st.UUID
}

func TestPaymentPage(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, `{"amount":"12.5","currency":"EUR","order_id":"pos-page","to_currency":"USDT","network":"tron"}`)
	uuid := res["uuid"].(string)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func() string {
		resp, err := http.Get(res["url"].(string))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET page: %v %v", resp, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	page := get()
	for _, want := range []string{"12.50 EUR", "13.59 USDT", "tron", res["address"].(string), "Waiting for payment", "60:00 left",
		`http-equiv="refresh"`, `action="/pay/` + uuid + `/pay"`, `/underpay"`, `/overpay"`, `/expire"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "http://") && strings.Contains(page, "<link") || strings.Contains(page, "<script src") {
		t.Error("the page loads external assets")
	}

	resp, err := noRedirect.PostForm(e.srv.URL+"/pay/"+uuid+"/underpay", url.Values{})
	if err != nil || resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/pay/"+uuid {
		t.Fatalf("underpay: %v %v", resp, err)
	}
	resp.Body.Close()
	if page := get(); !strings.Contains(page, "Partly paid") || !strings.Contains(page, "Received") {
		t.Errorf("after underpaying: %s", page)
	}
	resp, _ = noRedirect.PostForm(e.srv.URL+"/pay/"+uuid+"/pay", url.Values{})
	resp.Body.Close()
	page = get()
	if !strings.Contains(page, "Paid (paid)") || strings.Contains(page, "<button") || strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("a paid page still offers buttons or refreshes")
	}
	resp, _ = noRedirect.PostForm(e.srv.URL+"/pay/"+uuid+"/expire", url.Values{})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("expiring a paid invoice: %d", resp.StatusCode)
	}
	resp.Body.Close()
	for _, path := range []string{"/pay/nope", "/pay/" + uuid + "/dance"} {
		method := http.MethodGet
		if strings.HasSuffix(path, "dance") {
			method = http.MethodPost
		}
		req, _ := http.NewRequest(method, e.srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 404 {
			t.Errorf("%s %s: %v %v", method, path, resp, err)
		} else {
			resp.Body.Close()
		}
	}
}

func TestSimulator(t *testing.T) {
	e := newEnv(t)
	sim := e.Simulator()
	reserved := map[string]bool{"c": true, "r": true, "y": true, "q": true, "?": true}
	seen := map[string]bool{}
	for _, a := range sim.Actions() {
		if reserved[a.Key] || seen[a.Key] || a.Name == "" || a.Label == "" {
			t.Errorf("action %+v clashes or is unnamed", a)
		}
		seen[a.Key] = true
	}
	want := map[string]string{"pay": "paid", "underpay": "wrong_amount_waiting", "overpay": "paid_over", "seen": "confirm_check", "expire": "cancel"}
	for _, a := range sim.Actions() {
		e.create(t, `{"amount":"20","currency":"USD","order_id":"sim-`+a.Name+`"}`)
		inv := pos.Invoice{OrderID: "sim-" + a.Name}
		if a.Name == "pay" {
			inv.ProviderID = mustUUID(t, e, inv.OrderID)
		}
		if err := sim.Simulate(context.Background(), inv, a); err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		if st, _ := e.Invoice(inv.OrderID); st.Status != want[a.Name] {
			t.Errorf("%s: status %s, want %s", a.Name, st.Status, want[a.Name])
		}
	}
	if err := sim.Simulate(context.Background(), pos.Invoice{OrderID: "sim-pay"}, pos.SimAction{Name: "dance"}); err == nil {
		t.Error("an unknown action was simulated")
	}
}

func TestStart(t *testing.T) {
	srv, err := Start(Options{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || srv.APIBase() != srv.URL+"/v1" ||
		srv.Merchant() != DemoMerchant || srv.PaymentKey() != DemoPaymentKey {
		t.Errorf("server %s %s", srv.URL, srv.APIBase())
	}
	body := `{"amount":"1","currency":"USD","order_id":"s"}`
	req, _ := http.NewRequest(http.MethodPost, srv.APIBase()+"/payment", strings.NewReader(body))
	req.Header.Set("merchant", DemoMerchant)
	req.Header.Set("sign", sign([]byte(body), DemoPaymentKey))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("create: %v %v", resp, err)
	}
	resp.Body.Close()
	if st, _ := srv.Invoice("s"); st.URL != srv.URL+"/pay/"+st.UUID {
		t.Errorf("url %s", st.URL)
	}
}
