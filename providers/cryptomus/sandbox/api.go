package sandbox

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"cryptopos/pos"
	"cryptopos/providers/sandboxkit"

	"github.com/shopspring/decimal"
)

// apiReply is a status code and a JSON body.
type apiReply struct {
	status int
	body   any
}

// The reply bodies, with the keys in the API's order.
type (
	okBody struct {
		State  int `json:"state"`
		Result any `json:"result"`
	}
	messageBody struct {
		State   int    `json:"state"`
		Message string `json:"message"`
	}
	errorsBody struct {
		State  int                 `json:"state"`
		Errors map[string][]string `json:"errors"`
	}
)

func ok(result any) apiReply { return apiReply{http.StatusOK, okBody{0, result}} }

func refused(message string) apiReply {
	return apiReply{http.StatusUnprocessableEntity, messageBody{1, message}}
}

func invalid(errs map[string][]string) apiReply {
	return apiReply{http.StatusUnprocessableEntity, errorsBody{1, errs}}
}

var invalidSign = apiReply{http.StatusUnauthorized, map[string]any{"message": "Invalid Sign."}}

// sign is the Cryptomus signature of body, written here independently of
// the client's so that the sandbox checks the client rather than itself.
func sign(body []byte, key string) string {
	sum := md5.Sum([]byte(base64.StdEncoding.EncodeToString(body) + key))
	return hex.EncodeToString(sum[:])
}

// handleAPI answers one API request whose raw body is body.
func (s *Sandbox) handleAPI(r *http.Request, body []byte) apiReply {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch path {
	case "/v1/payment", "/v1/payment/info", "/v1/payment/services":
	default:
		return apiReply{http.StatusNotFound, map[string]any{"message": "Not Found"}}
	}
	if r.Method != http.MethodPost {
		return apiReply{http.StatusMethodNotAllowed, map[string]any{
			"message": "The " + r.Method + " method is not supported for this route. Supported methods: POST."}}
	}
	merchant := r.Header.Get("merchant")
	given := r.Header.Get("sign")
	want := sign(body, s.opts.PaymentKey)
	if subtle.ConstantTimeCompare([]byte(merchant), []byte(s.opts.Merchant)) != 1 ||
		subtle.ConstantTimeCompare([]byte(strings.ToLower(given)), []byte(want)) != 1 {
		return invalidSign
	}
	switch path {
	case "/v1/payment":
		return s.create(r, body)
	case "/v1/payment/info":
		return s.info(body)
	}
	return ok(s.servicesJSON())
}

// create answers POST /v1/payment.
func (s *Sandbox) create(r *http.Request, body []byte) apiReply {
	p, errs := parseCreate(body)
	if errs != nil {
		return invalid(errs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if id, exists := s.byOrder[p.OrderID]; exists {
		inv := s.invoices[id]
		inv.expireIfDue(now)
		if p.IsRefresh && inv.Status == "cancel" && !inv.paid() {
			s.renew(inv, p, now)
		}
		return ok(inv.toJSON())
	}
	inv, msg := s.newInvoice(p, now)
	if msg != "" {
		return refused(msg)
	}
	inv.URL = sandboxkit.PublicURL(s.opts.PublicURL, r) + "/pay/" + inv.UUID
	s.invoices[inv.UUID] = inv
	s.byOrder[inv.OrderID] = inv.UUID
	s.created = append(s.created, inv.UUID)
	s.opts.Logger.Debug("sandbox: invoice created", "uuid", inv.UUID, "order_id", inv.OrderID)
	return ok(inv.toJSON())
}

// newInvoice checks p against the merchant's coins and limits and builds
// the invoice; msg is the 422 message when it is refused.
func (s *Sandbox) newInvoice(p createParams, now time.Time) (inv *InvoiceState, msg string) {
	if !s.knownCurrency(p.Currency) {
		return nil, "The currency was not found"
	}
	for _, c := range p.Currencies {
		if _, m := s.service(c.Currency, c.Network); m != "" {
			return nil, m
		}
	}
	inv = &InvoiceState{
		UUID: newUUID(), OrderID: p.OrderID, Amount: p.Amount, Currency: p.Currency,
		ToCurrency: p.ToCurrency, Status: "check", CreatedAt: now, UpdatedAt: now,
		ExpiresAt: now.Add(p.Lifetime), Lifetime: p.Lifetime,
		IsPaymentMultiple: p.IsPaymentMultiple, AccuracyPaymentPercent: p.AccuracyPaymentPercent,
		Subtract: p.Subtract, AdditionalData: p.AdditionalData, URLCallback: p.URLCallback,
		URLReturn: p.URLReturn, URLSuccess: p.URLSuccess, Currencies: p.Currencies,
	}
	coin := p.ToCurrency
	if coin == "" && s.isCoin(p.Currency) {
		coin = p.Currency
	}
	if coin == "" {
		return inv, "" // customer chooses on the page
	}
	svc, m := s.service(coin, p.Network)
	if m != "" {
		return nil, m
	}
	network := p.Network
	if network == "" && len(s.networks(coin)) == 1 {
		network = svc.Network
	}
	if m := s.fixCoin(inv, svc, network); m != "" {
		return nil, m
	}
	base := inv.PayerAmount
	if svc.MinAmount.IsPositive() && base.LessThan(svc.MinAmount) {
		return nil, "Minimum amount " + svc.MinAmount.String() + " " + coin
	}
	if svc.MaxAmount.IsPositive() && base.GreaterThan(svc.MaxAmount) {
		return nil, "Maximum amount " + svc.MaxAmount.String() + " " + coin
	}
	return inv, ""
}

// renew gives an expired, unpaid invoice a new life (is_refresh).
func (s *Sandbox) renew(inv *InvoiceState, p createParams, now time.Time) {
	if p.LifetimeSet {
		inv.Lifetime = p.Lifetime
	}
	inv.Status, inv.IsFinal = "check", false
	inv.ExpiresAt, inv.UpdatedAt = now.Add(inv.Lifetime), now
	inv.TxID, inv.From = "", ""
	if inv.Network != "" {
		inv.Address = newAddress(inv.Network)
	}
	inv.Refreshes++
	s.opts.Logger.Debug("sandbox: invoice renewed", "uuid", inv.UUID, "order_id", inv.OrderID)
}

// fixCoin sets the payer's coin, network, amount and address.
func (s *Sandbox) fixCoin(inv *InvoiceState, svc Service, network string) string {
	rate, okRate := s.rate(svc.Currency, inv.Currency)
	if !okRate {
		return "Error convert to_currency"
	}
	fee := svc.FeePercent.Mul(decimal.NewFromInt(int64(inv.Subtract))).Div(decimal.NewFromInt(10000))
	amount := inv.Amount.Div(rate).Mul(decimal.NewFromInt(1).Add(fee))
	inv.PayerCurrency = svc.Currency
	inv.PayerAmount = amount.RoundUp(coinDecimals(svc.Currency))
	inv.Network = network
	if network != "" {
		inv.Address = newAddress(network)
	}
	return ""
}

// rate is the price of one coin in currency.
func (s *Sandbox) rate(coin, currency string) (decimal.Decimal, bool) {
	if coin == currency {
		return decimal.NewFromInt(1), true
	}
	prices := s.opts.Rates[coin]
	if r, ok := prices[currency]; ok && r.IsPositive() {
		return r, true
	}
	if r, ok := prices["USD"]; ok && r.IsPositive() {
		return r, true
	}
	return decimal.Zero, false
}

func (s *Sandbox) isCoin(code string) bool { return len(s.networks(code)) > 0 }

func (s *Sandbox) knownCurrency(code string) bool {
	if c, ok := pos.LookupCurrency(code); ok && !c.Crypto {
		return true
	}
	for _, prices := range s.opts.Rates {
		if _, ok := prices[code]; ok {
			return true
		}
	}
	return s.isCoin(code)
}

// networks lists the coin's services.
func (s *Sandbox) networks(coin string) []Service {
	var out []Service
	for _, svc := range s.opts.Services {
		if strings.EqualFold(svc.Currency, coin) {
			out = append(out, svc)
		}
	}
	return out
}

// service finds the coin on the network ("" for its first available one);
// msg is the API's message when there is none.
func (s *Sandbox) service(coin, network string) (Service, string) {
	list := s.networks(coin)
	if len(list) == 0 {
		return Service{}, "The currency was not found"
	}
	for _, svc := range list {
		if network != "" && !strings.EqualFold(svc.Network, network) {
			continue
		}
		if svc.Disabled {
			if network != "" {
				return Service{}, "Wallet not found"
			}
			continue
		}
		return svc, ""
	}
	if network != "" {
		return Service{}, "The network was not found"
	}
	return Service{}, "Wallet not found"
}

// info answers POST /v1/payment/info; order_id wins when both are given.
func (s *Sandbox) info(body []byte) apiReply {
	f := newFields(body)
	uuid, _ := f.str("uuid", false)
	orderID, _ := f.str("order_id", false)
	if uuid == "" && orderID == "" {
		return invalid(map[string][]string{
			"uuid": {"validation.required_without"}, "order_id": {"validation.required_without"}})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := uuid
	if orderID != "" {
		id = s.byOrder[orderID]
	}
	inv, found := s.invoices[id]
	if !found {
		return refused("Payment not found")
	}
	inv.expireIfDue(s.now())
	return ok(inv.toJSON())
}

type serviceJSON struct {
	Network     string `json:"network"`
	Currency    string `json:"currency"`
	IsAvailable bool   `json:"is_available"`
	Limit       struct {
		MinAmount string `json:"min_amount"`
		MaxAmount string `json:"max_amount"`
	} `json:"limit"`
	Commission struct {
		FeeAmount string `json:"fee_amount"`
		Percent   string `json:"percent"`
	} `json:"commission"`
}

func (s *Sandbox) servicesJSON() []serviceJSON {
	out := make([]serviceJSON, 0, len(s.opts.Services))
	for _, svc := range s.opts.Services {
		j := serviceJSON{Network: strings.ToUpper(svc.Network), Currency: svc.Currency, IsAvailable: !svc.Disabled}
		j.Limit.MinAmount, j.Limit.MaxAmount = svc.MinAmount.StringFixed(8), svc.MaxAmount.StringFixed(8)
		j.Commission.FeeAmount, j.Commission.Percent = "0.00", svc.FeePercent.StringFixed(2)
		out = append(out, j)
	}
	return out
}

// currencyDecimals is how many decimals the amount field shows.
func currencyDecimals(code string) int32 {
	if c, ok := pos.LookupCurrency(code); ok && !c.Crypto {
		return c.Decimals
	}
	return 8
}
