// Command bare is the baseline of the start-up benchmark: the smallest
// Bubble Tea v2 program that draws one frame like cryptopos's Sale screen
// (alt screen, a header, rules, the centred "Amount (EUR)" title and a help
// line, styled with Lip Gloss) and nothing else: no configuration, no log,
// no journal, no provider. Any key quits.
//
// scripts/bench.sh builds it with the same Go and flags as cryptopos and
// times both from exec to the first frame that shows "Amount (EUR)".
package main

import (
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

type model struct{ w, h int }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyPressMsg:
		return m, tea.Quit
	}
	return m, nil
}

var (
	title = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#7D56F4"))
	muted = lipgloss.NewStyle().Foreground(lipgloss.Color("#888888"))
)

func (m model) View() tea.View {
	w, h := max(m.w, 40), max(m.h, 12)
	rule := muted.Render(strings.Repeat("─", w))
	block := lipgloss.JoinVertical(lipgloss.Center, title.Render("Amount (EUR)"), "", "_", "",
		muted.Render("type the amount · enter: continue"))
	body := lipgloss.Place(w, h-4, lipgloss.Center, lipgloss.Center, block)
	v := tea.NewView(strings.Join([]string{" Bare", rule, body, rule, muted.Render(" any key quits")}, "\n"))
	v.AltScreen = true
	return v
}

func main() {
	if _, err := tea.NewProgram(model{w: 80, h: 24}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}
