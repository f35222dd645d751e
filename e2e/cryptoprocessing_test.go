package e2e

import (
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cryptopos/e2e/e2ekit"
	"cryptopos/pos"
	cpsandbox "cryptopos/providers/cryptoprocessing/sandbox"
)

// The Cryptoprocessing payment page's buttons.
const (
	cpChoose   = "Choose coin"
	cpPay      = "Pay in full"
	cpUnderpay = "Pay too little"
	cpMempool  = "Send to the mempool"
	cpExpire   = "Let it expire now"
)

// cpPick types amount on the Sale screen and picks the pay option in row
// of the Currency screen (1 customer chooses, 2 BTC, 3 ETH, 4 USDT · Tron,
// 5 LTC: the sandbox's pay_currencies).
func (p *term) cpPick(amount, row string) {
	p.t.Helper()
	p.waitForText("Amount (EUR)")
	p.sendKeys(amount)
	p.waitFor("the amount "+amount+" typed", func(s string) bool {
		return regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(amount) + `$`).MatchString(s)
	})
	p.sendKeys("Enter")
	p.waitForText("How will the customer pay?", "1  Customer chooses", "2  BTC", "3  ETH", "4  USDT · Tron", "5  LTC")
	p.sendKeys(row)
}

// cpSale starts a sale the customer pays in a coin of their choice and
// returns the decoded QR code and the order id once the invoice is on
// screen.
func (p *term) cpSale(amount string) (qrText, orderID string) {
	p.t.Helper()
	p.cpPick(amount, "1")
	qrText = p.waitForQR()
	return qrText, p.orderOnScreen()
}

// checkShown checks that the QR code, the journal and the sandbox agree on
// the invoice, and returns the sandbox's view of it.
func (c *cpSetup) checkShown(t *testing.T, qrText, order, amount string) cpsandbox.AdminInvoice {
	t.Helper()
	p := c.term
	inv := p.journalGet(order)
	if qrText != inv.URL || inv.Status != pos.StatusWaiting || inv.Amount.String() != amount+" EUR" || inv.Provider != "cryptoprocessing" {
		p.fail("QR %q; journal url %q, status %s, amount %s, provider %s; want the QR's url, waiting, %s EUR, cryptoprocessing",
			qrText, inv.URL, inv.Status, inv.Amount, inv.Provider, amount)
	}
	sb := c.sandbox.invoice(t, order)
	if sb.URL != qrText || !sameAmount(sb.Amount, amount) || sb.Currency != "EUR" || sb.ForeignID != order {
		p.fail("the sandbox's invoice %+v does not match the QR code %q, the amount %s EUR and the order %s", sb, qrText, amount, order)
	}
	if !strings.HasPrefix(qrText, c.sandbox.URL+"/invoice/") {
		p.fail("the QR code %q is not a payment page of the sandbox at %s", qrText, c.sandbox.URL)
	}
	return sb
}

// checkPaidViaRelay checks, once PAID is on screen, that the journal
// recorded the payment as the relay told it, and that the relay holds the
// confirmed callback.
func (c *cpSetup) checkPaidViaRelay(t *testing.T, order string, sb cpsandbox.AdminInvoice) {
	t.Helper()
	p := c.term
	inv := p.journalGet(order)
	if inv.Status != pos.StatusPaid || inv.Paid.Currency != sb.SenderCurrency || !sameAmount(inv.Paid.Amount.String(), sb.SenderAmount) {
		p.fail("journal: status %s, paid %s; want paid, %s %s", inv.Status, inv.Paid, sb.SenderAmount, sb.SenderCurrency)
	}
	events := p.journalEvents(order)
	last := events[len(events)-1]
	if last.Status != pos.StatusPaid || !strings.HasSuffix(last.Note, "from relay") {
		p.fail("the journal's last event of %s is %s %q; want paid, noted as coming from the relay", order, last.Status, last.Note)
	}
	if rec := c.relay.record(t, order); rec.Status != "confirmed" || !rec.Final {
		p.fail("the relay's record of %s is %s (final %t), want confirmed and final", order, rec.Status, rec.Final)
	}
	if !strings.Contains(p.text, inv.Amount.String()+" · "+inv.PayLine()) || !strings.Contains(p.text, "order "+order) {
		p.fail("the PAID screen does not show %s · %s and the order %s", inv.Amount, inv.PayLine(), order)
	}
}

// TestCryptoprocessingCustomerChoosesWithoutTimer runs a terminal on
// Cryptoprocessing (timer = false) against a separately started relay and
// sandbox: the customer picks a coin on the payment page the QR code
// leads to, which starts the window, and pays; the payment reaches the
// terminal only through signed callbacks to the relay. A second sale is
// cancelled on the terminal, and the sandbox shows it cancelled.
func TestCryptoprocessingCustomerChoosesWithoutTimer(t *testing.T) {
	t.Parallel()
	c := startCryptoprocessing(t, "timer = false\n")
	p := c.term

	qrText, order := p.cpSale("12.50")
	p.waitForText("customer picks the coin", "no time limit yet", "via relay (no callback yet)")
	sb := c.checkShown(t, qrText, order, "12.50")
	if sb.Timer || sb.Status != "created" || sb.SenderCurrency != "" {
		p.fail("without a timer the sandbox's invoice should wait for a coin, no timer: %+v", sb)
	}
	if code, _, body := c.relay.get(t, order, c.keys.RelayToken); code != 404 || !strings.Contains(body, "no_callback") {
		p.fail("before any callback the relay answers %d %s for %s, want 404 no_callback", code, body, order)
	}

	// The customer picks ETH on the payment page: the window starts.
	submitOnPage(t, qrText, cpChoose, url.Values{"coin": {"ETH"}})
	sb = c.sandbox.invoice(t, order)
	if sb.Status != "pending" || sb.SenderCurrency != "ETH" || sb.SenderAmount == "" {
		p.fail("after choosing ETH the sandbox's invoice is %+v", sb)
	}
	p.waitFor("the ETH amount, a countdown and the relay on screen", func(s string) bool {
		return strings.Contains(s, sb.SenderAmount+" ETH") && countdown.MatchString(s) && viaRelay.MatchString(s)
	})
	if left := p.left(); left < 14*time.Minute || left > 15*time.Minute {
		p.fail("the countdown shows %s left of the 15-minute window the coin choice started", left)
	}
	c.checkViaRelay(t, order, "pending")

	clickOnPage(t, qrText, cpPay)
	p.waitFor("the PAID result", bigWord("PAID"))
	c.checkPaidViaRelay(t, order, c.sandbox.invoice(t, order))

	// A second sale, cancelled on the terminal: the terminal voids the
	// invoice at Cryptoprocessing, whose page then shows it cancelled.
	p.sendKeys("Enter")
	qr2, order2 := p.cpSale("10.00")
	c.checkShown(t, qr2, order2, "10.00")
	p.sendKeys("c")
	p.waitForText("Cancel this sale?")
	p.sendKeys("y")
	p.waitFor("the CANCELLED result", bigWord("CANCELLED"))
	p.waitForJournal(order2, "cancelled", deadline, func(inv pos.Invoice) bool {
		return inv.Status == pos.StatusCancelled && inv.Dismissed
	})
	if sb2 := c.sandbox.invoice(t, order2); sb2.Status != "failed" || sb2.Error != cpsandbox.CancelledError {
		p.fail("the sandbox's invoice after the cancel is %s %q, want failed %q", sb2.Status, sb2.Error, cpsandbox.CancelledError)
	}
	if page := httpGet(t, qr2); !strings.Contains(page, "(failed): "+cpsandbox.CancelledError) || strings.Contains(page, cpPay) {
		p.fail("the customer's payment page does not show the invoice cancelled:\n%s", page)
	}
	p.waitForText("Cancelled on the terminal.")
	if rec := c.relay.record(t, order2); rec.Status != "failed" || !rec.Final {
		p.fail("the relay's record of the cancelled %s is %s (final %t)", order2, rec.Status, rec.Final)
	}
	p.sendKeys("Enter")
	p.waitForText("Amount (EUR)")
}

// TestCryptoprocessingCustomerChoosesWithTimer runs a terminal on
// Cryptoprocessing with the default timer through a separate relay: a sale
// paid in a coin the customer picks, one left to expire (EXPIRED), and one
// underpaid before it expires (UNDERPAID).
func TestCryptoprocessingCustomerChoosesWithTimer(t *testing.T) {
	t.Parallel()
	c := startCryptoprocessing(t, "")
	p := c.term

	qrText, order := p.cpSale("25.00")
	p.waitForText("customer picks the coin", "via relay (no callback yet)")
	if left := p.left(); left < 14*time.Minute || left > 15*time.Minute {
		p.fail("with a timer the countdown starts at once; it shows %s left", left)
	}
	sb := c.checkShown(t, qrText, order, "25.00")
	if !sb.Timer || sb.Status != "pending" || sb.SenderCurrency != "" {
		p.fail("with a timer the sandbox's invoice should be pending, its coin not chosen: %+v", sb)
	}
	submitOnPage(t, qrText, cpChoose, url.Values{"coin": {"BTC"}})
	sb = c.sandbox.invoice(t, order)
	p.waitFor("the BTC amount and the relay on screen", func(s string) bool {
		return strings.Contains(s, sb.SenderAmount+" BTC") && viaRelay.MatchString(s)
	})
	c.checkViaRelay(t, order, "pending")
	clickOnPage(t, qrText, cpPay)
	p.waitFor("the PAID result", bigWord("PAID"))
	c.checkPaidViaRelay(t, order, c.sandbox.invoice(t, order))

	// Nobody pays: the window runs out.
	p.sendKeys("Enter")
	qr2, order2 := p.cpSale("10.00")
	c.checkShown(t, qr2, order2, "10.00")
	clickOnPage(t, qr2, cpExpire)
	p.waitFor("the EXPIRED result", bigWord("EXPIRED"))
	p.waitForText("Nothing was paid before the invoice expired.")
	if inv := p.journalGet(order2); inv.Status != pos.StatusExpired || inv.ProviderStatus != "failed" {
		p.fail("journal: %s (%s), want expired (failed)", inv.Status, inv.ProviderStatus)
	}

	// The customer sends too little, then the window runs out.
	p.sendKeys("Enter")
	qr3, order3 := p.cpSale("30.00")
	c.checkShown(t, qr3, order3, "30.00")
	clickOnPage(t, qr3, cpUnderpay)
	sb3 := c.sandbox.invoice(t, order3)
	partly := "Partly paid " + sb3.Paid + " of " + sb3.SenderAmount + " BTC arrived."
	p.waitFor("\""+partly+"\" beside the QR code", func(s string) bool {
		return strings.Contains(besideQR(s), partly) && viaRelay.MatchString(s)
	})
	c.checkViaRelay(t, order3, "pending")
	clickOnPage(t, qr3, cpExpire)
	p.waitFor("the UNDERPAID result", bigWord("UNDERPAID"))
	m := received.FindStringSubmatch(p.text)
	if m == nil || !sameAmount(m[1], sb3.Paid) || !sameAmount(m[2], sb3.SenderAmount) || m[3] != "BTC" {
		p.fail("want \"Received %s of %s BTC.\" on the result screen", sb3.Paid, sb3.SenderAmount)
	}
	if inv := p.journalGet(order3); inv.Status != pos.StatusUnderpaid || !sameAmount(inv.Paid.Amount.String(), sb3.Paid) {
		p.fail("journal: %s, paid %s; want underpaid, %s BTC", inv.Status, inv.Paid, sb3.Paid)
	}
	if sb3 = c.sandbox.invoice(t, order3); sb3.Error != cpsandbox.ErrorPaidLess {
		p.fail("the sandbox's invoice failed with %q, want %q", sb3.Error, cpsandbox.ErrorPaidLess)
	}
}

// TestCryptoprocessingPreselectedCoin pre-selects BTC on a terminal on
// Cryptoprocessing: the MiCA form asks who pays and refuses a bad date of
// birth in plain words; the invoice then follows a transaction through the
// mempool to PAID, every step through the relay. The customer's details
// reach neither the journal nor the log.
func TestCryptoprocessingPreselectedCoin(t *testing.T) {
	t.Parallel()
	c := startCryptoprocessing(t, "")
	p := c.term
	const lastName = "Lovelace-E2E"

	p.cpPick("15.00", "2")
	p.waitForText("15.00 EUR · BTC", "needs to know who pays with a chosen coin (EU MiCA", "‹ person ›",
		"First name", "Last name", "Date of birth", "YYYY-MM-DD")
	p.sendKeys("Ada", "Tab", lastName, "Tab", "1815-13-10", "Enter")
	p.waitForText("Write the date of birth as YYYY-MM-DD, e.g. 1985-04-23.")
	for range len("1815-13-10") {
		p.sendKeys("BSpace")
	}
	p.sendKeys("1815-12-10", "Enter")
	p.waitForText("The date of birth is more than 120 years ago.")
	if n := len(c.sandbox.invoices(t)); n != 0 || p.journalCount() != 0 {
		p.fail("a refused form made an invoice: %d at the sandbox, %d in the journal", n, p.journalCount())
	}
	for range len("1815-12-10") {
		p.sendKeys("BSpace")
	}
	p.sendKeys("1985-12-10", "Enter")

	qrText := p.waitForQR()
	order := p.orderOnScreen()
	sb := c.checkShown(t, qrText, order, "15.00")
	if sb.SenderCurrency != "BTC" || !sb.Timer || sb.Status != "pending" {
		p.fail("a pre-selected BTC invoice should be pending in BTC with a timer: %+v", sb)
	}
	p.waitForText(sb.SenderAmount+" BTC", "via relay (no callback yet)")
	if inv := p.journalGet(order); inv.Pay.Code != "BTC" || !sameAmount(inv.PayAmount.Amount.String(), sb.SenderAmount) {
		p.fail("journal: pay %s, asked %s; want BTC, %s BTC", inv.Pay, inv.PayAmount, sb.SenderAmount)
	}

	// The customer sends it; the network confirms it later.
	clickOnPage(t, qrText, cpMempool)
	p.waitFor("the payment being confirmed, via the relay", func(s string) bool {
		return strings.Contains(s, "Payment seen, confirming") && viaRelay.MatchString(s)
	})
	c.checkViaRelay(t, order, "processing")
	c.sandbox.drive(t, order, cpsandbox.Confirm)
	p.waitFor("the PAID result", bigWord("PAID"))
	c.checkPaidViaRelay(t, order, c.sandbox.invoice(t, order))

	// Personal data is sent with the create call only.
	entries, _ := filepath.Glob(filepath.Join(filepath.Dir(p.journalPath), "*"))
	for _, f := range entries {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), lastName) {
			p.fail("%s contains the customer's name", f)
		}
	}
}

// httpGet fetches a page and returns its body.
func httpGet(t *testing.T, pageURL string) string {
	t.Helper()
	resp, err := e2ekit.HTTPClient.Get(pageURL)
	if err != nil {
		t.Fatalf("GET %s: %v", pageURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// besideQR returns the text of the screen without the QR code, its lines
// joined with spaces, so that a sentence wrapped beside the code reads as
// one.
func besideQR(screen string) string {
	var words []string
	for _, line := range strings.Split(screen, "\n") {
		if i := strings.LastIndex(line, "▀"); i >= 0 {
			line = line[i+len("▀"):]
		}
		words = append(words, strings.Fields(line)...)
	}
	return strings.Join(words, " ")
}
