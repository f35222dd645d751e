package ui

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

// consoleScreen renders the view as the renderer would under TERM=linux.
func consoleScreen(t *testing.T, h *harness) string {
	t.Helper()
	var out bytes.Buffer
	w := &colorprofile.Writer{Forward: &out, Profile: colorprofile.ANSI}
	if _, err := w.WriteString(h.m.View().Content); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

// checkConsoleSafe fails on glyphs a console font may lack and on colours
// the console cannot show as backgrounds.
func checkConsoleSafe(t *testing.T, name, screen string) {
	t.Helper()
	for _, m := range sgr.FindAllStringSubmatch(screen, -1) {
		for _, p := range strings.Split(m[1], ";") {
			switch {
			case p == "" || p == "0" || p == "1" || p == "7" || p == "22" || p == "27" || p == "39" || p == "49":
			case len(p) == 2 && (p[0] == '3' || p[0] == '4') && p[1] <= '7':
			case len(p) == 2 && p[0] == '9' && p[1] <= '7': // bright foregrounds exist on the console
			default:
				t.Fatalf("%s: SGR parameter %s in %q: the console has 8 background colours", name, p, m[0])
			}
		}
	}
	for _, r := range sgr.ReplaceAllString(screen, "") {
		if r > 0xFF && r != '€' {
			t.Fatalf("%s: glyph %q (U+%04X) may be missing from console fonts", name, r, r)
		}
	}
}

func TestConsoleScreens(t *testing.T) {
	h := newHarness(t, func(o *Options, _ *postest.Provider) { o.Console = true })
	h.send(tea.WindowSizeMsg{Width: 100, Height: 50})
	screens := map[string]string{}
	screens["sale"] = consoleScreen(t, h)
	h.golden("console-sale")
	inv := h.sale("12.50", "2")
	screens["invoice"] = consoleScreen(t, h)
	h.golden("console-invoice")
	h.provider.Set(inv.OrderID, pos.StatusPaid, nil)
	h.press("r")
	h.waitText("enter new sale")
	screens["result"] = consoleScreen(t, h)
	h.golden("console-result")
	h.press("enter")
	h.waitText("Amount (EUR)")
	h.press("h")
	h.waitText("History")
	h.waitFor("listed", func(s string) bool { return strings.Contains(s, "1 sale") })
	screens["history"] = consoleScreen(t, h)
	for name, s := range screens {
		checkConsoleSafe(t, name, s)
	}
	if strings.ContainsAny(screens["invoice"], "▀▄█") {
		t.Fatal("half blocks on the console")
	}
}

func TestHighContrastStatesAreWords(t *testing.T) {
	h := newHarness(t, func(o *Options, _ *postest.Provider) { o.HighContrast = true })
	inv := h.sale("12.50", "2")
	h.provider.Set(inv.OrderID, pos.StatusExpired, nil)
	h.advance(3 * time.Second)
	h.waitText("EXPIRED") // in words, not only in red
	if !strings.Contains(h.screen(), "Nothing was paid") {
		t.Fatal("the outcome is not explained in words")
	}
}
