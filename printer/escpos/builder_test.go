package escpos

import (
	"bytes"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

func TestCommandBytes(t *testing.T) {
	tests := []struct {
		name string
		do   func(b *Builder)
		want []byte
	}{
		{"init selects the page", func(b *Builder) { b.Init() }, []byte{0x1B, 0x40, 0x1B, 0x74, 19}},
		{"align", func(b *Builder) { b.Align(Center).Align(Right).Align(Left) },
			[]byte{0x1B, 0x61, 1, 0x1B, 0x61, 2, 0x1B, 0x61, 0}},
		{"bold", func(b *Builder) { b.Bold(true).Bold(false) }, []byte{0x1B, 0x45, 1, 0x1B, 0x45, 0}},
		{"double", func(b *Builder) { b.Double(true).Double(false) }, []byte{0x1D, 0x21, 0x11, 0x1D, 0x21, 0x00}},
		{"double width only", func(b *Builder) { b.Size(2, 1) }, []byte{0x1D, 0x21, 0x10}},
		{"feed", func(b *Builder) { b.Feed(3) }, []byte{0x1B, 0x64, 3}},
		{"partial cut", func(b *Builder) { b.Cut() }, []byte{0x1D, 0x56, 66, 0}},
		{"line", func(b *Builder) { b.Line("Café") }, []byte{'C', 'a', 'f', 0x82, 0x0A}},
		{"status request", func(b *Builder) { b.Raw(StatusRequest(StatusRollPaper)...) }, []byte{0x10, 0x04, 4}},
	}
	for _, tt := range tests {
		b := NewBuilder(32, CP858)
		tt.do(b)
		if got := b.Bytes(); !bytes.Equal(got, tt.want) {
			t.Errorf("%s: % X, want % X", tt.name, got, tt.want)
		}
	}
}

func TestQRBytes(t *testing.T) {
	b := NewBuilder(48, CP858)
	if err := b.QR("https://x.test/i/1", 6); err != nil {
		t.Fatal(err)
	}
	data := "https://x.test/i/1"
	want := []byte{
		0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0, // Function 165: model 2
		0x1D, 0x28, 0x6B, 3, 0, 49, 67, 6, // Function 167: module size 6
		0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49, // Function 169: level M
		0x1D, 0x28, 0x6B, byte(len(data) + 3), 0, 49, 80, 48, // Function 180: store k bytes
	}
	want = append(want, data...)
	want = append(want, 0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48) // Function 181: print
	if got := b.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("QR:\n% X\nwant\n% X", got, want)
	}

	// pH carries the length above 255.
	b = NewBuilder(48, CP858)
	long := strings.Repeat("a", 1000)
	if err := b.QR(long, 3); err != nil {
		t.Fatal(err)
	}
	if got := b.Bytes()[27:32]; !bytes.Equal(got, []byte{0x6B, (1003) & 0xFF, 1003 >> 8, 49, 80}) {
		t.Errorf("store header % X", got)
	}
	for _, bad := range []string{"", strings.Repeat("a", QRMaxBytes+1)} {
		b := NewBuilder(48, CP858)
		if err := b.QR(bad, 3); err != ErrQRTooLong || len(b.Bytes()) != 0 {
			t.Errorf("QR of %d bytes: %v, wrote %d bytes", len(bad), err, len(b.Bytes()))
		}
	}
}

// The capacity table agrees with a QR encoder: n bytes fit version v at
// level M, one more needs version v+1.
func TestQRCapacity(t *testing.T) {
	for v := 1; v <= 40; v++ {
		n := qrCapacityM[v]
		if got, ok := QRVersion(n); !ok || got != v {
			t.Errorf("QRVersion(%d) = %d, want %d", n, got, v)
		}
		q, err := qrcode.New(strings.Repeat("a", n), qrcode.Medium)
		if err != nil || q.VersionNumber != v {
			t.Errorf("%d bytes: the encoder picks version %v (%v), the table says %d", n, q, err, v)
			continue
		}
		if v < 40 {
			q, err := qrcode.New(strings.Repeat("a", n+1), qrcode.Medium)
			if err != nil || q.VersionNumber != v+1 {
				t.Errorf("%d bytes: the encoder picks version %d, want %d", n+1, q.VersionNumber, v+1)
			}
		}
	}
	if _, ok := QRVersion(QRMaxBytes + 1); ok {
		t.Error("more than version 40 holds fits")
	}
}

func TestQRFit(t *testing.T) {
	tests := []struct {
		n, dots, pref, size int
		ok                  bool
	}{
		{60, 576, 6, 6, true},   // version 4, 33 modules: 6 dots fit easily
		{60, 384, 6, 6, true},   // 58 mm paper too
		{400, 384, 6, 5, true},  // version 15, 77 modules + 8 quiet: 4 dots... see below
		{2331, 384, 6, 2, true}, // version 40, 177 + 8 modules: 2 dots
		{2331, 300, 6, 1, false},
		{2332, 576, 6, 0, false},
	}
	for _, tt := range tests {
		v, _ := QRVersion(tt.n)
		want := tt.size
		if tt.ok {
			want = min(tt.pref, tt.dots/(QRModules(v)+8))
		}
		size, ok := QRFit(tt.n, tt.dots, tt.pref)
		if ok != tt.ok || tt.ok && size != want {
			t.Errorf("QRFit(%d, %d, %d) = %d, %t; want %d, %t", tt.n, tt.dots, tt.pref, size, ok, want, tt.ok)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in   string
		cols int
		want []string
	}{
		{"", 10, []string{""}},
		{"short", 10, []string{"short"}},
		{"exactly 10", 10, []string{"exactly 10"}},
		{"two words here", 10, []string{"two words", "here"}},
		{"abcdefghijklmnop", 10, []string{"abcdefghij", "klmnop"}},
		{"a abcdefghijklmnop", 10, []string{"a", "abcdefghij", "klmnop"}},
		{"spaces    between", 10, []string{"spaces", "between"}},
		{"trailing   ", 10, []string{"trailing"}},
		{"  indented text", 10, []string{"  indented", "text"}},
		{"          x", 4, []string{"    ", "    ", "  x"}},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range Wrap([]byte(tt.in), tt.cols) {
			if len(l) > tt.cols {
				t.Errorf("%q: line %q longer than %d", tt.in, l, tt.cols)
			}
			got = append(got, string(l))
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tt.in, tt.cols, got, tt.want)
		}
	}
}

func TestPair(t *testing.T) {
	lines := func(b *Builder) []string {
		return strings.Split(strings.TrimSuffix(string(b.Bytes()), "\n"), "\n")
	}
	b := NewBuilder(20, CP858).Pair("Amount", "12.50 €")
	if got := lines(b); len(got) != 1 || got[0] != "Amount       12.50 \xD5" {
		t.Errorf("fits: %q", got)
	}
	b = NewBuilder(20, CP858).Pair("Transaction", "0123456789abcdef")
	if got := lines(b); len(got) != 2 || got[0] != "Transaction" || got[1] != "    0123456789abcdef" {
		t.Errorf("value on its own line: %q", got)
	}
	b = NewBuilder(20, CP858).Pair("Tx", strings.Repeat("0123456789", 4))
	want := []string{"Tx", "  012345678901234567", "  890123456789012345", "  6789"}
	if got := lines(b); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapped value: %q, want %q", got, want)
	}
	// Double width halves the columns.
	b = NewBuilder(20, CP858)
	b.Double(true)
	b.Pair("A", "B")
	if got := string(b.Bytes()[3:]); got != "A        B\n" {
		t.Errorf("double: %q", got)
	}
}

func TestLineWrapsAtColumns(t *testing.T) {
	b := NewBuilder(16, CP858)
	b.Line("The quick brown fox jumps\nover")
	want := "The quick brown\nfox jumps\nover\n"
	if got := string(b.Bytes()); got != want {
		t.Errorf("Line: %q, want %q", got, want)
	}
	b = NewBuilder(16, CP858)
	b.Double(true).Line("Corner Café Extra")
	if got := string(b.Bytes()[3:]); got != "Corner\nCaf\x82\nExtra\n" {
		t.Errorf("double-size line: %q", got)
	}
	// Transliteration counts the columns it makes: "€" is three on CP437.
	b = NewBuilder(10, CP437)
	b.Line("€€€€")
	if got := string(b.Bytes()); got != "EUREUREURE\nUR\n" {
		t.Errorf("transliterated: %q", got)
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		b       byte
		ok      bool
		want    PaperStatus
		offline OfflineStatus
	}{
		{0x12, true, PaperStatus{}, OfflineStatus{}},
		{0x1E, true, PaperStatus{NearEnd: true}, OfflineStatus{CoverOpen: true}},
		{0x72, true, PaperStatus{End: true}, OfflineStatus{PaperEnd: true, Error: true}},
		{0x7E, true, PaperStatus{NearEnd: true, End: true}, OfflineStatus{CoverOpen: true, PaperEnd: true, Error: true}},
		{0x00, false, PaperStatus{}, OfflineStatus{}},
		{0xFF, false, PaperStatus{}, OfflineStatus{}},
		{'A', false, PaperStatus{}, OfflineStatus{}},
	}
	for _, tt := range tests {
		got, ok := ParsePaperStatus(tt.b)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParsePaperStatus(%02X) = %+v, %t", tt.b, got, ok)
		}
		off, ok := ParseOfflineStatus(tt.b)
		if ok != tt.ok || off != tt.offline {
			t.Errorf("ParseOfflineStatus(%02X) = %+v, %t", tt.b, off, ok)
		}
	}
}
