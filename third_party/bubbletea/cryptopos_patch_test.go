package tea

// Tests of the cryptopos patches (see PATCH.md); upstream's own tests are
// not part of this copy.

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	uv "github.com/charmbracelet/ultraviolet"
)

func TestSelfContained(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  bool
	}{
		{"plain text", []string{"abc", "", "def"}, true},
		{"reset at the end", []string{"\x1b[1mabc\x1b[m"}, true},
		{"reset 0 then padding", []string{"\x1b[31mabc\x1b[0m   "}, true},
		{"style left open", []string{"ok", "\x1b[1mabc"}, false},
		{"style after the reset", []string{"\x1b[m\x1b[1mabc"}, false},
		{"hyperlink closed with ST", []string{"\x1b]8;;http://x\x1b\\x\x1b]8;;\x1b\\"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := selfContained(tc.lines); got != tc.want {
				t.Errorf("selfContained(%q) = %v, want %v", tc.lines, got, tc.want)
			}
		})
	}
}

// TestRowDiffMatchesAFullRedraw renders frames one after another and checks
// that the screen buffer always holds what clearing it and drawing the whole
// frame would: the lines-only redraw must never leave a stale cell.
func TestRowDiffMatchesAFullRedraw(t *testing.T) {
	const w, h = 24, 5
	frames := []string{
		"\x1b[1mTitle\x1b[m\n\x1b[31mred line here\x1b[m\n\n03:00 left\nkeys",
		"\x1b[1mTitle\x1b[m\n\x1b[31mred line here\x1b[m\n\n02:59 left\nkeys",
		"\x1b[1mTitle\x1b[m\n\x1b[32mgreen\x1b[m\n\nPAID\nkeys",                // shorter lines
		"\x1b[1mTitle\n\x1b[32mgreen, no reset\nstill green\nPAID\nkeys\x1b[m", // not self-contained
		"\x1b[1mTitle\x1b[m\nplain\n\nPAID\nkeys",
		"one line only", // fewer lines
		"a line far wider than the twenty-four columns\nb\nc\nd\ne", // clipped
		"a line far wider than the twenty-four columns!\nb\nc\nd\ne",
	}
	var out bytes.Buffer
	r := newCursedRenderer(&out, []string{"TERM=xterm-256color"}, w, h)
	for i, f := range frames {
		r.render(View{Content: f, AltScreen: true})
		if err := r.flush(false); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		want := uv.NewScreenBuffer(w, h)
		uv.NewStyledString(f).Draw(want, want.Bounds())
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if got, exp := r.cellbuf.CellAt(x, y), want.CellAt(x, y); !got.Equal(exp) {
					t.Fatalf("frame %d, cell (%d,%d): got %+v, want %+v", i, x, y, got, exp)
				}
			}
		}
	}
}

// TestRowDiffOutput checks what reaches the terminal: a frame that changes
// one line sends only that line, and a cleared or resized screen gets every
// line back.
func TestRowDiffOutput(t *testing.T) {
	var out bytes.Buffer
	r := newCursedRenderer(&out, []string{"TERM=xterm-256color"}, 20, 3)
	show := func(content string) string {
		t.Helper()
		out.Reset()
		r.render(View{Content: content, AltScreen: true})
		if err := r.flush(false); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	show("\x1b[1mTitle\x1b[m\n03:00 left\nkeys")
	if got := show("\x1b[1mTitle\x1b[m\n02:59 left\nkeys"); strings.Contains(got, "Title") || strings.Contains(got, "keys") {
		t.Errorf("a one-line change sent unchanged lines: %q", got)
	}
	r.clearScreen()
	if got := show("\x1b[1mTitle\x1b[m\n02:58 left\nkeys"); !strings.Contains(got, "Title") || !strings.Contains(got, "keys") {
		t.Errorf("after clearing the screen, not every line was drawn again: %q", got)
	}
	r.resize(20, 4)
	if got := show("\x1b[1mTitle\x1b[m\n02:58 left\nkeys\nmore"); !strings.Contains(got, "Title") {
		t.Errorf("after a resize, not every line was drawn again: %q", got)
	}
}

// BenchmarkFlushOneLineChanged is a waiting invoice's redraw: a 100x50
// screen of styled lines of which only the countdown changes.
func BenchmarkFlushOneLineChanged(b *testing.B) {
	lines := make([]string, 50)
	for y := range lines {
		lines[y] = "\x1b[38;5;252;48;5;235m" + strings.Repeat("\u2588\u2588  ", 25) + "\x1b[m"
	}
	var out bytes.Buffer
	r := newCursedRenderer(&out, []string{"TERM=xterm-256color"}, 100, 50)
	for i := 0; i < b.N; i++ {
		lines[40] = fmt.Sprintf("\x1b[1m%02d:%02d left\x1b[m", i/60%60, i%60)
		r.render(View{Content: strings.Join(lines, "\n"), AltScreen: true})
		if err := r.flush(false); err != nil {
			b.Fatal(err)
		}
		out.Reset()
	}
}
