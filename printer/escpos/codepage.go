package escpos

import (
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// CodePage is a single-byte character set a printer can print, selected
// with ESC t n. Bytes 0x20-0x7E are ASCII on every page; the pages differ
// above 0x7F.
type CodePage struct {
	// Name is the config form: "cp858".
	Name string
	// Title names the page as Epson's character code tables do.
	Title string
	// Table is n of ESC t n on Epson TM printers (the "Page" numbers of
	// the ESC t command in the ESC/POS reference).
	Table byte
	cm    *charmap.Charmap
}

// The code pages cryptopos can print in. The byte tables are those of
// golang.org/x/text/encoding/charmap; the ESC t numbers are Epson's:
//
//	cp437   ESC t 0    PC437, USA and standard Europe: no €
//	cp850   ESC t 2    PC850, multilingual (Western Europe): no €
//	cp1252  ESC t 16   WPC1252, Windows Latin 1: € at 0x80
//	cp852   ESC t 18   PC852, Latin 2 (Central Europe): no €
//	cp858   ESC t 19   PC858, PC850 with € at 0xD5 (in place of dotless ı)
//
// Printers of other makes number their tables differently at times (some
// Chinese firmware puts PC858 at 19 as Epson does, others elsewhere);
// the printer's self-test page lists its numbering.
var (
	CP437  = &CodePage{Name: "cp437", Title: "PC437 (USA, Standard Europe)", Table: 0, cm: charmap.CodePage437}
	CP850  = &CodePage{Name: "cp850", Title: "PC850 (Multilingual)", Table: 2, cm: charmap.CodePage850}
	CP1252 = &CodePage{Name: "cp1252", Title: "WPC1252 (Windows Latin 1)", Table: 16, cm: charmap.Windows1252}
	CP852  = &CodePage{Name: "cp852", Title: "PC852 (Latin 2)", Table: 18, cm: charmap.CodePage852}
	CP858  = &CodePage{Name: "cp858", Title: "PC858 (Multilingual and Euro)", Table: 19, cm: charmap.CodePage858}
)

// CodePages lists every supported page, by Epson table number.
func CodePages() []*CodePage { return []*CodePage{CP437, CP850, CP1252, CP852, CP858} }

// CodePageNames lists the config names of the supported pages.
func CodePageNames() []string {
	var names []string
	for _, p := range CodePages() {
		names = append(names, p.Name)
	}
	return names
}

// LookupCodePage finds a page by name: "cp858", "CP858", "pc858" and "858"
// all name PC858.
func LookupCodePage(name string) (*CodePage, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(n, "cp"), "pc"), "wpc")
	n = strings.TrimPrefix(n, "windows-")
	for _, p := range CodePages() {
		if p.Name == "cp"+n {
			return p, true
		}
	}
	return nil, false
}

// CodePageByTable finds the page that ESC t n selects.
func CodePageByTable(n byte) (*CodePage, bool) {
	i := slices.IndexFunc(CodePages(), func(p *CodePage) bool { return p.Table == n })
	if i < 0 {
		return nil, false
	}
	return CodePages()[i], true
}

// String is the page's name.
func (p *CodePage) String() string { return p.Name }

// Has reports whether the page prints r as it is.
func (p *CodePage) Has(r rune) bool {
	_, ok := p.byteOf(r)
	return ok
}

// byteOf is r's byte on the page, never a control byte.
func (p *CodePage) byteOf(r rune) (byte, bool) {
	if r >= 0x20 && r < 0x7F {
		return byte(r), true
	}
	if r < 0xA0 {
		return 0, false // C0 and C1 controls, DEL
	}
	b, ok := p.cm.EncodeRune(r)
	if !ok || b < 0x80 {
		return 0, false
	}
	return b, true
}

// Encode turns s into bytes of the page, one byte per printed column. A
// character the page lacks is transliterated: typographic quotes and dashes
// to their ASCII forms, "…" to "...", "€" to "EUR" and "₿" to "BTC", "ß" to
// "ss", accented letters to the bare letter; what remains becomes "?". Tabs
// become spaces; other control characters and zero-width ones are dropped.
func (p *CodePage) Encode(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		out = p.appendRune(out, r, 0)
	}
	return out
}

func (p *CodePage) appendRune(out []byte, r rune, depth int) []byte {
	switch r {
	case '\t':
		return append(out, ' ')
	case '\u00AD':
		return out // a soft hyphen marks where a word may break: never printed
	}
	if b, ok := p.byteOf(r); ok {
		return append(out, b)
	}
	if r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0 || r == utf8.RuneError {
		if r == utf8.RuneError {
			return append(out, '?')
		}
		return out
	}
	if alt, ok := transliterations[r]; ok && depth < 2 {
		for _, a := range alt {
			out = p.appendRune(out, a, depth+1)
		}
		return out
	}
	// An accented letter the page lacks: the letter alone (ő -> o).
	if d := norm.NFD.String(string(r)); d != string(r) {
		base, _ := utf8.DecodeRuneInString(d)
		if b, ok := p.byteOf(base); ok {
			return append(out, b)
		}
	}
	return append(out, '?')
}

// Decode turns bytes of the page back into text; control bytes come out as
// they are.
func (p *CodePage) Decode(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
			continue
		}
		sb.WriteRune(p.cm.DecodeByte(c))
	}
	return sb.String()
}
