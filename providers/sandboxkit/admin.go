package sandboxkit

import (
	"net/http"
)

// InvoiceAdmin serves the admin endpoints every sandbox has for its
// invoices, so that a test in another process (an end-to-end test of the
// cryptopos binary) can inspect and drive them over HTTP. S is an invoice
// as the sandbox keeps it, V as the endpoints show it. Under the prefix
// given to Register:
//
//	GET  PREFIX/invoices                  every invoice, oldest first: a JSON array of V
//	GET  PREFIX/invoices/{id}             one invoice: a V
//	POST PREFIX/invoices/{id}/{action}    Drive, then the invoice: a V
//
// Errors are JSON objects {"error": "..."} (see WriteError): 404 for an
// unknown invoice, 400 for an unknown action, 409 for an action the
// invoice's state refuses.
type InvoiceAdmin[S, V any] struct {
	// Invoices returns every invoice, oldest first.
	Invoices func() []S
	// Invoice returns the invoice id names, if there is one.
	Invoice func(id string) (S, bool)
	// Show is an invoice as the endpoints show it.
	Show func(S) V
	// Unknown is the error of the 404 for id.
	Unknown func(id string) error
	// Known reports whether Drive takes action (else 400).
	Known func(action string) bool
	// Drive applies action to the invoice id names; an error is the 409.
	// r carries the request's options (a query such as ?coin=ETH).
	Drive func(r *http.Request, id, action string) error
}

// Register adds the endpoints to mux under prefix, e.g. "/_sandbox".
func (a InvoiceAdmin[S, V]) Register(mux *http.ServeMux, prefix string) {
	mux.HandleFunc("GET "+prefix+"/invoices", a.list)
	mux.HandleFunc("GET "+prefix+"/invoices/{id}", a.get)
	mux.HandleFunc("POST "+prefix+"/invoices/{id}/{action}", a.drive)
}

func (a InvoiceAdmin[S, V]) list(w http.ResponseWriter, _ *http.Request) {
	list := a.Invoices()
	out := make([]V, len(list)) // [] rather than null when there is none
	for i, inv := range list {
		out[i] = a.Show(inv)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (a InvoiceAdmin[S, V]) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	inv, found := a.Invoice(id)
	if !found {
		WriteError(w, http.StatusNotFound, a.Unknown(id))
		return
	}
	WriteJSON(w, http.StatusOK, a.Show(inv))
}

func (a InvoiceAdmin[S, V]) drive(w http.ResponseWriter, r *http.Request) {
	id, action := r.PathValue("id"), r.PathValue("action")
	if _, found := a.Invoice(id); !found {
		WriteError(w, http.StatusNotFound, a.Unknown(id))
		return
	}
	if !a.Known(action) {
		WriteError(w, http.StatusBadRequest, errUnknownAction(action))
		return
	}
	if err := a.Drive(r, id, action); err != nil {
		WriteError(w, http.StatusConflict, err)
		return
	}
	inv, _ := a.Invoice(id)
	WriteJSON(w, http.StatusOK, a.Show(inv))
}

type errUnknownAction string

func (e errUnknownAction) Error() string { return "sandbox: unknown action " + string(e) }
