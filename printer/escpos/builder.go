package escpos

import (
	"bytes"
	"strings"
)

// Control bytes that start ESC/POS commands.
const (
	LF  = 0x0A
	ESC = 0x1B
	GS  = 0x1D
	DLE = 0x10
	EOT = 0x04
)

// Align is the justification of ESC a n.
type Align byte

// The justifications.
const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// String is the justification's name.
func (a Align) String() string {
	switch a {
	case Left:
		return "left"
	case Center:
		return "center"
	case Right:
		return "right"
	}
	return "align?"
}

// Builder writes a print job: text laid out in the paper's columns, styles,
// QR codes, feeds and a cut. Its methods return the Builder, to chain them.
// It tracks the styles it set, so the line width follows the character
// size: a double-width line has half the columns.
type Builder struct {
	buf    bytes.Buffer
	cols   int
	page   *CodePage
	align  Align
	bold   bool
	width  int
	height int
}

// NewBuilder returns a builder for paper of cols columns (in the normal
// font: 48 on 80 mm paper, 32 on 58 mm) printing text in page (CP858 when
// nil). It writes nothing yet: start the job with Init.
func NewBuilder(cols int, page *CodePage) *Builder {
	if page == nil {
		page = CP858
	}
	if cols < 8 {
		cols = 8
	}
	return &Builder{cols: cols, page: page, width: 1, height: 1}
}

// Bytes returns the job written so far.
func (b *Builder) Bytes() []byte { return bytes.Clone(b.buf.Bytes()) }

// CodePage returns the page text is encoded in.
func (b *Builder) CodePage() *CodePage { return b.page }

// Columns is the number of characters in a line at the current size.
func (b *Builder) Columns() int { return b.cols / b.width }

// Raw appends bytes as they are, for commands the builder does not know.
func (b *Builder) Raw(p ...byte) *Builder {
	b.buf.Write(p)
	return b
}

// Init writes ESC @ (initialise the printer: every mode back to its
// default) and ESC t n to select the builder's code page, which ESC @ may
// have reset.
func (b *Builder) Init() *Builder {
	b.buf.Write([]byte{ESC, '@', ESC, 't', b.page.Table})
	b.align, b.bold, b.width, b.height = Left, false, 1, 1
	return b
}

// Align sets the justification of the lines that follow (ESC a n). The
// printer applies it only at the start of a line, which is where the
// builder always is between calls.
func (b *Builder) Align(a Align) *Builder {
	if a > Right {
		a = Left
	}
	b.buf.Write([]byte{ESC, 'a', byte(a)})
	b.align = a
	return b
}

// Bold turns emphasised printing on or off (ESC E n).
func (b *Builder) Bold(on bool) *Builder {
	n := byte(0)
	if on {
		n = 1
	}
	b.buf.Write([]byte{ESC, 'E', n})
	b.bold = on
	return b
}

// Size sets the character size, width and height each 1 to 8 times the
// normal size (GS ! n).
func (b *Builder) Size(width, height int) *Builder {
	width, height = min(max(width, 1), 8), min(max(height, 1), 8)
	b.buf.Write([]byte{GS, '!', byte((width-1)<<4 | (height - 1))})
	b.width, b.height = width, height
	return b
}

// Double sets double width and height, or back to the normal size.
func (b *Builder) Double(on bool) *Builder {
	if on {
		return b.Size(2, 2)
	}
	return b.Size(1, 1)
}

// Line prints s wrapped at the current width: at spaces where it can, hard
// where a word is longer than a line. A "\n" in s starts a new line; an
// empty s prints an empty line.
func (b *Builder) Line(s string) *Builder {
	for _, part := range strings.Split(s, "\n") {
		for _, l := range Wrap(b.page.Encode(part), b.Columns()) {
			b.buf.Write(l)
			b.buf.WriteByte(LF)
		}
	}
	return b
}

// Indent prints s wrapped like Line, every line indented by n spaces.
func (b *Builder) Indent(n int, s string) *Builder {
	n = min(max(n, 0), b.Columns()-1)
	pad := bytes.Repeat([]byte{' '}, n)
	for _, part := range strings.Split(s, "\n") {
		for _, l := range Wrap(b.page.Encode(part), b.Columns()-n) {
			b.buf.Write(pad)
			b.buf.Write(l)
			b.buf.WriteByte(LF)
		}
	}
	return b
}

// Lines prints each string with Line.
func (b *Builder) Lines(ss ...string) *Builder {
	for _, s := range ss {
		b.Line(s)
	}
	return b
}

// Pair prints a label on the left and a value on the right of one line,
// whatever the justification. When both do not fit, the label has a line
// of its own (wrapped, keeping its indent) and the value follows, on the
// right if it fits in a line, else wrapped under the label and indented
// by two spaces.
func (b *Builder) Pair(label, value string) *Builder {
	l, v, cols := b.page.Encode(label), b.page.Encode(value), b.Columns()
	if len(l)+1+len(v) <= cols {
		b.padded(l, v, cols)
		return b
	}
	indent := min(len(l)-len(bytes.TrimLeft(l, " ")), cols/2)
	if len(l) > indent {
		for _, line := range Wrap(l[indent:], cols-indent) {
			b.buf.Write(l[:indent])
			b.buf.Write(line)
			b.buf.WriteByte(LF)
		}
	}
	if len(v) <= cols {
		b.padded(nil, v, cols)
		return b
	}
	for _, line := range Wrap(v, cols-2) {
		b.buf.WriteString("  ")
		b.buf.Write(line)
		b.buf.WriteByte(LF)
	}
	return b
}

// padded writes left, spaces and right as one line of cols columns.
func (b *Builder) padded(left, right []byte, cols int) {
	b.buf.Write(left)
	b.buf.Write(bytes.Repeat([]byte{' '}, cols-len(left)-len(right)))
	b.buf.Write(right)
	b.buf.WriteByte(LF)
}

// Rule prints a line of dashes across the paper.
func (b *Builder) Rule() *Builder {
	b.buf.Write(bytes.Repeat([]byte{'-'}, b.Columns()))
	b.buf.WriteByte(LF)
	return b
}

// Blank prints an empty line.
func (b *Builder) Blank() *Builder {
	b.buf.WriteByte(LF)
	return b
}

// Feed prints the buffer and feeds n lines (ESC d n), n up to 255.
func (b *Builder) Feed(n int) *Builder {
	b.buf.Write([]byte{ESC, 'd', byte(min(max(n, 0), 255))})
	return b
}

// Cut feeds the paper to the cutter and cuts it partially, leaving one
// point uncut so the receipt does not fall (GS V 66 0, "Function B").
// A printer without a cutter feeds only, so the receipt can be torn off.
func (b *Builder) Cut() *Builder {
	b.buf.Write([]byte{GS, 'V', 66, 0})
	return b
}

// Wrap splits text of one byte per column into lines of at most cols
// bytes: at the last space that fits where there is one, else hard inside
// a word longer than a line. The spaces at a break are dropped, and so are
// those at the end. Empty text is one empty line.
func Wrap(text []byte, cols int) [][]byte {
	cols = max(cols, 1)
	text = bytes.TrimRight(text, " ")
	var lines [][]byte
	for len(text) > cols {
		cut := bytes.LastIndexByte(text[:cols+1], ' ')
		left := []byte(nil)
		if cut > 0 {
			left = bytes.TrimRight(text[:cut], " ")
		}
		if len(left) == 0 {
			lines = append(lines, text[:cols:cols])
			text = text[cols:]
			continue
		}
		lines = append(lines, left)
		text = bytes.TrimLeft(text[cut:], " ")
	}
	if len(text) > 0 || len(lines) == 0 {
		lines = append(lines, text)
	}
	return lines
}
