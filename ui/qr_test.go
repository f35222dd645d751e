package ui

import (
	"bytes"
	"image/color"
	"regexp"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"cryptopos/pos/postest"
	"cryptopos/qr/qrscan"
)

// TestCodeOnScreenScans reads the QR code off the rendered screen, as the
// renderer would paint it for each kind of terminal, and decodes it.
func TestCodeOnScreenScans(t *testing.T) {
	tests := []struct {
		name    string
		profile colorprofile.Profile
		dark    bool
		noColor bool
		console bool
		w, h    int
	}{
		{"truecolor dark", colorprofile.TrueColor, true, false, false, 80, 24},
		{"truecolor light", colorprofile.TrueColor, false, false, false, 80, 24},
		{"256 colours", colorprofile.ANSI256, true, false, false, 80, 24},
		{"16 colours", colorprofile.ANSI, true, false, false, 80, 24},
		{"NO_COLOR dark", colorprofile.Ascii, true, true, false, 80, 24},
		{"NO_COLOR light", colorprofile.Ascii, false, true, false, 80, 24},
		{"linux console", colorprofile.ANSI, true, false, true, 100, 50},
		{"narrow", colorprofile.TrueColor, true, false, false, 50, 34},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, func(o *Options, _ *postest.Provider) { o.Console = tt.console })
			h.send(tea.WindowSizeMsg{Width: tt.w, Height: tt.h})
			inv := h.sale("12.50", "2")
			if !tt.dark {
				h.send(tea.BackgroundColorMsg{Color: color.White})
			}
			if tt.noColor {
				h.send(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
			}
			var out bytes.Buffer
			w := &colorprofile.Writer{Forward: &out, Profile: tt.profile}
			if _, err := w.WriteString(h.m.View().Content); err != nil {
				t.Fatal(err)
			}
			if tt.noColor && colourSGR.Match(out.Bytes()) {
				t.Fatal("colour escape codes under NO_COLOR")
			}
			got, err := qrscan.Parse(out.String()).Decode()
			if err != nil {
				t.Fatalf("code does not scan: %v\n%s", err, h.screen())
			}
			if got != inv.URL {
				t.Fatalf("code says %q, want the invoice URL %q", got, inv.URL)
			}
		})
	}
}

// colourSGR matches SGR parameters that set a colour.
var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m`)
