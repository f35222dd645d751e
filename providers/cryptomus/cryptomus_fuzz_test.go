package cryptomus

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"cryptopos/pos"
	"cryptopos/relay"
)

// fuzzKey is a payment key as long and random as a real one; the seed
// corpus has replies that echo it.
const fuzzKey = "q3ZxR8tLw0Vb6NnY2cUe9HkPj4Ds7GaF1mQoT5iXrKzEyWvBl"

// knownKinds are the ErrorKinds a reply may be classified as.
var knownKinds = map[pos.ErrorKind]bool{
	pos.ErrKindTransport: true, pos.ErrKindTemporary: true, pos.ErrKindBadReply: true, pos.ErrKindRejected: true,
	pos.ErrKindAuth: true, pos.ErrKindNotFound: true, pos.ErrKindDuplicate: true,
}

func fuzzClient(t *testing.T) *Client {
	c, err := New(Config{BaseURL: "https://api.cryptomus.test/v1", Merchant: "merchant-uuid-1", PaymentKey: fuzzKey},
		Options{Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkCashierText fails unless s is a sentence for the cashier: one line
// of valid UTF-8 without control characters (no line breaks, no ESC that a
// terminal would obey) that names Cryptomus (when name is set)
// and never shows the payment key.
func checkCashierText(t *testing.T, what, s string, name bool) {
	t.Helper()
	if strings.Contains(s, fuzzKey) {
		t.Fatalf("%s shows the payment key: %q", what, s)
	}
	if !utf8.ValidString(s) {
		t.Fatalf("%s is not valid UTF-8: %q", what, s)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }); i >= 0 {
		t.Fatalf("%s has a control character at %d: %q", what, i, s)
	}
	if name && !strings.Contains(s, "Cryptomus") {
		t.Fatalf("%s does not name Cryptomus: %q", what, s)
	}
}

// checkProviderError fails unless pe is a well-formed classification of a
// reply with that HTTP status.
func checkProviderError(t *testing.T, op string, status int, pe *pos.ProviderError) {
	t.Helper()
	if !knownKinds[pe.Kind] {
		t.Fatalf("%s: kind %d is not a known ErrorKind (%q)", op, pe.Kind, pe.Message)
	}
	if pe.Message == "" || !strings.ContainsAny(pe.Message[len(pe.Message)-1:], ".!?") {
		t.Fatalf("%s: message %q is not a sentence", op, pe.Message)
	}
	checkCashierText(t, op+": the message", pe.Message, true)
	checkCashierText(t, op+": the provider message", pe.ProviderMessage, false) // it is logged
	if pe.HTTPStatus != status {
		t.Fatalf("%s: HTTPStatus %d, the reply had %d", op, pe.HTTPStatus, status)
	}
	switch {
	case status == 401 && pe.Kind != pos.ErrKindAuth:
		t.Fatalf("%s: HTTP 401 classified as kind %d: %q", op, pe.Kind, pe.Message)
	case status >= 500 && pe.Kind != pos.ErrKindTemporary && pe.Kind != pos.ErrKindAuth:
		t.Fatalf("%s: HTTP %d classified as kind %d, not temporary: %q", op, status, pe.Kind, pe.Message)
	case status >= 300 && status < 400 && pe.Kind != pos.ErrKindRejected:
		t.Fatalf("%s: HTTP %d classified as kind %d: %q", op, status, pe.Kind, pe.Message)
	}
}

// FuzzReply checks how the client reads any reply (HTTP status, Content-
// Type and body) to each of its calls, create, info and services: classify,
// then decodeInvoice and update, or the services list.
//   - nothing panics;
//   - every failure is a *pos.ProviderError with a known kind, the reply's
//     HTTP status and a one-line sentence naming Cryptomus, free of control
//     characters; neither it nor the provider's message shows the payment
//     key, even when the reply echoes it; 401 is an auth error, 5xx
//     temporary (or auth), 3xx rejected;
//   - a success is HTTP 200 only; a decoded invoice has a uuid and a status
//     word, a valid pos.Status (or StatusUnknown for words Cryptomus has
//     not documented), a reason for each unpaid outcome, positive amounts in
//     an upper-case coin and a lower-case network;
//   - a services list has upper-case coins and lower-case networks.
func FuzzReply(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900 // net/http never reports others
		}
		c := fuzzClient(t)
		for _, op := range []operation{opCreate, opInfo, opServices} {
			result, pe := c.classify(op, status, contentType, body)
			if pe != nil {
				checkProviderError(t, op.name, status, pe)
				continue
			}
			if status != 200 {
				t.Fatalf("%s: HTTP %d read as a success", op.name, status)
			}
			if op == opServices {
				checkServices(t, result)
				continue
			}
			o, err := c.decodeInvoice(result, op)
			if err != nil {
				var pe *pos.ProviderError
				if !errors.As(err, &pe) {
					t.Fatalf("%s: decodeInvoice error %T %v", op.name, err, err)
				}
				checkProviderError(t, op.name+" decodeInvoice", 200, pe)
				continue
			}
			checkUpdate(t, op.name, o, c.update(o))
		}
	})
}

func checkUpdate(t *testing.T, op string, o *invoiceObject, u pos.Update) {
	t.Helper()
	if u.ProviderID == "" || u.ProviderID != string(o.UUID) {
		t.Fatalf("%s: update without the uuid: %+v", op, u)
	}
	if u.ProviderStatus == "" || u.ProviderStatus != strings.ToLower(u.ProviderStatus) {
		t.Fatalf("%s: provider status %q", op, u.ProviderStatus)
	}
	if u.Status != pos.StatusUnknown && !u.Status.Valid() {
		t.Fatalf("%s: status %q is not a pos.Status", op, u.Status)
	}
	if u.Status == pos.StatusCreating {
		t.Fatalf("%s: a reply cannot say the invoice is still being created", op)
	}
	switch u.Status {
	case pos.StatusUnderpaid, pos.StatusExpired, pos.StatusFailed:
		if u.Reason == "" {
			t.Fatalf("%s: %s without a reason (status %q, is_final %v)", op, u.Status, u.ProviderStatus, o.IsFinal)
		}
		checkCashierText(t, op+": the reason", u.Reason, false)
	}
	// A documented word is an outcome unless it is a refund_* one, which
	// says nothing about the sale; an undocumented one is no news.
	if info, known := statuses[u.ProviderStatus]; known != (u.Status != pos.StatusUnknown || (known && info.status == pos.StatusUnknown)) {
		t.Fatalf("%s: status %q read as %q", op, u.ProviderStatus, u.Status)
	}
	for _, m := range []pos.Money{u.PayAmount, u.Paid} {
		if m.IsZero() {
			continue
		}
		if !m.Amount.IsPositive() || m.Currency != strings.ToUpper(m.Currency) {
			t.Fatalf("%s: amount %s %q", op, m.Amount, m.Currency)
		}
	}
	if u.Network != strings.ToLower(u.Network) {
		t.Fatalf("%s: network %q is not lower case", op, u.Network)
	}
	if u.Source != "Cryptomus API" {
		t.Fatalf("%s: source %q", op, u.Source)
	}
}

// checkServices checks decodeServices: a JSON array of objects is a list
// whatever the members hold (PHP writes an empty "limit" as []), with
// upper-case coins and lower-case networks; anything else is no list.
func checkServices(t *testing.T, result json.RawMessage) {
	t.Helper()
	list, ok := decodeServices(result)
	var items []json.RawMessage
	objects := json.Unmarshal(result, &items) == nil && result[0] == '['
	for _, it := range items {
		objects = objects && (it[0] == '{' || string(it) == "null")
	}
	if ok != objects {
		t.Fatalf("decodeServices(%s) = %v, want %v", result, ok, objects)
	}
	for _, s := range list {
		if s.Currency != strings.ToUpper(s.Currency) || s.Network != strings.ToLower(s.Network) {
			t.Fatalf("service %q on %q", s.Currency, s.Network)
		}
	}
}

// placeholderSign stands for the sign while the body is signed.
const placeholderSign = "00000000000000000000000000000000"

// signWebhook returns body with a sign member appended as Cryptomus would
// sign it: over the raw strip of its other members (php false), or over
// their PHP re-encoding (php true). ok is false when body is not a JSON
// object or already has a sign.
func signWebhook(body []byte, key string, php bool) (signed []byte, ok bool) {
	trimmed := bytes.TrimRight(body, " \t\r\n")
	if len(trimmed) < 2 || trimmed[len(trimmed)-1] != '}' {
		return nil, false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) != nil {
		return nil, false
	}
	if _, has := members["sign"]; has {
		return nil, false
	}
	head := trimmed[:len(trimmed)-1]
	sep := ","
	if len(members) == 0 && bytes.Equal(bytes.TrimSpace(head), []byte("{")) {
		sep = ""
	}
	build := func(sign string) []byte {
		var b bytes.Buffer
		b.Write(head)
		b.WriteString(sep + `"sign":"` + sign + `"}`)
		b.Write(body[len(trimmed):])
		return b.Bytes()
	}
	pairs, _, err := topLevelPairs(build(placeholderSign))
	if err != nil {
		return nil, false
	}
	data := rawStrip(pairs)
	if php {
		if data, err = phpEncode(pairs); err != nil {
			return nil, false
		}
	}
	sum := md5.Sum([]byte(base64.StdEncoding.EncodeToString(data) + key))
	return build(hex.EncodeToString(sum[:])), true
}

// webhookMeaning is what a webhook says: its members as Go's JSON decoder
// reads them (numbers as written, strings unescaped), without sign, and the
// sign's bytes.
func webhookMeaning(body []byte) (members map[string]any, sign []byte, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&members) != nil {
		return nil, nil, false
	}
	s, _ := members["sign"].(string)
	delete(members, "sign")
	sign, err := hex.DecodeString(s)
	return members, sign, err == nil
}

// FuzzWebhook checks the webhook receiver on any body, as sent and as
// signed by the fuzz test itself (over the raw strip, or over the PHP
// re-encoding):
//   - Receive never panics; with no key configured it accepts nothing;
//   - every refusal of the signature wraps relay.ErrForged, and an accepted
//     webhook has an order id and the body as its payload;
//   - a body signed as Cryptomus signs is never refused as forged;
//   - a signed body with any one byte changed is refused as forged, unless
//     the change leaves its meaning as it was: the same members with the
//     same values as Go's JSON decoder reads them (numbers as written,
//     strings unescaped) and the same sign bytes. Such harmless changes are
//     white space between tokens, the letter case of hex digits in the sign
//     or in a \u escape, and one invalid UTF-8 byte for another (both read
//     as U+FFFD). No change of a value, a key or the sign survives.
func FuzzWebhook(f *testing.F) {
	r := NewWebhookReceiver(fuzzKey)
	f.Fuzz(func(t *testing.T, body []byte, php bool) {
		if _, err := NewWebhookReceiver("").Receive(nil, body); !errors.Is(err, relay.ErrForged) {
			t.Fatalf("a receiver without a key did not refuse the webhook as forged: %v", err)
		}
		checkReceived(t, r, body)

		signed, ok := signWebhook(body, fuzzKey, php)
		if !ok {
			return
		}
		if _, err := r.Receive(nil, signed); errors.Is(err, relay.ErrForged) {
			t.Fatalf("a webhook signed as Cryptomus signs was refused: %v\n%s", err, signed)
		}
		want, wantSign, ok := webhookMeaning(signed)
		if !ok {
			t.Fatalf("the signed body cannot be read back: %s", signed)
		}
		// Each Receive costs a JSON walk and two MD5s: 64 bytes of the body,
		// each changed one way (a low bit, the ASCII case/space bit, the
		// UTF-8 bit), keep the fuzzer fast; the positions move with the
		// body's length, so that every byte gets its turn.
		for k, i := range positions(len(signed), 64) {
			mutated := bytes.Clone(signed)
			mutated[i] ^= []byte{0x01, 0x20, 0x80}[(k+len(body))%3]
			_, err := r.Receive(nil, mutated)
			if errors.Is(err, relay.ErrForged) {
				continue
			}
			got, gotSign, ok := webhookMeaning(mutated)
			if !ok || !reflect.DeepEqual(got, want) || !bytes.Equal(gotSign, wantSign) {
				t.Fatalf("byte %d changed from %q to %q and the webhook still verifies (%v):\nsigned:  %q\nchanged: %q",
					i, signed[i], mutated[i], err, signed, mutated)
			}
		}
	})
}

// checkReceived receives body and checks the result's shape.
func checkReceived(t *testing.T, r relay.Receiver, body []byte) {
	t.Helper()
	cb, err := r.Receive(nil, body)
	if err != nil {
		if strings.Contains(err.Error(), fuzzKey) {
			t.Fatalf("the error shows the payment key: %v", err)
		}
		return
	}
	if cb.ID == "" || !bytes.Equal(cb.Payload, body) {
		t.Fatalf("an accepted webhook has no order id or another payload: %+v", cb)
	}
	if r.Newer(cb, cb) {
		t.Fatalf("a webhook is newer than itself: %+v", cb)
	}
}

// positions returns at most n byte offsets below length, spread evenly,
// always including the first and the last.
func positions(length, n int) []int {
	if length <= n {
		out := make([]int, length)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, 0, n)
	for k := 0; k < n; k++ {
		out = append(out, k*(length-1)/(n-1))
	}
	return out
}
