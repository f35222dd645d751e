package bench

import (
	"testing"

	"cryptopos/qr"
)

// url60 is a payment page address of exactly 60 characters.
const url60 = "https://pay.cryptomus.com/pay/26109ba0-b05b-4ee0-93d1-fd62c8"

// BenchmarkQRRender60 renders a 60-character URL the way the Invoice screen
// does at 80x24: half blocks in colour, in the 41 x 20 cells left of the
// details, at error correction level Medium.
func BenchmarkQRRender60(b *testing.B) {
	if len(url60) != 60 {
		b.Fatalf("url60 has %d characters", len(url60))
	}
	o := qr.Options{Mode: qr.HalfBlock, DarkBackground: true, MaxCols: 80 - 2 - 3 - 34, MaxRows: 24 - 4}
	code, err := qr.Render(url60, o)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := qr.Render(url60, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(code.Modules), "modules")
}
