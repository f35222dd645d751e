package cryptomus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"cryptopos/providers"
	"cryptopos/relay"

	"github.com/BurntSushi/toml"
)

// The webhook vector of the provider spec, §6.4.
const (
	vectorKey  = "test-payment-key"
	vectorBody = `{"type":"payment","uuid":"62f88b36-a9d5-4fa6-aa26-e040c3dbf26d","order_id":"pos-1","amount":"3.00000000","status":"paid","is_final":true,"additional_data":"https:\/\/shop.example\/r\/1 Привет","txid":null,"sign":"7fcc2b12da143882cdb115d85ee5bb91"}`
	vectorSign = "7fcc2b12da143882cdb115d85ee5bb91"
)

// withSign replaces the vector's sign.
func withSign(body, sign string) string {
	return strings.Replace(body, vectorSign, sign, 1)
}

// TestWebhookVectors is the §6.4 table: each row's string hashes to the
// row's result, and a webhook signed with it verifies exactly when the
// table says so.
func TestWebhookVectors(t *testing.T) {
	stripped := strings.TrimSuffix(vectorBody, `,"sign":"`+vectorSign+`"}`) + "}"
	unescaped := strings.ReplaceAll(stripped, `\/`, `/`)
	asciiOnly := strings.ReplaceAll(unescaped, "Привет", `\u041f\u0440\u0438\u0432\u0435\u0442`)
	sorted := `{"additional_data":"https://shop.example/r/1 Привет","amount":"3.00000000","is_final":true,"order_id":"pos-1","status":"paid","txid":null,"type":"payment","uuid":"62f88b36-a9d5-4fa6-aa26-e040c3dbf26d"}`
	tests := []struct {
		name     string
		hashed   string
		sign     string
		verifies bool
	}{
		{"raw strip, or PHP re-encode", stripped, "7fcc2b12da143882cdb115d85ee5bb91", true},
		{"original order, unescaped /", unescaped, "60680bb0ac6db1106737a0a295e770cf", false},
		{"original order, unescaped /, non-ASCII as \\uXXXX", asciiOnly, "fc33b279eae2ae3facf5e351659144bd", false},
		{"sorted keys, unescaped /, raw UTF-8", sorted, "dc73a262a320f59bf261275e620468ed", false},
	}
	r := NewWebhookReceiver(vectorKey)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign([]byte(tt.hashed), vectorKey); got != tt.sign {
				t.Fatalf("the row's string hashes to %s, the table says %s", got, tt.sign)
			}
			body := withSign(vectorBody, tt.sign)
			cb, err := r.Receive(nil, []byte(body))
			if tt.verifies {
				if err != nil {
					t.Fatalf("Receive = %v", err)
				}
				want := relay.Callback{ID: "pos-1", Status: "paid", Final: true, Payload: []byte(body)}
				if fmt.Sprint(cb) != fmt.Sprint(want) {
					t.Errorf("Receive = %+v, want %+v", cb, want)
				}
			} else if !errors.Is(err, relay.ErrForged) {
				t.Errorf("Receive = %+v, %v; want ErrForged", cb, err)
			}
		})
	}
	// Both candidates reproduce the signed string.
	pairs, _, err := topLevelPairs([]byte(vectorBody))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(rawStrip(pairs)); got != stripped {
		t.Errorf("raw strip = %s", got)
	}
	if got, err := phpEncode(pairs); err != nil || string(got) != stripped {
		t.Errorf("PHP re-encode = %s, %v", got, err)
	}
}

// TestWebhookBodies are webhooks whose bytes differ from the string signed,
// as a PHP sender that appends sign to its json_encode output may not send.
func TestWebhookBodies(t *testing.T) {
	r := NewWebhookReceiver(vectorKey)
	signed := func(hashed string) string { return Sign([]byte(hashed), vectorKey) }
	php := `{"type":"payment","order_id":"pos-2","status":"confirm_check","is_final":false,"additional_data":"a\/b <&> 'q' \u2028 ü","n":12,"convert":{"to_currency":"USDT","rate":"0.07700000"},"list":[1,"x\/y"],"empty":[],"txid":null}`
	tests := []struct {
		name string
		body string
		want error // nil: verifies
	}{
		{"PHP bytes, sign last", strings.TrimSuffix(php, "}") + `,"sign":"` + signed(php) + `"}`, nil},
		{"sign first", `{"sign":"` + signed(php) + `",` + php[1:], nil},
		{"sent with spaces, signed compact (re-encode)",
			`{ "type": "payment", "order_id": "pos-2", "status": "confirm_check", "is_final": false, "additional_data": "a\/b <&> 'q' \u2028 ü", "n": 12, "convert": {"to_currency": "USDT", "rate": "0.07700000"}, "list": [1, "x\/y"], "empty": {}, "txid": null, "sign": "` + signed(php) + `" }`, nil},
		{"sent unescaped, signed escaped (re-encode)",
			`{"type":"payment","order_id":"pos-2","status":"confirm_check","is_final":false,"additional_data":"a/b \u003c&\u003e 'q' ` + "\u2028" + ` \u00fc","n":12,"convert":{"to_currency":"USDT","rate":"0.07700000"},"list":[1,"x/y"],"empty":[],"txid":null,"sign":"` + signed(php) + `"}`, nil},
		{"sign in upper case", strings.TrimSuffix(php, "}") + `,"sign":"` + strings.ToUpper(signed(php)) + `"}`, nil},
		{"signed with another key", strings.TrimSuffix(php, "}") + `,"sign":"` + Sign([]byte(php), "other") + `"}`, relay.ErrForged},
		{"a field changed", strings.Replace(strings.TrimSuffix(php, "}")+`,"sign":"`+signed(php)+`"}`, "confirm_check", "paid", 1), relay.ErrForged},
		{"a field added", strings.TrimSuffix(php, "}") + `,"x":1,"sign":"` + signed(php) + `"}`, relay.ErrForged},
		{"no sign", php, relay.ErrForged},
		{"two signs", strings.TrimSuffix(php, "}") + `,"sign":"` + signed(php) + `","sign":"` + signed(php) + `"}`, relay.ErrForged},
		{"sign not a string", strings.TrimSuffix(php, "}") + `,"sign":5}`, relay.ErrForged},
		{"sign not hex", strings.TrimSuffix(php, "}") + `,"sign":"zz"}`, relay.ErrForged},
		{"sign too short", strings.TrimSuffix(php, "}") + `,"sign":"abcd"}`, relay.ErrForged},
		{"not JSON", `{"type":`, relay.ErrForged},
		{"not an object", `["sign"]`, relay.ErrForged},
		{"trailing data", strings.TrimSuffix(php, "}") + `,"sign":"` + signed(php) + `"} {}`, relay.ErrForged},
		{"empty", ``, relay.ErrForged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb, err := r.Receive(nil, []byte(tt.body))
			if tt.want == nil {
				if err != nil || cb.ID != "pos-2" || cb.Status != "confirm_check" || cb.Final || string(cb.Payload) != tt.body {
					t.Errorf("Receive = %+v, %v", cb, err)
				}
			} else if !errors.Is(err, tt.want) {
				t.Errorf("Receive = %+v, %v; want %v", cb, err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), vectorKey) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

func TestWebhookKinds(t *testing.T) {
	r := NewWebhookReceiver(vectorKey)
	sign := func(fields string) []byte {
		body := "{" + fields + "}"
		return []byte("{" + fields + `,"sign":"` + Sign([]byte(body), vectorKey) + `"}`)
	}
	tests := []struct {
		name   string
		body   []byte
		want   relay.Callback
		is     error
		errHas string
	}{
		{"wallet", sign(`"type":"wallet","order_id":"w-1","status":"paid","is_final":true`), relay.Callback{}, relay.ErrIgnored, ""},
		{"payout", sign(`"type":"payout","order_id":"p-1","status":"paid"`), relay.Callback{}, relay.ErrIgnored, ""},
		{"no type", sign(`"order_id":"p-1","status":"paid"`), relay.Callback{}, relay.ErrIgnored, ""},
		{"no order_id", sign(`"type":"payment","status":"paid"`), relay.Callback{}, nil, "no order_id"},
		{"is_final as a string", sign(`"type":"payment","order_id":"pos-3","status":"cancel","is_final":"1"`),
			relay.Callback{ID: "pos-3", Status: "cancel", Final: true}, nil, ""},
		{"numeric order_id", sign(`"type":"payment","order_id":42,"status":"check","is_final":false`),
			relay.Callback{ID: "42", Status: "check"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb, err := r.Receive(nil, tt.body)
			switch {
			case tt.is != nil:
				if !errors.Is(err, tt.is) {
					t.Errorf("Receive = %v, want %v", err, tt.is)
				}
			case tt.errHas != "":
				if err == nil || errors.Is(err, relay.ErrForged) || errors.Is(err, relay.ErrIgnored) || !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("Receive = %v, want an unreadable-webhook error saying %q", err, tt.errHas)
				}
			default:
				tt.want.Payload = tt.body
				if err != nil || fmt.Sprint(cb) != fmt.Sprint(tt.want) {
					t.Errorf("Receive = %+v, %v; want %+v", cb, err, tt.want)
				}
			}
		})
	}
	if _, err := NewWebhookReceiver("").Receive(nil, []byte(vectorBody)); !errors.Is(err, relay.ErrForged) {
		t.Errorf("Receive without a key = %v", err)
	}
	if p := r.Provider(); p != "cryptomus" {
		t.Errorf("Provider() = %q", p)
	}
}

func TestWebhookNewer(t *testing.T) {
	cb := func(status string, final bool) relay.Callback {
		return relay.Callback{ID: "pos-1", Status: status, Final: final}
	}
	tests := []struct {
		prev, next relay.Callback
		newer      bool
	}{
		{cb("paid", true), cb("paid", true), false}, // duplicate
		{cb("confirm_check", false), cb("confirm_check", false), false},
		{cb("confirm_check", false), cb("paid", true), true},  // final beats non-final
		{cb("paid", true), cb("confirm_check", false), false}, // out of order
		{cb("check", false), cb("cancel", true), true},
		{cb("cancel", true), cb("paid", true), true}, // paid beats other finals
		{cb("wrong_amount", true), cb("paid_over", true), true},
		{cb("paid", true), cb("paid_over", true), false},   // first success stays
		{cb("paid", true), cb("refund_paid", true), false}, // a refund does not replace the sale
		{cb("paid", true), cb("wrong_amount", true), false},
		{cb("cancel", true), cb("fail", true), false},
		{cb("check", false), cb("confirm_check", false), true},  // later stage
		{cb("confirm_check", false), cb("check", false), false}, // earlier stage
		{cb("confirm_check", false), cb("something_new", false), false},
		{cb("something_new", false), cb("check", false), true},
		{cb("locked", false), cb("locked", true), true}, // became final
	}
	r := NewWebhookReceiver(vectorKey)
	for _, tt := range tests {
		if got := r.Newer(tt.prev, tt.next); got != tt.newer {
			t.Errorf("Newer(%s/%v, %s/%v) = %v, want %v", tt.prev.Status, tt.prev.Final, tt.next.Status, tt.next.Final, got, tt.newer)
		}
	}
}

// TestWebhookThroughRelay posts the vector to a relay: stored, then the
// same webhook again is a duplicate, and a forged one is refused.
func TestWebhookThroughRelay(t *testing.T) {
	store, err := relay.OpenStore(filepath.Join(t.TempDir(), "relay.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, err := relay.New(relay.Options{Store: store, Token: "relay-token-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Add(NewWebhookReceiver(vectorKey))
	post := func(body string) int {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/callbacks/cryptomus", strings.NewReader(body)))
		return w.Code
	}
	for i, c := range []struct {
		body string
		code int
	}{
		{withSign(vectorBody, "60680bb0ac6db1106737a0a295e770cf"), http.StatusForbidden},
		{vectorBody, http.StatusOK},
		{vectorBody, http.StatusOK},
	} {
		if got := post(c.body); got != c.code {
			t.Errorf("POST %d = %d, want %d", i, got, c.code)
		}
	}
	rec, err := store.Get(context.Background(), "cryptomus", "pos-1")
	if err != nil || rec.Status != "paid" || !rec.Final || rec.Version != 1 || rec.Callbacks != 2 || string(rec.Payload) != vectorBody {
		t.Errorf("record %+v, %v", rec, err)
	}
}

func TestKitReceiver(t *testing.T) {
	section := func(text string) func(any) error {
		return func(v any) error { _, err := toml.Decode(text, v); return err }
	}
	env := providers.Env{Section: section(`payment_key = " ` + vectorKey + ` "`), Getenv: func(string) string { return "" }}
	r, err := Kit.Receiver(env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Receive(nil, []byte(vectorBody)); err != nil {
		t.Errorf("the kit's receiver refuses the vector: %v", err)
	}
	// The environment overrides the file.
	env.Getenv = func(k string) string {
		if k == EnvPaymentKey {
			return "from-env"
		}
		return ""
	}
	r, err = Kit.Receiver(env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Receive(nil, []byte(vectorBody)); !errors.Is(err, relay.ErrForged) {
		t.Errorf("the receiver does not use the key from the environment: %v", err)
	}
	env = providers.Env{Section: section(`merchant = "m"`)}
	if _, err := Kit.Receiver(env); err == nil || !strings.Contains(err.Error(), "cryptomus.payment_key: missing") {
		t.Errorf("no key: %v", err)
	}
	env = providers.Env{Section: section(`payment_key = `)}
	if _, err := Kit.Receiver(env); err == nil {
		t.Error("a bad section was accepted")
	}
}
