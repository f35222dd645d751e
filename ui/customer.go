package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"cryptopos/pos"
)

// customerScreen asks who pays, when the provider must know (MiCA data for
// a pre-selected coin), or only the customer's e-mail for refund
// instructions. What is typed here is personal data: it goes to the
// provider with the create call and is dropped when the sale starts.
type customerScreen struct {
	amount pos.Money
	pay    pos.PayOption
	needs  pos.CustomerNeeds
	kind   pos.CustomerKind
	fields []field
	focus  int
	err    string
}

// field is one line of the form.
type field struct {
	label, hint string
	value       string
	kinds       []pos.CustomerKind // shown for these kinds; empty: always
	max         int
}

type customerMsg struct {
	pay      pos.PayOption
	customer *pos.Customer
}

func newCustomerScreen(amount pos.Money, pay pos.PayOption, needs pos.CustomerNeeds) customerScreen {
	s := customerScreen{amount: amount, pay: pay, needs: needs}
	if needs.Identity {
		s.kind = pos.CustomerNatural
		s.fields = append(s.fields,
			field{label: "First name", kinds: []pos.CustomerKind{pos.CustomerNatural}, max: 100},
			field{label: "Last name", kinds: []pos.CustomerKind{pos.CustomerNatural}, max: 100},
			field{label: "Date of birth", hint: "YYYY-MM-DD", kinds: []pos.CustomerKind{pos.CustomerNatural}, max: 10},
			field{label: "Company name", kinds: []pos.CustomerKind{pos.CustomerLegal}, max: 100},
			field{label: "Country", hint: "3 letters, e.g. DEU", kinds: []pos.CustomerKind{pos.CustomerLegal}, max: 3},
		)
	}
	s.fields = append(s.fields, field{label: "E-mail", hint: "optional, for refund instructions", max: 254})
	return s
}

// visible returns the indexes of the fields shown for the current kind.
func (s *customerScreen) visible() []int {
	var out []int
	for i, f := range s.fields {
		if len(f.kinds) == 0 || containsKind(f.kinds, s.kind) {
			out = append(out, i)
		}
	}
	return out
}

func containsKind(kinds []pos.CustomerKind, k pos.CustomerKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func (s *customerScreen) current() *field { return &s.fields[s.visible()[s.focus]] }

func (s *customerScreen) key(c *common, msg tea.KeyPressMsg) tea.Cmd {
	k := c.keys
	switch {
	case key.Matches(msg, k.Back):
		return func() tea.Msg { return backToCurrencyMsg{} }
	case key.Matches(msg, k.Submit):
		return s.submit(c)
	case key.Matches(msg, k.NextField):
		s.focus = (s.focus + 1) % len(s.visible())
	case key.Matches(msg, k.PrevField):
		s.focus = (s.focus + len(s.visible()) - 1) % len(s.visible())
	case key.Matches(msg, k.SwitchKind) && s.needs.Identity:
		s.kind = map[pos.CustomerKind]pos.CustomerKind{pos.CustomerNatural: pos.CustomerLegal, pos.CustomerLegal: pos.CustomerNatural}[s.kind]
		s.focus, s.err = 0, ""
	case key.Matches(msg, k.Delete):
		f := s.current()
		if r := []rune(f.value); len(r) > 0 {
			f.value = string(r[:len(r)-1])
		}
	default:
		s.typeText(msg.Text)
	}
	return nil
}

// typeText adds typed or pasted text to the focused field.
func (s *customerScreen) typeText(text string) {
	f := s.current()
	for _, r := range text {
		if r < ' ' || len([]rune(f.value)) >= f.max {
			continue
		}
		f.value += string(r)
	}
}

func (s *customerScreen) value(label string) string {
	for _, f := range s.fields {
		if f.label == label {
			return strings.TrimSpace(f.value)
		}
	}
	return ""
}

// customer is what the form says, or nil when it says nothing.
func (s *customerScreen) customer() *pos.Customer {
	cu := &pos.Customer{Email: s.value("E-mail")}
	switch s.kind {
	case pos.CustomerNatural:
		cu.Kind, cu.FirstName, cu.LastName, cu.DateOfBirth = s.kind, s.value("First name"), s.value("Last name"), s.value("Date of birth")
	case pos.CustomerLegal:
		cu.Kind, cu.LegalName, cu.Country = s.kind, s.value("Company name"), strings.ToUpper(s.value("Country"))
	}
	if *cu == (pos.Customer{}) {
		return nil
	}
	return cu
}

func (s *customerScreen) submit(c *common) tea.Cmd {
	cu := s.customer()
	if cu != nil {
		if err := cu.Validate(s.needs, c.now()); err != nil {
			s.showError(err)
			return nil
		}
	}
	pay := s.pay
	return func() tea.Msg { return customerMsg{pay: pay, customer: cu} }
}

// showError puts the message under the form and the focus on its field.
func (s *customerScreen) showError(err error) {
	s.err = err.Error()
	var ce *pos.CustomerError
	if !errors.As(err, &ce) {
		return
	}
	for i, idx := range s.visible() {
		if strings.EqualFold(s.fields[idx].label, ce.Field) || strings.EqualFold(s.fields[idx].label, "E-mail") && ce.Field == "e-mail" {
			s.focus = i
		}
	}
}

func (s *customerScreen) help(c *common) []key.Binding {
	b := []key.Binding{c.keys.NextField, c.keys.Submit, c.keys.Back}
	if s.needs.Identity {
		b = append([]key.Binding{c.keys.SwitchKind}, b...)
	}
	return b
}

func (s *customerScreen) view(c *common, w, h int) string {
	t := c.theme
	var b strings.Builder
	b.WriteString(t.Title.Render(s.amount.String()) + t.Muted.Render(" · "+s.pay.Label()) + "\n\n")
	if s.needs.Identity {
		b.WriteString(wrap(t.Text.Render(c.providerName()+" needs to know who pays with a chosen coin (EU MiCA rules). It is sent with this invoice only and not kept on the terminal."), w-6) + "\n\n")
		person, company := "person", "company"
		if s.kind == pos.CustomerNatural {
			person = t.Selected.Render("‹ person ›")
		} else {
			company = t.Selected.Render("‹ company ›")
		}
		b.WriteString(t.Muted.Render(pad("Customer is", 15)) + person + "  " + company + "\n")
	} else {
		b.WriteString(wrap(t.Text.Render("The customer's e-mail lets "+c.providerName()+" send refund instructions after a wrong payment. It is not kept on the terminal."), w-6) + "\n\n")
	}
	for i, idx := range s.visible() {
		f := s.fields[idx]
		label := t.Muted.Render(pad(f.label, 15))
		val := t.Input.Render(f.value)
		if i == s.focus {
			label = t.Selected.Render(pad(f.label, 15))
			val += t.Cursor.Render(" ")
		}
		if f.value == "" && f.hint != "" {
			val += " " + t.Muted.Render(f.hint)
		}
		b.WriteString(label + val + "\n")
	}
	if s.err != "" {
		b.WriteString("\n" + wrap(t.Bad.Render(s.err), w-6))
	}
	return "\n" + indent(b.String(), 3)
}

// pad left-aligns s in n columns.
func pad(s string, n int) string {
	if l := len([]rune(s)); l < n {
		return s + strings.Repeat(" ", n-l)
	}
	return s
}
