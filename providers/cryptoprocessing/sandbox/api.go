package sandbox

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"cryptopos/providers/sandboxkit"
)

// The API's paths.
const (
	apiPrefix      = "/api/v2"
	createPath     = apiPrefix + "/invoices/create"
	currenciesPath = apiPrefix + "/currencies/list"
	pingPath       = apiPrefix + "/ping"
)

// apiReply is a status code and a body.
type apiReply struct {
	status      int
	body        []byte
	contentType string
}

func jsonReply(status int, v any) apiReply {
	b, _ := json.Marshal(v)
	return apiReply{status: status, body: b, contentType: "application/json"}
}

// codeError is the {"error":…,"code":…} shape (spec §10).
func codeError(status int, text, code string) apiReply {
	return jsonReply(status, struct {
		Error string `json:"error"`
		Code  string `json:"code"`
	}{text, code})
}

// fieldErrors is the {"errors":{field:message}} shape.
func fieldErrors(errs map[string]string) apiReply {
	return jsonReply(http.StatusBadRequest, map[string]any{"errors": errs})
}

// nestedError is the {"errors":{"error":…,"code":…}} shape of cancel.
func nestedError(status int, text, code string) apiReply {
	return jsonReply(status, map[string]any{"errors": struct {
		Error string `json:"error"`
		Code  string `json:"code"`
	}{text, code}})
}

var (
	badContent      = codeError(http.StatusBadRequest, "Bad content format.", "bad_content_format")
	requiredKey     = codeError(http.StatusForbidden, "Required header key.", "required_header_key")
	badKey          = codeError(http.StatusForbidden, "Bad header key.", "bad_header_key")
	requiredSig     = codeError(http.StatusForbidden, "Required header signature.", "required_header_signature")
	badSig          = codeError(http.StatusForbidden, "Bad header signature.", "bad_header_signature")
	invoiceNotFound = nestedError(http.StatusNotFound, "Invoice not found.", "invoice_not_found")
	invalidState    = nestedError(http.StatusBadRequest, "Invoice cannot be failed in its current state.", "invalid_invoice_state")
)

func (rep apiReply) write(w http.ResponseWriter) {
	sandboxkit.Reply(w, rep.status, rep.contentType, rep.body)
}

// serveAPI answers /api/... with any queued fault applied.
func (s *Sandbox) serveAPI(w http.ResponseWriter, r *http.Request) {
	fault, faulty := s.faults.Take(r.URL.Path)
	if faulty {
		s.opts.Logger.Debug("sandbox: injecting fault", "kind", string(fault.Kind), "path", r.URL.Path)
		if writeFault(w, fault) {
			return
		}
	}
	body, err := sandboxkit.ReadBody(r)
	if err != nil {
		return
	}
	// The body is read, so a client that gives up during the wait is noticed.
	if faulty && fault.Kind == FaultLatency && !sandboxkit.Wait(r, fault.Delay) {
		return // nothing was done
	}
	rep := s.handleAPI(r, body)
	s.opts.Logger.Debug("sandbox: api", "method", r.Method, "path", r.URL.Path, "status", rep.status)
	switch {
	case faulty && fault.Kind == FaultGarbage:
		sandboxkit.Reply(w, http.StatusOK, rep.contentType, rep.body[:len(rep.body)/2])
	case faulty && fault.Kind == FaultResetAfterCreate && rep.status < 300,
		faulty && fault.Kind == FaultReset:
		sandboxkit.DropConnection(w)
	case faulty && fault.Kind == FaultLateReply:
		if sandboxkit.Wait(r, fault.Delay) {
			rep.write(w)
		}
	default:
		rep.write(w)
	}
}

// handleAPI authenticates and answers one API request whose raw body is
// body.
func (s *Sandbox) handleAPI(r *http.Request, body []byte) apiReply {
	if r.Method == http.MethodGet && strings.TrimSuffix(r.URL.Path, "/") == pingPath {
		return apiReply{status: http.StatusOK, body: []byte("OK"), contentType: "text/plain; charset=UTF-8"}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return badContent
	}
	key := r.Header.Get("X-Processing-Key")
	switch {
	case key == "":
		return requiredKey
	case subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIKey)) != 1:
		return badKey
	}
	given := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Processing-Signature")))
	switch {
	case given == "":
		return requiredSig
	case subtle.ConstantTimeCompare([]byte(given), []byte(sign(body, s.opts.SecretKey))) != 1:
		return badSig
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' || !json.Valid(t) {
		return badContent
	}
	path := r.URL.Path
	switch {
	case r.Method != http.MethodPost:
	case path == createPath || path == createPath+"/":
		return s.create(r, body)
	case path == currenciesPath || path == currenciesPath+"/":
		return s.list(body)
	case strings.HasPrefix(path, apiPrefix+"/invoices/"):
		rest := strings.TrimPrefix(path, apiPrefix+"/invoices/")
		if id, ok := strings.CutSuffix(strings.TrimSuffix(rest, "/"), "/cancel"); ok && id != "" && !strings.Contains(id, "/") {
			return s.cancel(id)
		}
	}
	return badSig // the real API answers an unknown route like a bad signature
}

// create answers POST /invoices/create.
func (s *Sandbox) create(r *http.Request, body []byte) apiReply {
	p, errs := s.parseCreate(body)
	if errs != nil {
		return fieldErrors(errs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if _, taken := s.invoices[p.ForeignID]; taken {
		return fieldErrors(map[string]string{"foreign_id": "The foreign id has already been taken."})
	}
	c, _ := s.currency(p.Currency)
	if p.Amount.LessThan(c.MinimumAmount) {
		return fieldErrors(map[string]string{"amount": "The amount is too small. The minimum amount is " +
			c.MinimumAmount.StringFixed(c.Precision) + " " + c.Code + "."})
	}
	s.nextID++
	inv := &InvoiceState{
		ID: s.nextID, Code: sandboxkit.RandomFrom(sandboxkit.Base58, 6), ForeignID: p.ForeignID, EndUserReference: p.EndUserReference,
		Title: p.Title, Description: p.Description, Currency: c.Code, Amount: p.Amount, Timer: p.Timer,
		Type: p.Type, URLSuccess: p.URLSuccess, URLFailed: p.URLFailed, HasEmail: p.HasEmail,
		SenderType: p.SenderType, Status: "created", CreatedAt: now, UpdatedAt: now,
	}
	if p.Timer {
		inv.Status, inv.FixedAt, inv.ExpiresAt = "pending", now, now.Add(Window)
	}
	if p.SenderCurrency != "" {
		if err := s.choose(inv, p.SenderCurrency, now); err != nil {
			return fieldErrors(map[string]string{"sender_currency": "The selected sender currency is invalid."})
		}
	}
	inv.URL = sandboxkit.PublicURL(s.opts.PublicURL, r) + "/invoice/" + inv.Code
	s.invoices[inv.ForeignID] = inv
	s.created = append(s.created, inv.ForeignID)
	s.opts.Logger.Debug("sandbox: invoice created", "foreign_id", inv.ForeignID, "id", inv.ID, "status", inv.Status)
	return jsonReply(http.StatusCreated, map[string]any{"data": inv.toJSON(now)})
}

// cancel answers POST /invoices/{foreign_id}/cancel/ (spec §6). An unknown
// foreign_id is 404 {"errors":{"error":"Invoice not found.",
// "code":"invoice_not_found"}}: the real answer is undocumented.
func (s *Sandbox) cancel(foreignID string) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv, ok := s.invoices[foreignID]
	if !ok {
		return invoiceNotFound
	}
	now := s.now()
	s.expireDue(inv, now)
	if inv.Final() {
		return invalidState
	}
	s.fail(inv, CancelledError)
	inv.UpdatedAt = now
	s.changed(inv)
	s.opts.Logger.Debug("sandbox: invoice cancelled", "foreign_id", foreignID)
	return apiReply{status: http.StatusOK, body: []byte("[]"), contentType: "application/json"}
}

// currencyJSON is one entry of /currencies/list (spec §4).
type currencyJSON struct {
	ID                   int    `json:"id"`
	Type                 string `json:"type"`
	Currency             string `json:"currency"`
	MinimumAmount        string `json:"minimum_amount"`
	DepositFeePercent    string `json:"deposit_fee_percent"`
	WithdrawalFeePercent string `json:"withdrawal_fee_percent"`
	Precision            int32  `json:"precision"`
}

// list answers POST /currencies/list; {"visible":true} and {} both list
// the visible currencies.
func (s *Sandbox) list([]byte) apiReply {
	out := []currencyJSON{}
	for i, c := range s.opts.Currencies {
		if c.Hidden {
			continue
		}
		out = append(out, currencyJSON{ID: i + 1, Type: c.Type, Currency: c.Code,
			MinimumAmount: c.MinimumAmount.StringFixed(8), DepositFeePercent: "0.0100",
			WithdrawalFeePercent: "0.0000", Precision: c.Precision})
	}
	return jsonReply(http.StatusOK, map[string]any{"data": out})
}

// Invoice returns the invoice with the foreign_id, id or page code id,
// failed first if its window has ended.
func (s *Sandbox) Invoice(id string) (InvoiceState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.lookup(id)
	if inv == nil {
		return InvoiceState{}, false
	}
	s.expireDue(inv, s.now())
	return inv.clone(), true
}

// Invoices returns every invoice, oldest first.
func (s *Sandbox) Invoices() []InvoiceState {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := make([]InvoiceState, 0, len(s.created))
	for _, id := range s.created {
		inv := s.invoices[id]
		s.expireDue(inv, now)
		out = append(out, inv.clone())
	}
	return out
}

// Count returns how many invoices exist.
func (s *Sandbox) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.created)
}
