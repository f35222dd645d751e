package escposdecode

import (
	"fmt"
	"strings"

	"cryptopos/printer/escpos"
)

// Render draws the document as plain text for people to review, as it
// would look on paper of cols columns: each line framed by "|", justified,
// a double-width character followed by a space; bold and size are noted
// after the frame, QR codes, feeds and cuts on lines of their own.
func (d *Document) Render(cols int) string {
	var b strings.Builder
	frame := func(text string, align escpos.Align, note string) {
		pad := max(cols-len([]rune(text)), 0)
		switch align {
		case escpos.Center:
			text = strings.Repeat(" ", pad/2) + text + strings.Repeat(" ", pad-pad/2)
		case escpos.Right:
			text = strings.Repeat(" ", pad) + text
		default:
			text += strings.Repeat(" ", pad)
		}
		fmt.Fprintf(&b, "|%s|%s\n", text, note)
	}
	for _, it := range d.Items {
		switch it.Kind {
		case KindLine:
			l := it.Line
			text := l.Text
			if l.Width > 1 {
				var w strings.Builder
				for _, r := range text {
					w.WriteRune(r)
					w.WriteString(strings.Repeat(" ", l.Width-1))
				}
				text = w.String()
			}
			var notes []string
			if l.Bold {
				notes = append(notes, "bold")
			}
			if l.Width > 1 || l.Height > 1 {
				notes = append(notes, fmt.Sprintf("%dx%d", l.Width, l.Height))
			}
			if l.Mixed {
				notes = append(notes, "mixed styles")
			}
			note := ""
			if len(notes) > 0 {
				note = " " + strings.Join(notes, ", ")
			}
			frame(text, l.Align, note)
		case KindQR:
			q := it.QR
			level := map[byte]string{48: "L", 49: "M", 50: "Q", 51: "H"}[q.Level]
			frame(fmt.Sprintf("[QR model %d, %d-dot modules, level %s]", q.Model-48, q.Size, level), q.Align, "")
			frame(string(q.Data), q.Align, " (QR data)")
		case KindFeed:
			fmt.Fprintf(&b, "~ feed %d\n", it.N)
		case KindCut:
			fmt.Fprintf(&b, "~ cut (%s)\n", map[int]string{0: "full", 1: "partial"}[it.N])
		case KindInit:
			b.WriteString("~ initialise\n")
		case KindCodePage:
			page, _ := escpos.CodePageByTable(byte(it.N))
			fmt.Fprintf(&b, "~ code page %s\n", page)
		case KindStatus:
			fmt.Fprintf(&b, "~ status request %d\n", it.N)
		}
	}
	return b.String()
}
