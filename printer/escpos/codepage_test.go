package escpos

import (
	"bytes"
	"testing"
)

func TestEpsonTableNumbers(t *testing.T) {
	want := map[string]byte{"cp437": 0, "cp850": 2, "cp1252": 16, "cp852": 18, "cp858": 19}
	for _, p := range CodePages() {
		if n, ok := want[p.Name]; !ok || p.Table != n {
			t.Errorf("%s: ESC t %d, want %d", p.Name, p.Table, n)
		}
		if q, ok := CodePageByTable(p.Table); !ok || q != p {
			t.Errorf("CodePageByTable(%d) = %v", p.Table, q)
		}
	}
	if len(CodePages()) != len(want) {
		t.Errorf("%d pages, want %d", len(CodePages()), len(want))
	}
}

func TestLookupCodePage(t *testing.T) {
	for name, want := range map[string]*CodePage{
		"cp858": CP858, "CP858": CP858, "pc858": CP858, "858": CP858, " cp437 ": CP437,
		"PC852": CP852, "cp1252": CP1252, "wpc1252": CP1252, "windows-1252": CP1252, "cp850": CP850,
	} {
		if got, ok := LookupCodePage(name); !ok || got != want {
			t.Errorf("LookupCodePage(%q) = %v, %t; want %v", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "utf8", "cp866", "latin1"} {
		if p, ok := LookupCodePage(name); ok {
			t.Errorf("LookupCodePage(%q) = %v, want none", name, p)
		}
	}
}

// Every printable byte of every page decodes to a character that encodes
// back to the same byte: the tables are bijective where text is printed.
func TestCodePageRoundTrip(t *testing.T) {
	for _, p := range CodePages() {
		seen := map[rune]byte{}
		for c := 0x20; c <= 0xFF; c++ {
			if c == 0x7F {
				continue
			}
			s := p.Decode([]byte{byte(c)})
			r := []rune(s)[0]
			if r >= 0x80 && r < 0xA0 || r == 0xFFFD || r == 0xAD {
				continue // a byte CP1252 leaves undefined; the soft hyphen, never printed
			}
			if prev, dup := seen[r]; dup {
				t.Errorf("%s: %q at both %02X and %02X", p.Name, r, prev, c)
			}
			seen[r] = byte(c)
			if got := p.Encode(s); !bytes.Equal(got, []byte{byte(c)}) {
				t.Errorf("%s: %02X decodes to %q, which encodes to % X", p.Name, c, s, got)
			}
		}
		if len(seen) < 200 {
			t.Errorf("%s: only %d printable characters", p.Name, len(seen))
		}
	}
}

func TestEuro(t *testing.T) {
	for p, want := range map[*CodePage]string{
		CP858: "\xD5", CP1252: "\x80", CP437: "EUR", CP850: "EUR", CP852: "EUR",
	} {
		if got := string(p.Encode("€")); got != want {
			t.Errorf("%s: € is % X, want % X", p.Name, got, want)
		}
	}
	if got := CP858.Decode([]byte("12.50 \xD5")); got != "12.50 €" {
		t.Errorf("CP858 decodes %q", got)
	}
}

func TestTransliteration(t *testing.T) {
	tests := []struct {
		page     *CodePage
		in, want string // want decoded back from the page
	}{
		{CP858, "Corner Café", "Corner Café"},
		{CP437, "Crème brûlée", "Crème brûlée"},
		{CP437, "Łódź – Kraków", "Lódz - Kraków"},
		{CP852, "Łódź – Kraków", "Łódź - Kraków"},
		{CP858, "“Danke” ‘schön’…", `"Danke" 'schön'...`},
		{CP858, "₿ 0.1 — ok", "BTC 0.1 - ok"},
		{CP858, "Straße", "Straße"},
		{CP852, "Straße", "Straße"},
		{CP1252, "Straße “x”", "Straße “x”"},
		{CP437, "Őrség ő", "Orség o"},
		{CP850, "Őrség ő", "Orség o"},
		{CP852, "Őrség ő", "Őrség ő"},
		{CP858, "tab\there", "tab here"},
		{CP858, "bell\a esc\x1b@ nul\x00 del\x7f c1\u0085", "bell esc@ nul del c1"},
		{CP858, "emoji 😀 and 漢字", "emoji ? and ??"},
		{CP858, "zero\u200bwidth soft\u00adhyphen nbsp\u00a0x", "zerowidth softhyphen nbsp\u00a0x"},
		{CP437, "nbsp\u00a0x thin\u2009x", "nbsp\u00a0x thin x"},
		{CP852, "1·2 × 3", "1.2 × 3"},
		{CP437, "1·2 × 3 ©", "1·2 x 3 (C)"},
		{CP858, "bad \xff utf8", "bad ? utf8"},
	}
	for _, tt := range tests {
		enc := tt.page.Encode(tt.in)
		for _, c := range enc {
			if c < 0x20 || c == 0x7F {
				t.Errorf("%s: %q has control byte %02X", tt.page.Name, tt.in, c)
			}
		}
		if got := tt.page.Decode(enc); got != tt.want {
			t.Errorf("%s: %q prints as %q, want %q", tt.page.Name, tt.in, got, tt.want)
		}
	}
}

func TestHas(t *testing.T) {
	if !CP858.Has('€') || CP850.Has('€') || !CP437.Has('é') || CP437.Has('\n') || !CP852.Has('ő') {
		t.Error("Has is wrong")
	}
}
