package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"cryptopos/pos"
)

// saleScreen is where the cashier types the amount.
type saleScreen struct {
	input string
	err   string
}

// amountMsg carries a valid amount to the Currency screen.
type amountMsg pos.Money

// maxInputLen keeps the field to what a till needs.
const maxInputLen = 12

func (s *saleScreen) key(c *common, msg tea.KeyPressMsg) tea.Cmd {
	k := c.keys
	switch {
	case key.Matches(msg, k.Type):
		if len(s.input) < maxInputLen {
			s.input += msg.String()
		}
		s.check(c, false)
	case key.Matches(msg, k.Delete):
		if s.input != "" {
			s.input = s.input[:len(s.input)-1]
		}
		s.check(c, false)
	case key.Matches(msg, k.Back):
		s.input, s.err = "", ""
	case key.Matches(msg, k.Continue):
		if amount, ok := s.check(c, true); ok {
			return func() tea.Msg { return amountMsg(pos.NewMoney(amount.Amount, amount.Currency)) }
		}
	case key.Matches(msg, k.Quit) && !c.opts.Kiosk:
		return tea.Quit
	case key.Matches(msg, k.Leave) && c.opts.Kiosk:
		return guarded("to quit", quitMsg{})
	case key.Matches(msg, k.History):
		return guarded("for the history", openHistoryMsg{})
	case key.Matches(msg, k.Report):
		return guarded("for the report", openReportMsg{})
	}
	return nil
}

type openHistoryMsg struct{}

// guarded asks the root to do then, after the manager PIN in kiosk mode.
func guarded(purpose string, then tea.Msg) tea.Cmd {
	return func() tea.Msg { return guardedMsg{purpose: purpose, then: then} }
}

// check validates the input. While typing it only reports mistakes that
// more typing cannot fix; on Enter it reports everything.
func (s *saleScreen) check(c *common, submit bool) (pos.Money, bool) {
	amount, err := pos.ParseAmount(s.input, c.opts.Currency, c.opts.MaxAmount)
	s.err = ""
	if err == nil {
		return pos.NewMoney(amount, c.opts.Currency.Code), true
	}
	if submit || errors.Is(err, pos.ErrAmountTooPrecise) || errors.Is(err, pos.ErrAmountTooLarge) ||
		errors.Is(err, pos.ErrAmountNotValid) {
		s.err = err.Error()
	}
	return pos.Money{}, false
}

func (s *saleScreen) help(c *common) []key.Binding {
	quit := c.keys.Quit
	if c.opts.Kiosk {
		quit = c.keys.Leave
	}
	return []key.Binding{c.keys.Type, c.keys.Delete, c.keys.Continue, c.keys.History, c.keys.Report, quit}
}

func (s *saleScreen) view(c *common, w, h int, notice string) string {
	t := c.theme
	field := t.Input.Render(s.input) + t.Cursor.Render(" ")
	below := t.Muted.Render("type the amount · enter: continue")
	if s.err != "" {
		below = t.Bad.Render(s.err)
	}
	block := lipgloss.JoinVertical(lipgloss.Center,
		t.Title.Render("Amount ("+c.opts.Currency.Code+")"),
		"",
		field,
		"",
		wrap(below, w-4),
	)
	return withNotice(c, notice, w, h, block)
}

// withNotice centres block in the body, under a warning line when there is one.
func withNotice(c *common, notice string, w, h int, block string) string {
	if notice == "" {
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, block)
	}
	top := wrap(c.theme.Warn.Render(notice), w-4)
	rest := h - lipgloss.Height(top) - 1
	return indent(top, 2) + "\n\n" + lipgloss.Place(w, max(rest-1, 1), lipgloss.Center, lipgloss.Center, block)
}

// wrap breaks styled text to width w, centring nothing.
func wrap(s string, w int) string {
	if w < 1 || lipgloss.Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().Width(w).Render(s)
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
