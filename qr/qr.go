// Package qr renders a payment URL as a QR code made of terminal text, for
// the Invoice screen.
//
// The result is a plain string of equal-width lines joined by "\n" that Bubble
// Tea can print as it is. With colour, the code is always drawn with explicit
// colours, black modules on a white quiet zone, so it scans the same on a
// dark and on a light terminal theme; Bubble Tea's renderer downsamples the
// 24-bit colours to whatever the terminal supports (under TERM=linux they
// become SGR 30/40 and 97/107).
//
// Two layouts exist. [HalfBlock] (the default) packs two modules into one
// cell with the glyph "▀" whose foreground paints the upper module and whose
// background paints the lower one, so every cell carries a glyph and nothing
// is lost when a terminal or tmux optimises away coloured blanks. [Console]
// is for the Linux console, whose font has no block glyphs: each module is two
// spaces painted with a background colour, one text row per module.
//
// With [Options.NoColor] (NO_COLOR set) no colour escape sequence is
// emitted at all; see [Options] for how the code is drawn then.
package qr

import (
	"errors"
	"fmt"
	"image/color"
	"strings"

	"github.com/charmbracelet/x/ansi"
	qrcode "github.com/skip2/go-qrcode"
)

// Mode selects how modules are laid out in terminal cells.
type Mode int

const (
	// HalfBlock draws one module per column and two modules per text row
	// with "▀" (foreground = upper module, background = lower module).
	// A code of N modules (quiet zone included) takes N columns and
	// ceil(N/2) rows; when N is odd the lower half of the last row is light.
	HalfBlock Mode = iota
	// Console draws each module as two spaces painted with a background
	// colour, one text row per module: 2N columns by N rows. It uses no
	// glyph beyond the space, for the Linux console (TERM=linux).
	Console
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case HalfBlock:
		return "half-block"
	case Console:
		return "console"
	default:
		return fmt.Sprintf("Mode(%d)", int(m))
	}
}

// Level is the error correction level of the code. The zero value is
// [Medium].
type Level int

const (
	// Medium recovers about 15% of damaged modules. The default.
	Medium Level = iota
	// Low recovers about 7%: the smallest code.
	Low
	// Quartile recovers about 25%.
	Quartile
	// High recovers about 30%: the largest code.
	High
)

// Options controls [Render] and [Size]. The zero value renders a colour
// half-block code at error correction level Medium with no size limit.
type Options struct {
	// Mode is the cell layout, HalfBlock by default.
	Mode Mode

	// NoColor draws without any colour escape sequence (for NO_COLOR),
	// using the terminal's own foreground and background. Only one of the
	// two module colours is drawn then ("painted"), and DarkBackground
	// says which, so that the code always reads dark on light as scanners
	// expect:
	//
	//   - on a dark terminal the light modules, quiet zone included, are
	//     painted (they show in the terminal's light foreground colour);
	//   - on a light terminal the dark modules are painted.
	//
	// In HalfBlock mode painted modules are glyphs: "█" both halves, "▀"
	// upper half, "▄" lower half, a space neither. In Console mode painted
	// modules are two spaces in reverse video (SGR 7, an attribute, not a
	// colour) rather than "██": the Linux console's fonts cannot be
	// relied on for block glyphs, which is why Console mode exists, while
	// every terminal honours reverse video. Bubble Tea's renderer also
	// never replaces reverse-video blanks with erase sequences, so such a
	// code survives a tmux capture-pane.
	NoColor bool

	// DarkBackground tells whether the terminal's background is dark. It
	// matters only with NoColor.
	DarkBackground bool

	// MaxCols and MaxRows are the space available in terminal cells; 0 (or
	// less) means unlimited. The code gets a quiet zone of 4 modules if it
	// fits, else 2; if even that does not fit, Render and Size return a
	// *TooSmallError.
	MaxCols, MaxRows int

	// Level is the error correction level, Medium by default.
	Level Level
}

// Code is a rendered QR code.
type Code struct {
	// Text is the code as lines joined by "\n" (no trailing newline),
	// every line Cols cells wide. Each line ends with its styles reset.
	Text string
	// Cols and Rows are the size of Text in terminal cells.
	Cols, Rows int
	// Modules is the side of the symbol in modules, quiet zone excluded.
	Modules int
	// Quiet is the width of the quiet zone in modules (4 or 2).
	Quiet int
}

// TooSmallError reports that not even a code with the minimal quiet zone
// fits the space given in Options. Need is the size of that minimal code;
// Have is Options.MaxCols and Options.MaxRows (0 for unlimited).
type TooSmallError struct {
	NeedCols, NeedRows int
	HaveCols, HaveRows int
}

// Error returns a sentence that can be shown to the cashier as it is.
func (e *TooSmallError) Error() string {
	var need, have string
	switch {
	case e.HaveCols <= 0:
		need = fmt.Sprintf("%d rows", e.NeedRows)
		have = fmt.Sprintf("%d", e.HaveRows)
	case e.HaveRows <= 0:
		need = fmt.Sprintf("%d columns", e.NeedCols)
		have = fmt.Sprintf("%d", e.HaveCols)
	default:
		need = fmt.Sprintf("%d columns by %d rows", e.NeedCols, e.NeedRows)
		have = fmt.Sprintf("%d by %d", e.HaveCols, e.HaveRows)
	}
	return "The window is too small for a scannable QR code: it needs " + need +
		" and has " + have + ". Make the window larger or the font smaller."
}

const (
	quietZone    = 4 // what the QR specification asks for
	minQuietZone = 2 // what phone scanners read reliably
)

var (
	dark  color.Color = color.RGBA{0x00, 0x00, 0x00, 0xff} // lipgloss.Color("#000000")
	light color.Color = color.RGBA{0xff, 0xff, 0xff, 0xff} // lipgloss.Color("#FFFFFF")
)

const reset = "\x1b[m"

var (
	// halfSGR is indexed by upperDark<<1 | lowerDark.
	halfSGR = [4]string{
		ansi.Style{}.ForegroundColor(light).BackgroundColor(light).String(),
		ansi.Style{}.ForegroundColor(light).BackgroundColor(dark).String(),
		ansi.Style{}.ForegroundColor(dark).BackgroundColor(light).String(),
		ansi.Style{}.ForegroundColor(dark).BackgroundColor(dark).String(),
	}
	// consoleSGR is indexed by dark (0 or 1). The Linux console has only
	// the 8 base colours for backgrounds: black and white (SGR 40, 47).
	consoleSGR = [2]string{
		ansi.Style{}.BackgroundColor(ansi.White).String(),
		ansi.Style{}.BackgroundColor(ansi.Black).String(),
	}
	// halfGlyph is indexed by upperPainted<<1 | lowerPainted.
	halfGlyph = [4]string{" ", "▄", "▀", "█"}
	reverse   = ansi.Style{}.Reverse(true).String()
)

// Size returns the size in terminal cells of the code Render would draw for
// content with o, without drawing it; the UI uses it for layout. When not
// even the minimal quiet zone fits, it returns the size of the minimal code
// and a *TooSmallError.
func Size(content string, o Options) (cols, rows int, err error) {
	_, _, cols, rows, err = plan(content, o)
	return cols, rows, err
}

// Render draws content as a QR code with o. It fails with a *TooSmallError
// when the code does not fit o.MaxCols by o.MaxRows, and with another error
// when content is empty or too long for a QR code.
func Render(content string, o Options) (Code, error) {
	q, quiet, cols, rows, err := plan(content, o)
	if err != nil {
		return Code{}, err
	}
	q.DisableBorder = true // the quiet zone is ours to draw
	bm := q.Bitmap()       // encodes; must be called only once per *QRCode
	n := len(bm)
	if want := symbolSize(q.VersionNumber); n != want {
		return Code{}, fmt.Errorf("qr: encoder returned %d modules, want %d", n, want)
	}

	g := grid{bm: bm, n: n, quiet: quiet, side: n + 2*quiet}
	// Grow by the bytes per cell measured for real URLs, so that the
	// builder does not reallocate.
	var b strings.Builder
	switch {
	case o.Mode == HalfBlock && !o.NoColor:
		b.Grow(rows * cols * 21)
		g.halfColor(&b)
	case o.Mode == HalfBlock:
		b.Grow(rows * cols * 3)
		g.halfNoColor(&b, o.DarkBackground)
	case !o.NoColor:
		b.Grow(rows * cols * 5)
		g.consoleColor(&b)
	default:
		b.Grow(rows * cols * 2)
		g.consoleNoColor(&b, o.DarkBackground)
	}
	return Code{Text: b.String(), Cols: cols, Rows: rows, Modules: n, Quiet: quiet}, nil
}

// plan encodes nothing yet: it picks the version and the quiet zone.
func plan(content string, o Options) (q *qrcode.QRCode, quiet, cols, rows int, err error) {
	if content == "" {
		return nil, 0, 0, 0, errors.New("qr: nothing to encode")
	}
	if o.Mode != HalfBlock && o.Mode != Console {
		return nil, 0, 0, 0, fmt.Errorf("qr: unknown mode %d", int(o.Mode))
	}
	level, err := o.Level.recovery()
	if err != nil {
		return nil, 0, 0, 0, err
	}
	q, err = qrcode.New(content, level)
	if err != nil {
		return nil, 0, 0, 0, fmt.Errorf("qr: cannot encode %d bytes: %w", len(content), err)
	}
	n := symbolSize(q.VersionNumber)
	for _, quiet = range [...]int{quietZone, minQuietZone} {
		cols, rows = cells(n+2*quiet, o.Mode)
		if (o.MaxCols <= 0 || cols <= o.MaxCols) && (o.MaxRows <= 0 || rows <= o.MaxRows) {
			return q, quiet, cols, rows, nil
		}
	}
	return nil, 0, cols, rows, &TooSmallError{
		NeedCols: cols, NeedRows: rows,
		HaveCols: max(o.MaxCols, 0), HaveRows: max(o.MaxRows, 0),
	}
}

func (l Level) recovery() (qrcode.RecoveryLevel, error) {
	switch l {
	case Medium:
		return qrcode.Medium, nil
	case Low:
		return qrcode.Low, nil
	case Quartile:
		return qrcode.High, nil // skip2 calls Q "High" and H "Highest"
	case High:
		return qrcode.Highest, nil
	default:
		return 0, fmt.Errorf("qr: unknown error correction level %d", int(l))
	}
}

// symbolSize is the side in modules of a QR code of the given version.
func symbolSize(version int) int { return 17 + 4*version }

// cells is the size in terminal cells of a code side modules wide, quiet zone
// included.
func cells(side int, m Mode) (cols, rows int) {
	if m == Console {
		return 2 * side, side
	}
	return side, (side + 1) / 2
}

// grid answers whether a module is dark, with the quiet zone around the
// symbol; coordinates past the side (the odd half row) are light.
type grid struct {
	bm       [][]bool
	n, quiet int
	side     int // n + 2*quiet
}

func (g *grid) dark(x, y int) bool {
	x -= g.quiet
	y -= g.quiet
	return x >= 0 && y >= 0 && x < g.n && y < g.n && g.bm[y][x]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (g *grid) halfColor(b *strings.Builder) {
	for y := 0; y < g.side; y += 2 {
		if y > 0 {
			b.WriteByte('\n')
		}
		prev := -1
		for x := 0; x < g.side; x++ {
			k := b2i(g.dark(x, y))<<1 | b2i(g.dark(x, y+1))
			if k != prev {
				b.WriteString(halfSGR[k])
				prev = k
			}
			b.WriteString("▀")
		}
		b.WriteString(reset)
	}
}

func (g *grid) halfNoColor(b *strings.Builder, darkBG bool) {
	for y := 0; y < g.side; y += 2 {
		if y > 0 {
			b.WriteByte('\n')
		}
		for x := 0; x < g.side; x++ {
			// On a dark terminal the light modules are painted.
			upper := g.dark(x, y) != darkBG
			lower := g.dark(x, y+1) != darkBG
			b.WriteString(halfGlyph[b2i(upper)<<1|b2i(lower)])
		}
	}
}

func (g *grid) consoleColor(b *strings.Builder) {
	for y := 0; y < g.side; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		prev := -1
		for x := 0; x < g.side; x++ {
			k := b2i(g.dark(x, y))
			if k != prev {
				b.WriteString(consoleSGR[k])
				prev = k
			}
			b.WriteString("  ")
		}
		b.WriteString(reset)
	}
}

func (g *grid) consoleNoColor(b *strings.Builder, darkBG bool) {
	for y := 0; y < g.side; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		painting := false
		for x := 0; x < g.side; x++ {
			p := g.dark(x, y) != darkBG
			if p != painting {
				if p {
					b.WriteString(reverse)
				} else {
					b.WriteString(reset)
				}
				painting = p
			}
			b.WriteString("  ")
		}
		if painting {
			b.WriteString(reset)
		}
	}
}
