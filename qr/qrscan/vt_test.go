package qrscan

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"cryptopos/qr"
)

func TestParseSGR(t *testing.T) {
	type want struct {
		x, y    int
		content string
		fg, bg  Color
		attrs   Attr
	}
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"plain", "ab", []want{{0, 0, "a", DefaultFG, DefaultBG, 0}, {1, 0, "b", DefaultFG, DefaultBG, 0}}},
		{"truecolor", "\x1b[38;2;1;2;3;48;2;250;251;252mX", []want{{0, 0, "X", RGB(1, 2, 3), RGB(250, 251, 252), 0}}},
		{"truecolor colon", "\x1b[38:2::1:2:3;48:2:250:251:252mX", []want{{0, 0, "X", RGB(1, 2, 3), RGB(250, 251, 252), 0}}},
		{"256", "\x1b[38;5;16;48;5;231mX", []want{{0, 0, "X", Indexed(16), Indexed(231), 0}}},
		{"16", "\x1b[30;107mX\x1b[97;40mY\x1b[37;100mZ", []want{
			{0, 0, "X", Indexed(0), Indexed(15), 0},
			{1, 0, "Y", Indexed(15), Indexed(0), 0},
			{2, 0, "Z", Indexed(7), Indexed(8), 0},
		}},
		{"reverse swaps", "\x1b[7m \x1b[31;7m!\x1b[27m.", []want{
			{0, 0, " ", DefaultBG, DefaultFG, Reverse},
			{1, 0, "!", DefaultBG, Indexed(1), Reverse},
			{2, 0, ".", Indexed(1), DefaultBG, 0},
		}},
		{"resets", "\x1b[1;2;31;42ma\x1b[22;39mb\x1b[49mc\x1b[1;31;42m\x1b[md\x1b[1;31m\x1b[0me", []want{
			{0, 0, "a", Indexed(1), Indexed(2), Bold | Faint},
			{1, 0, "b", DefaultFG, Indexed(2), 0},
			{2, 0, "c", DefaultFG, DefaultBG, 0},
			{3, 0, "d", DefaultFG, DefaultBG, 0},
			{4, 0, "e", DefaultFG, DefaultBG, 0},
		}},
		{"style carries over lines", "\x1b[41mab\ncd\x1b[m\ne", []want{
			{0, 1, "c", DefaultFG, Indexed(1), 0},
			{0, 2, "e", DefaultFG, DefaultBG, 0},
		}},
		{"wide runes take two columns", "支x", []want{{0, 0, "支", DefaultFG, DefaultBG, 0}, {1, 0, "", DefaultFG, DefaultBG, 0}, {2, 0, "x", DefaultFG, DefaultBG, 0}}},
		{"other sequences ignored", "\x1b]8;;https://x.y\x1b\\a\x1b]8;;\x07\x1b[?25l\x1b[>1u\x1b[2 qb", []want{
			{0, 0, "a", DefaultFG, DefaultBG, 0}, {1, 0, "b", DefaultFG, DefaultBG, 0},
		}},
		{"unknown SGR ignored", "\x1b[53;58;2;1;2;3;31mx", []want{{0, 0, "x", Indexed(1), DefaultBG, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Parse(tt.in)
			for _, w := range tt.want {
				got := s.Cell(w.x, w.y)
				if got.Content != w.content || got.FG != w.fg || got.BG != w.bg || got.Attrs != w.attrs {
					t.Errorf("cell %d,%d = %q %v/%v %b, want %q %v/%v %b", w.x, w.y,
						got.Content, got.FG, got.BG, got.Attrs, w.content, w.fg, w.bg, w.attrs)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	s := Parse("\x1b[1m  title  \x1b[m\n支払い \x1b[44m   \x1b[m\n\n\n")
	if got, want := s.Text(), "  title\n支払い"; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if c, r := s.Size(); c != 10 || r != 5 {
		t.Errorf("Size() = %d, %d, want 10, 5", c, r)
	}
	if c := s.Cell(99, 99); c != blank {
		t.Errorf("cell outside the screen = %+v", c)
	}
}

// TestVT checks the emulator sequence by sequence on a small terminal.
func TestVT(t *testing.T) {
	red := "\x1b[41m"
	tests := []struct {
		name string
		in   string
		text string // Text() of the 10x4 screen
		// bg lists the cells that have a red background, as "x,y".
		bg []string
	}{
		{"CUP and text", "\x1b[2;3Hab\x1b[Hc", "c\n  ab", nil},
		{"relative moves", "\x1b[3;5Hx\x1b[2Ay\x1b[3Dz\x1b[Bw\x1b[2Cv", "   z y\n    w  v\n    x", nil},
		{"CHA HPA VPA CNL CPL", "\x1b[3Ga\x1b[6`b\x1b[2dc\x1b[4;5H\x1b[Fd\x1b[Ee", "  a  b\n      c\nd\ne", nil},
		{"CR LF BS", "ab\r\nc\x08d\ne", "ab\nd\n e", nil},
		{"autowrap", "0123456789ab", "0123456789\nab", nil},
		{"pending wrap then CR", "0123456789\rX", "X123456789", nil},
		{"no autowrap", "\x1b[?7l0123456789ab\x1b[?7h", "012345678b", nil},
		{"ECH with background", "abcdef\x1b[2G" + red + "\x1b[3X\x1b[m", "a   ef", span(0, 1, 4)},
		{"EL 0 1 2", "abcdef\x1b[3G" + red + "\x1b[K\x1b[m\r\nghijkl\x1b[3G\x1b[1K\r\nmn\x1b[2K", "ab\n   jkl", span(0, 2, 10)},
		{"ED 0", "aaaa\r\nbbbb\r\ncccc\x1b[2;3H\x1b[J", "aaaa\nbb", nil},
		{"ED 1", "aaaa\r\nbbbb\r\ncccc\x1b[2;3H\x1b[1J", "\n   b\ncccc", nil},
		{"ED 2", "aaaa\r\nbbbb\x1b[2J", "", nil},
		{"REP", "\x1b[2;2H" + red + " \x1b[4b\x1b[mx-\x1b[2b", "\n      x---", span(1, 1, 6)},
		{"REP wraps", "\x1b[9G=\x1b[3b", "        ==\n==", nil},
		{"REP after a move repeats nothing", "a\x1b[3G\x1b[2b", "a", nil},
		{"ICH DCH", "abcdef\x1b[2G\x1b[2@\x1b[5G\x1b[P", "a  bdef", nil},
		{"insert mode", "abc\x1b[G\x1b[4hXY\x1b[4lZ", "XYZbc", nil},
		{"IL DL", "1\r\n2\r\n3\r\n4\x1b[2;1H\x1b[L\x1b[4;1H\x1b[M", "1\n\n2", nil},
		{"scroll at bottom", "1\r\n2\r\n3\r\n4\r\n5", "2\n3\n4\n5", nil},
		{"LF keeps the column", "ab\ncd", "ab\n  cd", nil},
		{"SU", "1\r\n2\r\n3\r\n4\x1b[S", "2\n3\n4", nil},
		{"SD", "1\r\n2\r\n3\r\n4\x1b[2T", "\n\n1\n2", nil},
		{"scrolling region", "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[3;1H\n\x1b[r", "1\n3\n\n4", nil},
		{"RI at top margin", "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[2;1H\x1bM\x1b[r", "1\n\n2\n4", nil},
		{"IND NEL", "a\x1bDb\x1bEc", "a\n b\nc", nil},
		{"scrolled-in lines take the background", "\x1b[4;1H" + red + "\n\x1b[m", "", span(3, 0, 10)},
		{"tabs", "a\tb\x1b[2Ic\x1b[Zd", "a       dc", nil},
		{"tab stops set and cleared", "\x1b[3g\x1b[4G\x1bH\ra\tb\x1b[4G\x1b[g\ra\tc", "a  b     c", nil},
		{"save restore", "ab\x1b7\x1b[3;3Hx\x1b8c\x1b[2;2H\x1b[sy\x1b[4;4H\x1b[uz", "abc\n z\n  x", nil},
		{"alt screen clears", "abc\x1b[?1049h\x1b[Hd", "d", nil},
		{"RIS", "abc\x1b[2;3r\x1bcd", "d", nil},
		{"wide at the edge wraps", "012345678支", "012345678\n支", nil},
		{"overwriting half a wide rune", "支払\x1b[2Gx", " x払", nil},
		{"OSC and DCS ignored", "\x1b]0;title\x07a\x1bP1$r0m\x1b\\b", "ab", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ParseVT([]byte(tt.in), 10, 4)
			if got := s.Text(); got != tt.text {
				t.Errorf("text:\n got %q\nwant %q", got, tt.text)
			}
			if c, r := s.Size(); c != 10 || r != 4 {
				t.Errorf("size %dx%d", c, r)
			}
			var red []string
			for y := range 4 {
				for x := range 10 {
					if s.Cell(x, y).BG == Indexed(1) {
						red = append(red, fmt.Sprintf("%d,%d", x, y))
					}
				}
			}
			if fmt.Sprint(red) != fmt.Sprint(tt.bg) {
				t.Errorf("red cells %v, want %v", red, tt.bg)
			}
		})
	}
}

// span lists the cells x0 to x1-1 of line y as "x,y".
func span(y, x0, x1 int) []string {
	var s []string
	for x := x0; x < x1; x++ {
		s = append(s, fmt.Sprintf("%d,%d", x, y))
	}
	return s
}

// consoleStream draws a console-mode code the way Bubble Tea's renderer
// does under TERM=linux (or in true colour): absolute and relative cursor
// moves (CUP, CR LF + CUF, VPA + HPA), runs of coloured blanks as ECH
// followed by a cursor move, as a blank and REP, or as literal spaces, the
// right quiet zone erased with ECH and never printed, and text around.
func consoleStream(t *testing.T, url string, linux bool) []byte {
	t.Helper()
	code, err := qr.Render(url, qr.Options{Mode: qr.Console})
	if err != nil {
		t.Fatal(err)
	}
	src := Parse(code.Text)
	side := code.Modules + 2*code.Quiet
	var b bytes.Buffer
	b.WriteString("\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J")
	b.WriteString("\x1b[1;1H\x1b[1;97;45m CryptoPOS · Invoice #42\x1b[K\x1b[m")
	const x0, y0 = 2, 2
	sgr := func(dark bool) string {
		switch {
		case linux && dark:
			return "\x1b[40m"
		case linux:
			return "\x1b[107m"
		case dark:
			return "\x1b[48;2;0;0;0m"
		default:
			return "\x1b[48;2;255;255;255m"
		}
	}
	runs := 0
	for my := range side {
		switch my % 3 {
		case 0:
			fmt.Fprintf(&b, "\x1b[%d;%dH", y0+my+1, x0+1)
		case 1:
			fmt.Fprintf(&b, "\r\n\x1b[%dC", x0)
		case 2:
			fmt.Fprintf(&b, "\x1b[%dd\x1b[%d`", y0+my+1, x0+1)
		}
		col := x0
		for mx := 0; mx < side; {
			dark := src.Cell(2*mx, my).BG.dark(true)
			n := 1
			for mx+n < side && src.Cell(2*(mx+n), my).BG.dark(true) == dark {
				n++
			}
			cells := 2 * n
			mx += n
			last := mx == side
			b.WriteString(sgr(dark))
			switch {
			case last || runs%3 == 0:
				fmt.Fprintf(&b, "\x1b[%dX", cells)
				if !last {
					if runs%2 == 0 {
						fmt.Fprintf(&b, "\x1b[%d`", col+cells+1)
					} else {
						fmt.Fprintf(&b, "\x1b[%dC", cells)
					}
				}
			case runs%3 == 1:
				fmt.Fprintf(&b, " \x1b[%db", cells-1)
			default:
				b.WriteString(strings.Repeat(" ", cells))
			}
			runs++
			col += cells
		}
		b.WriteString("\x1b[m")
		if my%5 == 2 {
			fmt.Fprintf(&b, "\x1b[%d`\x1b[1mAmount\x1b[22m 12.50 USDT", x0+2*side+4)
		}
	}
	fmt.Fprintf(&b, "\x1b[%d;1H\x1b[90mesc cancel • q quit\x1b[m", y0+side+2)
	return b.Bytes()
}

func TestDecodeVTConsole(t *testing.T) {
	for _, url := range urls {
		for _, linux := range []bool{true, false} {
			t.Run(fmt.Sprintf("%.20s/linux=%v", strings.TrimPrefix(url, "https://"), linux), func(t *testing.T) {
				t.Parallel()
				raw := consoleStream(t, url, linux)
				for _, seq := range []string{"X", "b", "`", "C", "d"} {
					if !bytes.Contains(raw, []byte(seq)) {
						t.Fatalf("stream lacks %q", seq)
					}
				}
				const cols, rows = 160, 64
				got, err := DecodeVT(raw, cols, rows)
				if err != nil {
					t.Fatalf("DecodeVT: %v\n%s", err, sketch(ParseVT(raw, cols, rows)))
				}
				if got != url {
					t.Errorf("DecodeVT = %q, want %q", got, url)
				}
				s := ParseVT(raw, cols, rows)
				if txt := s.Text(); !strings.Contains(txt, "CryptoPOS · Invoice #42") ||
					!strings.Contains(txt, "Amount 12.50 USDT") || !strings.Contains(txt, "esc cancel") {
					t.Errorf("text around the code is missing:\n%s", txt)
				}
				// What capture-pane would give of the same screen cannot
				// be read: the erased blanks at the line ends are gone.
				if got, err := Parse(capture(s)).Decode(); err == nil {
					t.Errorf("capture of the screen decoded to %q; the test stream does not exercise erased cells", got)
				}
				// Without REP the emulator would lose runs of modules.
				noREP := regexp.MustCompile(`\x1b\[[0-9]*b`).ReplaceAll(raw, nil)
				if got, err := DecodeVT(noREP, cols, rows); err == nil && got == url {
					t.Errorf("decoded without REP; the test stream does not exercise it")
				}
			})
		}
	}
}

// --- the emulator against Bubble Tea's own renderer ---

// toColor converts a colour of a uv cell as the renderer emits it under p.
func toColor(c color.Color, p colorprofile.Profile, def Color) Color {
	if c == nil {
		return def
	}
	switch c := p.Convert(c).(type) {
	case nil:
		return def
	case ansi.BasicColor:
		return Indexed(uint8(c))
	case ansi.IndexedColor:
		return Indexed(uint8(c))
	default:
		r, g, b, _ := c.RGBA()
		return RGB(uint8(r>>8), uint8(g>>8), uint8(b>>8))
	}
}

// compareBuffer checks that the emulator shows what the renderer drew.
func compareBuffer(t *testing.T, frame int, got *Screen, buf *uv.RenderBuffer, p colorprofile.Profile) {
	t.Helper()
	errs := 0
	for y := range buf.Height() {
		for x := range buf.Width() {
			uc := buf.CellAt(x, y)
			want := Cell{Content: uc.Content,
				FG: toColor(uc.Style.Fg, p, DefaultFG), BG: toColor(uc.Style.Bg, p, DefaultBG)}
			if uc.Style.Attrs&uv.AttrReverse != 0 {
				want.FG, want.BG = want.BG, want.FG
			}
			g := got.Cell(x, y)
			// A wide rune's second column has no style in the renderer's
			// buffer (the emulator gives it the rune's colours, as a
			// terminal shows it), and a blank's foreground is invisible.
			if want.Content == "" {
				want.FG, want.BG = g.FG, g.BG
			}
			if want.Content == " " {
				want.FG = g.FG
			}
			if g.Content != want.Content || g.FG != want.FG || g.BG != want.BG {
				if errs++; errs <= 5 {
					t.Errorf("frame %d: cell %d,%d = %q %v/%v, renderer drew %q %v/%v",
						frame, x, y, g.Content, g.FG, g.BG, want.Content, want.FG, want.BG)
				}
			}
		}
	}
	if errs > 5 {
		t.Errorf("frame %d: %d cells differ", frame, errs)
	}
}

// renderer is Bubble Tea v2's renderer set up as its cursed renderer does
// in the alternate screen.
type renderer struct {
	out     bytes.Buffer
	r       *uv.TerminalRenderer
	buf     uv.ScreenBuffer
	profile colorprofile.Profile
	mapNL   bool
}

var terms = []struct {
	term     string
	profile  colorprofile.Profile
	tabs, bs bool
	mapNL    bool
}{
	{"linux", colorprofile.ANSI, false, false, false},
	{"xterm-256color", colorprofile.ANSI256, true, true, false},
	{"tmux-256color", colorprofile.TrueColor, true, false, true},
	{"screen", colorprofile.ANSI256, false, true, false},
}

func newRenderer(term string, p colorprofile.Profile, cols, rows int, tabs, bs, mapNL bool) *renderer {
	r := &renderer{profile: p, mapNL: mapNL}
	r.r = uv.NewTerminalRenderer(&r.out, []string{"TERM=" + term})
	r.r.SetColorProfile(p)
	r.r.SetRelativeCursor(true)
	r.r.SetFullscreen(false)
	if tabs {
		r.r.SetTabStops(cols)
	} else {
		r.r.SetTabStops(-1)
	}
	r.r.SetBackspace(bs)
	r.r.SetMapNewline(mapNL)
	r.r.SetScrollOptim(true)
	r.r.EnterAltScreen()
	r.r.Resize(cols, rows)
	r.buf = uv.NewScreenBuffer(cols, rows)
	return r
}

// flush renders the buffer and returns everything written so far, with
// "\n" turned into "\r\n" when the renderer counts on the tty doing it.
func (r *renderer) flush(t *testing.T) []byte {
	t.Helper()
	r.r.Render(r.buf.RenderBuffer)
	if err := r.r.Flush(); err != nil {
		t.Fatal(err)
	}
	raw := r.out.Bytes()
	if r.mapNL {
		raw = bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))
	}
	return raw
}

// TestVTMatchesRenderer draws random frames with Bubble Tea's renderer
// (runs of equal cells for ECH and REP, wide runes, colours, reverse video,
// lines moving up and down for its scroll optimisation) and checks after
// every frame that the emulator shows exactly what the renderer meant.
func TestVTMatchesRenderer(t *testing.T) {
	const cols, rows = 40, 12
	palette := []color.Color{nil, color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255},
		color.RGBA{0x7d, 0x56, 0xf4, 255}, color.RGBA{0x04, 0xb5, 0x75, 255}}
	contents := []string{" ", " ", " ", "a", "Z", "▀", "▄", "█", "·", "支"}
	for _, tm := range terms {
		t.Run(tm.term, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(7, uint64(len(tm.term))))
			randomLine := func() []uv.Cell {
				var l []uv.Cell
				for len(l) < cols {
					c := uv.Cell{Content: contents[rng.IntN(len(contents))], Width: 1}
					c.Style.Fg = palette[rng.IntN(len(palette))]
					c.Style.Bg = palette[rng.IntN(len(palette))]
					if rng.IntN(6) == 0 {
						c.Style.Attrs |= uv.AttrReverse
					}
					if rng.IntN(5) == 0 {
						c.Style.Attrs |= uv.AttrBold
					}
					if c.Content == "支" {
						c.Width = 2
					}
					for n := 1 + rng.IntN(12)*rng.IntN(2); n > 0 && len(l)+c.Width <= cols; n-- {
						l = append(l, c)
						if c.Width == 2 {
							l = append(l, uv.Cell{})
						}
					}
					if c.Width == 2 && len(l) == cols-1 {
						l = append(l, uv.EmptyCell)
					}
				}
				return l
			}
			model := make([][]uv.Cell, rows)
			for y := range model {
				model[y] = randomLine()
			}
			r := newRenderer(tm.term, tm.profile, cols, rows, tm.tabs, tm.bs, tm.mapNL)
			for frame := range 30 {
				switch k := rng.IntN(4); {
				case frame == 0:
				case k == 0: // scroll up
					n := 1 + rng.IntN(3)
					model = append(model[n:], model[:n]...)
					for y := rows - n; y < rows; y++ {
						model[y] = randomLine()
					}
				case k == 1: // scroll down
					n := 1 + rng.IntN(3)
					model = append(model[rows-n:], model[:rows-n]...)
					for y := range n {
						model[y] = randomLine()
					}
				default: // change a few lines
					for range 1 + rng.IntN(4) {
						model[rng.IntN(rows)] = randomLine()
					}
				}
				for y, l := range model {
					for x := range l {
						if l[x].Width == 0 {
							continue
						}
						c := l[x]
						r.buf.SetCell(x, y, &c)
					}
				}
				raw := r.flush(t)
				compareBuffer(t, frame, ParseVT(raw, cols, rows), r.buf.RenderBuffer, tm.profile)
				if t.Failed() {
					t.Fatalf("stream so far: %q", raw)
				}
			}
		})
	}
}

// TestDecodeVTRenderer draws the invoice screens with Bubble Tea's renderer
// for several terminals, after a first frame with other content so that the
// code arrives as an update, and decodes the replayed output.
func TestDecodeVTRenderer(t *testing.T) {
	for _, tm := range terms {
		for _, v := range variants {
			if v.o.NoColor && tm.profile != colorprofile.ANSI256 {
				continue
			}
			for _, url := range []string{urlShort, url60} {
				t.Run(fmt.Sprintf("%s/%s/%.20s", tm.term, v.name, strings.TrimPrefix(url, "https://")), func(t *testing.T) {
					t.Parallel()
					view, cols, rows := invoiceScreen(t, url, v.o)
					loading := strings.Replace(view, "12.50 USDT", "--.-- USDT", 1)
					loading = strings.Join(strings.Split(loading, "\n")[:3], "\n") + "\nCreating the invoice…"
					r := newRenderer(tm.term, tm.profile, cols, rows, tm.tabs, tm.bs, tm.mapNL)
					for i, frame := range []string{loading, view, strings.Replace(view, "14:59", "14:58", 1)} {
						uv.NewStyledString(frame).Draw(r.buf, r.buf.Bounds())
						raw := r.flush(t)
						s := ParseVT(raw, cols, rows)
						compareBuffer(t, i, s, r.buf.RenderBuffer, tm.profile)
						if i == 0 {
							if _, err := s.Decode(); !errors.Is(err, ErrNoCode) {
								t.Errorf("frame 0 without a code: error %v", err)
							}
							continue
						}
						got, err := s.Decode()
						if err != nil {
							t.Fatalf("frame %d: DecodeVT: %v\n%s", i, err, sketch(s))
						}
						if got != url {
							t.Errorf("frame %d: DecodeVT = %q, want %q", i, got, url)
						}
					}
				})
			}
		}
	}
}
