package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/e2e/e2ekit"
	"cryptopos/pos"
	"cryptopos/printer/escposdecode"
)

// The shop's receipt lines in the printer tests' config.
var (
	receiptHeader = []string{"1 Market Street, Springfield", "VAT DE123456789"}
	receiptFooter = []string{"Thank you!", "Come back soon"}
)

// printerTimeout is [printer] timeout in the tests: long, so that a sale
// that waited for a printer would show.
const printerTimeout = 30 * time.Second

// startPrinterTerm starts a sandbox and a terminal that prints on device
// (auto_print on) with the shop's header and footer lines.
func startPrinterTerm(t *testing.T, device string) *term {
	t.Helper()
	p := newCryptomusTerm(t)
	quote := func(lines []string) string {
		q := make([]string, len(lines))
		for i, l := range lines {
			q[i] = strconv.Quote(l)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	section := fmt.Sprintf(`
[printer]
device = %s
paper = "80mm"
auto_print = true
header = %s
footer = %s
timeout = %q
`, strconv.Quote(device), quote(receiptHeader), quote(receiptFooter), printerTimeout.String())
	writeFile(t, p.configPath, e2ekit.ReadFile(p.configPath)+section)
	p.start()
	return p
}

// ---------------------------------------------------------------------------
// A network receipt printer.

// netPrinter is a network receipt printer on 127.0.0.1 (raw port, like
// port 9100): it reads each connection to its end, answers every real-time
// status request (DLE EOT n) at once with "ready" (0x12: online, cover
// closed, paper present), and keeps what each connection brought as one
// job.
type netPrinter struct {
	ln   net.Listener
	mu   sync.Mutex
	jobs [][]byte
}

// startNetPrinter starts a printer at addr ("127.0.0.1:0" for any port);
// it stops when the test ends.
func startNetPrinter(t *testing.T, addr string) *netPrinter {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the network printer cannot listen on %s: %v", addr, err)
	}
	f := &netPrinter{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); f.serve(c) }()
		}
	}()
	return f
}

func (f *netPrinter) addr() string { return f.ln.Addr().String() }

func (f *netPrinter) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	var got []byte
	scanned := 0 // requests before this offset are answered
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		for ; scanned+2 < len(got); scanned++ {
			if got[scanned] == 0x10 && got[scanned+1] == 0x04 && got[scanned+2] >= 1 && got[scanned+2] <= 4 {
				_, _ = c.Write([]byte{0x12})
				scanned += 2
			}
		}
		if err != nil {
			break
		}
	}
	if len(got) > 0 {
		f.mu.Lock()
		f.jobs = append(f.jobs, got)
		f.mu.Unlock()
	}
}

// waitJob waits for the printer's job number i (from 0), at most within.
func (f *netPrinter) waitJob(t *testing.T, i int, within time.Duration) []byte {
	t.Helper()
	for start := time.Now(); time.Since(start) < within; time.Sleep(pollEvery) {
		f.mu.Lock()
		n := len(f.jobs)
		var job []byte
		if n > i {
			job = f.jobs[i]
		}
		f.mu.Unlock()
		if job != nil {
			return job
		}
	}
	t.Fatalf("the network printer at %s got no job %d within %s", f.addr(), i+1, within)
	return nil
}

// count is how many jobs the printer got.
func (f *netPrinter) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.jobs)
}

// closedPort returns a local address nothing listens on: a printer that
// is switched off.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// ---------------------------------------------------------------------------
// A file printer.

// fileJob waits for the file printer's file to grow past offset by a whole
// job (one that decodes and ends with a cut) and returns the new bytes.
func (p *term) fileJob(path string, offset int) []byte {
	p.t.Helper()
	for start := time.Now(); time.Since(start) < deadline; time.Sleep(pollEvery) {
		data, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			p.fail("cannot read the printer's file: %v", err)
		}
		if len(data) <= offset {
			continue
		}
		job := data[offset:]
		if doc, err := escposdecode.Decode(job); err == nil && len(doc.Items) > 0 && doc.Items[len(doc.Items)-1].Kind == escposdecode.KindCut {
			return job
		}
	}
	p.fail("after %s the printer's file %s has no new job after byte %d", deadline, path, offset)
	return nil
}

func fileSize(path string) int {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return int(info.Size())
}

// ---------------------------------------------------------------------------
// Reading what was printed.

// decodeJob decodes a print job and checks it is exactly one job: it
// starts with ESC @, ends with a cut.
func (p *term) decodeJob(what string, data []byte) *escposdecode.Document {
	p.t.Helper()
	doc, err := escposdecode.Decode(data)
	if err != nil {
		p.fail("the %s does not decode as ESC/POS: %v\n%q", what, err, data)
	}
	var kinds []escposdecode.Kind
	for _, it := range doc.Items {
		if it.Kind != escposdecode.KindStatus {
			kinds = append(kinds, it.Kind)
		}
	}
	if len(kinds) < 2 || kinds[0] != escposdecode.KindInit || kinds[len(kinds)-1] != escposdecode.KindCut ||
		doc.Count(escposdecode.KindInit) != 1 || doc.Count(escposdecode.KindCut) != 1 {
		p.fail("the %s is not one job from ESC @ to a cut:\n%s", what, doc.Render(48))
	}
	return doc
}

// hasLine fails unless the document prints a line that reads text.
func (p *term) hasLine(what string, doc *escposdecode.Document, text string) {
	p.t.Helper()
	for _, l := range doc.Texts() {
		if l == text {
			return
		}
	}
	p.fail("the %s has no line %q:\n%s", what, text, doc.Render(48))
}

// value reads a label's value off the document.
func (p *term) value(what string, doc *escposdecode.Document, label string) string {
	p.t.Helper()
	v, ok := doc.Value(label)
	if !ok {
		p.fail("the %s has no %q line:\n%s", what, label, doc.Render(48))
	}
	return v
}

// checkPrintedTime checks a "2006-01-02 15:04" time on paper: the local
// time of a moment between from and now.
func (p *term) checkPrintedTime(what, s string, from time.Time) {
	p.t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, time.Local)
	if err != nil || at.Before(from.Truncate(time.Minute)) || at.After(time.Now()) {
		p.fail("the %s's time %q is not the local time of the sale (between %s and now)", what, s, from.Format("2006-01-02 15:04:05"))
	}
}

// checkReceipt checks a paid sale's receipt against the sandbox and the
// journal: the shop's header and footer, the date and time, the order id,
// the amount, what was paid in crypto at which rate, the status, the
// provider and its invoice id, and the invoice page as a QR code.
func (p *term) checkReceipt(data []byte, order string, from time.Time) {
	p.t.Helper()
	what := "receipt of " + order
	doc := p.decodeJob(what, data)
	inv := p.journalGet(order)
	sb := p.sb.invoice(p.t, order)

	p.hasLine(what, doc, "E2E Shop")
	for _, l := range append(append([]string{}, receiptHeader...), receiptFooter...) {
		p.hasLine(what, doc, l)
	}
	p.checkPrintedTime(what, p.value(what, doc, "Date"), from)
	if v := p.value(what, doc, "Order"); v != order {
		p.fail("the %s says order %q", what, v)
	}
	p.hasLine(what, doc, "PAID")
	if v := p.value(what, doc, "Amount"); v != "12.50 EUR" {
		p.fail("the %s says amount %q, want 12.50 EUR", what, v)
	}
	paid := p.value(what, doc, "Crypto paid")
	amount, code, _ := strings.Cut(paid, " ")
	if code != "BTC" || !sameAmount(amount, sb.PayerAmount) || !sameAmount(amount, sb.PaymentAmount) {
		p.fail("the %s says %q paid; the sandbox asked %s and received %s BTC", what, paid, sb.PayerAmount, sb.PaymentAmount)
	}
	// The rate: 12.50 EUR over the crypto amount, to the places printed.
	rate := regexp.MustCompile(`^1 BTC = ([\d,]+\.(\d+)) EUR$`).FindStringSubmatch(p.value(what, doc, "Rate"))
	if rate == nil {
		p.fail("the %s's rate is not \"1 BTC = N EUR\":\n%s", what, doc.Render(48))
	}
	want := decimal.RequireFromString("12.50").DivRound(decimal.RequireFromString(amount), int32(len(rate[2])))
	if got := decimal.RequireFromString(strings.ReplaceAll(rate[1], ",", "")); !got.Equal(want) {
		p.fail("the %s's rate is %s EUR, want %s (12.50 EUR / %s BTC)", what, rate[1], want, amount)
	}
	if v := p.value(what, doc, "Provider"); v != "Cryptomus" {
		p.fail("the %s names the provider %q", what, v)
	}
	if v := p.value(what, doc, "Invoice"); v != sb.UUID || v != inv.ProviderID {
		p.fail("the %s's invoice id is %q; the sandbox's %q, the journal's %q", what, v, sb.UUID, inv.ProviderID)
	}
	qrs := doc.QRs()
	if len(qrs) != 1 || string(qrs[0].Data) != inv.URL || inv.URL != sb.URL {
		p.fail("the %s's QR codes %+v; want one of the invoice page %s", what, qrs, inv.URL)
	}
}

// waitForNote waits for the journal to have an event of the order whose
// note starts with prefix.
func (p *term) waitForNote(order, prefix string) pos.Event {
	p.t.Helper()
	var notes []string
	for start := time.Now(); time.Since(start) < deadline; time.Sleep(100 * time.Millisecond) {
		notes = notes[:0]
		for _, e := range p.journalEvents(order) {
			if strings.HasPrefix(e.Note, prefix) {
				return e
			}
			notes = append(notes, e.Note)
		}
	}
	p.fail("the journal has no event of %s noting %q; its notes:\n%s", order, prefix, strings.Join(notes, "\n"))
	return pos.Event{}
}

// flat is the screen's words, one space between each: a sentence wrapped
// over several lines reads as one.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// waitForWords waits for every one of the texts on the screen, wrapped or
// not.
func (p *term) waitForWords(texts ...string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("%q on the screen", texts), func(s string) bool {
		for _, want := range texts {
			if !strings.Contains(flat(s), flat(want)) {
				return false
			}
		}
		return true
	})
}

// paidSale makes a 12.50 EUR sale in BTC, has the customer pay it in full
// and waits for PAID; it returns the order id.
func (p *term) paidSale() string {
	p.t.Helper()
	qrText, order := p.newSale("12.50", "2")
	clickOnPage(p.t, qrText, buttonPay)
	p.waitFor("the PAID result", bigWord("PAID"))
	return order
}

// TestReceiptsPrint prints on the printers cryptopos drives, as a shop
// would set them up: a file, a network printer, and a network printer that
// is switched off.
func TestReceiptsPrint(t *testing.T) {
	t.Parallel()
	needTmux(t)

	// A file printer: the receipt of a paid sale by itself, the payment QR
	// on P on the invoice screen, the day report on P in the report.
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "receipts.bin")
		p := startPrinterTerm(t, "file:"+path)

		from := time.Now()
		order := p.paidSale()
		p.checkReceipt(p.fileJob(path, 0), order, from)
		note := p.waitForNote(order, "receipt printed on the file "+path+" at ").Note
		p.checkPrintedTime("journal note", strings.TrimPrefix(note, "receipt printed on the file "+path+" at ")[:16], from)
		p.waitForText("Printed the receipt of " + order + ".")

		// P on the invoice screen: the payment QR for the customer.
		p.sendKeys("Enter")
		offset := fileSize(path)
		qrText, order2 := p.newSale("7.25", "2")
		p.sendKeys("P")
		job := p.fileJob(path, offset)
		what := "payment QR of " + order2
		doc := p.decodeJob(what, job)
		if qrs := doc.QRs(); len(qrs) != 1 || string(qrs[0].Data) != qrText {
			p.fail("the %s has QR codes %+v; want one of %s", what, qrs, qrText)
		}
		p.hasLine(what, doc, "E2E Shop")
		p.hasLine(what, doc, "7.25 EUR")
		p.hasLine(what, doc, "Order "+order2)
		sb := p.sb.invoice(t, order2)
		asked := false
		for _, l := range doc.Texts() {
			amount, found := strings.CutSuffix(l, " BTC")
			asked = asked || found && sameAmount(amount, sb.PayerAmount)
		}
		if !asked {
			p.fail("the %s does not ask for %s BTC:\n%s", what, sb.PayerAmount, doc.Render(48))
		}
		p.waitForText("Printed the payment QR of " + order2 + ".")
		p.waitForNote(order2, "payment QR printed on the file "+path)

		// The sale is cancelled, which prints nothing.
		p.sendKeys("c")
		p.waitForText("y yes, cancel it")
		p.sendKeys("y")
		p.waitFor("the CANCELLED result", bigWord("CANCELLED"))

		// P in the day report: the report, with both sales.
		offset = fileSize(path)
		p.sendKeys("Enter")
		p.waitForText("Amount (EUR)")
		p.sendKeys("r")
		p.waitForText("P print")
		p.sendKeys("P")
		job = p.fileJob(path, offset)
		doc = p.decodeJob("day report", job)
		p.hasLine("day report", doc, "DAY REPORT")
		p.hasLine("day report", doc, time.Now().Format("2006-01-02"))
		if v := p.value("day report", doc, "Sales"); v != "2" {
			p.fail("the day report counts %s sales, want 2:\n%s", v, doc.Render(48))
		}
		if v := p.value("day report", doc, "Paid (1)"); v != "12.50 EUR" {
			p.fail("the day report's paid sales come to %s, want 12.50 EUR:\n%s", v, doc.Render(48))
		}
		// Cryptomus has no cancel call: the sale stays payable, open.
		if v := p.value("day report", doc, "Waiting (1)"); v != "7.25 EUR" {
			p.fail("the day report's open sales come to %s, want 7.25 EUR:\n%s", v, doc.Render(48))
		}
		p.hasLine("day report", doc, "Cancelled on the terminal, still payable")
		p.waitForText("Printed the day report.")
		if size := fileSize(path); size != offset+len(job) {
			p.fail("the printer's file grew by %d bytes more than the report", size-offset-len(job))
		}
	})

	// A network printer that answers its status requests.
	t.Run("network", func(t *testing.T) {
		t.Parallel()
		printer := startNetPrinter(t, "127.0.0.1:0")
		p := startPrinterTerm(t, "tcp://"+printer.addr())

		from := time.Now()
		order := p.paidSale()
		job := printer.waitJob(t, 0, deadline)
		p.checkReceipt(job, order, from)
		// The printer was asked for its status before the job (DLE EOT 2
		// and 4) and after it (DLE EOT 4: it took every byte).
		doc, _ := escposdecode.Decode(job)
		items := doc.Items
		if len(items) < 3 || items[0].Kind != escposdecode.KindStatus || items[len(items)-1].Kind != escposdecode.KindStatus {
			p.fail("the network printer was not asked for its status before and after the job:\n%s", doc.Render(48))
		}
		p.waitForNote(order, "receipt printed on the printer at "+printer.addr()+" at ")
		p.waitForText("Printed the receipt of " + order + ".")
		if n := printer.count(); n != 1 {
			p.fail("the network printer got %d jobs, want 1", n)
		}
	})

	// A network printer that is switched off: the sale goes on, the
	// cashier is told, and R prints once the printer is back.
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		addr := closedPort(t)
		p := startPrinterTerm(t, "tcp://"+addr)

		from := time.Now()
		order := p.paidSale()
		sentence := "The printer at " + addr + " does not answer: is it switched on and on the network?"
		p.waitForWords("PRINTER", sentence, "R: print again")
		if !bigWord("PAID")(p.text) {
			p.fail("the printer's trouble hid the PAID result")
		}
		p.waitForNote(order, "receipt not printed: "+sentence)

		// The next sale at once: its QR code must not wait for the printer.
		p.sendKeys("Enter")
		p.waitForWords("Amount (EUR)", sentence, "R: print again")
		p.sendKeys("3.00", "Enter")
		p.waitForText("How will the customer pay?")
		started := time.Now()
		p.sendKeys("2")
		qrText := p.waitForQR()
		took := time.Since(started)
		if took > printerTimeout/3 {
			p.fail("the next sale's QR code took %s with the printer off (printer timeout %s)", took, printerTimeout)
		}
		t.Logf("with the printer off, the next sale's QR code showed %s after the coin was picked", took.Round(time.Millisecond))
		order2 := p.orderOnScreen()
		if inv := p.journalGet(order2); inv.URL != qrText {
			p.fail("the second sale's QR code reads %q, the journal has %q", qrText, inv.URL)
		}
		if !strings.Contains(p.text, "PRINTER") {
			p.fail("the PRINTER banner went away before the receipt printed")
		}

		// The printer is switched on; R (on the invoice screen: on the Sale
		// screen it does nothing) prints the receipt kept for it.
		printer := startNetPrinter(t, addr)
		p.sendKeys("R")
		p.checkReceipt(printer.waitJob(t, 0, deadline), order, from)
		p.waitForNote(order, "receipt printed on the printer at "+addr+" at ")
		p.waitFor("the PRINTER banner gone", func(s string) bool {
			return !strings.Contains(s, "PRINTER") && strings.Contains(flat(s), "Printed the receipt of "+order+".")
		})
		if n := printer.count(); n != 1 {
			p.fail("the printer got %d jobs after R, want the one receipt", n)
		}
	})
}
