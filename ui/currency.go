package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"cryptopos/pos"
)

// currencyScreen is where the cashier picks how the customer pays: row 1
// leaves the coin to the customer, then the configured coins in order.
type currencyScreen struct {
	amount   pos.Money
	cursor   int
	err      string // why the last invoice was refused
	creating bool   // a create is on its way; ignore further picks
}

type (
	backToSaleMsg     struct{}
	backToCurrencyMsg struct{}
	pickMsg           struct {
		pay   pos.PayOption
		email bool // the cashier asked to give the customer's e-mail
	}
	saleStartedMsg struct {
		inv pos.Invoice
		err error
	}
)

func newCurrencyScreen(amount pos.Money) currencyScreen { return currencyScreen{amount: amount} }

func (s *currencyScreen) rows(c *common) []pos.PayOption {
	return append([]pos.PayOption{{}}, c.opts.PayOptions...)
}

func (s *currencyScreen) key(c *common, msg tea.KeyPressMsg) tea.Cmd {
	k, rows := c.keys, s.rows(c)
	switch {
	case key.Matches(msg, k.Pick):
		n, _ := strconv.Atoi(msg.String())
		if n > len(rows) {
			s.err = fmt.Sprintf("There is no row %d.", n)
			return nil
		}
		s.cursor = n - 1
		return s.pick(rows[s.cursor])
	case key.Matches(msg, k.Move):
		if msg.String() == "up" || msg.String() == "k" {
			s.cursor = (s.cursor + len(rows) - 1) % len(rows)
		} else {
			s.cursor = (s.cursor + 1) % len(rows)
		}
	case key.Matches(msg, k.Create):
		return s.pick(rows[s.cursor])
	case key.Matches(msg, k.Email) && offersEmail(c):
		o := rows[s.cursor]
		return func() tea.Msg { return pickMsg{pay: o, email: true} }
	case key.Matches(msg, k.Back):
		return func() tea.Msg { return backToSaleMsg{} }
	}
	return nil
}

func (s *currencyScreen) pick(o pos.PayOption) tea.Cmd {
	if s.creating {
		return nil
	}
	s.err = ""
	return func() tea.Msg { return pickMsg{pay: o} }
}

// customerNeeds asks the provider what it must know about the customer.
func customerNeeds(c *common, o pos.PayOption) pos.CustomerNeeds {
	if asker, ok := c.opts.Engine.Provider().(pos.CustomerAsker); ok {
		return asker.CustomerNeeds(o)
	}
	return pos.CustomerNeeds{}
}

func offersEmail(c *common) bool {
	_, ok := c.opts.Engine.Provider().(pos.CustomerAsker)
	return ok && customerNeeds(c, pos.PayOption{}).Email
}

// startSale journals the sale and starts its invoice; the engine reports
// progress as snapshots.
func startSale(e *pos.Engine, sale pos.Sale) tea.Cmd {
	return func() tea.Msg {
		inv, err := e.StartSale(context.Background(), sale)
		return saleStartedMsg{inv: inv, err: err}
	}
}

func (s *currencyScreen) help(c *common) []key.Binding {
	b := []key.Binding{c.keys.Pick, c.keys.Move, c.keys.Create}
	if offersEmail(c) {
		b = append(b, c.keys.Email)
	}
	return append(b, c.keys.Back)
}

func (s *currencyScreen) view(c *common, w, h int, notice string) string {
	t := c.theme
	var b strings.Builder
	b.WriteString(t.Title.Render(s.amount.String()) + "\n\n")
	b.WriteString(t.Text.Render("How will the customer pay?") + "\n\n")
	for i, o := range s.rows(c) {
		marker, style := "  ", t.Text
		if i == s.cursor {
			marker, style = t.Selected.Render("> "), t.Selected
		}
		num := "   "
		if i < 9 {
			num = t.Key.Render(strconv.Itoa(i+1)) + "  "
		}
		label := style.Render(fmt.Sprintf("%-24s", o.Label()))
		hint := ""
		if o.CustomerChooses() {
			hint = t.Muted.Render("any coin, on their phone")
		}
		b.WriteString(marker + num + label + " " + hint + "\n")
	}
	if s.creating {
		b.WriteString("\n" + t.Now.Render("Creating the invoice at "+c.providerName()+"…"))
	} else if s.err != "" {
		b.WriteString("\n" + wrap(t.Bad.Render(s.err), w-6))
	}
	body := indent(b.String(), 3)
	if notice != "" {
		body = indent(wrap(t.Warn.Render(notice), w-4), 2) + "\n\n" + body
	}
	return "\n" + body
}
