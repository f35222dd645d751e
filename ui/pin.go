package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// pinPrompt asks for the manager PIN before something a locked kiosk does
// not let anyone do: quit, open the records, cancel a sale that looks paid.
type pinPrompt struct {
	purpose  string  // "to quit"
	then     tea.Msg // sent once the PIN is right
	input    string
	err      string
	checking bool
}

type pinCheckedMsg struct{ ok bool }

// guard runs then at once outside kiosk mode, and after the manager PIN in
// it.
func (m *Model) guard(purpose string, then tea.Msg) tea.Cmd {
	if !m.c.opts.Kiosk {
		return func() tea.Msg { return then }
	}
	m.pin = &pinPrompt{purpose: purpose, then: then}
	return nil
}

func (m *Model) pinKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := m.pin, m.c.keys
	if p.checking {
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		m.pin = nil
	case key.Matches(msg, k.Delete):
		if p.input != "" {
			p.input = p.input[:len(p.input)-1]
		}
	case key.Matches(msg, k.Continue):
		if wait := m.limiter.Wait(); wait > 0 {
			p.err = fmt.Sprintf("Too many wrong PINs: try again in %s.", seconds(wait))
			return nil
		}
		p.checking, p.err = true, ""
		check, pin := m.c.opts.CheckPIN, p.input
		return func() tea.Msg { return pinCheckedMsg{ok: check != nil && check(pin)} }
	default:
		if t := msg.Text; len(t) == 1 && t[0] >= '0' && t[0] <= '9' && len(p.input) < 12 {
			p.input += t
		}
	}
	return nil
}

func (m *Model) pinChecked(msg pinCheckedMsg) tea.Cmd {
	p := m.pin
	if p == nil {
		return nil
	}
	p.checking, p.input = false, ""
	if lock := m.limiter.Record(msg.ok); !msg.ok {
		p.err = "That PIN is not right."
		if lock > 0 {
			p.err = fmt.Sprintf("That PIN is not right. Try again in %s.", seconds(lock))
		}
		return nil
	}
	m.pin = nil
	then := p.then
	return func() tea.Msg { return then }
}

func (m *Model) pinView(w, h int) string {
	t, p := m.c.theme, m.pin
	dots := strings.Repeat("*", len(p.input))
	lines := []string{
		t.Title.Render("Manager PIN " + p.purpose),
		"",
		t.Input.Render(dots) + t.Cursor.Render(" "),
		"",
	}
	switch {
	case p.checking:
		lines = append(lines, t.Muted.Render("Checking…"))
	case p.err != "":
		lines = append(lines, t.Bad.Render(p.err))
	default:
		lines = append(lines, t.Muted.Render("The terminal is locked."))
	}
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, lipgloss.JoinVertical(lipgloss.Center, lines...))
}

func (m *Model) pinHelp() []key.Binding {
	k := m.c.keys
	return []key.Binding{k.PINDigits, k.Delete, k.Continue, k.Back}
}
