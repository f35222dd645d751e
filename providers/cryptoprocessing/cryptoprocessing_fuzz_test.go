package cryptoprocessing

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"cryptopos/pos"
	"cryptopos/providers/flexjson"
	"cryptopos/relay"
)

// Keys as long and random as real ones; the seed corpus has replies that
// echo them, and the customer's details a create sends.
const (
	fuzzAPIKey    = "pk_7Hq2Lm9Xc4Vb1Nz8Rt5Yw3Ks6Df0Gj"
	fuzzSecretKey = "sk_Zr4Tq8Wm2Xn6Bv1Lc9Hs3Jd7Kf5Pg0Qa"
	fuzzCustomer  = "Alexandra Quinterro"
	fuzzEmail     = "alexandra@example.org"
)

var knownKinds = map[pos.ErrorKind]bool{
	pos.ErrKindTransport: true, pos.ErrKindTemporary: true, pos.ErrKindBadReply: true, pos.ErrKindRejected: true,
	pos.ErrKindAuth: true, pos.ErrKindNotFound: true, pos.ErrKindDuplicate: true,
}

func fuzzClient(t *testing.T) *Client {
	c, err := New(Config{BaseURL: "https://app.cryptoprocessing.test/api/v2", APIKey: fuzzAPIKey, SecretKey: fuzzSecretKey},
		Options{ShopName: "Corner Café", Clock: newFakeClock(),
			Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkCashierText fails unless s is one line of valid UTF-8 without
// control characters that shows none of the secrets, naming the provider
// when name is set.
func checkCashierText(t *testing.T, what, s, name string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			t.Fatalf("%s shows %q: %q", what, secret, s)
		}
	}
	if !utf8.ValidString(s) {
		t.Fatalf("%s is not valid UTF-8: %q", what, s)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }); i >= 0 {
		t.Fatalf("%s has a control character at %d: %q", what, i, s)
	}
	if name != "" && !strings.Contains(s, name) {
		t.Fatalf("%s does not name %s: %q", what, name, s)
	}
}

// FuzzReply checks how the client reads any reply (HTTP status, Content-
// Type and body) to each of its calls: create (which sent the customer's
// details), cancel, the currency list and ping; then the create reply's
// invoice and the currency list.
//   - nothing panics;
//   - every failure is a *pos.ProviderError with a known kind, the reply's
//     HTTP status and a one-line sentence naming Cryptoprocessing without
//     control characters; neither it nor the provider's message shows a key
//     or the customer's details, even when the reply echoes them; 401 and
//     403 are auth errors, 5xx temporary (or auth), 3xx rejected, and a 2xx
//     that fails is a bad reply;
//   - a success is a 2xx only; a created invoice is waiting, confirming or
//     paid, with positive amounts in an upper-case coin, a lower-case
//     network, and an expiry after now when seconds_left is positive;
//   - a currency list has upper-case codes and lower-case types.
func FuzzReply(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900 // net/http never reports others
		}
		c := fuzzClient(t)
		create := opCreate
		create.pii = customerPII(&pos.Customer{Kind: pos.CustomerNatural, FirstName: "Alexandra", LastName: "Quinterro",
			Email: fuzzEmail, LegalName: fuzzCustomer})
		create.pii = append(create.pii, fuzzCustomer)
		for _, op := range []operation{create, opCancel("pos-1"), opCurrencies, opPing} {
			data, pe := c.classify(op, status, contentType, body)
			if pe != nil {
				checkProviderError(t, op.name, status, pe, op.pii != nil)
				continue
			}
			if status < 200 || status > 299 {
				t.Fatalf("%s: HTTP %d read as a success", op.name, status)
			}
			switch op.name {
			case "create":
				checkCreated(t, c, data)
			case "currencies":
				var list []currencyObject
				if json.Unmarshal(data, &list) == nil {
					for _, o := range list {
						if code := strings.ToUpper(string(o.Currency)); code != strings.ToUpper(code) {
							t.Fatalf("currency code %q", code)
						}
					}
				}
			}
		}
	})
}

// checkProviderError checks pe, the classification of a reply with that
// HTTP status; pii says whether the request sent the customer's details
// (a reply to another request cannot echo them).
func checkProviderError(t *testing.T, op string, status int, pe *pos.ProviderError, pii bool) {
	t.Helper()
	secrets := []string{fuzzAPIKey, fuzzSecretKey}
	if pii {
		secrets = append(secrets, fuzzCustomer, fuzzEmail)
	}
	if !knownKinds[pe.Kind] {
		t.Fatalf("%s: kind %d is not a known ErrorKind (%q)", op, pe.Kind, pe.Message)
	}
	if pe.Message == "" || !strings.ContainsAny(pe.Message[len(pe.Message)-1:], ".!?") {
		t.Fatalf("%s: message %q is not a sentence", op, pe.Message)
	}
	checkCashierText(t, op+": the message", pe.Message, "Cryptoprocessing", secrets...)
	checkCashierText(t, op+": the provider message", pe.ProviderMessage, "", secrets...) // it is logged
	if pe.HTTPStatus != status {
		t.Fatalf("%s: HTTPStatus %d, the reply had %d", op, pe.HTTPStatus, status)
	}
	switch {
	case (status == 401 || status == 403) && pe.Kind != pos.ErrKindAuth:
		t.Fatalf("%s: HTTP %d classified as kind %d: %q", op, status, pe.Kind, pe.Message)
	case status >= 500 && pe.Kind != pos.ErrKindTemporary && pe.Kind != pos.ErrKindAuth:
		t.Fatalf("%s: HTTP %d classified as kind %d, not temporary: %q", op, status, pe.Kind, pe.Message)
	case status >= 300 && status < 400 && pe.Kind != pos.ErrKindRejected:
		t.Fatalf("%s: HTTP %d classified as kind %d: %q", op, status, pe.Kind, pe.Message)
	case status >= 200 && status < 300 && pe.Kind != pos.ErrKindBadReply:
		t.Fatalf("%s: HTTP %d refused as kind %d: %q", op, status, pe.Kind, pe.Message)
	}
}

func checkCreated(t *testing.T, c *Client, data json.RawMessage) {
	t.Helper()
	var r invoiceReply
	if json.Unmarshal(data, &r) != nil || r.URL == "" {
		return // Create answers ErrKindBadReply
	}
	u := c.createUpdate(r)
	switch u.Status {
	case pos.StatusWaiting, pos.StatusConfirming, pos.StatusPaid:
	default:
		t.Fatalf("a created invoice is %q (status %q)", u.Status, r.Status)
	}
	if u.URL != string(r.URL) || u.ProviderStatus != strings.ToLower(u.ProviderStatus) {
		t.Fatalf("update %+v", u)
	}
	checkMoney(t, "create", u)
	if r.ReleaseAt.T.IsZero() && r.SecondsLeft.Valid && r.SecondsLeft.V > 0 && !u.ExpiresAt.After(c.clock.Now()) {
		t.Fatalf("seconds_left %d gives the expiry %s, not after now (%s)", r.SecondsLeft.V, u.ExpiresAt, c.clock.Now())
	}
}

func checkMoney(t *testing.T, what string, u pos.Update) {
	t.Helper()
	for _, m := range []pos.Money{u.PayAmount, u.Paid} {
		if m.IsZero() {
			continue
		}
		if !m.Amount.IsPositive() || m.Currency != strings.ToUpper(m.Currency) {
			t.Fatalf("%s: amount %s %q", what, m.Amount, m.Currency)
		}
	}
	if u.Network != strings.ToLower(u.Network) {
		t.Fatalf("%s: network %q is not lower case", what, u.Network)
	}
	// A number no clock can mean is no expiry, never wrapped around.
	if secs := u.ExpiresAt.Unix(); !u.ExpiresAt.IsZero() && (secs <= 0 || secs > flexjson.MaxUnixSeconds) {
		t.Fatalf("%s: expiry %s", what, u.ExpiresAt)
	}
}

// FuzzReceiver checks the relay's receiver of callbacks on any body,
// signature header and key header (sent or not), and on the body as
// Cryptoprocessing signs it:
//   - Receive never panics;
//   - it is not ErrForged exactly when the signature is the HMAC-SHA512 of
//     the raw body under the secret key (hex, either case, blanks around it
//     ignored) and X-Processing-Key, when sent, is the API key: a forged
//     signature or key is never accepted, an authentic callback never
//     refused as forged;
//   - an accepted invoice callback has a foreign_id, the body as its
//     payload, a lower-case status, Final for confirmed and failed, and is
//     not newer than itself;
//   - a signed body with any one byte changed is refused as forged (the
//     HMAC covers the raw bytes: white space and escapes count), and so is
//     a signature with one hex digit changed.
func FuzzReceiver(f *testing.F) {
	r, err := NewReceiver(Config{APIKey: fuzzAPIKey, SecretKey: fuzzSecretKey})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, signature, key string, sendKey bool) {
		h := http.Header{}
		if signature != "" {
			h.Set("X-Processing-Signature", signature)
		}
		if sendKey {
			h.Set("X-Processing-Key", key)
		}
		checkReceive(t, r, h, body)

		// As Cryptoprocessing sends it, with the signature in either case.
		sig := Sign(body, fuzzSecretKey)
		if len(signature)%2 == 1 {
			sig = strings.ToUpper(sig)
		}
		h = http.Header{"X-Processing-Signature": {sig}, "X-Processing-Key": {fuzzAPIKey}}
		if _, err := r.Receive(h, body); errors.Is(err, relay.ErrForged) {
			t.Fatalf("an authentic callback was refused: %v", err)
		}
		for _, i := range positions(len(body), 96) {
			mutated := bytes.Clone(body)
			mutated[i] ^= 1 << (i % 8)
			if _, err := r.Receive(h, mutated); !errors.Is(err, relay.ErrForged) {
				t.Fatalf("byte %d changed from %q to %q and the callback still verifies (%v)", i, body[i], mutated[i], err)
			}
		}
		i := len(body) % len(sig)
		forged := []byte(sig)
		forged[i] = "1032547698badcfe"[strings.IndexByte("0123456789abcdef", forged[i]|0x20)]
		h.Set("X-Processing-Signature", string(forged))
		if _, err := r.Receive(h, body); !errors.Is(err, relay.ErrForged) {
			t.Fatalf("a signature with digit %d changed is accepted: %v", i, err)
		}
	})
}

// checkReceive receives body with h and checks the answer against an
// independent verification.
func checkReceive(t *testing.T, r *Receiver, h http.Header, body []byte) {
	t.Helper()
	cb, err := r.Receive(h, body)
	authentic := true
	if keys := h.Values("X-Processing-Key"); len(keys) > 0 && strings.TrimSpace(keys[0]) != fuzzAPIKey {
		authentic = false
	}
	given, decErr := hex.DecodeString(strings.TrimSpace(h.Get("X-Processing-Signature")))
	m := hmac.New(sha512.New, []byte(fuzzSecretKey))
	m.Write(body)
	if decErr != nil || !bytes.Equal(given, m.Sum(nil)) {
		authentic = false
	}
	if forged := errors.Is(err, relay.ErrForged); forged == authentic {
		t.Fatalf("authentic %v, but Receive answered %v", authentic, err)
	}
	if err != nil {
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Fatalf("the receiver's error is not one line: %q", err)
		}
		return
	}
	if cb.ID == "" || !bytes.Equal(cb.Payload, body) || cb.Status != strings.ToLower(cb.Status) {
		t.Fatalf("accepted callback %+v", cb)
	}
	if cb.Final != (cb.Status == "confirmed" || cb.Status == "failed") {
		t.Fatalf("status %q read as final %v", cb.Status, cb.Final)
	}
	if r.Newer(cb, cb) {
		t.Fatalf("a callback is newer than itself: %s", body)
	}
}

// FuzzCallback checks how a terminal reads two invoice callbacks from the
// relay (callbackUpdate) and how the relay orders them (Newer):
//   - nothing panics;
//   - every JSON object is read as a callback, whatever its members hold
//     (PHP writes an empty object as [], a member may be null or a
//     string): a member of another shape is left unset, never a reason to
//     drop an authentic callback;
//   - the status is a pos.Status for the known words (confirmed is paid or
//     overpaid, failed an unpaid outcome with a one-line reason, created
//     and pending waiting or partly paid, processing confirming or partly
//     paid), amounts are positive in an upper-case coin;
//   - Newer is irreflexive and antisymmetric: a callback is not newer than
//     itself, and of two callbacks at most one is newer than the other.
func FuzzCallback(f *testing.F) {
	r := &Receiver{apiKey: fuzzAPIKey, secretKey: fuzzSecretKey}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		c := fuzzClient(t)
		var cbs []relay.Callback
		for _, body := range [][]byte{a, b} {
			p, ok := parseCallback(body)
			if object := bytes.TrimSpace(body); ok != (json.Valid(object) && len(object) > 0 && object[0] == '{') {
				t.Fatalf("parseCallback(%s) ok = %v: a JSON object must be read, whatever its members hold", body, ok)
			}
			if !ok {
				continue
			}
			word := p.statusWord()
			u := c.callbackUpdate(p, pos.Invoice{OrderID: "pos-1", URL: "https://pay.example/1"})
			checkMoney(t, "callback", u)
			want := map[string][]pos.Status{
				"created":    {pos.StatusWaiting},
				"pending":    {pos.StatusWaiting, pos.StatusPartial},
				"processing": {pos.StatusConfirming, pos.StatusPartial},
				"confirmed":  {pos.StatusPaid, pos.StatusOverpaid},
				"failed":     {pos.StatusUnderpaid, pos.StatusCancelled, pos.StatusExpired, pos.StatusFailed},
			}[word]
			if want == nil {
				want = []pos.Status{pos.StatusUnknown}
			}
			ok = false
			for _, s := range want {
				ok = ok || u.Status == s
			}
			if !ok {
				t.Fatalf("status %q read as %q: %s", word, u.Status, body)
			}
			if word == "failed" {
				if u.Reason == "" {
					t.Fatalf("failed without a reason: %s", body)
				}
				checkCashierText(t, "the reason", u.Reason, "")
			}
			cbs = append(cbs, relay.Callback{ID: "pos-1", Status: word, Final: statusWords[word].final, Payload: body})
		}
		for _, x := range cbs {
			if r.Newer(x, x) {
				t.Fatalf("a callback is newer than itself: %s", x.Payload)
			}
		}
		if len(cbs) == 2 && r.Newer(cbs[0], cbs[1]) && r.Newer(cbs[1], cbs[0]) {
			t.Fatalf("each callback is newer than the other:\n%s\n%s", a, b)
		}
	})
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
