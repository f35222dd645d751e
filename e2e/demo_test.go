package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cryptopos/e2e/e2ekit"
	cpsandbox "cryptopos/providers/cryptoprocessing/sandbox"
)

// TestDemoCryptoprocessing runs `cryptopos --demo=cryptoprocessing`: a
// sale whose QR code leads to the demo's own sandbox page, paid with the
// demo customer's key p, PAID through the demo's embedded relay; q quits
// and the demo's temporary directory (journal, log) is gone.
func TestDemoCryptoprocessing(t *testing.T) {
	t.Parallel()
	p := newTerm(t)
	tmp := filepath.Join(p.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	p.env = append(p.env, "TMPDIR="+tmp)
	p.args = []string{"--demo=cryptoprocessing"}
	p.noLog = true // checked below, before the demo deletes it
	p.start()

	p.waitForText("DEMO", "cryptopos · Cryptoprocessing", "Demo Café", "Amount (EUR)")
	dirs, _ := filepath.Glob(filepath.Join(tmp, "cryptopos-demo-*"))
	if len(dirs) != 1 {
		p.fail("the demo should make one directory in TMPDIR %s; there are %q", tmp, dirs)
	}
	p.logPath = filepath.Join(dirs[0], "cryptopos.log")
	for _, f := range []string{"journal.db", "cryptopos.log"} {
		if _, err := os.Stat(filepath.Join(dirs[0], f)); err != nil {
			p.fail("the demo's directory has no %s: %v", f, err)
		}
	}

	qrText, order := p.cpSale("12.50")
	p.waitForText("Demo customer:", "p pay", "e expire now")
	if !strings.HasPrefix(qrText, "http://127.0.0.1:") || !strings.Contains(qrText, "/invoice/") {
		p.fail("the demo's QR code reads %q, not a page of its local sandbox", qrText)
	}
	if page := httpGet(t, qrText); !strings.Contains(page, "12.5 EUR") || !strings.Contains(page, order) {
		p.fail("the demo's payment page %s does not show 12.5 EUR and the order %s:\n%s", qrText, order, page)
	}
	p.sendKeys("p")
	p.waitFor("the PAID result", bigWord("PAID"))
	p.waitForText("12.50 EUR · ", "order "+order)

	log := e2ekit.ReadFile(p.logPath)
	if !strings.Contains(log, "order_id="+order+" status=paid") || !strings.Contains(log, "from relay") {
		p.fail("the demo's log does not record the payment from the relay:\n%s", e2ekit.Tail(log, 10))
	}
	checkNoSecrets(t, "the demo's log", log, cpsandbox.DemoSecretKey)

	p.sendKeys("Enter")
	p.quit()
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
		p.fail("after q the demo left %q in TMPDIR", left)
	}
	if _, err := e2ekit.HTTPClient.Get(qrText); err == nil {
		p.fail("the demo's sandbox still answers at %s after q", qrText)
	}
}
