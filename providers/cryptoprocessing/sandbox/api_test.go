package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	e := newEnv(t)
	good := body("pos-a", "")
	sig := sign([]byte(good), testSecret)
	tests := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		code                     string
	}{
		{"no content type", "POST", "/api/v2/invoices/create", good,
			map[string]string{"X-Processing-Key": testKey, "X-Processing-Signature": sig}, 400, "bad_content_format"},
		{"no key", "POST", "/api/v2/invoices/create", good,
			map[string]string{"Content-Type": "application/json", "X-Processing-Signature": sig}, 403, "required_header_key"},
		{"wrong key", "POST", "/api/v2/invoices/create", good,
			map[string]string{"Content-Type": "application/json", "X-Processing-Key": "other", "X-Processing-Signature": sig}, 403, "bad_header_key"},
		{"no signature", "POST", "/api/v2/invoices/create", good,
			map[string]string{"Content-Type": "application/json", "X-Processing-Key": testKey}, 403, "required_header_signature"},
		{"wrong signature", "POST", "/api/v2/invoices/create", good + " ",
			map[string]string{"Content-Type": "application/json", "X-Processing-Key": testKey, "X-Processing-Signature": sig}, 403, "bad_header_signature"},
		{"signed, not JSON", "POST", "/api/v2/invoices/create", "timer=true",
			map[string]string{"Content-Type": "application/json", "X-Processing-Key": testKey, "X-Processing-Signature": sign([]byte("timer=true"), testSecret)}, 400, "bad_content_format"},
		{"wrong path", "POST", "/api/v2/invoice/create", good,
			map[string]string{"Content-Type": "application/json", "X-Processing-Key": testKey, "X-Processing-Signature": sig}, 403, "bad_header_signature"},
		{"wrong method", "GET", "/api/v2/invoices/create", good,
			map[string]string{"Content-Type": "application/json", "X-Processing-Key": testKey, "X-Processing-Signature": sig}, 403, "bad_header_signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.request(t, tt.method, tt.path, tt.body, tt.header)
			if r.status != tt.status || r.json(t)["code"] != tt.code || r.json(t)["error"] == "" {
				t.Errorf("got %d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
		})
	}
	if e.Count() != 0 {
		t.Errorf("%d invoices made", e.Count())
	}
	r := e.request(t, "GET", "/api/v2/ping", "", nil)
	if r.status != 200 || string(r.body) != "OK" {
		t.Errorf("ping: %d %q", r.status, r.body)
	}
	// An upper-case signature is accepted, and charset is allowed.
	r = e.request(t, "POST", "/api/v2/invoices/create", good, map[string]string{"Content-Type": "application/json; charset=utf-8",
		"X-Processing-Key": testKey, "X-Processing-Signature": strings.ToUpper(sig)})
	if r.status != http.StatusCreated {
		t.Errorf("upper-case signature: %d %s", r.status, r.body)
	}
}

func TestCreateTypes(t *testing.T) {
	e := newEnv(t)
	now := float64(start.Unix())

	d := e.create(t, `{"timer":false,"title":"T","currency":"EUR","amount":100,"foreign_id":"pos-1","end_user_reference":"r"}`)
	if d["status"] != "created" || d["address"] != nil || d["sender_currency"] != nil || d["sender_amount"] != nil ||
		d["fixed_at"] != nil || d["release_at"] != nil || d["seconds_left"] != nil || d["amount"] != "100.00000000" ||
		d["foreign_id"] != "pos-1" || d["id"] == nil || !strings.HasPrefix(d["url"].(string), e.srv.URL+"/invoice/") {
		t.Errorf("no timer: %v", d)
	}
	d = e.create(t, body("pos-2", ""))
	if d["status"] != "pending" || d["fixed_at"] != now || d["release_at"] != now+900 || d["seconds_left"] != 900.0 || d["address"] != nil {
		t.Errorf("timer: %v", d)
	}
	d = e.create(t, body("pos-3", `"sender_currency":"BTC","sender_type":"natural","sender_data":{"first_name":"A","last_name":"B","date_of_birth":"1985-04-23"}`))
	// 12.50 EUR at 1.08 USD, BTC at 60000 USD: 0.000225 BTC.
	if d["status"] != "pending" || d["sender_currency"] != "BTC" || d["sender_amount"] != "0.00022500" ||
		!strings.HasPrefix(d["address"].(string), "2N") || d["release_at"] != now+900 {
		t.Errorf("pre-selected: %v", d)
	}
	d = e.create(t, body("pos-4", `"type":"good_until_expired","sender_currency":"USDTT","sender_type":"legal","sender_data":{"legal_name":"ACME","country_of_registration":"DEU"}`))
	if d["sender_amount"] != "13.50000000" || !strings.HasPrefix(d["address"].(string), "T") {
		t.Errorf("USDTT: %v", d)
	}
	inv, _ := e.Invoice("pos-4")
	if inv.Type != "good_until_expired" || inv.SenderType != "legal" {
		t.Errorf("state %+v", inv)
	}
	// seconds_left counts down.
	e.clock.Advance(5 * time.Minute)
	if got := e.post(t, "/api/v2/invoices/create", body("pos-2", "")); got.status != 400 {
		t.Errorf("duplicate: %d", got.status)
	}
	if inv, _ := e.Invoice("pos-2"); inv.toJSON(e.clock.Now()).SecondsLeft == nil || *inv.toJSON(e.clock.Now()).SecondsLeft != 600 {
		t.Errorf("seconds_left after 5 minutes: %v", *inv.toJSON(e.clock.Now()).SecondsLeft)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-taken", ""))
	tests := []struct {
		name, body string
		field, msg string
	}{
		{"foreign id taken", body("pos-taken", ""), "foreign_id", "The foreign id has already been taken."},
		{"amount too small", strings.Replace(body("pos-s", ""), "12.50", "9.99", 1), "amount", "The amount is too small. The minimum amount is 10.00 EUR."},
		{"yen too small", `{"timer":true,"title":"T","currency":"JPY","amount":1000,"foreign_id":"pos-j","end_user_reference":"r"}`,
			"amount", "The amount is too small. The minimum amount is 1500 JPY."},
		{"title missing", `{"timer":true,"currency":"EUR","amount":20,"foreign_id":"pos-t","end_user_reference":"r"}`, "title", "The title field is required."},
		{"title too long", `{"timer":true,"title":"` + strings.Repeat("é", 51) + `","currency":"EUR","amount":20,"foreign_id":"pos-t","end_user_reference":"r"}`,
			"title", "The title may not be greater than 50 characters."},
		{"timer missing", `{"title":"T","currency":"EUR","amount":20,"foreign_id":"pos-t","end_user_reference":"r"}`, "timer", "The timer field is required."},
		{"timer not bool", `{"timer":"yes","title":"T","currency":"EUR","amount":20,"foreign_id":"pos-t","end_user_reference":"r"}`, "timer", "The timer field must be true or false."},
		{"amount not a number", strings.Replace(body("pos-n", ""), "12.50", `"ten"`, 1), "amount", "The amount must be a number."},
		{"end_user_reference missing", `{"timer":true,"title":"T","currency":"EUR","amount":20,"foreign_id":"pos-t"}`, "end_user_reference", "The end user reference field is required."},
		{"currency unknown", strings.Replace(body("pos-c", ""), "EUR", "XXX", 1), "currency", "The selected currency is invalid."},
		{"type unknown", body("pos-y", `"type":"all_or_none"`), "type", "The selected type is invalid."},
		{"url_success not https", body("pos-u", `"url_success":"http://shop.example/ok"`), "url_success", "The url success must be a valid URL."},
		{"email invalid", body("pos-e", `"email_user":"anna"`), "email_user", "The email user must be a valid email address."},
		{"sender currency unknown", body("pos-sc", `"sender_currency":"XMR","sender_type":"legal","sender_data":{"legal_name":"A","country_of_registration":"DEU"}`),
			"sender_currency", "The selected sender currency is invalid."},
		{"MiCA: sender type required", body("pos-m", `"sender_currency":"BTC"`), "sender_type",
			"The sender type field is required when timer is true and sender currency is present."},
		{"MiCA: sender data required", body("pos-m", `"sender_currency":"BTC","sender_type":"natural"`), "sender_data",
			"The sender data field is required when sender type is present."},
		{"MiCA: first name", body("pos-m", `"sender_currency":"BTC","sender_type":"natural","sender_data":{"last_name":"B","date_of_birth":"1985-04-23"}`),
			"sender_data.first_name", "The sender data.first_name field is required."},
		{"MiCA: date of birth", body("pos-m", `"sender_currency":"BTC","sender_type":"natural","sender_data":{"first_name":"A","last_name":"B","date_of_birth":"23.04.1985"}`),
			"sender_data.date_of_birth", "The sender data.date_of_birth does not match the format Y-m-d."},
		{"MiCA: country", body("pos-m", `"sender_currency":"BTC","sender_type":"legal","sender_data":{"legal_name":"A","country_of_registration":"DE"}`),
			"sender_data.country_of_registration", "The sender data.country_of_registration must be 3 characters."},
		{"MiCA: type", body("pos-m", `"sender_currency":"BTC","sender_type":"robot","sender_data":{}`), "sender_type", "The selected sender type is invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post(t, "/api/v2/invoices/create", tt.body)
			errs, _ := r.json(t)["errors"].(map[string]any)
			if r.status != 400 || errs[tt.field] != tt.msg {
				t.Errorf("got %d %s, want 400 with %s: %q", r.status, r.body, tt.field, tt.msg)
			}
		})
	}
	if e.Count() != 1 {
		t.Errorf("%d invoices, want 1", e.Count())
	}
	// Optional MiCA data without a pre-selected coin is fine; amount as a string too.
	e.create(t, strings.Replace(body("pos-ok", `"sender_type":"natural","sender_data":{"first_name":"A","last_name":"B","date_of_birth":"1985-04-23"}`), "12.50", `"12.50"`, 1))
}

func TestCancelEndpoint(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-c", ""))
	r := e.post(t, "/api/v2/invoices/pos-c/cancel/", "{}")
	if r.status != 200 || string(r.body) != "[]" {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	inv, _ := e.Invoice("pos-c")
	if inv.Status != "failed" || inv.Error != CancelledError {
		t.Errorf("after cancel: %s %q", inv.Status, inv.Error)
	}
	r = e.post(t, "/api/v2/invoices/pos-c/cancel/", "{}")
	errs, _ := r.json(t)["errors"].(map[string]any)
	if r.status != 400 || errs["code"] != "invalid_invoice_state" || errs["error"] != "Invoice cannot be failed in its current state." {
		t.Errorf("second cancel: %d %s", r.status, r.body)
	}
	r = e.post(t, "/api/v2/invoices/pos-nope/cancel", "{}")
	errs, _ = r.json(t)["errors"].(map[string]any)
	if r.status != 404 || errs["code"] != "invoice_not_found" {
		t.Errorf("unknown: %d %s", r.status, r.body)
	}
	// Without the signed body it is refused like any request.
	r = e.request(t, "POST", "/api/v2/invoices/pos-c/cancel/", "", map[string]string{"Content-Type": "application/json", "X-Processing-Key": testKey})
	if r.status != 403 {
		t.Errorf("unsigned cancel: %d", r.status)
	}
}

func TestCurrenciesEndpoint(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Currencies = append(DefaultCurrencies(), Currency{Code: "XMR", Type: "crypto", Hidden: true})
	})
	r := e.post(t, "/api/v2/currencies/list", `{"visible":true}`)
	list, _ := r.json(t)["data"].([]any)
	if r.status != 200 || len(list) != len(DefaultCurrencies()) {
		t.Fatalf("list: %d %d entries", r.status, len(list))
	}
	first := list[0].(map[string]any)
	if first["currency"] != "BTC" || first["type"] != "crypto" || first["minimum_amount"] != "0.00010000" || first["precision"] != 8.0 {
		t.Errorf("first entry %v", first)
	}
	if strings.Contains(string(r.body), "XMR") {
		t.Error("a hidden currency is listed")
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	e.InjectFault(Fault{Kind: FaultRateLimited})
	r := e.post(t, "/api/v2/currencies/list", `{}`)
	if r.status != 429 || string(r.body) != `{"errors": {"error code: 1015"}}` {
		t.Errorf("rate limited: %d %s", r.status, r.body)
	}
	e.InjectFault(Fault{Kind: FaultGatewayHTML, Path: createPath})
	if r := e.post(t, "/api/v2/currencies/list", `{}`); r.status != 200 {
		t.Errorf("a fault for create hit the list: %d", r.status)
	}
	if r := e.post(t, createPath, body("pos-g", "")); r.status != 502 || !strings.Contains(r.ctype, "html") || e.Count() != 0 {
		t.Errorf("gateway: %d %s", r.status, r.ctype)
	}
	e.InjectFault(Fault{Kind: FaultStatus500})
	if r := e.post(t, createPath, body("pos-g", "")); r.status != 500 || e.Count() != 0 {
		t.Errorf("500: %d", r.status)
	}
	e.InjectFault(Fault{Kind: FaultGarbage})
	if r := e.post(t, createPath, body("pos-g", "")); r.status != 201 && r.status != 200 || len(r.body) == 0 || r.body[len(r.body)-1] == '}' || e.Count() != 1 {
		t.Errorf("garbage: %d %s", r.status, r.body)
	}
	e.InjectFault(Fault{Kind: FaultResetAfterCreate})
	req, _ := http.NewRequest("POST", e.srv.URL+createPath, strings.NewReader(body("pos-r", "")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Processing-Key", testKey)
	req.Header.Set("X-Processing-Signature", sign([]byte(body("pos-r", "")), testSecret))
	if resp, err := e.srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("reset: got an answer %d", resp.StatusCode)
	}
	if _, ok := e.Invoice("pos-r"); !ok {
		t.Error("the reset create made no invoice")
	}
	if r := e.post(t, createPath, body("pos-r", "")); r.status != 400 || !strings.Contains(string(r.body), "already been taken") {
		t.Errorf("retry after reset: %d %s", r.status, r.body)
	}
}
