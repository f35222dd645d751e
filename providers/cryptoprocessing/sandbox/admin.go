package sandbox

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"cryptopos/providers/sandboxkit"
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
	sandboxkit.InvoiceAdmin[InvoiceState, AdminInvoice]{
		Invoices: s.Invoices,
		Invoice:  s.Invoice,
		Show:     InvoiceState.admin,
		Unknown:  func(id string) error { return errors.New("sandbox: no invoice " + id) },
		Known:    func(action string) bool { return slices.Contains(Actions, Action(action)) },
		// Drive takes ?coin=ETH for choose and the payments.
		Drive: func(r *http.Request, id, action string) error {
			return s.DriveCoin(id, Action(action), r.URL.Query().Get("coin"))
		},
	}.Register(s.mux, adminPrefix)
	s.mux.HandleFunc("GET "+adminPrefix+"/callbacks", s.adminCallbacks)
	s.mux.HandleFunc("POST "+adminPrefix+"/callbacks/flush", s.adminFlush)
	s.mux.HandleFunc("POST "+adminPrefix+"/callbacks/knobs/{kind}", s.adminKnob)
	s.mux.HandleFunc("POST "+adminPrefix+"/tick", s.adminTick)
	s.mux.HandleFunc("POST "+adminPrefix+"/faults/{kind}", s.adminFault)
}

func (s *Sandbox) adminCallbacks(w http.ResponseWriter, _ *http.Request) {
	sandboxkit.WriteJSON(w, http.StatusOK, s.Deliveries())
}

func (s *Sandbox) adminFlush(w http.ResponseWriter, _ *http.Request) {
	s.Flush()
	sandboxkit.WriteJSON(w, http.StatusOK, s.Deliveries())
}

func (s *Sandbox) adminKnob(w http.ResponseWriter, r *http.Request) {
	kind := KnobKind(r.PathValue("kind"))
	if !slices.Contains([]KnobKind{KnobDuplicate, KnobHold, KnobDrop}, kind) {
		sandboxkit.WriteError(w, http.StatusBadRequest, errors.New("sandbox: unknown knob "+string(kind)+"; use duplicate, hold or drop"))
		return
	}
	s.AddKnob(Knob{Kind: kind, ForeignID: r.URL.Query().Get("foreign_id")})
	sandboxkit.WriteJSON(w, http.StatusOK, map[string]string{"knob": string(kind)})
}

func (s *Sandbox) adminTick(w http.ResponseWriter, _ *http.Request) {
	s.Tick()
	sandboxkit.WriteJSON(w, http.StatusOK, s.Deliveries())
}

func (s *Sandbox) adminFault(w http.ResponseWriter, r *http.Request) {
	kind := FaultKind(r.PathValue("kind"))
	if !slices.Contains(faultKinds, kind) {
		sandboxkit.WriteError(w, http.StatusBadRequest, errors.New("sandbox: unknown fault "+string(kind)))
		return
	}
	f, err := faultFromQuery(kind, r.URL.Query())
	if err != nil {
		sandboxkit.WriteError(w, http.StatusBadRequest, err)
		return
	}
	s.InjectFault(f)
	sandboxkit.WriteJSON(w, http.StatusOK, map[string]string{"fault": string(kind)})
}
