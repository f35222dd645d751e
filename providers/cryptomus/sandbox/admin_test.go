package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// admin calls an admin endpoint without credentials and decodes the JSON
// reply into out (unless out is nil); it returns the status code.
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
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusMethodNotAllowed && ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: reply %d %q is not JSON: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

func TestAdminList(t *testing.T) {
	e := newEnv(t)
	var list []AdminInvoice
	if code := e.admin(t, "GET", "/_sandbox/invoices", &list); code != 200 || list == nil || len(list) != 0 {
		t.Fatalf("empty sandbox: %d %v, want 200 and []", code, list)
	}
	first := e.create(t, `{"amount":"12.5","currency":"EUR","order_id":"pos-a","to_currency":"USDT","network":"tron","lifetime":900}`)
	e.clock.Advance(time.Second)
	second := e.create(t, `{"amount":"3","currency":"USD","order_id":"pos-b"}`)

	if code := e.admin(t, "GET", "/_sandbox/invoices", &list); code != 200 || len(list) != 2 {
		t.Fatalf("list: %d, %d invoices, want 200 and 2", code, len(list))
	}
	a, b := list[0], list[1]
	if a.UUID != first["uuid"] || a.OrderID != "pos-a" || b.UUID != second["uuid"] || b.OrderID != "pos-b" {
		t.Errorf("list is not oldest first: %+v", list)
	}
	if a.Status != "check" || a.IsFinal || a.URL != first["url"] || a.Amount != "12.50" || a.Currency != "EUR" ||
		a.PayerAmount == "" || a.PayerCurrency != "USDT" || a.Network != "tron" || a.Address != first["address"] ||
		a.PaymentAmount != "" || a.Refreshes != 0 {
		t.Errorf("first invoice: %+v", a)
	}
	if want := e.clock.Now().Add(-time.Second).Add(15 * time.Minute); !a.ExpiresAt.Equal(want) || a.ExpiresAt.Location() != time.UTC {
		t.Errorf("expires_at %v, want %v in UTC", a.ExpiresAt, want)
	}
	if b.PayerAmount != "" || b.PayerCurrency != "" || b.Network != "" || b.Amount != "3.00" {
		t.Errorf("customer-chooses invoice shows a coin: %+v", b)
	}

	var one AdminInvoice
	for _, id := range []string{a.UUID, "pos-a"} {
		if code := e.admin(t, "GET", "/_sandbox/invoices/"+id, &one); code != 200 || one != a {
			t.Errorf("GET by %s: %d %+v, want %+v", id, code, one, a)
		}
	}
	var fail map[string]string
	if code := e.admin(t, "GET", "/_sandbox/invoices/nope", &fail); code != 404 || !strings.Contains(fail["error"], "nope") {
		t.Errorf("unknown invoice: %d %v, want 404 naming it", code, fail)
	}
}

func TestAdminDrive(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, `{"amount":"20","currency":"USD","order_id":"pos-d","to_currency":"USDT","network":"tron","is_payment_multiple":true}`)
	uuid := res["uuid"].(string)

	var inv AdminInvoice
	if code := e.admin(t, "POST", "/_sandbox/invoices/pos-d/pay_partial", &inv); code != 200 ||
		inv.Status != "wrong_amount_waiting" || inv.IsFinal || inv.PaymentAmount != "10" || inv.PayerAmount != "20" {
		t.Fatalf("pay_partial: %d %+v", code, inv)
	}
	if code := e.admin(t, "POST", "/_sandbox/invoices/"+uuid+"/expire", &inv); code != 200 ||
		inv.Status != "wrong_amount" || !inv.IsFinal || !inv.ExpiresAt.Equal(e.clock.Now()) {
		t.Fatalf("expire: %d %+v", code, inv)
	}
	if st, _ := e.Invoice(uuid); st.Status != "wrong_amount" {
		t.Errorf("the sandbox's own view: %s", st.Status)
	}
	// The API sees what the admin endpoint did.
	if got := e.post(t, "/v1/payment/info", `{"uuid":"`+uuid+`"}`).result(t); got["status"] != "wrong_amount" {
		t.Errorf("API status %v", got["status"])
	}

	var fail map[string]string
	for _, c := range []struct {
		path string
		code int
		says string
	}{
		{"/_sandbox/invoices/pos-d/pay", 409, "final"},
		{"/_sandbox/invoices/pos-d/dance", 400, "dance"},
		{"/_sandbox/invoices/nope/pay", 404, "nope"},
	} {
		fail = nil
		if code := e.admin(t, "POST", c.path, &fail); code != c.code || !strings.Contains(fail["error"], c.says) {
			t.Errorf("POST %s: %d %v, want %d saying %q", c.path, code, fail, c.code, c.says)
		}
	}
	if code := e.admin(t, "GET", "/_sandbox/invoices/pos-d/pay", nil); code != http.StatusMethodNotAllowed {
		t.Errorf("GET on an action: %d, want 405", code)
	}
}

func TestAdminRenewedAndEveryAction(t *testing.T) {
	e := newEnv(t)
	for _, a := range driveActions {
		e.create(t, `{"amount":"20","currency":"USD","order_id":"act-`+string(a)+`","to_currency":"USDT","network":"tron"}`)
		if a == TopUp || a == Refund {
			// These need a payment first.
			first := PayPartial
			if a == Refund {
				first = Pay
			}
			if err := e.Drive("act-"+string(a), first); err != nil {
				t.Fatal(err)
			}
		}
		if code := e.admin(t, "POST", "/_sandbox/invoices/act-"+string(a)+"/"+string(a), nil); code != 200 {
			t.Errorf("action %s: %d", a, code)
		}
	}

	e.create(t, `{"amount":"20","currency":"USD","order_id":"pos-r","to_currency":"USDT","network":"tron"}`)
	e.admin(t, "POST", "/_sandbox/invoices/pos-r/expire", nil)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"pos-r","to_currency":"USDT","network":"tron","is_refresh":true}`)
	var inv AdminInvoice
	if e.admin(t, "GET", "/_sandbox/invoices/pos-r", &inv); inv.Refreshes != 1 || inv.Status != "check" {
		t.Errorf("renewed invoice: %+v", inv)
	}
}

func TestAdminIgnoresFaults(t *testing.T) {
	e := newEnv(t)
	e.create(t, `{"amount":"20","currency":"USD","order_id":"pos-f"}`)
	e.InjectFault(Fault{Kind: FaultStatus500, Times: 10})
	var list []AdminInvoice
	if code := e.admin(t, "GET", "/_sandbox/invoices", &list); code != 200 || len(list) != 1 {
		t.Errorf("list under a fault: %d %v", code, list)
	}
	if code := e.admin(t, "POST", "/_sandbox/invoices/pos-f/pay", nil); code != 200 {
		t.Errorf("drive under a fault: %d", code)
	}
}
