package qr

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

const (
	urlShort = "https://example.com/p/1"
	url60    = "https://pay.cryptomus.com/pay/26109ba0-b05b-4ee0-93d1-fd62c82"
	bip21    = "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.00020833&label=Corner%20Caf%C3%A9"
)

// variants are the four ways the UI draws a code.
var variants = []struct {
	name string
	o    Options
}{
	{"half-block", Options{Mode: HalfBlock}},
	{"console", Options{Mode: Console}},
	{"half-block no-color dark", Options{Mode: HalfBlock, NoColor: true, DarkBackground: true}},
	{"half-block no-color light", Options{Mode: HalfBlock, NoColor: true}},
	{"console no-color dark", Options{Mode: Console, NoColor: true, DarkBackground: true}},
	{"console no-color light", Options{Mode: Console, NoColor: true}},
}

// TestRenderDecodes renders real payment URLs in every variant, reads the
// output back into modules the way a terminal would show them and decodes
// the picture with a real QR decoder.
func TestRenderDecodes(t *testing.T) {
	contents := []struct {
		name, text string
		level      Level
	}{
		{"short", urlShort, Medium},
		{"cryptomus", url60, Medium},
		{"bip21 low", bip21, Low},
		{"bip21 high", bip21, High},
		{"long quartile", url60 + "?lang=fr&return=" + strings.Repeat("x", 120), Quartile},
	}
	for _, c := range contents {
		for _, v := range variants {
			t.Run(c.name+"/"+v.name, func(t *testing.T) {
				o := v.o
				o.Level = c.level
				code, err := Render(c.text, o)
				if err != nil {
					t.Fatal(err)
				}
				if code.Quiet != 4 {
					t.Errorf("quiet zone = %d with unlimited space, want 4", code.Quiet)
				}
				modules := readModules(t, code, o)
				if got := decode(t, modules); got != c.text {
					t.Errorf("decoded %q, want %q", got, c.text)
				}
			})
		}
	}
}

// TestMinimalQuietZoneDecodes checks that the 2-module quiet zone is drawn
// light and still decodes.
func TestMinimalQuietZoneDecodes(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			o := v.o
			cols, rows, err := Size(url60, o)
			if err != nil {
				t.Fatal(err)
			}
			o.MaxCols, o.MaxRows = cols-1, rows-1
			code, err := Render(url60, o)
			if err != nil {
				t.Fatal(err)
			}
			if code.Quiet != 2 {
				t.Fatalf("quiet zone = %d, want 2", code.Quiet)
			}
			if got := decode(t, readModules(t, code, o)); got != url60 {
				t.Errorf("decoded %q, want %q", got, url60)
			}
		})
	}
}

// TestSurvivesDownsampling passes the output through the colour profile
// conversion Bubble Tea applies for the terminal, then decodes it: 16
// colours (TERM=linux) must give black 30/40 and bright white 97/107, and
// with NO_COLOR (the ASCII profile strips colours, keeps attributes) the
// NoColor variants must be untouched.
func TestSurvivesDownsampling(t *testing.T) {
	for _, v := range variants {
		profiles := []colorprofile.Profile{colorprofile.ANSI, colorprofile.ANSI256}
		if v.o.NoColor {
			profiles = []colorprofile.Profile{colorprofile.ASCII}
		}
		for _, p := range profiles {
			t.Run(v.name+"/"+p.String(), func(t *testing.T) {
				code, err := Render(url60, v.o)
				if err != nil {
					t.Fatal(err)
				}
				var buf strings.Builder
				w := &colorprofile.Writer{Forward: &buf, Profile: p}
				if _, err := w.WriteString(code.Text); err != nil {
					t.Fatal(err)
				}
				if v.o.NoColor && buf.String() != code.Text {
					t.Errorf("ASCII profile changed NoColor output")
				}
				if p == colorprofile.ANSI {
					_, seqs := splitEscapes(buf.String())
					for _, s := range seqs {
						params := strings.TrimSuffix(strings.TrimPrefix(s, "\x1b["), "m")
						for _, n := range strings.Split(params, ";") {
							switch n {
							case "", "0", "30", "40", "47", "97", "107": // console mode: base colours 40/47
							default:
								t.Fatalf("16-colour output has SGR %q", s)
							}
						}
					}
				}
				code.Text = buf.String()
				if got := decode(t, readModules(t, code, v.o)); got != url60 {
					t.Errorf("decoded %q, want %q", got, url60)
				}
			})
		}
	}
}

func TestLinesHaveEqualWidth(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			code, err := Render(bip21, v.o)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(code.Text, "\n")
			if len(lines) != code.Rows {
				t.Errorf("%d lines, Code.Rows = %d", len(lines), code.Rows)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != code.Cols {
					t.Errorf("line %d is %d cells wide, want %d", i, w, code.Cols)
				}
			}
		})
	}
}

// TestGlyphs checks which characters and escape sequences each variant may
// use: console mode only spaces, half-block colour mode only "▀" (no bare
// coloured space), no colour SGR at all with NoColor.
func TestGlyphs(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			code, err := Render(url60, v.o)
			if err != nil {
				t.Fatal(err)
			}
			var allowed string
			switch {
			case v.o.Mode == Console:
				allowed = " "
			case v.o.NoColor:
				allowed = " ▀▄█"
			default:
				allowed = "▀"
			}
			text, seqs := splitEscapes(code.Text)
			for _, r := range text {
				if r != '\n' && !strings.ContainsRune(allowed, r) {
					t.Fatalf("character %q in %s output; only %q allowed", r, v.name, allowed)
				}
			}
			for _, s := range seqs {
				if !strings.HasSuffix(s, "m") {
					t.Errorf("escape sequence %q is not SGR", s)
				}
				if v.o.NoColor && isColorSGR(s) {
					t.Errorf("colour escape sequence %q with NoColor", s)
				}
				if !v.o.NoColor && !isColorSGR(s) && s != "\x1b[m" {
					t.Errorf("sequence %q in colour output is neither a colour nor a reset", s)
				}
			}
			if v.o.NoColor && v.o.Mode == HalfBlock && len(seqs) > 0 {
				t.Errorf("NoColor half-block output has escape sequences %q", seqs)
			}
			if !v.o.NoColor && len(seqs) == 0 {
				t.Error("colour output has no escape sequence")
			}
		})
	}
}

func TestIsColorSGR(t *testing.T) {
	for s, want := range map[string]bool{
		"\x1b[m": false, "\x1b[0m": false, "\x1b[7m": false, "\x1b[27m": false, "\x1b[1;7m": false,
		"\x1b[30m": true, "\x1b[47m": true, "\x1b[97m": true, "\x1b[107m": true,
		"\x1b[38;2;0;0;0m": true, "\x1b[48;5;15m": true, "\x1b[7;40m": true,
	} {
		if got := isColorSGR(s); got != want {
			t.Errorf("isColorSGR(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestSize pins the layout numbers the UI relies on. url60 (61 bytes) is a
// version 4 code (33 modules) at level Medium, urlShort version 2 (25).
func TestSize(t *testing.T) {
	tests := []struct {
		name             string
		text             string
		o                Options
		cols, rows       int
		quiet            int
		tooSmall         *TooSmallError
		tooSmallSentence string
	}{
		{name: "half-block unlimited", text: url60, o: Options{},
			cols: 41, rows: 21, quiet: 4},
		{name: "console unlimited", text: url60, o: Options{Mode: Console},
			cols: 82, rows: 41, quiet: 4},
		{name: "half-block short", text: urlShort, o: Options{},
			cols: 33, rows: 17, quiet: 4},
		{name: "level high is larger", text: url60, o: Options{Level: High},
			cols: 53, rows: 27, quiet: 4}, // version 7: 45 modules
		// bip21 needs a different version at each level: 5, 6, 8, 9.
		{name: "bip21 low", text: bip21, o: Options{Level: Low},
			cols: 45, rows: 23, quiet: 4},
		{name: "bip21 medium", text: bip21, o: Options{Level: Medium},
			cols: 49, rows: 25, quiet: 4},
		{name: "bip21 quartile", text: bip21, o: Options{Level: Quartile},
			cols: 57, rows: 29, quiet: 4},
		{name: "bip21 high", text: bip21, o: Options{Level: High},
			cols: 61, rows: 31, quiet: 4},
		{name: "half-block exact fit", text: url60, o: Options{MaxCols: 41, MaxRows: 21},
			cols: 41, rows: 21, quiet: 4},
		{name: "half-block one row short", text: url60, o: Options{MaxCols: 80, MaxRows: 20},
			cols: 37, rows: 19, quiet: 2},
		{name: "half-block one column short", text: url60, o: Options{MaxCols: 40},
			cols: 37, rows: 19, quiet: 2},
		{name: "half-block minimal exact fit", text: url60, o: Options{MaxCols: 37, MaxRows: 19},
			cols: 37, rows: 19, quiet: 2},
		{name: "console two columns short", text: url60, o: Options{Mode: Console, MaxCols: 80, MaxRows: 50},
			cols: 74, rows: 37, quiet: 2},
		{name: "console too small", text: url60, o: Options{Mode: Console, MaxCols: 80, MaxRows: 24},
			cols: 74, rows: 37,
			tooSmall:         &TooSmallError{NeedCols: 74, NeedRows: 37, HaveCols: 80, HaveRows: 24},
			tooSmallSentence: "The window is too small for a scannable QR code: it needs 74 columns by 37 rows and has 80 by 24. Make the window larger or the font smaller."},
		{name: "half-block too narrow", text: url60, o: Options{MaxCols: 36, MaxRows: 19},
			cols: 37, rows: 19,
			tooSmall:         &TooSmallError{NeedCols: 37, NeedRows: 19, HaveCols: 36, HaveRows: 19},
			tooSmallSentence: "The window is too small for a scannable QR code: it needs 37 columns by 19 rows and has 36 by 19. Make the window larger or the font smaller."},
		{name: "half-block too low, width unlimited", text: url60, o: Options{MaxRows: 18},
			cols: 37, rows: 19,
			tooSmall:         &TooSmallError{NeedCols: 37, NeedRows: 19, HaveCols: 0, HaveRows: 18},
			tooSmallSentence: "The window is too small for a scannable QR code: it needs 19 rows and has 18. Make the window larger or the font smaller."},
		{name: "half-block too narrow, height unlimited", text: url60, o: Options{MaxCols: 20},
			cols: 37, rows: 19,
			tooSmall:         &TooSmallError{NeedCols: 37, NeedRows: 19, HaveCols: 20, HaveRows: 0},
			tooSmallSentence: "The window is too small for a scannable QR code: it needs 37 columns and has 20. Make the window larger or the font smaller."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols, rows, err := Size(tt.text, tt.o)
			if cols != tt.cols || rows != tt.rows {
				t.Errorf("Size = %dx%d, want %dx%d", cols, rows, tt.cols, tt.rows)
			}
			code, rerr := Render(tt.text, tt.o)
			if tt.tooSmall != nil {
				for _, e := range []error{err, rerr} {
					var ts *TooSmallError
					if !errors.As(e, &ts) {
						t.Fatalf("error = %v, want *TooSmallError", e)
					}
					if *ts != *tt.tooSmall {
						t.Errorf("TooSmallError = %+v, want %+v", *ts, *tt.tooSmall)
					}
					if ts.Error() != tt.tooSmallSentence {
						t.Errorf("message:\n got %q\nwant %q", ts.Error(), tt.tooSmallSentence)
					}
				}
				return
			}
			if err != nil || rerr != nil {
				t.Fatalf("Size error %v, Render error %v", err, rerr)
			}
			if code.Cols != cols || code.Rows != rows || code.Quiet != tt.quiet {
				t.Errorf("Render gave %dx%d quiet %d, want %dx%d quiet %d",
					code.Cols, code.Rows, code.Quiet, cols, rows, tt.quiet)
			}
			if code.Cols > tt.o.MaxCols && tt.o.MaxCols > 0 || code.Rows > tt.o.MaxRows && tt.o.MaxRows > 0 {
				t.Errorf("code %dx%d exceeds %dx%d", code.Cols, code.Rows, tt.o.MaxCols, tt.o.MaxRows)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name, text string
		o          Options
	}{
		{"empty", "", Options{}},
		{"too long", strings.Repeat("x", 3000), Options{}},
		{"unknown mode", url60, Options{Mode: Mode(7)}},
		{"unknown level", url60, Options{Level: Level(9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Render(tt.text, tt.o); err == nil {
				t.Error("Render: no error")
			}
			if _, _, err := Size(tt.text, tt.o); err == nil {
				t.Error("Size: no error")
			}
		})
	}
}

// TestGolden pins the exact bytes for a short URL. Run with -update after an
// intended change and look at the files with cat.
func TestGolden(t *testing.T) {
	for _, v := range []struct {
		file string
		o    Options
	}{
		{"halfblock.golden", Options{}},
		{"console.golden", Options{Mode: Console}},
		{"halfblock-nocolor-dark.golden", Options{NoColor: true, DarkBackground: true}},
		{"console-nocolor-light.golden", Options{Mode: Console, NoColor: true}},
	} {
		t.Run(v.file, func(t *testing.T) {
			code, err := Render(urlShort, v.o)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", v.file)
			got := code.Text + "\n"
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (rerun with -update if intended):\n%s", path, got)
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	for _, v := range variants[:4] {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(url60, v.o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// --- reading the output back, as a terminal would show it ---

type shade int

const (
	unset shade = iota
	darkShade
	lightShade
)

// cell is one terminal cell of the output.
type cell struct {
	glyph   rune
	fg, bg  shade
	reverse bool
}

// parseCells interprets SGR sequences and returns the cells of each line.
func parseCells(t *testing.T, s string) [][]cell {
	t.Helper()
	var lines [][]cell
	for _, line := range strings.Split(s, "\n") {
		var (
			cells   []cell
			fg, bg  shade
			reverse bool
		)
		for i := 0; i < len(line); {
			if line[i] == '\x1b' {
				end := strings.IndexByte(line[i:], 'm')
				if !strings.HasPrefix(line[i:], "\x1b[") || end < 0 {
					t.Fatalf("unexpected escape sequence at %q", line[i:])
				}
				params := line[i+2 : i+end]
				i += end + 1
				applySGR(t, params, &fg, &bg, &reverse)
				continue
			}
			r, size := utf8.DecodeRuneInString(line[i:])
			i += size
			cells = append(cells, cell{glyph: r, fg: fg, bg: bg, reverse: reverse})
		}
		lines = append(lines, cells)
	}
	return lines
}

func applySGR(t *testing.T, params string, fg, bg *shade, reverse *bool) {
	t.Helper()
	if params == "" {
		params = "0"
	}
	ps := strings.Split(params, ";")
	num := func(i int) int {
		if i >= len(ps) {
			t.Fatalf("truncated SGR %q", params)
		}
		n, err := strconv.Atoi(ps[i])
		if err != nil {
			t.Fatalf("bad SGR %q: %v", params, err)
		}
		return n
	}
	basic := func(n int) shade { // 0-7 normal, 8-15 bright
		if n == 0 || n == 8 {
			return darkShade
		}
		return lightShade
	}
	for i := 0; i < len(ps); i++ {
		switch n := num(i); {
		case n == 0:
			*fg, *bg, *reverse = unset, unset, false
		case n == 7:
			*reverse = true
		case n == 27:
			*reverse = false
		case n == 39:
			*fg = unset
		case n == 49:
			*bg = unset
		case n >= 30 && n <= 37:
			*fg = basic(n - 30)
		case n >= 40 && n <= 47:
			*bg = basic(n - 40)
		case n >= 90 && n <= 97:
			*fg = basic(n - 90 + 8)
		case n >= 100 && n <= 107:
			*bg = basic(n - 100 + 8)
		case n == 38 || n == 48:
			var c color.Color
			switch num(i + 1) {
			case 2:
				c = color.RGBA{uint8(num(i + 2)), uint8(num(i + 3)), uint8(num(i + 4)), 0xff}
				i += 4
			case 5:
				c = ansi.IndexedColor(num(i + 2))
				i += 2
			default:
				t.Fatalf("unsupported colour in SGR %q", params)
			}
			sh := lightShade
			if r, g, b, _ := c.RGBA(); r+g+b < 3*0x8000 {
				sh = darkShade
			}
			if n == 38 {
				*fg = sh
			} else {
				*bg = sh
			}
		default:
			t.Fatalf("unexpected SGR parameter %d in %q", n, params)
		}
	}
}

// readModules turns rendered output back into a grid of modules (true =
// dark), quiet zone included, checking that the output is well formed for
// its variant and that the quiet zone is light.
func readModules(t *testing.T, code Code, o Options) [][]bool {
	t.Helper()
	lines := parseCells(t, code.Text)
	if len(lines) != code.Rows {
		t.Fatalf("%d lines, Code.Rows = %d", len(lines), code.Rows)
	}
	var grid [][]bool
	for y, line := range lines {
		if len(line) != code.Cols {
			t.Fatalf("line %d has %d cells, Code.Cols = %d", y, len(line), code.Cols)
		}
		switch o.Mode {
		case HalfBlock:
			upper := make([]bool, len(line))
			lower := make([]bool, len(line))
			for x, c := range line {
				if o.NoColor {
					if c.fg != unset || c.bg != unset || c.reverse {
						t.Fatalf("styled cell %+v at %d,%d with NoColor", c, x, y)
					}
					var pu, pl bool
					switch c.glyph {
					case ' ':
					case '▀':
						pu = true
					case '▄':
						pl = true
					case '█':
						pu, pl = true, true
					default:
						t.Fatalf("glyph %q at %d,%d", c.glyph, x, y)
					}
					// Painted modules are the light ones on a dark terminal.
					upper[x], lower[x] = pu != o.DarkBackground, pl != o.DarkBackground
				} else {
					if c.glyph != '▀' || c.fg == unset || c.bg == unset {
						t.Fatalf("cell %+v at %d,%d is not a coloured ▀", c, x, y)
					}
					upper[x], lower[x] = c.fg == darkShade, c.bg == darkShade
				}
			}
			grid = append(grid, upper, lower)
		case Console:
			row := make([]bool, len(line)/2)
			for x, c := range line {
				if c.glyph != ' ' {
					t.Fatalf("glyph %q at %d,%d in console mode", c.glyph, x, y)
				}
				var d bool
				if o.NoColor {
					if c.fg != unset || c.bg != unset {
						t.Fatalf("coloured cell %+v at %d,%d with NoColor", c, x, y)
					}
					d = c.reverse != o.DarkBackground
				} else {
					if c.bg == unset {
						t.Fatalf("cell at %d,%d has no background colour", x, y)
					}
					d = c.bg == darkShade
				}
				if x%2 == 1 && row[x/2] != d {
					t.Fatalf("the two cells of module %d,%d differ", x/2, y)
				}
				row[x/2] = d
			}
			grid = append(grid, row)
		}
	}
	side := code.Modules + 2*code.Quiet
	if o.Mode == HalfBlock && len(grid) == side+1 {
		for x, d := range grid[side] {
			if d {
				t.Fatalf("padding half row is dark at %d", x)
			}
		}
		grid = grid[:side]
	}
	if len(grid) != side || len(grid[0]) != side {
		t.Fatalf("grid is %dx%d modules, want %d (Modules %d, Quiet %d)",
			len(grid[0]), len(grid), side, code.Modules, code.Quiet)
	}
	for y, row := range grid {
		for x, d := range row {
			inside := x >= code.Quiet && y >= code.Quiet && x < side-code.Quiet && y < side-code.Quiet
			if d && !inside {
				t.Fatalf("quiet zone module %d,%d is dark", x, y)
			}
		}
	}
	return grid
}

// decode draws the modules at 4x4 pixels each and decodes the picture.
func decode(t *testing.T, modules [][]bool) string {
	t.Helper()
	const scale = 4
	side := len(modules)
	img := image.NewGray(image.Rect(0, 0, side*scale, side*scale))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			v := color.Gray{Y: 255}
			if modules[y/scale][x/scale] {
				v.Y = 0
			}
			img.SetGray(x, y, v)
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, sketch(modules))
	}
	return res.GetText()
}

// sketch draws modules as text for failure messages.
func sketch(modules [][]bool) string {
	var b strings.Builder
	for _, row := range modules {
		for _, d := range row {
			if d {
				b.WriteString("##")
			} else {
				b.WriteString("..")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// splitEscapes returns s without its CSI sequences, and the sequences.
func splitEscapes(s string) (string, []string) {
	var text strings.Builder
	var seqs []string
	for i := 0; i < len(s); i++ {
		if s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			seqs = append(seqs, s[i:min(j+1, len(s))])
			i = j
			continue
		}
		text.WriteByte(s[i])
	}
	return text.String(), seqs
}

// isColorSGR reports whether an SGR sequence sets a colour.
func isColorSGR(seq string) bool {
	params := strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b["), "m")
	for _, p := range strings.Split(params, ";") {
		n, err := strconv.Atoi(p)
		if err != nil {
			continue
		}
		if n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107 {
			return true
		}
	}
	return false
}

func ExampleRender() {
	code, err := Render("https://example.com/p/1", Options{Mode: HalfBlock, MaxCols: 80, MaxRows: 24})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(code.Cols, code.Rows, code.Modules, code.Quiet)
	// Output: 33 17 25 4
}
