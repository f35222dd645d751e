package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"cryptopos/pos"
)

// resultScreen tells the outcome in large letters, with the details.
type resultScreen struct {
	inv     pos.Invoice
	err     string // why a renewal failed
	shownAt time.Time
}

// returnAfter is how long the screen stays before a new sale starts by
// itself: only on a locked terminal (kiosk) with ReturnAfter set; else 0.
func returnAfter(o Options) time.Duration {
	if o.Kiosk && o.ReturnAfter > 0 {
		return o.ReturnAfter
	}
	return 0
}

type (
	newSaleMsg struct{}
	renewedMsg struct {
		inv pos.Invoice
		err error
	}
)

// outcome is the status the cashier sees: a sale cancelled on the terminal
// reads CANCELLED even while the provider keeps it open.
func (s *resultScreen) outcome() pos.Status {
	if s.inv.Dismissed && !s.inv.Status.Final() {
		return pos.StatusCancelled
	}
	return s.inv.Status
}

func (s *resultScreen) canRenew(c *common) bool {
	_, ok := c.opts.Engine.Provider().(pos.Reissuer)
	return ok && s.outcome() == pos.StatusExpired
}

func (s *resultScreen) key(c *common, msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, c.keys.NewSale):
		return func() tea.Msg { return newSaleMsg{} }
	case key.Matches(msg, c.keys.Renew) && s.canRenew(c) && c.now().Sub(s.shownAt) >= renewGuard:
		e, orderID := c.opts.Engine, s.inv.OrderID
		s.err = ""
		return func() tea.Msg {
			inv, err := e.Reissue(context.Background(), orderID)
			return renewedMsg{inv: inv, err: err}
		}
	}
	return nil
}

// renewGuard keeps a key meant for the Invoice screen ("r: check now"),
// pressed as the invoice expired, from renewing it on the Result screen.
const renewGuard = 1500 * time.Millisecond

func (s *resultScreen) help(c *common) []key.Binding {
	if s.canRenew(c) {
		return []key.Binding{c.keys.NewSale, c.keys.Renew}
	}
	return []key.Binding{c.keys.NewSale}
}

func (s *resultScreen) view(c *common, w, h int) string {
	t := c.theme
	st := s.outcome()
	style := t.Status(st)
	word := st.Words()
	bigWord := strings.TrimSuffix(word, " (overpaid)")
	lines := []string{}
	if big, ok := bigText(bigWord, w-4, style, t.Console); ok {
		lines = append(lines, big, "")
	}
	lines = append(lines, style.Render(word), "")
	for _, l := range s.explain(c) {
		lines = append(lines, wrap(l, w-6))
	}
	if s.err != "" {
		lines = append(lines, "", wrap(t.Bad.Render(s.err), w-6))
	}
	if d := returnAfter(c.opts); d > 0 {
		lines = append(lines, "", t.Muted.Render("A new sale starts by itself after "+seconds(d)+"."))
	}
	block := lipgloss.JoinVertical(lipgloss.Center, lines...)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, block)
}

// explain gives the details of the outcome, and what to do next.
func (s *resultScreen) explain(c *common) []string {
	t := c.theme
	inv := s.inv
	at := c.local(inv.UpdatedAt).Format("15:04")
	summary := inv.Amount.String()
	if !inv.PayAmount.IsZero() {
		summary += " · " + inv.PayLine()
	}
	ids := t.Muted.Render("order " + inv.OrderID)
	if inv.ProviderID != "" {
		ids += t.Muted.Render(" · " + c.providerName() + " " + inv.ProviderID)
	}
	var out []string
	switch s.outcome() {
	case pos.StatusPaid:
		out = []string{t.Text.Render(summary + " · " + at)}
		if inv.Dismissed {
			out = append(out, t.Good.Render("The customer paid after the sale was cancelled on the terminal."))
		}
	case pos.StatusOverpaid:
		out = []string{t.Text.Render(summary + " · " + at)}
		if !inv.Paid.IsZero() {
			out = append(out, t.Text.Render(fmt.Sprintf("The customer sent %s, more than asked.", inv.Paid)))
		}
	case pos.StatusUnderpaid:
		out = []string{t.Warn.Render(received(inv))}
		if rest, ok := fiatShortfall(inv); ok {
			out = append(out, t.Text.Render(fmt.Sprintf("About %s is missing: ask for it with a new sale, or settle it with the customer.", rest)))
		} else {
			out = append(out, t.Text.Render("Ask for the rest with a new sale, or settle it with the customer."))
		}
	case pos.StatusExpired:
		out = []string{t.Text.Render(summary), t.Text.Render("Nothing was paid before the invoice expired.")}
		if s.canRenew(c) {
			out = append(out, t.Text.Render("Press r to renew it with a fresh address and time, same order."))
		}
	case pos.StatusCancelled:
		out = []string{t.Text.Render(summary + " · cancelled " + at)}
		if inv.Dismissed && !inv.Status.Final() {
			until := ""
			if !inv.ExpiresAt.IsZero() {
				until = " until " + c.local(inv.ExpiresAt).Format("15:04")
			}
			out = append(out, t.Muted.Render(c.providerName()+" keeps the invoice open"+until+
				"; if the customer pays anyway, the payment is still recorded."))
		} else if inv.Reason != "" {
			out = append(out, t.Text.Render(inv.Reason))
		}
	default:
		out = []string{t.Text.Render(summary)}
		if inv.Reason != "" {
			out = append(out, t.Bad.Render(inv.Reason))
		}
	}
	return append(out, "", ids)
}

// received says what arrived of what was asked, in pos's words.
func received(inv pos.Invoice) string {
	if line := inv.PaidLine(); line != "" {
		return "Received " + line + "."
	}
	return "The customer paid less than asked."
}

// fiatShortfall is the unpaid part in the shop currency: the amount less
// the value received, as the day report counts it (pos.Invoice.ValueReceived),
// so the two always add up to the amount.
func fiatShortfall(inv pos.Invoice) (pos.Money, bool) {
	got, ok := inv.ValueReceived()
	if !ok || got.Currency != inv.Amount.Currency {
		return pos.Money{}, false
	}
	rest := inv.Amount.Amount.Sub(got.Amount)
	if !rest.IsPositive() {
		return pos.Money{}, false
	}
	return pos.NewMoney(rest, inv.Amount.Currency), true
}
