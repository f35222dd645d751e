package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"cryptopos/e2e/e2ekit"
	"cryptopos/pos"
	"cryptopos/qr/qrscan"
)

// The manager PIN of the kiosk test (long enough not to turn up in a log
// by chance), and one that is not it.
const (
	managerPIN = "739158246"
	wrongPIN   = "1357"
)

// consoleCols and consoleRows are the pane of the Linux console test: the
// console's QR code takes two cells a module and a row a module, so a
// payment page's code needs many rows.
const consoleCols, consoleRows = 100, 50

// press sends tmux key names (C-z, C-\, F10, Escape), never literal text.
func (p *term) press(keys ...string) {
	p.t.Helper()
	for _, k := range keys {
		if out, err := p.tmux("send-keys", "-t", p.target, k); err != nil {
			p.fail("cannot press %q: %v\n%s", k, err, out)
		}
	}
}

// recording returns what the terminal has written to its pane so far.
func (p *term) recording() []byte {
	p.t.Helper()
	raw, err := os.ReadFile(p.rawPath)
	if err != nil {
		p.fail("cannot read the pane's recording: %v", err)
	}
	return raw
}

// vtScreen replays the recording on a terminal of the pane's size.
func (p *term) vtScreen() *qrscan.Screen {
	cols, rows := p.size()
	return qrscan.ParseVT(p.recording(), cols, rows)
}

// waitForVT polls the replayed recording until cond holds for the screen.
func (p *term) waitForVT(desc string, cond func(s *qrscan.Screen) bool) *qrscan.Screen {
	p.t.Helper()
	for start := time.Now(); ; time.Sleep(pollEvery) {
		s := p.vtScreen()
		if cond(s) {
			p.text = s.Text()
			return s
		}
		if e := p.exitState(); e.dead {
			p.fail("the terminal %s while waiting for %s", e, desc)
		}
		if time.Since(start) > deadline {
			p.fail("after %s, still waiting for %s; the recording shows:\n%s", deadline, desc, s.Text())
		}
	}
}

// waitForQRVT waits for a QR code that decodes on the replayed recording,
// at the pane's size, as qrscan.DecodeVT reads it.
func (p *term) waitForQRVT() string {
	p.t.Helper()
	var text string
	p.waitForVT("a QR code that decodes on the recorded screen", func(s *qrscan.Screen) bool {
		var err error
		text, err = s.Decode()
		return err == nil && countdown.MatchString(s.Text())
	})
	cols, rows := p.size()
	if again, err := qrscan.DecodeVT(p.recording(), cols, rows); err != nil || again != text {
		p.fail("DecodeVT of the recording at %dx%d: %q, %v; want %q", cols, rows, again, err, text)
	}
	return text
}

// oscString matches OSC sequences (the window title), whose terminator may
// be a BEL that rings nothing.
var oscString = regexp.MustCompile(`\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`)

// bells counts the terminal bells in raw output.
func bells(raw []byte) int {
	return strings.Count(oscString.ReplaceAllString(string(raw), ""), "\a")
}

// paidLetters is PAID in the result screen's block font, '#' a lit cell.
var paidLetters = []string{
	"####   ###  ### ####",
	"#   # #   #  #  #   #",
	"####  #####  #  #   #",
	"#     #   #  #  #   #",
	"#     #   # ### ####",
}

// blockRows reads the rows of reverse-video cells off the screen as
// '#' (lit) and ' ', trimmed on the right, and the first row that has one.
func blockRows(s *qrscan.Screen) (rows []string, top int) {
	cols, height := s.Size()
	top = -1
	for y := 0; y < height; y++ {
		var b strings.Builder
		lit := false
		for x := 0; x < cols; x++ {
			if c := s.Cell(x, y); c.Attrs&qrscan.Reverse != 0 && strings.TrimSpace(c.Content) == "" {
				b.WriteByte('#')
				lit = true
			} else {
				b.WriteByte(' ')
			}
		}
		if lit {
			if top < 0 {
				top = y
			}
			rows = append(rows, strings.TrimRight(b.String(), " "))
		}
	}
	return rows, top
}

// shrink undoes a block font's horizontal scale: every cell of the font is
// scale cells wide on the screen. It returns the rows with their common
// left margin removed.
func shrink(rows []string, scale int) []string {
	margin := -1
	for _, r := range rows {
		if n := len(r) - len(strings.TrimLeft(r, " ")); margin < 0 || n < margin {
			margin = n
		}
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		r = r[margin:]
		var b strings.Builder
		for x := 0; x < len(r); x += scale {
			b.WriteByte(r[x])
		}
		out[i] = b.String()
	}
	return out
}

// checkLatin1 fails unless every character the terminal wrote is in
// Latin-1, or the euro sign: what the Linux console's fonts show.
func (p *term) checkLatin1(raw []byte) {
	p.t.Helper()
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && n == 1 {
			p.fail("the terminal wrote a byte that is not UTF-8 (%#x) at %d: %q", raw[i], i, raw[max(0, i-40):min(len(raw), i+40)])
		}
		if r > 0xff && r != '€' {
			p.fail("the terminal wrote %q (U+%04X), which the Linux console's fonts may not have, at %d: %q",
				r, r, i, raw[max(0, i-40):min(len(raw), i+40)])
		}
		i += n
	}
}

// amountField waits for the Sale screen to show want in its amount field
// (two lines under the title; "" when empty), proving every key sent
// before was read.
func (p *term) amountField(want string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("the Sale screen with %q in the amount field", want), func(s string) bool {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if strings.TrimSpace(l) == "Amount (EUR)" && i+2 < len(lines) {
				return strings.TrimSpace(lines[i+2]) == want
			}
		}
		return false
	})
}

// TestKioskOnTheLinuxConsole is a new user's try of the locked terminal on
// the Linux console (TERM=linux) with --kiosk: no key leaves it without
// the manager PIN, the console's QR code (coloured spaces) scans from the
// pane's raw output, PAID shows in block letters of reverse-video cells,
// the bell rings once, every glyph is one a console font has, and F10 with
// the PIN leaves it cleanly. A second run ends on SIGTERM, cleanly.
func TestKioskOnTheLinuxConsole(t *testing.T) {
	t.Parallel()
	p := newCryptomusTerm(t)
	p.cols, p.rows = consoleCols, consoleRows
	p.rawPath = filepath.Join(p.dir, "pane.raw")
	p.env = append(p.env, "TERM=linux")
	p.args = append(p.args, "--kiosk")

	// The manager sets the PIN as the README says; the PIN itself is
	// stored nowhere.
	cmd, stdout, stderr := p.cliCmd("pin")
	cmd.Stdin = strings.NewReader(managerPIN + "\n" + managerPIN + "\n")
	if err := cmd.Run(); err != nil {
		t.Fatalf("cryptopos pin: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	config := e2ekit.ReadFile(p.configPath)
	m := regexp.MustCompile(`(?m)^\[kiosk\]\npin_hash = "([^"]+)"$`).FindStringSubmatch(config)
	if m == nil || strings.Contains(config, managerPIN) {
		t.Fatalf("cryptopos pin did not write [kiosk] pin_hash (or wrote the PIN) into the config:\n%s", config)
	}
	p.secrets = append(p.secrets, managerPIN, m[1])
	p.start()
	pid := p.pid()

	// Every key that leaves or suspends a program elsewhere. Each is
	// followed by a character for the amount field: once it shows, the
	// key before it has been read, and the terminal is still there.
	p.amountField("")
	p.sendKeys("1")
	p.amountField("1")
	for _, step := range []struct{ key, then, field string }{
		{"C-c", "2", "12"},
		{"C-z", ".", "12."},
		{`C-\`, "5", "12.5"},
		{"q", "0", "12.50"},
		{"C-d", "BSpace", "12.5"},
	} {
		p.press(step.key)
		p.press(step.then)
		p.amountField(step.field)
		if e := p.exitState(); e.dead || processGone(pid) {
			p.fail("%s left the locked terminal: it %s", step.key, e)
		}
		if s := e2ekit.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); strings.Contains(s, ") T ") {
			p.fail("%s suspended the locked terminal (process state T)", step.key)
		}
	}
	p.press("Escape") // clears the field, and leaves nothing
	p.amountField("")
	if e := p.exitState(); e.dead || !strings.Contains(p.text, "F10 quit (PIN)") {
		p.fail("after Escape the locked terminal is %s, or its help bar does not name F10", e)
	}

	// A sale. The console's code is coloured spaces: read it from the
	// recording, not from a capture.
	qrText, order := p.newSaleVT("12.50", "2")
	inv := p.journalGet(order)
	if qrText != inv.URL || inv.Status != pos.StatusWaiting {
		p.fail("the QR code reads %q; the journal has url %q, status %s", qrText, inv.URL, inv.Status)
	}
	p.press("C-c", "q")
	// The customer pays. From here on the recording must ring the bell
	// once ([sound] paid_bells defaults to 1).
	before := len(p.recording())
	clickOnPage(t, qrText, buttonPay)
	s := p.waitForVT("PAID in block letters", func(s *qrscan.Screen) bool {
		rows, _ := blockRows(s)
		return bigWord("PAID")(s.Text()) && len(rows) == 5
	})
	rows, top := blockRows(s)
	if got := shrink(rows, 2); strings.Join(got, "\n") != strings.Join(paidLetters, "\n") {
		if got1 := shrink(rows, 1); strings.Join(got1, "\n") != strings.Join(paidLetters, "\n") {
			p.fail("the block letters of reverse-video cells do not read PAID:\n%s\nwant:\n%s",
				strings.Join(rows, "\n"), strings.Join(paidLetters, "\n"))
		}
	}
	if lines := strings.Split(p.text, "\n"); len(lines) < top+8 || !bigWord("PAID")(strings.Join(lines[top+5:top+8], "\n")) {
		p.fail("the plain word PAID is not right under the block letters (rows %d-%d)", top, top+4)
	}
	if !strings.Contains(p.text, "12.50 EUR") || !strings.Contains(p.text, order) {
		p.fail("the result does not show the amount and the order")
	}
	// The bell rings BellGap after the frame at the most; wait for it, then
	// make sure it rang once only.
	for start := time.Now(); bells(p.recording()[before:]) == 0 && time.Since(start) < deadline; {
		time.Sleep(pollEvery)
	}
	time.Sleep(700 * time.Millisecond) // a second ring would be 300 ms later
	if n := bells(p.recording()[before:]); n != 1 {
		p.fail("the terminal bell rang %d times for PAID, want 1 ([sound] paid_bells = 1)", n)
	}
	if inv := p.journalGet(order); inv.Status != pos.StatusPaid {
		p.fail("journal: %s is %s, want paid", order, inv.Status)
	}

	// Leaving: F10 is only on the Sale screen; a wrong PIN keeps it locked.
	p.press("C-c", "q", "Enter")
	p.amountField("")
	p.press("F10")
	p.waitForText("Manager PIN to quit", "The terminal is locked.")
	p.sendKeys(wrongPIN)
	p.waitForText("****")
	p.press("Enter")
	p.waitForText("That PIN is not right.")
	if e := p.exitState(); e.dead {
		p.fail("a wrong PIN ended the terminal: it %s", e)
	}
	p.sendKeys(managerPIN)
	p.press("Enter")
	if e, ok := p.waitForExit(pid, deadline); !ok || e.reaped() && e.status != "0" {
		p.fail("F10 and the manager PIN: the terminal is %s, want exited with status 0", e)
	}
	raw := p.recording()
	p.checkLatin1(raw)
	checkNoSecrets(t, "the screen", string(raw), managerPIN, wrongPIN)
	if n := strings.Count(e2ekit.ReadFile(p.logPath), `msg="terminal stopped"`); n != 1 {
		p.fail("the log says \"terminal stopped\" %d times, want 1", n)
	}
	p.checkKioskJournal(order, qrText)

	// A second run, stopped by the system (shutdown, systemd): SIGTERM ends
	// even a locked terminal, cleanly.
	p.relaunch()
	pid = p.pid()
	p.amountField("")
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		p.fail("cannot send SIGTERM: %v", err)
	}
	if e, ok := p.waitForExit(pid, deadline); !ok || e.reaped() && e.status != "0" {
		p.fail("SIGTERM: the terminal is %s, want exited with status 0", e)
	}
	if n := strings.Count(e2ekit.ReadFile(p.logPath), `msg="terminal stopped"`); n != 2 {
		p.fail("after SIGTERM the log says \"terminal stopped\" %d times, want 2", n)
	}
	p.checkLatin1(p.recording()[len(raw):])
	p.checkKioskJournal(order, qrText)
}

// newSaleVT is newSale for the console: the QR code is read from the
// pane's recording.
func (p *term) newSaleVT(amount, row string) (qrText, orderID string) {
	p.t.Helper()
	p.amountField("")
	p.sendKeys(amount)
	p.amountField(amount)
	p.press("Enter")
	p.waitForText("How will the customer pay?", "1  Customer chooses", "2  BTC", "3  USDT · Tron")
	p.sendKeys(row)
	qrText = p.waitForQRVT()
	p.waitFor("the order id in the footer", func(s string) bool { return footerOrder.MatchString(s) })
	return qrText, p.orderOnScreen()
}

// checkKioskJournal checks the journal after the kiosk test's runs: the one
// sale, paid, with the url its QR code showed, and the sandbox agreeing.
func (p *term) checkKioskJournal(order, qrText string) {
	p.t.Helper()
	if n := p.journalCount(); n != 1 {
		p.fail("the journal has %d invoices, want 1", n)
	}
	inv := p.journalGet(order)
	if inv.Status != pos.StatusPaid || inv.URL != qrText || inv.Amount.String() != "12.50 EUR" {
		p.fail("journal: %s %s %s; want paid, %s, 12.50 EUR", inv.Status, inv.URL, inv.Amount, qrText)
	}
	events := p.journalEvents(order)
	if len(events) == 0 || events[len(events)-1].Status != pos.StatusPaid {
		p.fail("the journal's events of %s do not end paid: %+v", order, events)
	}
	if sb := p.sb.invoice(p.t, order); sb.Status != "paid" || sb.URL != qrText {
		p.fail("the sandbox has %s for %s (url %s), want paid", sb.Status, order, sb.URL)
	}
}
