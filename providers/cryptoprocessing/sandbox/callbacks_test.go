package sandbox

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCallbacksAreSignedRawBytes(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-s", `"sender_currency":"BTC","sender_type":"legal","sender_data":{"legal_name":"A","country_of_registration":"DEU"}`))
	_ = e.Drive("pos-s", Mempool)
	e.Tick()
	e.rc.mu.Lock()
	got := e.rc.got[0]
	e.rc.mu.Unlock()
	m := hmac.New(sha512.New, []byte(testSecret))
	m.Write(got.body)
	if want := hex.EncodeToString(m.Sum(nil)); got.header.Get("X-Processing-Signature") != want {
		t.Errorf("signature %s, want %s", got.header.Get("X-Processing-Signature"), want)
	}
	if got.header.Get("X-Processing-Key") != testKey || got.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", got.header)
	}
	if !strings.Contains(string(got.body), `"url":"http:\/\/127.0.0.1`) || strings.Contains(string(got.body), "http://") {
		t.Errorf("/ is not escaped as \\/: %s", got.body)
	}
	var cb map[string]any
	if err := json.Unmarshal(got.body, &cb); err != nil {
		t.Fatal(err)
	}
	inv, _ := e.Invoice("pos-s")
	sent := cb["currency_sent"].(map[string]any)
	addr := cb["crypto_address"].(map[string]any)
	txs := cb["transactions"].([]any)
	if cb["type"] != "invoice" || cb["foreign_id"] != "pos-s" || cb["status"] != "processing" || cb["error"] != "" ||
		cb["end_user_reference"] != "ref1" || sent["currency"] != "BTC" || sent["amount"] != "0.00022500" ||
		sent["remaining_amount"] != "0.00000000" || addr["address"] != inv.Address || addr["convert_to"] != "EUR" ||
		len(txs) != 1 || txs[0].(map[string]any)["confirmations"] != "0" ||
		cb["expires_at"] != float64(inv.FixedAt.Add(24*time.Hour).Unix()) || cb["fixed_at"] != float64(start.Unix()) {
		t.Errorf("callback %s", got.body)
	}
}

func TestCallbackRetries(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-r", ""))
	e.rc.answer(500, 403)
	_ = e.Drive("pos-r", Pay)
	e.Tick()
	d := e.Deliveries()[0]
	if d.State != DeliveryWaiting || d.Attempts != 1 || d.LastCode != 500 || !d.Due.Equal(start.Add(time.Second)) {
		t.Fatalf("after a 500: %+v", d)
	}
	e.Tick() // not due yet
	if e.rc.count() != 1 {
		t.Fatalf("retried before its time: %d", e.rc.count())
	}
	e.clock.Advance(time.Second)
	e.Tick()
	if d = e.Deliveries()[0]; d.Attempts != 2 || d.LastCode != 403 || !d.Due.Equal(start.Add(6*time.Second)) {
		t.Fatalf("after a 403: %+v", d)
	}
	e.clock.Advance(5 * time.Second)
	e.Tick()
	if d = e.Deliveries()[0]; d.State != DeliveryDelivered || d.Attempts != 3 || e.rc.count() != 3 {
		t.Errorf("after a 200: %+v", d)
	}
	bodies := map[string]bool{}
	e.rc.mu.Lock()
	for _, g := range e.rc.got {
		bodies[string(g.body)] = true
	}
	e.rc.mu.Unlock()
	if len(bodies) != 1 {
		t.Errorf("retries sent %d different bodies", len(bodies))
	}
}

func TestCallbackGivesUp(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RetrySchedule = []time.Duration{time.Second} })
	e.create(t, body("pos-g", ""))
	e.rc.answer(500, 500, 500)
	_ = e.Drive("pos-g", Pay)
	for range 3 {
		e.Tick()
		e.clock.Advance(time.Second)
	}
	if d := e.Deliveries()[0]; d.State != DeliveryGaveUp || d.Attempts != 2 {
		t.Errorf("delivery %+v", d)
	}
	// A receiver that is down.
	e.rc.Close()
	e.create(t, body("pos-down", ""))
	_ = e.Drive("pos-down", Pay)
	e.Tick()
	if d := e.Deliveries()[1]; d.State != DeliveryWaiting || d.LastCode != 0 || d.LastError == "" {
		t.Errorf("receiver down: %+v", d)
	}
}

func TestCallbackKnobs(t *testing.T) {
	e := newEnv(t)
	e.create(t, body("pos-k", `"type":"good_until_expired"`))
	e.create(t, body("pos-other", ""))

	e.AddKnob(Knob{Kind: KnobDuplicate, ForeignID: "pos-k"})
	_ = e.Drive("pos-other", Mempool) // not for this knob
	_ = e.Drive("pos-k", PayPart)
	e.Tick()
	if got := e.rc.statuses(t); strings.Join(got, " ") != "processing pending pending" {
		t.Fatalf("duplicate: %v", got)
	}

	e.AddKnob(Knob{Kind: KnobHold})
	_ = e.Drive("pos-k", Mempool) // processing, held back
	e.Tick()
	if n := e.rc.count(); n != 3 {
		t.Fatalf("a held callback was sent: %d", n)
	}
	_ = e.Drive("pos-k", Confirm) // confirmed, then the held processing
	e.Tick()
	if got := e.rc.statuses(t); strings.Join(got[3:], " ") != "confirmed processing" {
		t.Errorf("out of order: %v", got)
	}

	e.AddKnob(Knob{Kind: KnobDrop})
	_ = e.Drive("pos-other", Confirm)
	e.Tick()
	e.Flush()
	if n := e.rc.count(); n != 5 {
		t.Errorf("a dropped callback was sent: %d callbacks", n)
	}
	var states []string
	for _, d := range e.Deliveries() {
		states = append(states, d.State)
	}
	if strings.Join(states, " ") != "delivered delivered delivered delivered delivered dropped" {
		t.Errorf("states %v", states)
	}
}

func TestFlushAndLateCallbackURL(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.CallbackURL = "" })
	e.create(t, body("pos-f", ""))
	e.AddKnob(Knob{Kind: KnobHold})
	_ = e.Drive("pos-f", Mempool)
	_ = e.Drive("pos-f", Confirm)
	e.Tick()
	if d := e.Deliveries(); len(d) != 2 || d[0].State != DeliveryHeld || d[1].State != DeliveryWaiting || d[1].Attempts != 0 {
		t.Fatalf("without a URL: %+v", d)
	}
	e.SetCallbackURL(e.rc.URL)
	e.rc.answer(500)
	e.Tick() // confirmed fails, the held one stays
	e.Flush()
	if got := e.rc.statuses(t); strings.Join(got, " ") != "confirmed processing confirmed" {
		t.Errorf("flush: %v", got)
	}
}
