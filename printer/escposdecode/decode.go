package escposdecode

import (
	"fmt"

	"cryptopos/printer/escpos"
)

// Decode reads a job. It fails at the first byte it does not know, naming
// its offset.
func Decode(data []byte) (*Document, error) {
	d := &decoder{data: data, doc: &Document{CodePage: escpos.CP437}}
	d.reset()
	if err := d.run(); err != nil {
		return d.doc, err
	}
	if len(d.line) > 0 {
		return d.doc, fmt.Errorf("the job ends in the middle of a line: %q was never printed", d.doc.CodePage.Decode(d.line))
	}
	return d.doc, nil
}

type decoder struct {
	data  []byte
	pos   int
	doc   *Document
	style Style
	qr    QR
	// line collects the bytes of the line being printed; lineStyle is
	// the style at its first byte.
	line      []byte
	lineStyle Style
	mixed     bool
	stored    []byte
	hasStored bool
}

func (d *decoder) reset() {
	d.style = Style{Align: escpos.Left, Width: 1, Height: 1}
	d.qr = QR{Model: 50, Size: 3, Level: 48}
	d.hasStored = false
}

func (d *decoder) fail(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", d.pos, fmt.Sprintf(format, args...))
}

// args returns the n bytes that follow the first k of the command at pos.
func (d *decoder) args(k, n int) ([]byte, error) {
	if d.pos+k+n > len(d.data) {
		return nil, d.fail("% X is cut short", d.data[d.pos:])
	}
	return d.data[d.pos+k : d.pos+k+n], nil
}

func (d *decoder) setStyle(s Style) {
	if len(d.line) > 0 && s != d.style {
		d.mixed = true
	}
	d.style = s
}

func (d *decoder) run() error {
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == escpos.LF:
			d.printLine()
			d.pos++
		case c == escpos.ESC:
			if err := d.esc(); err != nil {
				return err
			}
		case c == escpos.GS:
			if err := d.gs(); err != nil {
				return err
			}
		case c == escpos.DLE:
			a, err := d.args(1, 2)
			if err != nil {
				return err
			}
			if a[0] != escpos.EOT || a[1] < 1 || a[1] > 4 {
				return d.fail("unknown command DLE % X", a)
			}
			d.doc.Items = append(d.doc.Items, Item{Kind: KindStatus, N: int(a[1])})
			d.pos += 3
		case c < 0x20 || c == 0x7F:
			return d.fail("control byte %02X in text", c)
		default:
			if len(d.line) == 0 {
				d.lineStyle, d.mixed = d.style, false
			}
			d.line = append(d.line, c)
			d.pos++
		}
	}
	return nil
}

func (d *decoder) printLine() {
	style := d.lineStyle
	if len(d.line) == 0 {
		style, d.mixed = d.style, false
	}
	d.doc.Items = append(d.doc.Items, Item{Kind: KindLine, Line: Line{
		Text: d.doc.CodePage.Decode(d.line), Style: style, Mixed: d.mixed,
	}})
	d.line, d.mixed = nil, false
}

func (d *decoder) atLineStart(cmd string) error {
	if len(d.line) > 0 {
		return d.fail("%s in the middle of a line, where the printer ignores it", cmd)
	}
	return nil
}

func (d *decoder) esc() error {
	a, err := d.args(1, 1)
	if err != nil {
		return err
	}
	switch a[0] {
	case '@':
		if err := d.atLineStart("ESC @"); err != nil {
			return err
		}
		d.reset()
		d.doc.CodePage = escpos.CP437
		d.doc.Items = append(d.doc.Items, Item{Kind: KindInit})
		d.pos += 2
		return nil
	}
	n, err := d.args(2, 1)
	if err != nil {
		return err
	}
	s := d.style
	switch a[0] {
	case 't':
		page, ok := escpos.CodePageByTable(n[0])
		if !ok {
			return d.fail("ESC t %d selects a code page the decoder does not know", n[0])
		}
		if len(d.line) > 0 && page != d.doc.CodePage {
			return d.fail("ESC t in the middle of a line")
		}
		d.doc.CodePage = page
		d.doc.Items = append(d.doc.Items, Item{Kind: KindCodePage, N: int(n[0])})
	case 'a':
		if err := d.atLineStart("ESC a"); err != nil {
			return err
		}
		switch n[0] {
		case 0, 48:
			s.Align = escpos.Left
		case 1, 49:
			s.Align = escpos.Center
		case 2, 50:
			s.Align = escpos.Right
		default:
			return d.fail("ESC a %d is no justification", n[0])
		}
		d.setStyle(s)
	case 'E':
		s.Bold = n[0]&1 == 1
		d.setStyle(s)
	case '!':
		s.Bold = n[0]&0x08 != 0
		s.Height, s.Width = 1+int(n[0]>>4&1), 1+int(n[0]>>5&1)
		d.setStyle(s)
	case 'd':
		if len(d.line) > 0 {
			d.printLine()
		}
		d.doc.Items = append(d.doc.Items, Item{Kind: KindFeed, N: int(n[0])})
	default:
		return d.fail("unknown command ESC %q", a[0])
	}
	d.pos += 3
	return nil
}

func (d *decoder) gs() error {
	a, err := d.args(1, 1)
	if err != nil {
		return err
	}
	switch a[0] {
	case '!':
		n, err := d.args(2, 1)
		if err != nil {
			return err
		}
		s := d.style
		s.Width, s.Height = 1+int(n[0]>>4&7), 1+int(n[0]&7)
		d.setStyle(s)
		d.pos += 3
		return nil
	case 'V':
		if err := d.atLineStart("GS V"); err != nil {
			return err
		}
		m, err := d.args(2, 1)
		if err != nil {
			return err
		}
		switch m[0] {
		case 0, 48, 1, 49:
			d.doc.Items = append(d.doc.Items, Item{Kind: KindCut, N: int(m[0] & 1)})
			d.pos += 3
		case 65, 66:
			if _, err := d.args(3, 1); err != nil {
				return err
			}
			d.doc.Items = append(d.doc.Items, Item{Kind: KindCut, N: int(m[0] - 65)})
			d.pos += 4
		default:
			return d.fail("GS V %d is no cut the decoder knows", m[0])
		}
		return nil
	case '(':
		return d.gsParen()
	}
	return d.fail("unknown command GS %q", a[0])
}

func (d *decoder) gsParen() error {
	h, err := d.args(2, 3)
	if err != nil {
		return err
	}
	if h[0] != 'k' {
		return d.fail("unknown command GS ( %q", h[0])
	}
	n := int(h[1]) + int(h[2])<<8
	body, err := d.args(5, n)
	if err != nil {
		return err
	}
	if n < 3 || body[0] != 49 {
		return d.fail("GS ( k for a symbol other than a QR code (cn %d)", body[0])
	}
	fn, p := body[1], body[2:]
	one := func(name string) (byte, error) {
		if len(p) != 1 {
			return 0, d.fail("QR %s with %d parameters", name, len(p))
		}
		return p[0], nil
	}
	switch fn {
	case 65:
		if len(p) != 2 || p[1] != 0 || p[0] < 49 || p[0] > 51 {
			return d.fail("QR model % X", p)
		}
		d.qr.Model = p[0]
	case 67:
		v, err := one("module size")
		if err != nil {
			return err
		}
		if v < 1 || v > 16 {
			return d.fail("QR module size %d outside 1 to 16", v)
		}
		d.qr.Size = int(v)
	case 69:
		v, err := one("error level")
		if err != nil {
			return err
		}
		if v < 48 || v > 51 {
			return d.fail("QR error level %d outside 48 to 51", v)
		}
		d.qr.Level = v
	case 80:
		if p[0] != 48 || len(p) < 2 {
			return d.fail("QR store with m %d and %d bytes", p[0], len(p)-1)
		}
		d.stored, d.hasStored = append([]byte(nil), p[1:]...), true
	case 81:
		if v, err := one("print"); err != nil || v != 48 {
			return d.fail("QR print with m % X", p)
		}
		if err := d.atLineStart("QR print"); err != nil {
			return err
		}
		if !d.hasStored {
			return d.fail("QR print with no data stored")
		}
		q := d.qr
		q.Data, q.Align = d.stored, d.style.Align
		d.doc.Items = append(d.doc.Items, Item{Kind: KindQR, QR: q})
	default:
		return d.fail("QR function %d the decoder does not know", fn)
	}
	d.pos += 5 + n
	return nil
}
