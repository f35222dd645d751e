// Package escposdecode reads ESC/POS print jobs back, for tests: the text
// lines with their styles, the QR codes with their settings, feeds and
// cuts. It knows exactly the commands package escpos writes and refuses
// anything else, so a test that decodes a job also proves it holds no
// stray bytes.
package escposdecode

import (
	"strings"

	"cryptopos/printer/escpos"
)

// Kind says what an Item is.
type Kind int

// The kinds of items.
const (
	KindLine     Kind = iota + 1 // a printed text line
	KindQR                       // a printed QR code
	KindFeed                     // ESC d n: N lines fed
	KindCut                      // GS V: a cut; N is 0 for a full cut, 1 for partial
	KindInit                     // ESC @
	KindStatus                   // DLE EOT n: a status request; N is n
	KindCodePage                 // ESC t n: N is n
)

// Style is how a line is printed.
type Style struct {
	Align  escpos.Align
	Bold   bool
	Width  int // character width, 1 normal, 2 double
	Height int
}

// Line is one printed line.
type Line struct {
	Text string // decoded from the code page in force
	Style
	// Mixed is set when a style changed in the middle of the line; Style
	// is then the one at its first character.
	Mixed bool
}

// QR is one QR code as the printer would print it.
type QR struct {
	Data  []byte
	Model byte // n1 of Function 165: 49 model 1, 50 model 2, 51 micro
	Size  int  // module size in dots, Function 167
	Level byte // Function 169: 48 L, 49 M, 50 Q, 51 H
	Align escpos.Align
}

// Item is one thing the printer does, in order.
type Item struct {
	Kind Kind
	Line Line // KindLine
	QR   QR   // KindQR
	N    int  // KindFeed, KindCut, KindStatus
}

// Document is a decoded job (or several jobs one after the other).
type Document struct {
	Items []Item
	// CodePage is the page selected last (CP437, the printers' default,
	// when the job never selects one).
	CodePage *escpos.CodePage
}

// Lines returns the printed text lines in order.
func (d *Document) Lines() []Line {
	var out []Line
	for _, it := range d.Items {
		if it.Kind == KindLine {
			out = append(out, it.Line)
		}
	}
	return out
}

// Texts returns the text of every printed line, spaces at both ends
// trimmed.
func (d *Document) Texts() []string {
	var out []string
	for _, l := range d.Lines() {
		out = append(out, strings.TrimSpace(l.Text))
	}
	return out
}

// Text is every printed line, joined by "\n".
func (d *Document) Text() string {
	var out []string
	for _, l := range d.Lines() {
		out = append(out, l.Text)
	}
	return strings.Join(out, "\n")
}

// QRs returns the printed QR codes in order.
func (d *Document) QRs() []QR {
	var out []QR
	for _, it := range d.Items {
		if it.Kind == KindQR {
			out = append(out, it.QR)
		}
	}
	return out
}

// Count returns how many items of the kind the document has.
func (d *Document) Count(k Kind) int {
	n := 0
	for _, it := range d.Items {
		if it.Kind == k {
			n++
		}
	}
	return n
}

// Find returns the first line whose text, trimmed, starts with prefix.
func (d *Document) Find(prefix string) (Line, bool) {
	for _, l := range d.Lines() {
		if strings.HasPrefix(strings.TrimSpace(l.Text), prefix) {
			return l, true
		}
	}
	return Line{}, false
}

// Value returns the value of a label-value line (escpos.Builder.Pair):
// what follows label on the line that starts with it, spaces trimmed. A
// value too long to share the label's line is on the next line,
// right-aligned, or hard-wrapped over several lines indented by two
// spaces; those are joined back (a wrapped identifier has no spaces).
func (d *Document) Value(label string) (string, bool) {
	lines, cols := d.Lines(), d.Columns()
	for i, l := range lines {
		t := strings.TrimSpace(l.Text)
		if t == label {
			return continued(lines[i+1:], cols)
		}
		if rest, ok := strings.CutPrefix(t, label+" "); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

// continued reads a value from the lines after its label's.
func continued(lines []Line, cols int) (string, bool) {
	var parts []string
	for _, l := range lines {
		t := l.Text
		indent := len(t) - len(strings.TrimLeft(t, " "))
		switch {
		case len(parts) == 0 && indent != 2:
			v := strings.TrimSpace(t)
			return v, v != "" // right-aligned on one line
		case indent != 2:
			return strings.Join(parts, ""), true
		}
		parts = append(parts, t[2:])
		if len(t) < cols {
			break // a short piece is the last
		}
	}
	return strings.Join(parts, ""), len(parts) > 0
}

// Columns is the width of the widest line printed at normal width: the
// paper's columns when the job has a full-width line (a rule).
func (d *Document) Columns() int {
	n := 0
	for _, l := range d.Lines() {
		if l.Width == 1 {
			n = max(n, len([]rune(l.Text)))
		}
	}
	return n
}
