// Package qrscan reads a QR code off a terminal screen, for tests.
//
// A screen comes from one of two sources:
//
//   - [Parse] reads text with SGR styles, one screen line per "\n": the
//     View() string of a Bubble Tea model, or what `tmux capture-pane -p -e`
//     prints.
//   - [ParseVT] replays raw terminal output (what `tmux pipe-pane` records,
//     or what a pty gives a test) through a small VT emulator and returns the
//     final cell grid. This is the only way to read a console-mode code
//     ([cryptopos/qr.Console]) from a real program: capture-pane drops the
//     trailing cells that Bubble Tea's renderer cleared with a background
//     colour (ECH, EL), so the coloured spaces of the right part of such a
//     code are missing from a capture, while the emulator keeps them.
//
// [Screen.Decode] then finds a QR code anywhere on the screen, whatever is
// drawn around it, and decodes it with gozxing. It understands every way
// package qr draws a code: half blocks ("▀" with foreground and background
// colours, or "▀", "▄", "█" and spaces without colour) and two coloured (or
// reverse-video) spaces per module, in true colour, 256 or 16 colours.
package qrscan

import (
	"fmt"
	"strings"
)

// Color is the colour of a cell: one of [DefaultFG] and [DefaultBG] (the
// terminal's own colours, whatever its theme), an [Indexed] palette colour,
// or an [RGB] colour.
type Color uint32

// Encoding: the top byte says the kind, the low 24 bits hold the value.
const (
	colorRGB     Color = 1 << 24
	colorIndexed Color = 2 << 24
	kindMask     Color = 0xff << 24
)

const (
	// DefaultFG is the terminal's default foreground colour (SGR 39).
	DefaultFG Color = 3 << 24
	// DefaultBG is the terminal's default background colour (SGR 49).
	DefaultBG Color = 4 << 24
)

// RGB returns a 24-bit colour (SGR 38;2;r;g;b or 48;2;r;g;b).
func RGB(r, g, b uint8) Color {
	return colorRGB | Color(r)<<16 | Color(g)<<8 | Color(b)
}

// Indexed returns a palette colour: 0-7 are SGR 30-37 (40-47), 8-15 are
// SGR 90-97 (100-107), 16-255 are SGR 38;5;n (48;5;n).
func Indexed(n uint8) Color { return colorIndexed | Color(n) }

// String returns "default-fg", "default-bg", "#rrggbb" or "index N".
func (c Color) String() string {
	switch c & kindMask {
	case colorRGB:
		return fmt.Sprintf("#%06x", uint32(c&0xffffff))
	case colorIndexed:
		return fmt.Sprintf("index %d", uint32(c&0xff))
	}
	switch c {
	case DefaultFG:
		return "default-fg"
	case DefaultBG:
		return "default-bg"
	}
	return fmt.Sprintf("Color(%#x)", uint32(c))
}

// rgb returns the colour's components; ok is false for the default colours.
// Palette colours 0-15 use the Linux console's VGA palette (black #000000,
// grey #aaaaaa, dark grey #555555, white #ffffff), which classifies them
// as a person sees them on any common theme; 16-255 use the xterm palette.
func (c Color) rgb() (r, g, b uint8, ok bool) {
	switch c & kindMask {
	case colorRGB:
		return uint8(c >> 16), uint8(c >> 8), uint8(c), true
	case colorIndexed:
		n := int(c & 0xff)
		switch {
		case n < 16:
			v := vga[n]
			return v[0], v[1], v[2], true
		case n < 232:
			n -= 16
			level := func(i int) uint8 {
				if i == 0 {
					return 0
				}
				return uint8(55 + 40*i)
			}
			return level(n / 36), level(n / 6 % 6), level(n % 6), true
		default:
			v := uint8(8 + 10*(n-232))
			return v, v, v, true
		}
	}
	return 0, 0, 0, false
}

var vga = [16][3]uint8{
	{0x00, 0x00, 0x00}, {0xaa, 0x00, 0x00}, {0x00, 0xaa, 0x00}, {0xaa, 0x55, 0x00},
	{0x00, 0x00, 0xaa}, {0xaa, 0x00, 0xaa}, {0x00, 0xaa, 0xaa}, {0xaa, 0xaa, 0xaa},
	{0x55, 0x55, 0x55}, {0xff, 0x55, 0x55}, {0x55, 0xff, 0x55}, {0xff, 0xff, 0x55},
	{0x55, 0x55, 0xff}, {0xff, 0x55, 0xff}, {0x55, 0xff, 0xff}, {0xff, 0xff, 0xff},
}

// dark tells whether c looks dark: by luma for a real colour, and for the
// default colours by the terminal's theme (on a dark terminal the default
// background is dark and the default foreground light).
func (c Color) dark(darkTerminal bool) bool {
	r, g, b, ok := c.rgb()
	if !ok {
		return (c == DefaultBG) == darkTerminal
	}
	return 299*int(r)+587*int(g)+114*int(b) < 128*1000
}

// Attr is a set of text attributes.
type Attr uint8

// Attributes a cell can have. Reverse is recorded for information only: a
// [Cell]'s colours already have it applied.
const (
	Bold Attr = 1 << iota
	Faint
	Italic
	Underline
	Blink
	Reverse
	Conceal
	Strikethrough
)

// Cell is one terminal cell.
type Cell struct {
	// Content is the grapheme the cell shows: " " for a blank cell, "" for
	// the second column of a wide character (the first column holds it).
	Content string
	// FG and BG are the colours the cell shows, reverse video applied: a
	// reverse-video blank has BG == DefaultFG.
	FG, BG Color
	// Attrs are the cell's text attributes.
	Attrs Attr
}

var blank = Cell{Content: " ", FG: DefaultFG, BG: DefaultBG}

// Screen is a grid of cells. Lines may be shorter than the screen's width
// (a capture-pane line omits trailing cleared cells); missing cells read as
// blanks in the default colours.
type Screen struct {
	lines [][]Cell
	cols  int
}

// Size returns the screen's width (its longest line for a [Parse]d screen)
// and its number of lines.
func (s *Screen) Size() (cols, rows int) {
	cols = s.cols
	for _, l := range s.lines {
		cols = max(cols, len(l))
	}
	return cols, len(s.lines)
}

// Cell returns the cell at column x, line y (both from 0); a blank in the
// default colours outside the lines.
func (s *Screen) Cell(x, y int) Cell {
	if y < 0 || y >= len(s.lines) || x < 0 || x >= len(s.lines[y]) {
		return blank
	}
	return s.lines[y][x]
}

// Text returns the screen's characters without styles, lines joined by "\n"
// and right-trimmed of spaces; trailing empty lines are dropped.
func (s *Screen) Text() string {
	lines := make([]string, len(s.lines))
	for y, l := range s.lines {
		var b strings.Builder
		for _, c := range l {
			b.WriteString(c.Content)
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// Parse reads text with SGR styles as a screen, line by line: "\n" starts
// a new line at column 0 (like a terminal whose output does CR+LF), and
// styles carry over from line to line as they would on a terminal. It
// understands SGR 0-9, 21-29, 30-37, 38;5;n, 38;2;r;g;b (also with
// colons), 39, 40-47, 48;…, 49, 90-97 and 100-107; wide characters take two
// columns. Being the same emulator as [ParseVT] with an unbounded screen,
// it also follows cursor movements and erasures if there are any, and
// ignores other sequences (OSC hyperlinks, modes, queries).
func Parse(ansiText string) *Screen {
	t := newTerm(0, 0)
	t.write([]byte(ansiText))
	return t.screen()
}

// ParseVT replays raw terminal output on a cols by rows terminal and
// returns what the screen shows at the end. The emulator covers what Bubble
// Tea v2's renderer emits for any TERM: cursor movement (CUP, HVP, CUU,
// CUD, CUF, CUB, CNL, CPL, CHA, HPA, HPR, VPA, VPR, CR, LF, BS, HT, CHT,
// CBT, RI, IND, NEL, DECSC/DECRC), erasure with the current background
// colour (ED, EL, ECH), REP, ICH, DCH, IL, DL, SU, SD, scrolling margins
// (DECSTBM), insert mode, auto-wrap, tab stops and SGR. Other sequences are
// ignored. The alternate screen is not kept apart: entering it clears the
// screen and leaving it changes nothing, so that the last frame a program
// drew is still there after it exits.
func ParseVT(raw []byte, cols, rows int) *Screen {
	t := newTerm(max(cols, 1), max(rows, 1))
	t.write(raw)
	return t.screen()
}

// DecodeVT replays raw terminal output like [ParseVT] and decodes the QR
// code on the final screen like [Screen.Decode]. cols and rows must be the
// size of the terminal the output was written for (for a tmux pane:
// `tmux display -p -t PANE '#{pane_width} #{pane_height}'`), and the
// recording must start before the program's first frame, as with
// `tmux pipe-pane -o -t PANE 'cat > FILE'` attached before it draws.
func DecodeVT(raw []byte, cols, rows int) (string, error) {
	return ParseVT(raw, cols, rows).Decode()
}
