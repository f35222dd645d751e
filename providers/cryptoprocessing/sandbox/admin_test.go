package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cryptopos/pos"
)

// admin calls an admin endpoint and decodes the JSON reply into out
// (unless nil); it returns the status code.
func (e *env) admin(t *testing.T, method, path string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: reply %d %q: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

func TestAdminInvoices(t *testing.T) {
	e := newEnv(t)
	var list []AdminInvoice
	if code := e.admin(t, "GET", "/_sandbox/invoices", &list); code != 200 || list == nil || len(list) != 0 {
		t.Fatalf("empty: %d %v", code, list)
	}
	e.create(t, body("pos-a", ""))
	e.create(t, `{"timer":false,"title":"T","currency":"USD","amount":20,"foreign_id":"pos-b","end_user_reference":"r"}`)
	if code := e.admin(t, "GET", "/_sandbox/invoices", &list); code != 200 || len(list) != 2 || list[0].ForeignID != "pos-a" {
		t.Fatalf("list: %d %+v", code, list)
	}
	if b := list[1]; b.Status != "created" || b.SenderCurrency != "" || !b.ExpiresAt.IsZero() || b.Timer {
		t.Errorf("no-timer invoice %+v", b)
	}
	var one AdminInvoice
	if code := e.admin(t, "POST", "/_sandbox/invoices/pos-b/pay_part?coin=USDTT", &one); code != 409 {
		t.Errorf("instalment on fill_or_kill: %d", code)
	}
	if code := e.admin(t, "POST", "/_sandbox/invoices/pos-b/underpay?coin=USDTT", &one); code != 200 ||
		one.SenderCurrency != "USDTT" || one.Paid != "18" || one.Remaining != "2" || one.Status != "pending" {
		t.Errorf("underpay: %d %+v", code, one)
	}
	if code := e.admin(t, "GET", "/_sandbox/invoices/pos-b", &one); code != 200 || one.Transactions != 1 {
		t.Errorf("get: %d %+v", code, one)
	}
	var fail map[string]string
	if code := e.admin(t, "GET", "/_sandbox/invoices/nope", &fail); code != 404 || !strings.Contains(fail["error"], "nope") {
		t.Errorf("unknown: %d %v", code, fail)
	}
	if code := e.admin(t, "POST", "/_sandbox/invoices/pos-a/dance", &fail); code != 400 {
		t.Errorf("unknown action: %d", code)
	}
	if code := e.admin(t, "POST", "/_sandbox/invoices/nope/pay", &fail); code != 404 {
		t.Errorf("unknown invoice: %d", code)
	}
}

func TestAdminCallbacks(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-c", ""))
	var knob map[string]string
	if code := e.admin(t, "POST", "/_sandbox/callbacks/knobs/hold?foreign_id=pos-c", &knob); code != 200 || knob["knob"] != "hold" {
		t.Fatalf("knob: %d %v", code, knob)
	}
	if code := e.admin(t, "POST", "/_sandbox/callbacks/knobs/scramble", &knob); code != 400 {
		t.Errorf("unknown knob: %d", code)
	}
	_ = e.Drive("pos-c", Mempool)
	var list []Delivery
	if code := e.admin(t, "POST", "/_sandbox/tick", &list); code != 200 || len(list) != 1 || list[0].State != DeliveryHeld {
		t.Fatalf("tick: %d %+v", code, list)
	}
	if code := e.admin(t, "POST", "/_sandbox/callbacks/flush", &list); code != 200 || list[0].State != DeliveryDelivered || list[0].LastCode != 200 {
		t.Fatalf("flush: %d %+v", code, list)
	}
	if code := e.admin(t, "GET", "/_sandbox/callbacks", &list); code != 200 || len(list) != 1 || !strings.Contains(list[0].Body, `"status":"processing"`) {
		t.Errorf("list: %d %+v", code, list)
	}
	var fault map[string]string
	if code := e.admin(t, "POST", "/_sandbox/faults/status_500?path="+url.QueryEscape(createPath), &fault); code != 200 {
		t.Errorf("fault: %d", code)
	}
	if r := e.post(t, createPath, body("pos-f", "")); r.status != 500 {
		t.Errorf("the fault did not apply: %d", r.status)
	}
	if code := e.admin(t, "POST", "/_sandbox/faults/meteor", &fault); code != 400 {
		t.Errorf("unknown fault: %d", code)
	}
}

func TestPage(t *testing.T) {
	e := newEnv(t)
	d := e.create(t, `{"timer":false,"title":"Corner Café · pos-p","currency":"EUR","amount":20,"foreign_id":"pos-p","end_user_reference":"r","type":"good_until_expired"}`)
	page := strings.TrimPrefix(d["url"].(string), e.srv.URL)
	get := func() string {
		r := e.request(t, "GET", page, "", nil)
		if r.status != 200 || !strings.HasPrefix(r.ctype, "text/html") {
			t.Fatalf("page: %d %s", r.status, r.ctype)
		}
		return string(r.body)
	}
	html := get()
	for _, want := range []string{"Corner Café · pos-p", "20 EUR", "Choose coin", "<option>USDTT</option>", "no timer", "Pay part (instalment)", "Send to the mempool"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	client := *e.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	post := func(action string, form url.Values) int {
		resp, err := client.PostForm(e.srv.URL+page+"/"+action, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("choose", url.Values{"coin": {"LTC"}}); code != http.StatusSeeOther {
		t.Fatalf("choose: %d", code)
	}
	if code := post("pay_part", nil); code != http.StatusSeeOther {
		t.Fatalf("pay part: %d", code)
	}
	html = get()
	for _, want := range []string{"Send <b>0.27 LTC</b>", "Remaining</dt><dd>0.135 LTC", "0:15:00"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q:\n%s", want, html)
		}
	}
	if code := post("confirm", nil); code != http.StatusConflict {
		t.Errorf("confirm without a mempool transaction: %d", code)
	}
	if code := post("launch", nil); code != http.StatusNotFound {
		t.Errorf("unknown button: %d", code)
	}
	_ = post("pay", nil)
	if html = get(); !strings.Contains(html, "final good") || strings.Contains(html, "<button") {
		t.Errorf("paid page:\n%s", html)
	}
	if r := e.request(t, "GET", "/invoice/nope", "", nil); r.status != 404 {
		t.Errorf("unknown page: %d", r.status)
	}
}

func TestSimulator(t *testing.T) {
	e := newEnv(t)
	sim := e.Simulator()
	keys := ""
	for _, a := range sim.Actions() {
		keys += a.Key
		if strings.ContainsAny(a.Key, "cryqn?") {
			t.Errorf("key %q clashes with the invoice screen", a.Key)
		}
	}
	if keys != "piumke" {
		t.Errorf("keys %q", keys)
	}
	e.create(t, body("pos-s", `"type":"good_until_expired"`))
	inv := pos.Invoice{OrderID: "pos-s"}
	for _, name := range []string{"instalment", "mempool", "confirm"} {
		if err := sim.Simulate(context.Background(), inv, pos.SimAction{Name: name}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if st, _ := e.Invoice("pos-s"); st.Status != "confirmed" {
		t.Errorf("status %s", st.Status)
	}
	if err := sim.Simulate(context.Background(), inv, pos.SimAction{Key: "e"}); err == nil {
		t.Error("expired a confirmed invoice")
	}
	if err := sim.Simulate(context.Background(), inv, pos.SimAction{Name: "dance"}); err == nil {
		t.Error("unknown action")
	}
}
