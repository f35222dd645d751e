package cryptoprocessing

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"cryptopos/relay"
)

func headers(sig, key string) http.Header {
	h := http.Header{}
	if sig != "" {
		h.Set("X-Processing-Signature", sig)
	}
	if key != "" {
		h.Set("X-Processing-Key", key)
	}
	return h
}

func TestReceiverVerifies(t *testing.T) {
	r, err := NewReceiver(Config{APIKey: "test_key", SecretKey: "test_secret"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Provider() != "cryptoprocessing" {
		t.Errorf("Provider() = %q", r.Provider())
	}
	// An invoice callback as the PHP backend writes it, with \/.
	escaped := `{"id":22,"foreign_id":"pos-1","type":"invoice","crypto_address":{"id":1,"currency":"BTC","address":"2N8p","tag":null},` +
		`"currency_sent":{"currency":"BTC","amount":"0.00309556","remaining_amount":"0.00000000"},"transactions":[],"fees":[],` +
		`"error":null,"status":"processing","fixed_at":1592308917,"expires_at":1592395375,"url":"https:\/\/pos.example\/ok"}`
	reencoded := strings.ReplaceAll(escaped, `\/`, `/`)
	numericID := `{"foreign_id":123456,"type":"invoice","status":"confirmed"}`

	tests := []struct {
		name   string
		header http.Header
		body   string
		err    error
		want   relay.Callback
	}{
		{name: "§3.2 vector: authentic, but a deposit_exchange", header: headers(thirdPartySignature, "test_key"),
			body: thirdPartyCallback, err: relay.ErrIgnored},
		{name: "§3.2 vector, upper-case hex, no key header", header: headers(strings.ToUpper(thirdPartySignature), ""),
			body: thirdPartyCallback, err: relay.ErrIgnored},
		{name: "§3.2 vector, wrong key", header: headers(thirdPartySignature, "other_key"), body: thirdPartyCallback, err: relay.ErrForged},
		{name: "§3.2 vector, changed body", header: headers(thirdPartySignature, "test_key"),
			body: strings.Replace(thirdPartyCallback, "0.00100000", "1.00100000", 1), err: relay.ErrForged},
		{name: "no signature", header: headers("", "test_key"), body: thirdPartyCallback, err: relay.ErrForged},
		{name: "signature not hex", header: headers("not-a-signature", "test_key"), body: thirdPartyCallback, err: relay.ErrForged},
		{name: "invoice with \\/ verified over the raw bytes", header: headers(Sign([]byte(escaped), "test_secret"), "test_key"), body: escaped,
			want: relay.Callback{ID: "pos-1", Status: "processing", Final: false}},
		{name: "signature of the re-encoded body", header: headers(Sign([]byte(reencoded), "test_secret"), "test_key"), body: escaped, err: relay.ErrForged},
		{name: "numeric foreign_id", header: headers(Sign([]byte(numericID), "test_secret"), ""), body: numericID,
			want: relay.Callback{ID: "123456", Status: "confirmed", Final: true}},
		{name: "invoice without foreign_id", header: headers(Sign([]byte(`{"type":"invoice","status":"failed"}`), "test_secret"), ""),
			body: `{"type":"invoice","status":"failed"}`, err: relay.ErrIgnored},
		{name: "authentic but not JSON", header: headers(Sign([]byte(`ok`), "test_secret"), ""), body: `ok`, err: relay.ErrIgnored},
		{name: "payment_request callback", header: headers(Sign([]byte(`{"type":"payment_request","foreign_id":"x"}`), "test_secret"), ""),
			body: `{"type":"payment_request","foreign_id":"x"}`, err: relay.ErrIgnored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb, err := r.Receive(tt.header, []byte(tt.body))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Receive: %v", err)
			}
			if cb.ID != tt.want.ID || cb.Status != tt.want.Status || cb.Final != tt.want.Final || string(cb.Payload) != tt.body {
				t.Errorf("callback %+v, want %+v with the body as received", cb, tt.want)
			}
		})
	}

	// The official request vector (§3.1) verifies, and is no invoice.
	official, _ := NewReceiver(Config{APIKey: "k", SecretKey: "AbCdEfG123456"})
	_, err = official.Receive(headers("03c25fcf7cd35e7d995e402cd5d51edd72d48e1471e865907967809a0c189ba55b90815f20e2bb10f82c7a9e9d865546fda58989c2ae9e8e2ff7bc29195fa1ec", ""),
		[]byte(`{"currency":"BTC","foreign_id":"123456"}`))
	if !errors.Is(err, relay.ErrIgnored) {
		t.Errorf("official vector: %v, want ErrIgnored", err)
	}

	if _, err := NewReceiver(Config{APIKey: "k"}); err == nil || !strings.Contains(err.Error(), "cryptoprocessing.secret_key") {
		t.Errorf("NewReceiver without a secret: %v", err)
	}
}

func TestReceiverNewer(t *testing.T) {
	r := &Receiver{apiKey: "k", secretKey: "s"}
	cb := func(status, errText, amount, remaining string, txs []string, expires int64) relay.Callback {
		return relay.Callback{ID: testOrderID, Status: status, Final: statusWords[status].final,
			Payload: []byte(callback(status, errText, amount, remaining, txs, expires))}
	}
	created := cb("created", "", "0.02", "0.02", nil, 0)
	pending := cb("pending", "", "0.02", "0.02", nil, fixedAt+window)
	part1 := cb("pending", "", "0.02", "0.015", []string{tx("0.005", `"1"`)}, fixedAt+window)
	part2 := cb("pending", "", "0.02", "0.01", []string{tx("0.005", `"1"`), tx("0.005", `"1"`)}, fixedAt+window)
	mempool0 := cb("processing", "", "0.02", "0", []string{tx("0.02", `"0"`)}, fixedAt+86400)
	mempool1 := cb("processing", "", "0.02", "0", []string{tx("0.02", `"1"`)}, fixedAt+86400)
	extended := cb("processing", "", "0.02", "0", []string{tx("0.02", `"1"`)}, fixedAt+86500)
	confirmed := cb("confirmed", "", "0.02", "0", []string{tx("0.02", `"2"`)}, fixedAt+86400)
	failed := cb("failed", ErrorNotPaid, "0.02", "0.02", nil, fixedAt+window)
	failedLater := cb("failed", ErrorPaidLess, "0.02", "0.01", []string{tx("0.01", `"1"`)}, fixedAt+window)
	unknown := relay.Callback{ID: testOrderID, Status: "refunded", Payload: []byte(`{"status":"refunded"}`)}

	tests := []struct {
		name       string
		prev, next relay.Callback
		want       bool
	}{
		{"created → pending", created, pending, true},
		{"pending → created", pending, created, false},
		{"pending → processing", pending, mempool0, true},
		{"processing → pending", mempool0, pending, false},
		{"processing → confirmed", mempool1, confirmed, true},
		{"confirmed → processing (late duplicate)", confirmed, mempool1, false},
		{"pending → failed", pending, failed, true},
		{"failed → pending", failed, pending, false},
		{"failed → confirmed (paid in the end)", failed, confirmed, true},
		{"confirmed → failed", confirmed, failed, false},
		{"duplicate confirmed", confirmed, confirmed, false},
		{"duplicate pending", pending, pending, false},
		{"instalment: more paid", part1, part2, true},
		{"instalment: less paid (out of order)", part2, part1, false},
		{"first instalment", pending, part1, true},
		{"more confirmations", mempool0, mempool1, true},
		{"fewer confirmations", mempool1, mempool0, false},
		{"later expires_at", mempool1, extended, true},
		{"earlier expires_at", extended, mempool1, false},
		{"failed: more paid", failed, failedLater, true},
		{"unknown word after pending", pending, unknown, false},
		{"pending after an unknown word", unknown, pending, true},
	}
	for _, tt := range tests {
		if got := r.Newer(tt.prev, tt.next); got != tt.want {
			t.Errorf("%s: Newer = %t, want %t", tt.name, got, tt.want)
		}
	}
}
