package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"
)

// adminPrefix is the root of the admin endpoints (see the package doc).
const adminPrefix = "/_sandbox"

// AdminInvoice is an invoice as the admin endpoints show it. Amounts are
// exact decimal text; fields not known yet (the coin of a customer-chooses
// invoice) are left out.
type AdminInvoice struct {
	ID        int64  `json:"id"`
	ForeignID string `json:"foreign_id"`
	URL       string `json:"url"`
	Status    string `json:"status"`
	Error     string `json:"error,omitempty"`
	Amount    string `json:"amount"`
	Currency  string `json:"currency"`
	Timer     bool   `json:"timer"`
	Type      string `json:"type"`
	// SenderAmount is what the customer is asked to send in
	// SenderCurrency; Paid what arrived; Remaining what is still due.
	SenderCurrency string    `json:"sender_currency,omitempty"`
	SenderAmount   string    `json:"sender_amount,omitempty"`
	Paid           string    `json:"paid,omitempty"`
	Remaining      string    `json:"remaining,omitempty"`
	Address        string    `json:"address,omitempty"`
	Transactions   int       `json:"transactions"`
	FixedAt        time.Time `json:"fixed_at,omitzero"`
	ExpiresAt      time.Time `json:"expires_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func (inv InvoiceState) admin() AdminInvoice {
	a := AdminInvoice{
		ID: inv.ID, ForeignID: inv.ForeignID, URL: inv.URL, Status: inv.Status, Error: inv.Error,
		Amount: inv.Amount.String(), Currency: inv.Currency, Timer: inv.Timer, Type: inv.Type,
		SenderCurrency: inv.SenderCurrency, Address: inv.Address, Transactions: len(inv.Transactions),
		FixedAt: inv.FixedAt.UTC(), ExpiresAt: inv.ExpiresAt.UTC(),
		CreatedAt: inv.CreatedAt.UTC(), UpdatedAt: inv.UpdatedAt.UTC(),
	}
	if inv.coinFixed() {
		a.SenderAmount, a.Paid, a.Remaining = inv.SenderAmount.String(), inv.Paid().String(), inv.Remaining().String()
	}
	return a
}

func (s *Sandbox) registerAdmin() {
	s.mux.HandleFunc("GET "+adminPrefix+"/invoices", s.adminList)
	s.mux.HandleFunc("GET "+adminPrefix+"/invoices/{id}", s.adminGet)
	s.mux.HandleFunc("POST "+adminPrefix+"/invoices/{id}/{action}", s.adminDrive)
	s.mux.HandleFunc("GET "+adminPrefix+"/callbacks", s.adminCallbacks)
	s.mux.HandleFunc("POST "+adminPrefix+"/callbacks/flush", s.adminFlush)
	s.mux.HandleFunc("POST "+adminPrefix+"/callbacks/knobs/{kind}", s.adminKnob)
	s.mux.HandleFunc("POST "+adminPrefix+"/tick", s.adminTick)
	s.mux.HandleFunc("POST "+adminPrefix+"/faults/{kind}", s.adminFault)
}

func (s *Sandbox) adminList(w http.ResponseWriter, _ *http.Request) {
	list := s.Invoices()
	out := make([]AdminInvoice, len(list))
	for i, inv := range list {
		out[i] = inv.admin()
	}
	adminReply(w, http.StatusOK, out)
}

func (s *Sandbox) adminGet(w http.ResponseWriter, r *http.Request) {
	inv, found := s.Invoice(r.PathValue("id"))
	if !found {
		adminError(w, http.StatusNotFound, errors.New("sandbox: no invoice "+r.PathValue("id")))
		return
	}
	adminReply(w, http.StatusOK, inv.admin())
}

// adminDrive is Drive; errors are 404 (no such invoice), 400 (no such
// action) and 409 (the invoice's state refuses it).
func (s *Sandbox) adminDrive(w http.ResponseWriter, r *http.Request) {
	id, action := r.PathValue("id"), Action(r.PathValue("action"))
	if _, found := s.Invoice(id); !found {
		adminError(w, http.StatusNotFound, errors.New("sandbox: no invoice "+id))
		return
	}
	if !slices.Contains(Actions, action) {
		adminError(w, http.StatusBadRequest, errors.New("sandbox: unknown action "+string(action)))
		return
	}
	if err := s.DriveCoin(id, action, r.URL.Query().Get("coin")); err != nil {
		adminError(w, http.StatusConflict, err)
		return
	}
	inv, _ := s.Invoice(id)
	adminReply(w, http.StatusOK, inv.admin())
}

func (s *Sandbox) adminCallbacks(w http.ResponseWriter, _ *http.Request) {
	adminReply(w, http.StatusOK, s.Deliveries())
}

func (s *Sandbox) adminFlush(w http.ResponseWriter, _ *http.Request) {
	s.Flush()
	adminReply(w, http.StatusOK, s.Deliveries())
}

func (s *Sandbox) adminKnob(w http.ResponseWriter, r *http.Request) {
	kind := KnobKind(r.PathValue("kind"))
	if !slices.Contains([]KnobKind{KnobDuplicate, KnobHold, KnobDrop}, kind) {
		adminError(w, http.StatusBadRequest, errors.New("sandbox: unknown knob "+string(kind)+"; use duplicate, hold or drop"))
		return
	}
	s.AddKnob(Knob{Kind: kind, ForeignID: r.URL.Query().Get("foreign_id")})
	adminReply(w, http.StatusOK, map[string]string{"knob": string(kind)})
}

func (s *Sandbox) adminTick(w http.ResponseWriter, _ *http.Request) {
	s.Tick()
	adminReply(w, http.StatusOK, s.Deliveries())
}

func (s *Sandbox) adminFault(w http.ResponseWriter, r *http.Request) {
	kind := FaultKind(r.PathValue("kind"))
	if !slices.Contains(faultKinds, kind) {
		adminError(w, http.StatusBadRequest, errors.New("sandbox: unknown fault "+string(kind)))
		return
	}
	s.InjectFault(Fault{Kind: kind, Path: r.URL.Query().Get("path")})
	adminReply(w, http.StatusOK, map[string]string{"fault": string(kind)})
}

func adminReply(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func adminError(w http.ResponseWriter, status int, err error) {
	adminReply(w, status, map[string]string{"error": err.Error()})
}
