package cryptoprocessing

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"cryptopos/pos"
	"cryptopos/providers/flexjson"
)

// Invoice types (spec §5.1).
const (
	TypeFillOrKill       = "fill_or_kill"
	TypeGoodUntilExpired = "good_until_expired"
)

// maxSecondsLeft caps a create reply's seconds_left: 30 days, far beyond
// any payment window (15 minutes, 24 hours once a payment is seen).
const maxSecondsLeft = 30 * 24 * 3600

// MaxTitle is the API's limit for title, in characters.
const MaxTitle = 50

// createRequest is the body of POST /invoices/create. Field order is the
// order on the wire; the bytes are signed as marshalled.
type createRequest struct {
	Timer            bool        `json:"timer"`
	Title            string      `json:"title"`
	Description      string      `json:"description,omitempty"`
	Currency         string      `json:"currency"`
	Amount           json.Number `json:"amount"`
	ForeignID        string      `json:"foreign_id"`
	EndUserReference string      `json:"end_user_reference"`
	Type             string      `json:"type"`
	URLSuccess       string      `json:"url_success,omitempty"`
	URLFailed        string      `json:"url_failed,omitempty"`
	EmailUser        string      `json:"email_user,omitempty"`
	SenderCurrency   string      `json:"sender_currency,omitempty"`
	SenderType       string      `json:"sender_type,omitempty"`
	SenderData       *senderData `json:"sender_data,omitempty"`
}

// senderData is the MiCA data of the payer (spec §5.1).
type senderData struct {
	FirstName             string `json:"first_name,omitempty"`
	LastName              string `json:"last_name,omitempty"`
	DateOfBirth           string `json:"date_of_birth,omitempty"`
	LegalName             string `json:"legal_name,omitempty"`
	CountryOfRegistration string `json:"country_of_registration,omitempty"`
}

// invoiceReply is the data of a create reply (spec §5.2). Unknown fields
// are ignored; title was name in older replies. The fields are read
// tolerantly (spec §12: ids and amounts come as strings or numbers,
// timestamps and addresses may be null, one documented example even shows
// "0.106.75000000"): a value of an unexpected type leaves its field unset,
// keeping an amount's raw text, instead of failing the whole reply.
type invoiceReply struct {
	ID               flexjson.String  `json:"id"`
	URL              flexjson.String  `json:"url"`
	ForeignID        flexjson.String  `json:"foreign_id"`
	EndUserReference flexjson.String  `json:"end_user_reference"`
	Address          flexjson.String  `json:"address"`
	Status           flexjson.String  `json:"status"`
	Currency         flexjson.String  `json:"currency"`
	Amount           flexjson.Decimal `json:"amount"`
	SenderCurrency   flexjson.String  `json:"sender_currency"`
	SenderAmount     flexjson.Decimal `json:"sender_amount"`
	FixedAt          flexjson.Unix    `json:"fixed_at"`
	ReleaseAt        flexjson.Unix    `json:"release_at"`
	SecondsLeft      flexjson.Int     `json:"seconds_left"`
}

// Create creates the invoice for inv. The three kinds (spec §5.1): the
// customer chooses the coin without a timer (timer false), with the
// 15-minute timer (timer true), or pays in the pre-selected inv.Pay
// (timer true and sender_currency, with the customer's MiCA data). A
// retry with the same order id is answered "already taken", which is
// ErrKindDuplicate: the first invoice exists but its page is unknown.
func (c *Client) Create(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	req, err := c.createRequest(inv)
	if err != nil {
		return pos.Update{}, err
	}
	op := opCreate
	op.pii = customerPII(inv.Customer)
	data, err := c.call(ctx, op, req)
	if err != nil {
		return pos.Update{}, err
	}
	var r invoiceReply
	if json.Unmarshal(data, &r) != nil || r.URL == "" {
		c.log.Warn("cryptoprocessing: create reply without a page", "order_id", inv.OrderID)
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: http.StatusOK,
			Message: c.name + " answered without the invoice's payment page."}
	}
	if got := string(r.ForeignID); got != "" && got != inv.OrderID {
		c.log.Warn("cryptoprocessing: reply about another invoice", "order_id", inv.OrderID, "got", got)
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: http.StatusOK,
			Message: c.name + " answered about a different invoice (order id " + got + ")."}
	}
	u := c.createUpdate(r)
	c.log.Info("cryptoprocessing: invoice created", "order_id", inv.OrderID, "id", string(r.ID),
		"status", u.ProviderStatus, "timer", req.Timer, "type", req.Type, "sender_currency", req.SenderCurrency)
	return u, nil
}

// createRequest builds the body for inv, or refuses a sale the API would
// refuse for want of the customer's details.
func (c *Client) createRequest(inv pos.Invoice) (createRequest, error) {
	req := createRequest{
		Timer:            *c.cfg.Timer,
		Title:            Title(c.shop, inv.OrderID),
		Description:      c.cfg.Description,
		Currency:         strings.ToUpper(inv.Amount.Currency),
		Amount:           amountNumber(inv.Amount),
		ForeignID:        inv.OrderID,
		EndUserReference: endUserReference(c.refKey, inv.OrderID, inv.Customer),
		Type:             TypeFillOrKill,
		URLSuccess:       c.cfg.URLSuccess,
		URLFailed:        c.cfg.URLFailed,
	}
	if c.cfg.PartialPayments {
		req.Type = TypeGoodUntilExpired
	}
	cust := inv.Customer
	if cust != nil {
		req.EmailUser = strings.TrimSpace(cust.Email)
	}
	if !inv.Pay.CustomerChooses() {
		code, ok := apiCode(inv.Pay)
		if !ok {
			return req, &pos.ProviderError{Kind: pos.ErrKindRejected,
				Message: c.name + " has no currency code for " + inv.Pay.Label() + ": remove it from cryptoprocessing.pay_currencies."}
		}
		if cust == nil || !cust.Identified() {
			return req, &pos.ProviderError{Kind: pos.ErrKindRejected,
				Message: c.name + " needs to know who pays (name and date of birth, or company and country) for an invoice in a pre-selected coin; choose \"customer chooses\" to let the payment page ask."}
		}
		req.Timer, req.SenderCurrency = true, code
	}
	if cust != nil && cust.Identified() {
		req.SenderType = string(cust.Kind)
		d := &senderData{}
		switch cust.Kind {
		case pos.CustomerLegal:
			d.LegalName = strings.TrimSpace(cust.LegalName)
			d.CountryOfRegistration = strings.ToUpper(strings.TrimSpace(cust.Country))
		default:
			d.FirstName = strings.TrimSpace(cust.FirstName)
			d.LastName = strings.TrimSpace(cust.LastName)
			d.DateOfBirth = strings.TrimSpace(cust.DateOfBirth)
		}
		req.SenderData = d
	}
	return req, nil
}

// createUpdate turns the create reply into what the engine records.
func (c *Client) createUpdate(r invoiceReply) pos.Update {
	word := strings.ToLower(string(r.Status))
	u := pos.Update{
		ProviderID:     string(r.ID),
		URL:            string(r.URL),
		Address:        string(r.Address),
		Status:         pos.StatusWaiting,
		ProviderStatus: word,
		Source:         c.name + " API",
	}
	if m, ok := statusWords[word]; ok && m.status != pos.StatusUnknown && word != "failed" {
		u.Status = m.status
	}
	switch {
	case !r.ReleaseAt.T.IsZero():
		u.ExpiresAt = r.ReleaseAt.T
	case r.SecondsLeft.Valid && r.SecondsLeft.V > 0:
		// Capped, so that an absurd count cannot overflow into the past.
		left := min(r.SecondsLeft.V, maxSecondsLeft)
		u.ExpiresAt = c.clock.Now().Add(time.Duration(left) * time.Second).Truncate(time.Second)
	}
	if code := strings.ToUpper(string(r.SenderCurrency)); code != "" {
		k := coinOf(code)
		u.Network = k.Network
		if r.SenderAmount.Valid && r.SenderAmount.V.IsPositive() {
			u.PayAmount = pos.NewMoney(r.SenderAmount.V, k.Ticker)
		}
	}
	return u
}

// Title is the invoice title: "Shop · order id" in at most 50 characters,
// shortening the shop name first; just the order id without a shop name.
func Title(shop, orderID string) string {
	const sep = " · "
	shop = strings.Join(strings.Fields(shop), " ")
	room := MaxTitle - utf8.RuneCountInString(orderID) - utf8.RuneCountInString(sep)
	if shop == "" || room < 2 {
		return truncateRunes(orderID, MaxTitle)
	}
	if utf8.RuneCountInString(shop) > room {
		shop = strings.TrimSpace(truncateRunes(shop, room-1)) + "…"
	}
	return shop + sep + orderID
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// amountNumber writes the amount as a JSON number with the currency's
// decimals ("12.50" for EUR, 8 for a crypto currency), or exactly as
// precise as it is when that would round.
func amountNumber(m pos.Money) json.Number {
	decimals := int32(2)
	if cur, ok := pos.LookupCurrency(strings.ToUpper(m.Currency)); ok {
		decimals = cur.Decimals
	} else if isCoinCode(strings.ToUpper(m.Currency)) {
		decimals = 8
	}
	if m.Amount.Equal(m.Amount.Round(decimals)) {
		return json.Number(m.Amount.StringFixed(decimals))
	}
	return json.Number(m.Amount.String())
}

// customerPII lists the customer's details as sent, to scrub them from
// anything a reply echoes.
func customerPII(cust *pos.Customer) []string {
	if cust == nil {
		return nil
	}
	var out []string
	for _, v := range []string{cust.Email, cust.FirstName, cust.LastName, cust.DateOfBirth, cust.LegalName} {
		if v = strings.TrimSpace(v); len(v) >= 3 {
			out = append(out, v)
		}
	}
	return out
}
