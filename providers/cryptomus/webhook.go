package cryptomus

import (
	"bytes"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"cryptopos/providers/flexjson"
	"cryptopos/relay"
)

// NewWebhookReceiver returns the relay's receiver of Cryptomus payment
// webhooks, which it serves at POST /callbacks/cryptomus. A webhook is
// only a hint: the terminal confirms with /v1/payment/info before it acts.
//
// The signature is the body's "sign" field: md5(base64(JSON without sign)
// + paymentKey). Which bytes "JSON without sign" are is not documented
// exactly, so a webhook is authentic when either of two candidates matches,
// compared in constant time:
//   - the raw strip: the body's top-level key:value pairs except sign,
//     byte for byte, joined by "," in "{…}";
//   - the PHP re-encoding (json_encode with JSON_UNESCAPED_UNICODE) of the
//     same pairs in their order: "/" as "\/", raw UTF-8 but U+2028/U+2029
//     escaped, <>&' unescaped, no whitespace.
//
// Webhooks of a type other than payment are ignored (relay.ErrIgnored).
// The Callback's ID is order_id, its Status status, Final is_final.
func NewWebhookReceiver(paymentKey string) relay.Receiver {
	return &webhookReceiver{key: paymentKey}
}

type webhookReceiver struct{ key string }

func (r *webhookReceiver) Provider() string { return "cryptomus" }

// Receive verifies and reads a webhook. The header is unused: Cryptomus
// signs inside the body.
func (r *webhookReceiver) Receive(_ http.Header, body []byte) (relay.Callback, error) {
	if r.key == "" {
		return relay.Callback{}, fmt.Errorf("no payment key is configured to verify Cryptomus webhooks: %w", relay.ErrForged)
	}
	pairs, sign, err := topLevelPairs(body)
	if err != nil {
		return relay.Callback{}, fmt.Errorf("the webhook cannot be verified: %v: %w", err, relay.ErrForged)
	}
	want, err := hex.DecodeString(sign)
	if err != nil || len(want) != md5.Size {
		return relay.Callback{}, fmt.Errorf("the webhook's sign is not an MD5 in hex: %w", relay.ErrForged)
	}
	// Both candidates are always computed and compared, so that timing
	// does not tell which one matched.
	raw := subtle.ConstantTimeCompare(r.digest(rawStrip(pairs)), want)
	php := 0
	if enc, err := phpEncode(pairs); err == nil {
		php = subtle.ConstantTimeCompare(r.digest(enc), want)
	}
	if raw|php != 1 {
		return relay.Callback{}, fmt.Errorf("the webhook's sign does not match: %w", relay.ErrForged)
	}

	var v struct {
		Type    flexjson.String `json:"type"`
		OrderID flexjson.String `json:"order_id"`
		Status  flexjson.String `json:"status"`
		IsFinal flexjson.Bool   `json:"is_final"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return relay.Callback{}, fmt.Errorf("the webhook is not readable: %v", err)
	}
	if v.Type != "payment" {
		return relay.Callback{}, fmt.Errorf("a Cryptomus %q webhook: %w", string(v.Type), relay.ErrIgnored)
	}
	if v.OrderID == "" {
		return relay.Callback{}, errors.New("the payment webhook has no order_id")
	}
	return relay.Callback{ID: string(v.OrderID), Status: string(v.Status), Final: bool(v.IsFinal), Payload: body}, nil
}

// digest is the signature of b under the payment key, as Sign computes it
// before hex.
func (r *webhookReceiver) digest(b []byte) []byte {
	sum := signature(b, r.key)
	return sum[:]
}

// Newer keeps a payment's record monotonic: a final status beats a
// non-final one, and among final ones only paid and paid_over beat the
// others (so a late payment after cancel counts, while a refund_* after
// paid does not replace the sale's outcome). Among non-final statuses a
// later stage (check < process < wrong_amount_waiting < confirm_check <
// locked < refund_process) beats an earlier one. The same status again is
// a duplicate.
func (r *webhookReceiver) Newer(prev, next relay.Callback) bool {
	if next.Status == prev.Status && next.Final == prev.Final {
		return false
	}
	switch {
	case prev.Final && !next.Final:
		return false
	case !prev.Final && next.Final:
		return true
	case prev.Final && next.Final:
		return paidStatus(next.Status) && !paidStatus(prev.Status)
	}
	return openStage[next.Status] > openStage[prev.Status]
}

func paidStatus(s string) bool { return s == "paid" || s == "paid_over" }

// openStage orders the non-final statuses; unknown ones are 0.
var openStage = map[string]int{
	"check": 1, "process": 2, "wrong_amount_waiting": 3, "confirm_check": 4, "locked": 5, "refund_process": 6,
}

// pair is one top-level member of the webhook: its key and value as sent.
type pair struct {
	rawKey []byte // with quotes and escapes
	key    string
	value  json.RawMessage
}

// topLevelPairs reads the body's top-level object in order, returning its
// members except sign, and sign's value.
func topLevelPairs(body []byte) (pairs []pair, sign string, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, "", errors.New("it is not a JSON object")
	}
	signs := 0
	for dec.More() {
		start := dec.InputOffset()
		t, err := dec.Token()
		if err != nil {
			return nil, "", errors.New("it is not valid JSON")
		}
		key, ok := t.(string)
		if !ok {
			return nil, "", errors.New("it is not valid JSON")
		}
		rawKey := bytes.TrimLeft(body[start:dec.InputOffset()], " \t\r\n,")
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, "", errors.New("it is not valid JSON")
		}
		if key == "sign" {
			signs++
			if err := json.Unmarshal(value, &sign); err != nil {
				return nil, "", errors.New("its sign is not a string")
			}
			continue
		}
		pairs = append(pairs, pair{rawKey: rawKey, key: key, value: value})
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, "", errors.New("it is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "", errors.New("there is more after its JSON object")
	}
	if signs != 1 {
		return nil, "", fmt.Errorf("it has %d sign fields, not one", signs)
	}
	return pairs, sign, nil
}

// rawStrip is the pairs as sent, joined into an object without whitespace
// between members.
func rawStrip(pairs []pair) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(p.rawKey)
		b.WriteByte(':')
		b.Write(p.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// phpEncode is what PHP's json_encode($data, JSON_UNESCAPED_UNICODE) gives
// for the pairs after json_decode($body, true): members in their order;
// objects whose keys are exactly "0", "1", … (and empty ones) become lists,
// as PHP arrays do; numbers are kept as written.
func phpEncode(pairs []pair) ([]byte, error) {
	var b bytes.Buffer
	members := make([]member, len(pairs))
	for i, p := range pairs {
		members[i] = member{p.key, p.value}
	}
	if err := phpObject(&b, members); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type member struct {
	key   string
	value json.RawMessage
}

func phpObject(b *bytes.Buffer, members []member) error {
	list := true
	for i, m := range members {
		if m.key != strconv.Itoa(i) {
			list = false
			break
		}
	}
	if list {
		values := make([]json.RawMessage, len(members))
		for i, m := range members {
			values[i] = m.value
		}
		return phpList(b, values)
	}
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		phpString(b, m.key)
		b.WriteByte(':')
		if err := phpValue(b, m.value); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func phpList(b *bytes.Buffer, values []json.RawMessage) error {
	b.WriteByte('[')
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := phpValue(b, v); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

func phpValue(b *bytes.Buffer, raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return errors.New("empty value")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		phpString(b, s)
	case '{':
		members, err := orderedMembers(raw)
		if err != nil {
			return err
		}
		return phpObject(b, members)
	case '[':
		var values []json.RawMessage
		if err := json.Unmarshal(raw, &values); err != nil {
			return err
		}
		return phpList(b, values)
	default: // numbers, true, false, null
		b.Write(raw)
	}
	return nil
}

// orderedMembers reads an object's members in order; a repeated key keeps
// its first place and its last value, as PHP's json_decode does.
func orderedMembers(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []member
	seen := map[string]int{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if i, ok := seen[key]; ok {
			out[i].value = v
			continue
		}
		seen[key] = len(out)
		out = append(out, member{key, v})
	}
	return out, nil
}

// phpString writes s as PHP's json_encode does with JSON_UNESCAPED_UNICODE.
func phpString(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '/':
			b.WriteString(`\/`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
		case r == '\u2028':
			b.WriteString(`\u2028`)
		case r == '\u2029':
			b.WriteString(`\u2029`)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
