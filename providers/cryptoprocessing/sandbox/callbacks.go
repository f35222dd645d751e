package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// KnobKind is a way to disturb callback delivery, as the real service
// does now and then (spec §8.3: duplicates and out-of-order delivery
// happen).
type KnobKind string

// The knobs.
const (
	// KnobDuplicate delivers the callback twice.
	KnobDuplicate KnobKind = "duplicate"
	// KnobHold holds the callback back until a later callback of the same
	// invoice has been delivered, then delivers it: out of order.
	KnobHold KnobKind = "hold"
	// KnobDrop never delivers the callback.
	KnobDrop KnobKind = "drop"
)

// Knob disturbs the next callback (of ForeignID, or of any invoice when
// empty). Knobs wait in a queue; each applies to one callback.
type Knob struct {
	Kind      KnobKind
	ForeignID string
}

// AddKnob queues k.
func (s *Sandbox) AddKnob(k Knob) {
	s.mu.Lock()
	s.knobs = append(s.knobs, k)
	s.mu.Unlock()
}

// The states of a delivery.
const (
	DeliveryWaiting   = "waiting"   // due now or at Due
	DeliveryHeld      = "held"      // KnobHold: after a later one
	DeliveryDelivered = "delivered" // the receiver answered 200
	DeliveryDropped   = "dropped"   // KnobDrop
	DeliveryGaveUp    = "gave_up"   // every retry failed
)

// delivery is one callback on its way.
type delivery struct {
	seq       int64
	foreignID string
	status    string
	body      []byte
	state     string
	attempts  int
	due       time.Time
	lastCode  int
	lastError string
}

// Delivery is a callback as the sandbox sent or will send it.
type Delivery struct {
	Seq       int64  `json:"seq"`
	ForeignID string `json:"foreign_id"`
	Status    string `json:"status"`
	State     string `json:"state"`
	Attempts  int    `json:"attempts"`
	// Due is when the next attempt is due (waiting deliveries).
	Due time.Time `json:"due"`
	// LastCode is the receiver's last HTTP status, 0 when none.
	LastCode  int    `json:"last_code"`
	LastError string `json:"last_error,omitempty"`
	// Body is the exact bytes sent, signed.
	Body string `json:"body"`
}

// changed queues the callback for inv's current state; s.mu is held.
func (s *Sandbox) changed(inv *InvoiceState) {
	body := callbackBody(inv)
	copies, state := 1, DeliveryWaiting
	for i, k := range s.knobs {
		if k.ForeignID != "" && k.ForeignID != inv.ForeignID {
			continue
		}
		s.knobs = append(s.knobs[:i:i], s.knobs[i+1:]...)
		switch k.Kind {
		case KnobDuplicate:
			copies = 2
		case KnobHold:
			state = DeliveryHeld
		case KnobDrop:
			state = DeliveryDropped
		}
		break
	}
	for range copies {
		s.nextSeq++
		s.outbox = append(s.outbox, &delivery{seq: s.nextSeq, foreignID: inv.ForeignID, status: inv.Status,
			body: body, state: state, due: s.now()})
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Tick does what time brings: it fails every invoice whose window has
// ended and delivers every callback that is due, retrying failed ones on
// the retry schedule. It waits for the receiver's answers; tests call it
// after moving their clock.
func (s *Sandbox) Tick() { s.deliver(false) }

// Flush delivers every waiting and held callback now, whatever its
// schedule, in order.
func (s *Sandbox) Flush() { s.deliver(true) }

func (s *Sandbox) deliver(all bool) {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	s.mu.Lock()
	now := s.now()
	s.expireAll(now)
	target := s.opts.CallbackURL
	var batch []*delivery
	for _, d := range s.outbox {
		if d.state == DeliveryWaiting && (all || !now.Before(d.due)) || (all && d.state == DeliveryHeld) {
			batch = append(batch, d)
		}
	}
	s.mu.Unlock()
	if target == "" {
		return
	}
	for len(batch) > 0 {
		d := batch[0]
		batch = batch[1:]
		code, err := s.post(target, d.body)
		s.mu.Lock()
		d.attempts++
		d.lastCode, d.lastError = code, ""
		if err != nil {
			d.lastError = err.Error()
		}
		if code == http.StatusOK {
			d.state = DeliveryDelivered
			// Release what was held for after this one.
			for _, h := range s.outbox {
				if h.state == DeliveryHeld && h.foreignID == d.foreignID && h.seq < d.seq {
					h.state, h.due = DeliveryWaiting, s.now()
					batch = append(batch, h)
				}
			}
		} else if d.attempts > len(s.opts.RetrySchedule) {
			d.state = DeliveryGaveUp
		} else {
			d.due = s.now().Add(s.opts.RetrySchedule[d.attempts-1])
		}
		s.opts.Logger.Debug("sandbox: callback", "foreign_id", d.foreignID, "status", d.status,
			"attempt", d.attempts, "http_status", code, "state", d.state)
		s.mu.Unlock()
	}
}

// post sends one signed callback and returns the receiver's status code.
func (s *Sandbox) post(target string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Processing-Key", s.opts.APIKey)
	req.Header.Set("X-Processing-Signature", sign(body, s.opts.SecretKey))
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, nil
}

// Deliveries returns every callback queued so far, in order.
func (s *Sandbox) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, 0, len(s.outbox))
	for _, d := range s.outbox {
		out = append(out, Delivery{Seq: d.seq, ForeignID: d.foreignID, Status: d.status, State: d.state,
			Attempts: d.attempts, Due: d.due.UTC(), LastCode: d.lastCode, LastError: d.lastError, Body: string(d.body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// sign is the X-Processing-Signature of body, written here independently
// of the client's so that the sandbox checks the client rather than
// itself.
func sign(body []byte, secret string) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// The callback payload (spec §8.3), in the documentation's field order.
type (
	callbackJSON struct {
		ID               int64         `json:"id"`
		ForeignID        string        `json:"foreign_id"`
		EndUserReference string        `json:"end_user_reference"`
		Type             string        `json:"type"`
		CryptoAddress    *addressJSON  `json:"crypto_address"`
		CurrencySent     *sentJSON     `json:"currency_sent"`
		CurrencyReceived *receivedJSON `json:"currency_received"`
		Transactions     []txJSON      `json:"transactions"`
		Fees             []feeJSON     `json:"fees"`
		Error            string        `json:"error"`
		Status           string        `json:"status"`
		FixedAt          *int64        `json:"fixed_at"`
		ExpiresAt        *int64        `json:"expires_at"`
		// URL is the invoice's page: not in the documented payload, added
		// so that every callback has a / for the backend's \/ escaping.
		URL string `json:"url"`
	}
	addressJSON struct {
		ID        int64   `json:"id"`
		Currency  string  `json:"currency"`
		Address   string  `json:"address"`
		Tag       *string `json:"tag"`
		ConvertTo string  `json:"convert_to"`
	}
	sentJSON struct {
		Currency        string `json:"currency"`
		Amount          string `json:"amount"`
		RemainingAmount string `json:"remaining_amount"`
	}
	receivedJSON struct {
		Currency string `json:"currency"`
		Amount   string `json:"amount"`
	}
	txJSON struct {
		ID              int64   `json:"id"`
		Currency        string  `json:"currency"`
		TransactionType string  `json:"transaction_type"`
		Type            string  `json:"type"`
		Address         string  `json:"address"`
		Tag             *string `json:"tag"`
		Amount          string  `json:"amount"`
		TxID            string  `json:"txid"`
		Confirmations   string  `json:"confirmations"`
	}
	feeJSON struct {
		Type     string `json:"type"`
		Currency string `json:"currency"`
		Amount   string `json:"amount"`
	}
)

// callbackBody is the invoice's callback as the PHP backend writes it:
// no HTML escaping, and / escaped as \/ (spec §3.3), so a receiver that
// re-encodes instead of verifying the raw bytes fails.
func callbackBody(inv *InvoiceState) []byte {
	j := callbackJSON{
		ID: inv.ID, ForeignID: inv.ForeignID, EndUserReference: inv.EndUserReference, Type: "invoice",
		Transactions: []txJSON{}, Fees: []feeJSON{}, Error: inv.Error, Status: inv.Status,
		FixedAt: unix(inv.FixedAt), ExpiresAt: unix(inv.ExpiresAt), URL: inv.URL,
	}
	if inv.coinFixed() {
		j.CryptoAddress = &addressJSON{ID: inv.AddressID, Currency: inv.SenderCurrency, Address: inv.Address, ConvertTo: inv.Currency}
		j.CurrencySent = &sentJSON{Currency: inv.SenderCurrency, Amount: inv.SenderAmount.StringFixed(8),
			RemainingAmount: inv.Remaining().StringFixed(8)}
		received := inv.Amount.Mul(inv.confirmedPaid()).DivRound(inv.SenderAmount, 8)
		j.CurrencyReceived = &receivedJSON{Currency: inv.Currency, Amount: received.StringFixed(8)}
		for _, tx := range inv.Transactions {
			j.Transactions = append(j.Transactions, txJSON{ID: tx.ID, Currency: inv.SenderCurrency,
				TransactionType: "blockchain", Type: "deposit", Address: inv.Address, Amount: tx.Amount.StringFixed(8),
				TxID: tx.TxID, Confirmations: strconv.Itoa(tx.Confirmations)})
		}
		if inv.Status == "confirmed" {
			j.Fees = append(j.Fees, feeJSON{Type: "fee_crypto_deposit", Currency: inv.SenderCurrency,
				Amount: inv.Paid().Div(decimal100).RoundUp(8).StringFixed(8)})
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(j)
	return bytes.ReplaceAll(bytes.TrimRight(buf.Bytes(), "\n"), []byte("/"), []byte(`\/`))
}
