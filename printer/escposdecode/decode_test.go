package escposdecode

import (
	"strings"
	"testing"

	"cryptopos/printer/escpos"
)

func TestDecodeEverything(t *testing.T) {
	b := escpos.NewBuilder(32, escpos.CP858).Init()
	b.Align(escpos.Center).Bold(true).Double(true).Line("Café €").Double(false).Bold(false)
	b.Align(escpos.Left).Pair("Amount", "12.50 €").Rule()
	if err := b.QR("https://x.test/1", 5); err != nil {
		t.Fatal(err)
	}
	b.Raw(escpos.StatusRequest(4)...)
	b.Feed(2).Cut()
	// A second job after the first, on another page.
	b2 := escpos.NewBuilder(32, escpos.CP437).Init().Line("Café €")
	doc, err := Decode(append(b.Bytes(), b2.Bytes()...))
	if err != nil {
		t.Fatal(err)
	}
	kinds := []Kind{}
	for _, it := range doc.Items {
		kinds = append(kinds, it.Kind)
	}
	want := []Kind{KindInit, KindCodePage, KindLine, KindLine, KindLine, KindQR, KindStatus, KindFeed, KindCut,
		KindInit, KindCodePage, KindLine}
	if len(kinds) != len(want) {
		t.Fatalf("items %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("items %v, want %v", kinds, want)
		}
	}
	lines := doc.Lines()
	if l := lines[0]; l.Text != "Café €" || !l.Bold || l.Width != 2 || l.Height != 2 || l.Align != escpos.Center {
		t.Errorf("first line %+v", l)
	}
	if l := lines[1]; l.Text != "Amount"+strings.Repeat(" ", 19)+"12.50 €" || l.Bold || l.Width != 1 || l.Align != escpos.Left {
		t.Errorf("second line %+v", l)
	}
	if lines[3].Text != "Café EUR" || doc.CodePage != escpos.CP437 {
		t.Errorf("CP437 line %q, page %s", lines[3].Text, doc.CodePage)
	}
	q := doc.QRs()[0]
	if string(q.Data) != "https://x.test/1" || q.Model != 50 || q.Size != 5 || q.Level != 49 {
		t.Errorf("QR %+v", q)
	}
	if doc.Items[7].N != 2 || doc.Items[8].N != 1 || doc.Items[6].N != 4 {
		t.Errorf("feed, cut, status: %+v %+v %+v", doc.Items[7], doc.Items[8], doc.Items[6])
	}
	if v, ok := doc.Value("Amount"); !ok || v != "12.50 €" {
		t.Errorf("Value(Amount) = %q", v)
	}
	if doc.Columns() != 32 || doc.Count(KindLine) != 4 {
		t.Errorf("columns %d, lines %d", doc.Columns(), doc.Count(KindLine))
	}
}

func TestValueWrapped(t *testing.T) {
	b := escpos.NewBuilder(20, escpos.CP858).Rule()
	b.Pair("Transaction", "0123456789abcdef")                    // right-aligned below
	b.Pair("Tx", strings.Repeat("0123456789", 4))                // wrapped below
	b.Pair("Address", strings.Repeat("x", 18)).Pair("Next", "1") // one full indented line
	doc, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string]string{
		"Transaction": "0123456789abcdef", "Tx": strings.Repeat("0123456789", 4),
		"Address": strings.Repeat("x", 18), "Next": "1",
	} {
		if got, ok := doc.Value(label); !ok || got != want {
			t.Errorf("Value(%q) = %q, %t; want %q", label, got, ok, want)
		}
	}
	if _, ok := doc.Value("Missing"); ok {
		t.Error("a value for a missing label")
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := map[string][]byte{
		"unknown ESC":           {0x1B, 'x', 1},
		"unknown GS":            {0x1D, 'x', 1},
		"control byte in text":  []byte("ab\x07c\n"),
		"cut short":             {0x1D, '(', 'k', 10, 0, 49, 80},
		"line never ended":      []byte("abc"),
		"unknown code page":     {0x1B, 't', 99},
		"QR with no data":       {0x1D, '(', 'k', 3, 0, 49, 81, 48},
		"align mid-line":        []byte("ab\x1Ba\x01\n"),
		"cut mid-line":          []byte("ab\x1DV\x01\n"),
		"bad module size":       {0x1D, '(', 'k', 3, 0, 49, 67, 17},
		"PDF417, not QR":        {0x1D, '(', 'k', 3, 0, 48, 65, 0},
		"DLE other than status": {0x10, 0x14, 1},
	}
	for name, data := range tests {
		if _, err := Decode(data); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestMixedStyles(t *testing.T) {
	doc, err := Decode([]byte("ab\x1BE\x01cd\n"))
	if err != nil {
		t.Fatal(err)
	}
	if l := doc.Lines()[0]; !l.Mixed || l.Bold || l.Text != "abcd" {
		t.Errorf("line %+v", l)
	}
}
