package ui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"

	"cryptopos/pos"
)

// Theme holds the semantic styles of every screen. Colour is never the only
// carrier of meaning: every state is also written in words.
type Theme struct {
	Dark    bool // the terminal background is dark
	Console bool // the Linux console: 16 colours, no half blocks
	NoColor bool // NO_COLOR or a terminal without colours

	Shop, Brand, Badge   lipgloss.Style
	Rule                 lipgloss.Style
	Title, Text, Muted   lipgloss.Style
	Input, Cursor        lipgloss.Style
	Selected, Key        lipgloss.Style
	Good, Warn, Bad, Now lipgloss.Style
	HelpKey, HelpDesc    lipgloss.Style
}

// NewTheme builds the theme for a terminal. On the console it keeps to the
// 8 base colours, which every VGA palette shows as intended. High contrast
// drops the greys and uses the strongest colours, for a screen read from a
// step away or in sunlight.
func NewTheme(dark, console, noColor, contrast bool) Theme {
	pick := lipgloss.LightDark(dark)
	var muted, accent, good, warn, bad, info, text color.Color
	switch {
	case contrast:
		text = pick(lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF"))
		muted, accent = text, text
		good = pick(lipgloss.Color("#005A00"), lipgloss.Color("#00FF5F"))
		warn = pick(lipgloss.Color("#6B3E00"), lipgloss.Color("#FFFF00"))
		bad = pick(lipgloss.Color("#A00000"), lipgloss.Color("#FF5F5F"))
		info = pick(lipgloss.Color("#00008B"), lipgloss.Color("#5FFFFF"))
		if console {
			text, muted, accent = lipgloss.Color("15"), lipgloss.Color("15"), lipgloss.Color("15")
			good, warn, bad, info = lipgloss.Color("10"), lipgloss.Color("11"), lipgloss.Color("9"), lipgloss.Color("14")
		}
	case console:
		muted, accent, good, warn, bad, info, text =
			lipgloss.Color("7"), lipgloss.Color("6"), lipgloss.Color("2"),
			lipgloss.Color("3"), lipgloss.Color("1"), lipgloss.Color("6"), lipgloss.Color("7")
	default:
		// Each pair is readable on its background (contrast >= 4.5:1).
		muted = pick(lipgloss.Color("#5F6368"), lipgloss.Color("#A0A4AB"))
		accent = pick(lipgloss.Color("#6B2FBA"), lipgloss.Color("#B69CFF"))
		good = pick(lipgloss.Color("#0B6E2E"), lipgloss.Color("#5FD787"))
		warn = pick(lipgloss.Color("#8A5300"), lipgloss.Color("#FFC85C"))
		bad = pick(lipgloss.Color("#B3261E"), lipgloss.Color("#FF7B72"))
		info = pick(lipgloss.Color("#0B57D0"), lipgloss.Color("#7CB7FF"))
		text = pick(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E8E8E8"))
	}
	s := lipgloss.NewStyle
	return Theme{
		Dark: dark, Console: console, NoColor: noColor,
		Shop:     s().Bold(true).Foreground(text),
		Brand:    s().Foreground(muted),
		Badge:    s().Bold(true).Reverse(true).Foreground(warn),
		Rule:     s().Foreground(muted),
		Title:    s().Bold(true).Foreground(text),
		Text:     s().Foreground(text),
		Muted:    s().Foreground(muted),
		Input:    s().Bold(true).Foreground(accent),
		Cursor:   s().Reverse(true),
		Selected: s().Bold(true).Foreground(accent),
		Key:      s().Bold(true).Foreground(accent),
		Good:     s().Bold(true).Foreground(good),
		Warn:     s().Bold(true).Foreground(warn),
		Bad:      s().Bold(true).Foreground(bad),
		Now:      s().Bold(true).Foreground(info),
		HelpKey:  s().Bold(true).Foreground(text),
		HelpDesc: s().Foreground(muted),
	}
}

// consoleGlyphs swaps the glyphs Linux console fonts may lack for ASCII of
// the same width, so the layout stays as it is.
var consoleGlyphs = strings.NewReplacer("─", "-", "…", ".", "‹", "<", "›", ">",
	"⌫", "<", "↑", "^", "↓", "v", "←", "<", "→", ">", "█", "#")

// Status returns the style of a status: good, warning, bad or in progress.
func (t Theme) Status(st pos.Status) lipgloss.Style {
	switch st {
	case pos.StatusPaid, pos.StatusOverpaid:
		return t.Good
	case pos.StatusPartial, pos.StatusUnderpaid, pos.StatusOnHold:
		return t.Warn
	case pos.StatusExpired, pos.StatusCancelled, pos.StatusFailed:
		return t.Bad
	}
	return t.Now
}
