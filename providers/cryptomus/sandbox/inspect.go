package sandbox

// Invoice returns the invoice with the uuid or order id id, expired first
// if its time has run out.
func (s *Sandbox) Invoice(id string) (InvoiceState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv := s.lookup(id)
	if inv == nil {
		return InvoiceState{}, false
	}
	inv.expireIfDue(s.now())
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
		inv.expireIfDue(now)
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
