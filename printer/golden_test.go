package printer

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"cryptopos/pos"
	"cryptopos/printer/escposdecode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name.golden, byte for byte, and its
// rendering with testdata/name.txt, which is there for people to review
// the layout; -update rewrites both.
func golden(t *testing.T, name string, got []byte, cols int) {
	t.Helper()
	doc, err := escposdecode.Decode(got)
	if err != nil {
		t.Fatalf("%s does not decode: %v", name, err)
	}
	files := map[string][]byte{name + ".golden": got, name + ".txt": []byte(doc.Render(cols))}
	for file, data := range files {
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		if !bytes.Equal(data, want) {
			t.Errorf("%s differs from %s (run go test -update and review the diff of the .txt files):\n%s",
				name, path, files[name+".txt"])
		}
	}
}

// Every layout on every paper width, byte for byte.
func TestGolden(t *testing.T) {
	waiting := paidBTC()
	waiting.Status, waiting.Paid = pos.StatusWaiting, pos.Money{}
	for _, p := range []Paper{Paper58, Paper80} {
		f := testFormat(p)
		receipt, err := Receipt(ReceiptData{Invoice: paidBTC(), ProviderName: "Cryptomus"}, testShop, f)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "receipt-"+string(p), receipt, p.Columns())

		over := overpaidUSDT()
		over.TxID = testTxID
		copyOver, err := Receipt(ReceiptData{Invoice: over, Copy: true}, testShop, f)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "receipt-overpaid-copy-"+string(p), copyOver, p.Columns())

		qr, err := PaymentQR(waiting, testShop, f)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "payment-qr-"+string(p), qr, p.Columns())

		golden(t, "day-report-"+string(p), DayReport(testReport(), testShop, f), p.Columns())
	}
}
