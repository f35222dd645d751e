package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/e2e/e2ekit"
	"cryptopos/pos"
)

// backgroundInterval is how often the engine checks invoices that are off
// screen; the test config sets [poll] background_interval to it.
const backgroundInterval = 2 * time.Second

// newSale types amount on the Sale screen and picks the pay option in row
// (1 customer chooses, 2 BTC, 3 USDT · Tron); it returns the decoded QR
// code and the order id once the invoice is on screen.
func (p *term) newSale(amount, row string) (qrText, orderID string) {
	p.t.Helper()
	p.waitForText("Amount (EUR)")
	p.sendKeys(amount)
	p.waitFor("the amount "+amount+" typed", func(s string) bool {
		return regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(amount) + `$`).MatchString(s)
	})
	p.sendKeys("Enter")
	p.waitForText("How will the customer pay?", "1  Customer chooses", "2  BTC", "3  USDT · Tron")
	p.sendKeys(row)
	qrText = p.waitForQR()
	return qrText, p.orderOnScreen()
}

// amountOnScreen finds "N CODE" on the screen and returns N.
func (p *term) amountOnScreen(code string) decimal.Decimal {
	p.t.Helper()
	m := regexp.MustCompile(`(\d+\.\d+) ` + regexp.QuoteMeta(code) + `\b`).FindStringSubmatch(p.text)
	if m == nil {
		p.fail("no amount in %s on the screen", code)
	}
	return decimal.RequireFromString(m[1])
}

func sameAmount(a, b string) bool {
	x, errX := decimal.NewFromString(a)
	y, errY := decimal.NewFromString(b)
	return errX == nil && errY == nil && x.Equal(y)
}

// TestSaleToPaid is the happy path: a sale in BTC, paid in full on the
// payment page the QR code leads to.
func TestSaleToPaid(t *testing.T) {
	t.Parallel()
	p := startTerm(t)

	qrText, order := p.newSale("12.50", "2")
	if !strings.Contains(p.text, "12.50 EUR") {
		p.fail("the invoice screen does not show the amount 12.50 EUR")
	}
	if left := p.left(); left < 14*time.Minute || left > 15*time.Minute {
		p.fail("the countdown shows %s left of a 15-minute invoice", left)
	}

	inv := p.journalGet(order)
	if qrText != inv.URL {
		p.fail("the QR code reads %q, the journal's invoice url is %q", qrText, inv.URL)
	}
	if inv.Status != pos.StatusWaiting || inv.Amount.String() != "12.50 EUR" || inv.Pay.Code != "BTC" {
		p.fail("journal: status %s, amount %s, pay %s; want waiting, 12.50 EUR, BTC", inv.Status, inv.Amount, inv.Pay)
	}
	sb := p.sb.invoice(t, order)
	if sb.URL != qrText || sb.UUID != inv.ProviderID || sb.Amount != "12.50" || sb.Currency != "EUR" || sb.PayerCurrency != "BTC" {
		p.fail("the sandbox's invoice %+v does not match the QR code %q and the journal's %+v", sb, qrText, inv)
	}
	if got := p.amountOnScreen("BTC"); !sameAmount(got.String(), sb.PayerAmount) {
		p.fail("the screen asks for %s BTC, the sandbox for %s", got, sb.PayerAmount)
	}

	clickOnPage(t, qrText, buttonPay)
	p.waitFor("the PAID result", bigWord("PAID"))
	if !strings.Contains(p.text, "12.50 EUR") || !strings.Contains(p.text, order) {
		p.fail("the result screen does not show the amount and the order")
	}
	if inv := p.journalGet(order); inv.Status != pos.StatusPaid || !sameAmount(inv.Paid.Amount.String(), sb.PayerAmount) {
		p.fail("journal: status %s, paid %s; want paid, %s BTC", inv.Status, inv.Paid, sb.PayerAmount)
	}

	// Enter starts a new sale; q quits from there.
	p.sendKeys("Enter")
	p.waitForText("Amount (EUR)")
	p.sendKeys("q")
	// tmux does not always reap a pane's process (tmux 3.3a on one CPU), so
	// the exit status is checked when tmux knows it, and the log's last line
	// is checked always.
	if e, ok := p.waitForExit(p.pid(), deadline); !ok || e.reaped() && e.status != "0" {
		p.fail("q on the Sale screen: the terminal is %s, want exited with status 0", e)
	}
	if log := e2ekit.ReadFile(p.logPath); !strings.Contains(log, "terminal stopped") {
		p.fail("the log does not say the terminal stopped")
	}
}

// TestUnderpaidAndExpired runs two sales in one session: one underpaid and
// then expired, one expired unpaid and renewed under the same order id.
func TestUnderpaidAndExpired(t *testing.T) {
	t.Parallel()
	p := startTerm(t)

	// An underpayment, then the time runs out.
	qrText, order := p.newSale("20", "2")
	clickOnPage(t, qrText, buttonUnderpay)
	p.waitForText("Partly paid", "Scan to pay")
	clickOnPage(t, qrText, buttonExpire)
	p.waitFor("the UNDERPAID result", bigWord("UNDERPAID"))
	sb := p.sb.invoice(t, order)
	m := received.FindStringSubmatch(p.text)
	if m == nil || !sameAmount(m[1], sb.PaymentAmount) || !sameAmount(m[2], sb.PayerAmount) || m[3] != "BTC" {
		p.fail("want \"Received %s of %s BTC.\" on the result screen", sb.PaymentAmount, sb.PayerAmount)
	}
	if inv := p.journalGet(order); inv.Status != pos.StatusUnderpaid {
		p.fail("journal: status %s, want underpaid", inv.Status)
	}

	// A new sale that nobody pays.
	p.sendKeys("Enter")
	qrText2, order2 := p.newSale("5.00", "2")
	if order2 == order || qrText2 == qrText {
		p.fail("the second sale has the first one's order id or url: %s %s", order2, qrText2)
	}
	clickOnPage(t, qrText2, buttonExpire)
	p.waitFor("the EXPIRED result", bigWord("EXPIRED"))
	if !strings.Contains(p.text, "Press r to renew") {
		p.fail("the EXPIRED result does not offer to renew")
	}
	if inv := p.journalGet(order2); inv.Status != pos.StatusExpired {
		p.fail("journal: status %s, want expired", inv.Status)
	}

	// r renews it: the same order, a fresh countdown. The Result screen
	// ignores r for its first 1.5 s (a key meant for the Invoice screen),
	// so it is pressed until it takes.
	renewed := onInvoice(order2)
	p.waitFor("the renewed invoice "+order2+" on screen", func(s string) bool {
		if renewed(s) {
			return true
		}
		p.sendKeys("r")
		return false
	})
	if left := p.left(); left < 14*time.Minute {
		p.fail("the renewed invoice has %s left, want a fresh 15 minutes", left)
	}
	qrRenewed := p.waitForQR()
	inv := p.journalGet(order2)
	if qrRenewed != inv.URL || inv.Status != pos.StatusWaiting || inv.Remaining(time.Now()) < 14*time.Minute {
		p.fail("after renewal: QR %q; journal url %q, status %s, expires %s", qrRenewed, inv.URL, inv.Status, inv.ExpiresAt)
	}
	list := p.sb.invoices(t)
	if len(list) != 2 || list[1].OrderID != order2 || list[1].Refreshes != 1 || list[1].Status != "check" {
		p.fail("the sandbox should hold 2 invoices, the second renewed once and open: %+v", list)
	}

	// The renewed invoice is watched like a new one.
	clickOnPage(t, qrRenewed, buttonPay)
	p.waitFor("the PAID result", bigWord("PAID"))
}

// TestCancelKeepsWatching cancels a sale on the terminal and has the
// customer pay anyway: the engine watches the invoice in the background and
// records the payment.
func TestCancelKeepsWatching(t *testing.T) {
	t.Parallel()
	p := startTerm(t)

	qrText, order := p.newSale("3.00", "1")
	p.sendKeys("c")
	p.waitForText("y yes, cancel it")
	p.sendKeys("y")
	p.waitFor("the CANCELLED result", bigWord("CANCELLED"))
	p.waitForText("if the customer pays anyway")
	if inv := p.journalGet(order); !inv.Dismissed || inv.Status.Final() && inv.Status != pos.StatusCancelled {
		p.fail("journal after cancelling: dismissed %t, status %s", inv.Dismissed, inv.Status)
	}

	clickOnPage(t, qrText, buttonPay)
	// The engine checks an invoice off screen every backgroundInterval.
	inv := p.waitForJournal(order, "paid", backgroundInterval+5*time.Second, func(inv pos.Invoice) bool {
		return inv.Status == pos.StatusPaid
	})
	if !inv.Dismissed {
		p.fail("the paid invoice lost its dismissed mark: %+v", inv)
	}
	// The result on screen follows: the money arrived after all.
	p.waitFor("the PAID result", bigWord("PAID"))
	p.waitForText("paid after the sale was cancelled on the terminal")
	// The terminal is still usable.
	p.sendKeys("Enter")
	p.waitForText("Amount (EUR)")
}

// TestKillAndRestart kills the terminal with SIGKILL while an invoice is on
// screen and starts it again: the same invoice comes back, nothing is
// created twice, and the payment is still seen.
func TestKillAndRestart(t *testing.T) {
	t.Parallel()
	p := startTerm(t)

	qrText, order := p.newSale("9.99", "3")
	leftBefore, killedAt := p.left(), time.Now()
	p.restart()

	p.waitFor("invoice "+order+" back on screen", onInvoice(order))
	elapsed := time.Since(killedAt)
	if left := p.left(); left > leftBefore || left < leftBefore-elapsed-2*time.Second {
		p.fail("the countdown shows %s left; it showed %s %s ago", left, leftBefore, elapsed.Round(time.Second))
	}
	if qrAgain := p.waitForQR(); qrAgain != qrText {
		p.fail("after the restart the QR code reads %q, before %q", qrAgain, qrText)
	}
	if n := p.journalCount(); n != 1 {
		p.fail("the journal has %d invoices, want 1", n)
	}
	if inv := p.journalGet(order); inv.URL != qrText || inv.Status != pos.StatusWaiting {
		p.fail("journal: url %q, status %s; want %q, waiting", inv.URL, inv.Status, qrText)
	}
	if list := p.sb.invoices(t); len(list) != 1 || list[0].OrderID != order || list[0].URL != qrText {
		p.fail("the sandbox should hold exactly one invoice, for %s: %+v", order, list)
	}

	clickOnPage(t, qrText, buttonPay)
	p.waitFor("the PAID result", bigWord("PAID"))
	if inv := p.journalGet(order); inv.Status != pos.StatusPaid {
		p.fail("journal: status %s, want paid", inv.Status)
	}
}
