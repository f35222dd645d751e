package sandbox

import (
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestSignatureIsCheckedOverTheRawBody(t *testing.T) {
	e := newEnv(t)
	body := `{"amount":"15","currency":"USD","order_id":"pos-1","url_callback":"https://pos.example/cb"}`
	if got := sign([]byte(body), testKey); got != "db320a12b428646520728abac0f012da" {
		t.Fatalf("sign = %s, want the spec's vector", got)
	}
	escaped := strings.ReplaceAll(body, "/", `\/`)
	tests := []struct {
		name, body, merchant, sign string
		status                     int
	}{
		{"good", body, testMerchant, sign([]byte(body), testKey), 200},
		{"good, upper-case hex", escaped, testMerchant, strings.ToUpper(sign([]byte(escaped), testKey)), 200},
		{"signed escaped, sent plain", body, testMerchant, sign([]byte(escaped), testKey), 401},
		{"wrong key", body, testMerchant, sign([]byte(body), "other"), 401},
		{"unknown merchant", body, "someone", sign([]byte(body), testKey), 401},
		{"no sign", body, testMerchant, "", 401},
		{"no merchant", body, "", sign([]byte(body), testKey), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.postAs(t, "/v1/payment", tt.body, tt.merchant, tt.sign)
			if r.status != tt.status {
				t.Fatalf("HTTP %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.status == 401 && string(r.body) != `{"message":"Invalid Sign."}` {
				t.Errorf("401 body %s", r.body)
			}
		})
	}
	if e.Count() != 1 {
		t.Errorf("%d invoices; the escaped body has the same order id", e.Count())
	}
}

func TestInvoiceObject(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, `{"amount":"15","currency":"USD","order_id":"pos-01HZX3K9Q2","to_currency":"USDT","network":"tron","lifetime":900,"additional_data":"terminal pos-1"}`)
	keys := make([]string, 0, len(res))
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"additional_data", "address", "amount", "created_at", "currency", "discount", "discount_percent",
		"expired_at", "from", "is_final", "merchant_amount", "network", "order_id", "payer_amount", "payer_currency",
		"payment_amount", "payment_status", "status", "txid", "updated_at", "url", "uuid"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("fields %v\nwant   %v", keys, want)
	}
	uuid, _ := res["uuid"].(string)
	checks := map[string]any{
		"order_id": "pos-01HZX3K9Q2", "amount": "15.00", "currency": "USD", "payer_currency": "USDT",
		"payer_amount": "15.00000000", "network": "tron", "status": "check", "payment_status": "check",
		"is_final": false, "payment_amount": nil, "txid": nil, "from": nil, "discount_percent": nil,
		"discount": "0.00000000", "additional_data": "terminal pos-1",
		"url":        e.srv.URL + "/pay/" + uuid,
		"expired_at": float64(e.clock.Now().Add(15 * time.Minute).Unix()),
		"created_at": "2025-06-01T15:00:00+03:00",
	}
	for k, v := range checks {
		if res[k] != v {
			t.Errorf("%s = %#v, want %#v", k, res[k], v)
		}
	}
	if addr, _ := res["address"].(string); !strings.HasPrefix(addr, "T") || len(addr) != 34 {
		t.Errorf("address %q is not Tron-like", addr)
	}
	if len(uuid) != 36 || uuid[14] != '4' {
		t.Errorf("uuid %q", uuid)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		body string
		want map[string][]string
	}{
		{"empty object", `{}`, map[string][]string{
			"amount": {"validation.required"}, "currency": {"validation.required"}, "order_id": {"validation.required"}}},
		{"not an object", `[]`, map[string][]string{
			"amount": {"validation.required"}, "currency": {"validation.required"}, "order_id": {"validation.required"}}},
		{"nulls", `{"amount":null,"currency":null,"order_id":"a"}`, map[string][]string{
			"amount": {"validation.required"}, "currency": {"validation.required"}}},
		{"amount words", `{"amount":"ten","currency":"USD","order_id":"a"}`, map[string][]string{"amount": {"validation.numeric"}}},
		{"amount with comma", `{"amount":"10,5","currency":"USD","order_id":"a"}`, map[string][]string{"amount": {"validation.numeric"}}},
		{"amount exponent", `{"amount":"1e3","currency":"USD","order_id":"a"}`, map[string][]string{"amount": {"validation.numeric"}}},
		{"amount zero", `{"amount":"0","currency":"USD","order_id":"a"}`, map[string][]string{"amount": {"validation.gt.numeric"}}},
		{"amount negative", `{"amount":-5,"currency":"USD","order_id":"a"}`, map[string][]string{"amount": {"validation.gt.numeric"}}},
		{"order id charset", `{"amount":"1","currency":"USD","order_id":"pos.1:2"}`, map[string][]string{"order_id": {"validation.alpha_dash"}}},
		{"order id spaces", `{"amount":"1","currency":"USD","order_id":"pos 1"}`, map[string][]string{"order_id": {"validation.alpha_dash"}}},
		{"order id length", `{"amount":"1","currency":"USD","order_id":"` + strings.Repeat("x", 129) + `"}`, map[string][]string{"order_id": {"validation.max.string"}}},
		{"order id number", `{"amount":"1","currency":"USD","order_id":12}`, map[string][]string{"order_id": {"validation.string"}}},
		{"lifetime short", `{"amount":"1","currency":"USD","order_id":"a","lifetime":299}`, map[string][]string{"lifetime": {"validation.min.numeric"}}},
		{"lifetime long", `{"amount":"1","currency":"USD","order_id":"a","lifetime":43201}`, map[string][]string{"lifetime": {"validation.max.numeric"}}},
		{"lifetime fraction", `{"amount":"1","currency":"USD","order_id":"a","lifetime":900.5}`, map[string][]string{"lifetime": {"validation.integer"}}},
		{"subtract", `{"amount":"1","currency":"USD","order_id":"a","subtract":101}`, map[string][]string{"subtract": {"validation.max.numeric"}}},
		{"accuracy", `{"amount":"1","currency":"USD","order_id":"a","accuracy_payment_percent":6}`, map[string][]string{"accuracy_payment_percent": {"validation.max.numeric"}}},
		{"callback", `{"amount":"1","currency":"USD","order_id":"a","url_callback":"pos.example"}`, map[string][]string{"url_callback": {"validation.url"}}},
		{"boolean", `{"amount":"1","currency":"USD","order_id":"a","is_payment_multiple":"maybe"}`, map[string][]string{"is_payment_multiple": {"validation.boolean"}}},
		{"currencies item", `{"amount":"1","currency":"USD","order_id":"a","currencies":[{"network":"tron"}]}`, map[string][]string{"currencies.0.currency": {"validation.required"}}},
		{"currencies shape", `{"amount":"1","currency":"USD","order_id":"a","currencies":"USDT"}`, map[string][]string{"currencies": {"validation.array"}}},
		{"additional data", `{"amount":"1","currency":"USD","order_id":"a","additional_data":"` + strings.Repeat("x", 256) + `"}`, map[string][]string{"additional_data": {"validation.max.string"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post(t, "/v1/payment", tt.body)
			m := r.json(t)
			if r.status != http.StatusUnprocessableEntity || m["state"] != 1.0 {
				t.Fatalf("HTTP %d %s", r.status, r.body)
			}
			got := map[string][]string{}
			for k, v := range m["errors"].(map[string]any) {
				for _, rule := range v.([]any) {
					got[k] = append(got[k], rule.(string))
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors %v, want %v", got, tt.want)
			}
		})
	}
	if e.Count() != 0 {
		t.Errorf("invalid creates made %d invoices", e.Count())
	}
}

func TestCreateBusinessErrors(t *testing.T) {
	services := DefaultServices()
	for i := range services {
		if services[i].Currency == "USDC" && services[i].Network == "bsc" {
			services[i].Disabled = true
		}
	}
	e := newEnv(t, func(o *Options) { o.Services = services })
	tests := []struct{ body, want string }{
		{`{"amount":"0.1","currency":"USD","order_id":"a","to_currency":"USDT","network":"bsc"}`, "Minimum amount 0.5 USDT"},
		{`{"amount":"0.99","currency":"USDT","order_id":"a","network":"tron"}`, "Minimum amount 1 USDT"},
		{`{"amount":"11","currency":"BTC","order_id":"a"}`, "Maximum amount 10 BTC"},
		{`{"amount":"1","currency":"ZZZ","order_id":"a"}`, "The currency was not found"},
		{`{"amount":"1","currency":"USD","order_id":"a","to_currency":"ZZZ"}`, "The currency was not found"},
		{`{"amount":"10","currency":"USD","order_id":"a","to_currency":"USDT","network":"solana"}`, "The network was not found"},
		{`{"amount":"10","currency":"USD","order_id":"a","to_currency":"USDC","network":"bsc"}`, "Wallet not found"},
		{`{"amount":"10","currency":"USD","order_id":"a","currencies":[{"currency":"ZZZ"}]}`, "The currency was not found"},
		{`{"amount":"10","currency":"USD","order_id":"a","currencies":[{"currency":"USDT","network":"xx"}]}`, "The network was not found"},
	}
	for _, tt := range tests {
		r := e.post(t, "/v1/payment", tt.body)
		m := r.json(t)
		if r.status != 422 || m["state"] != 1.0 || m["message"] != tt.want {
			t.Errorf("%s: HTTP %d %s, want %q", tt.body, r.status, r.body, tt.want)
		}
	}
	if e.Count() != 0 {
		t.Errorf("refused creates made %d invoices", e.Count())
	}
	// A coin whose network is not named: USDC is left on eth, the one still on.
	res := e.create(t, `{"amount":"10","currency":"EUR","order_id":"b","to_currency":"USDC"}`)
	if res["payer_currency"] != "USDC" || res["network"] != nil || res["address"] != nil {
		t.Errorf("coin without network: %v", res)
	}
	// A coin with one network gets it and an address.
	res = e.create(t, `{"amount":"10","currency":"EUR","order_id":"c","to_currency":"BTC"}`)
	if res["network"] != "btc" || !strings.HasPrefix(res["address"].(string), "bc1q") {
		t.Errorf("single-network coin: %v", res)
	}
}

func TestIdempotencyAndRefresh(t *testing.T) {
	e := newEnv(t)
	body := `{"amount":"10","currency":"EUR","order_id":"pos-x","to_currency":"USDT","network":"tron","lifetime":600}`
	first := e.create(t, body)
	second := e.create(t, `{"amount":"99","currency":"USD","order_id":"pos-x"}`)
	if first["uuid"] != second["uuid"] || second["amount"] != "10.00" || e.Count() != 1 {
		t.Fatalf("a second create made or changed an invoice: %v / %v", first, second)
	}
	// Refreshing an invoice that has not expired changes nothing.
	refreshed := e.create(t, strings.Replace(body, `"lifetime"`, `"is_refresh":true,"lifetime"`, 1))
	if refreshed["address"] != first["address"] || refreshed["expired_at"] != first["expired_at"] {
		t.Errorf("refresh before expiry renewed the invoice")
	}
	e.clock.Advance(10 * time.Minute)
	expired := e.post(t, "/v1/payment/info", `{"order_id":"pos-x"}`).result(t)
	if expired["status"] != "cancel" || expired["is_final"] != true {
		t.Fatalf("after the lifetime: %v", expired)
	}
	e.clock.Advance(time.Minute)
	renewed := e.create(t, `{"amount":"10","currency":"EUR","order_id":"pos-x","is_refresh":true}`)
	if renewed["uuid"] != first["uuid"] || renewed["address"] == first["address"] || renewed["status"] != "check" ||
		renewed["is_final"] != false || renewed["expired_at"] != float64(e.clock.Now().Add(10*time.Minute).Unix()) {
		t.Errorf("renewed %v", renewed)
	}
	if st, _ := e.Invoice("pos-x"); st.Refreshes != 1 || e.Count() != 1 {
		t.Errorf("refreshes %d, invoices %d", st.Refreshes, e.Count())
	}
}

func TestInfoAndServices(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, `{"amount":"5","currency":"USD","order_id":"pos-i"}`)
	byUUID := e.post(t, "/v1/payment/info", `{"uuid":"`+res["uuid"].(string)+`"}`).result(t)
	byOrder := e.post(t, "/v1/payment/info", `{"order_id":"pos-i"}`).result(t)
	both := e.post(t, "/v1/payment/info", `{"uuid":"nope","order_id":"pos-i"}`).result(t)
	if byUUID["order_id"] != "pos-i" || byOrder["uuid"] != res["uuid"] || both["uuid"] != res["uuid"] {
		t.Errorf("info by uuid %v, by order %v, both %v", byUUID, byOrder, both)
	}
	for _, tt := range []struct {
		body, want string
	}{
		{`{}`, `{"state":1,"errors":{"order_id":["validation.required_without"],"uuid":["validation.required_without"]}}`},
		{`{"uuid":"00000000-0000-4000-8000-000000000000"}`, `{"state":1,"message":"Payment not found"}`},
		{`{"order_id":"never"}`, `{"state":1,"message":"Payment not found"}`},
	} {
		if r := e.post(t, "/v1/payment/info", tt.body); r.status != 422 || string(r.body) != tt.want {
			t.Errorf("%s: HTTP %d %s", tt.body, r.status, r.body)
		}
	}
	r := e.post(t, "/v1/payment/services", `{}`)
	m := r.json(t)
	list, _ := m["result"].([]any)
	if r.status != 200 || len(list) != len(DefaultServices()) {
		t.Fatalf("services: %s", r.body)
	}
	first := list[0].(map[string]any)
	if first["network"] != "BTC" || first["currency"] != "BTC" || first["is_available"] != true ||
		first["limit"].(map[string]any)["min_amount"] != "0.00005000" || first["commission"].(map[string]any)["percent"] != "1.50" {
		t.Errorf("services entry %v", first)
	}
	for _, body := range []string{"", "[]"} {
		if r := e.post(t, "/v1/payment/services", body); r.status != 200 {
			t.Errorf("services with body %q: %d", body, r.status)
		}
	}
	if r := e.post(t, "/v1/payment/list", `{}`); r.status != 404 {
		t.Errorf("unknown endpoint: %d %s", r.status, r.body)
	}
	resp, err := http.Get(e.srv.URL + "/v1/payment")
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/payment: %v %v", resp, err)
	}
	resp.Body.Close()
}
