package e2e

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/cli"
	"cryptopos/e2e/e2ekit"
	"cryptopos/pos"
)

// historyRow finds the History row of the sale of amount and returns it.
func historyRow(screen, amount string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, " "+amount+" EUR ") {
			return line
		}
	}
	return ""
}

// TestLatePaymentBanner makes sales on Cryptomus: one paid, one that
// expires, one underpaid (then expired), and one that expires and that the
// customer pays late, through the sandbox. The late-payment watchdog
// ([poll] late_interval = "1s") finds the payment: the LATE PAYMENT banner
// shows on the Sale screen, is still there after a restart, and goes when
// a acknowledges it; the History lists every sale with its status, and
// the day report on screen, `cryptopos report --json` and `--csv` agree on
// every number.
func TestLatePaymentBanner(t *testing.T) {
	t.Parallel()
	p := newCryptomusTerm(t, `late_interval = "1s"`)
	p.start()

	qrPaid, paid := p.newSale("12.50", "2")
	clickOnPage(t, qrPaid, buttonPay)
	p.waitFor("the PAID result", bigWord("PAID"))

	p.sendKeys("Enter")
	qrExpired, expired := p.newSale("7.00", "2")
	clickOnPage(t, qrExpired, buttonExpire)
	p.waitFor("the EXPIRED result", bigWord("EXPIRED"))

	p.sendKeys("Enter")
	qrUnder, under := p.newSale("20.00", "2")
	clickOnPage(t, qrUnder, buttonUnderpay)
	p.waitForText("Partly paid")
	clickOnPage(t, qrUnder, buttonExpire)
	p.waitFor("the UNDERPAID result", bigWord("UNDERPAID"))

	p.sendKeys("Enter")
	qrLate, late := p.newSale("5.00", "2")
	clickOnPage(t, qrLate, buttonExpire)
	p.waitFor("the EXPIRED result", bigWord("EXPIRED"))
	p.sendKeys("Enter")
	p.waitForText("Amount (EUR)")

	// The customer of the 5.00 sale pays after all.
	req, _ := http.NewRequest(http.MethodPost, p.sb.URL+"/_sandbox/invoices/"+late+"/pay", nil)
	resp, err := e2ekit.HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.fail("paying the expired invoice late at the sandbox: %s", resp.Status)
	}
	if sb := p.sb.invoice(t, late); sb.Status != "paid" {
		p.fail("the sandbox's late-paid invoice is %s, want paid", sb.Status)
	}

	// The watchdog finds it: a banner over the Sale screen.
	banner := []string{"LATE PAYMENT", "order " + late + " (5.00 EUR) is now PAID", "Amount (EUR)", "a seen"}
	p.waitForText(banner...)
	inv := p.journalGet(late)
	if inv.Status != pos.StatusPaid || !inv.Late || inv.LateAcknowledged {
		p.fail("journal: %s late=%t acknowledged=%t; want paid, late, not acknowledged", inv.Status, inv.Late, inv.LateAcknowledged)
	}
	if !strings.Contains(p.text, inv.Paid.String()) {
		p.fail("the banner does not say what arrived (%s)", inv.Paid)
	}
	// Not acknowledged, it is there again after a restart.
	p.quit()
	p.relaunch()
	p.waitForText(banner...)
	p.sendKeys("a")
	p.waitFor("the banner gone", func(s string) bool { return !strings.Contains(s, "LATE PAYMENT") })
	p.waitForJournal(late, "acknowledged", deadline, func(inv pos.Invoice) bool { return inv.LateAcknowledged })

	// The History: every sale of the day with its outcome.
	p.sendKeys("h")
	p.waitForText("History · today · all", "4 sales")
	for _, want := range []struct{ amount, words string }{
		{"12.50", "PAID"}, {"5.00", "PAID late"}, {"20.00", "UNDERPAID"}, {"7.00", "EXPIRED"},
	} {
		row := historyRow(p.text, want.amount)
		if !regexp.MustCompile(`\s` + regexp.QuoteMeta(want.words) + `\s`).MatchString(row + " ") {
			p.fail("the History's row of the %s EUR sale is %q; want it to read %s", want.amount, row, want.words)
		}
	}
	p.sendKeys("Escape")
	p.waitForText("Amount (EUR)")

	// The day report, from the journal and from the commands.
	var rep cli.ReportJSON
	res := p.cli("report", "--json")
	if res.code != 0 || json.Unmarshal([]byte(res.stdout), &rep) != nil {
		p.fail("cryptopos report --json: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	want := func(cond bool, format string, args ...any) {
		if !cond {
			p.fail("report --json: "+format+"\n%s", append(args, res.stdout)...)
		}
	}
	want(rep.Invoices == 4 && rep.Amount == "44.50" && rep.Currency == "EUR", "%d invoices for %s %s, want 4 for 44.50 EUR", rep.Invoices, rep.Amount, rep.Currency)
	want(rep.Taken == "17.50", "taken %s, want 17.50 (12.50 paid, 5.00 paid late)", rep.Taken)
	want(len(rep.Late) == 1 && rep.Late[0].OrderID == late && rep.Late[0].Late, "late payments %+v, want %s", rep.Late, late)
	counts := map[string]statusCount{}
	for _, s := range rep.ByStatus {
		counts[s.Status] = statusCount{s.Count, s.Amount}
	}
	want(counts["paid"] == statusCount{2, "17.50"} && counts["underpaid"] == statusCount{1, "20.00"} && counts["expired"] == statusCount{1, "7.00"},
		"by status %+v, want paid 2 17.50, underpaid 1 20.00, expired 1 7.00", counts)

	// The CSV, summed with decimal arithmetic.
	res = p.cli("report", "--csv")
	if res.code != 0 {
		p.fail("cryptopos report --csv: exit %d\n%s", res.code, res.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
	if err != nil || len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(cli.CSVHeader, ",") {
		p.fail("cryptopos report --csv is not a header and 4 rows (%v):\n%s", err, res.stdout)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var amount, received, taken decimal.Decimal
	statuses := map[string]string{}
	for _, row := range rows[1:] {
		amount = amount.Add(decimal.RequireFromString(row[col["amount"]]))
		v := decimal.RequireFromString(row[col["value_received"]])
		received = received.Add(v)
		if s := row[col["status"]]; s == "paid" || s == "overpaid" {
			taken = taken.Add(v)
		}
		statuses[row[col["order_id"]]] = row[col["status"]] + " late=" + row[col["late"]]
	}
	if !amount.Equal(decimal.RequireFromString(rep.Amount)) || !received.Equal(decimal.RequireFromString(rep.Received)) ||
		!taken.Equal(decimal.RequireFromString(rep.Taken)) {
		p.fail("the CSV sums to %s sold, %s received, %s taken; the JSON says %s, %s, %s",
			amount, received, taken, rep.Amount, rep.Received, rep.Taken)
	}
	if fmt.Sprint(statuses) != fmt.Sprint(map[string]string{paid: "paid late=false", late: "paid late=true",
		under: "underpaid late=false", expired: "expired late=false"}) {
		p.fail("the CSV's statuses are %v", statuses)
	}
	underValue := decimal.RequireFromString(rep.Underpaid)
	if !underValue.IsPositive() || !underValue.LessThan(decimal.RequireFromString("20")) ||
		!received.Equal(taken.Add(underValue)) {
		p.fail("the value of the underpayment is %s, received %s, taken %s", rep.Underpaid, received, taken)
	}

	// The report screen tells the same numbers.
	p.sendKeys("r")
	p.waitForText("End of day · "+time.Now().Format("Mon 2 Jan 2006"),
		"4 sales for 44.50 EUR.",
		fmt.Sprintf("Received %s EUR: paid in full %s, value of underpayments %s.", rep.Received, rep.Taken, rep.Underpaid))
	for _, line := range []string{
		fmt.Sprintf(" %-32s %6d %12s", "PAID", 2, "17.50"),
		fmt.Sprintf(" %-32s %6d %12s", "UNDERPAID", 1, "20.00"),
		fmt.Sprintf(" %-32s %6d %12s", "EXPIRED", 1, "7.00"),
		"Late payments: 1",
		late + "  5.00 EUR  PAID late",
	} {
		if !strings.Contains(p.text, line) {
			p.fail("the report screen does not show %q", line)
		}
	}
	p.sendKeys("Escape")
	p.waitForText("Amount (EUR)")
}

// statusCount is one row of a report by status.
type statusCount struct {
	Count  int
	Amount string
}

// TestInvoiceCLI makes sales from the command line, as a script does:
// `cryptopos invoice create --json`, paid on the sandbox's page while
// `invoice watch` follows it to exit 0; a second one expires and watch
// exits 11; `invoice list --json` has both; and the terminal, started
// afterwards on the same journal, shows both in its History.
func TestInvoiceCLI(t *testing.T) {
	t.Parallel()
	p := newCryptomusTerm(t)

	create := func(args ...string) cli.InvoiceJSON {
		t.Helper()
		res := p.cli(append([]string{"invoice", "create", "--json"}, args...)...)
		var inv cli.InvoiceJSON
		if res.code != 0 || json.Unmarshal([]byte(res.stdout), &inv) != nil || strings.Count(res.stdout, "\n") != 1 {
			p.fail("cryptopos invoice create %s: exit %d, want 0 and one JSON line\n%s\n%s", args, res.code, res.stdout, res.stderr)
		}
		return inv
	}
	watchLine := func(order, status, words string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*  ` + regexp.QuoteMeta(order) + `  ` +
			regexp.QuoteMeta(status) + `  ` + regexp.QuoteMeta(words) + `.*\n`)
	}

	// A sale in BTC, paid while watch follows it.
	before := time.Now()
	first := create("--amount", "12.50", "--pay", "BTC")
	sb := p.sb.invoice(t, first.OrderID)
	expires, err := time.Parse(time.RFC3339, deref(first.ExpiresAt))
	if first.OrderID == "" || first.URL == "" || first.URL != sb.URL || first.ProviderID != sb.UUID || first.Status != "waiting" ||
		first.Amount != "12.50" || first.Currency != "EUR" || first.Pay != "BTC" || deref(first.CryptoAmount) != sb.PayerAmount ||
		err != nil || expires.Before(before.Add(14*time.Minute)) || expires.After(time.Now().Add(15*time.Minute)) {
		p.fail("invoice create --json printed %+v (expires %v); the sandbox has %+v", first, err, sb)
	}
	w := p.startCLI("invoice", "watch", first.OrderID)
	w.waitStdout(t, watchLine(first.OrderID, "waiting", "Waiting for payment"))
	clickOnPage(t, first.URL, buttonPay)
	res := w.wait(t, deadline)
	if res.code != 0 || !watchLine(first.OrderID, "paid", "PAID: "+sb.PayerAmount+" BTC").MatchString(res.stdout) ||
		strings.Count(res.stdout, "\n") != 2 {
		p.fail("invoice watch of a paid invoice: exit %d, want 0 and two lines, waiting then paid:\n%s\n%s", res.code, res.stdout, res.stderr)
	}

	// A sale the customer chooses the coin of, left to expire.
	second := create("--amount", "3.20")
	if second.Pay != "" || second.Status != "waiting" || second.OrderID == first.OrderID {
		p.fail("invoice create without --pay printed %+v", second)
	}
	w = p.startCLI("invoice", "watch", second.OrderID)
	w.waitStdout(t, watchLine(second.OrderID, "waiting", "Waiting for payment"))
	clickOnPage(t, second.URL, buttonExpire)
	res = w.wait(t, deadline)
	if res.code != cli.ExitExpired || !watchLine(second.OrderID, "expired", "EXPIRED").MatchString(res.stdout) {
		p.fail("invoice watch of an expired invoice: exit %d, want %d and an expired line:\n%s\n%s", res.code, cli.ExitExpired, res.stdout, res.stderr)
	}

	// Watching a final invoice answers at once; an unknown one is exit 1.
	if res = p.cli("invoice", "watch", first.OrderID); res.code != 0 || strings.Count(res.stdout, "\n") != 1 {
		p.fail("invoice watch of an invoice paid already: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if res = p.cli("invoice", "watch", "pos-nosuchorder"); res.code != cli.ExitNotFound || !strings.Contains(res.stderr, "no invoice pos-nosuchorder") {
		p.fail("invoice watch of an unknown order: exit %d\n%s", res.code, res.stderr)
	}

	// list --json: both, newest first.
	res = p.cli("invoice", "list", "--json")
	var list []cli.InvoiceJSON
	if res.code != 0 || json.Unmarshal([]byte(res.stdout), &list) != nil || len(list) != 2 ||
		list[0].OrderID != second.OrderID || list[0].Status != "expired" ||
		list[1].OrderID != first.OrderID || list[1].Status != "paid" || deref(list[1].CryptoPaid) != sb.PayerAmount {
		p.fail("invoice list --json: exit %d; want the expired then the paid invoice:\n%s\n%s", res.code, res.stdout, res.stderr)
	}

	// The terminal, started now, has both in its History.
	p.start()
	p.waitForText("Amount (EUR)")
	p.sendKeys("h")
	p.waitForText("History · today · all", "2 sales")
	for _, want := range []struct{ amount, words string }{{"12.50", "PAID"}, {"3.20", "EXPIRED"}} {
		if row := historyRow(p.text, want.amount); !strings.Contains(row, " "+want.words+" ") {
			p.fail("the History's row of the %s EUR sale is %q; want it to read %s", want.amount, row, want.words)
		}
	}
	p.sendKeys("Enter") // the newest: the expired one
	p.waitForText("Order "+second.OrderID, "EXPIRED", "sale started from the command line")
	p.sendKeys("Escape")
	p.waitForText("History · today")
	p.sendKeys("Escape")
	p.waitForText("Amount (EUR)")
	if log := e2ekit.ReadFile(p.logPath); !strings.Contains(log, "order_id="+first.OrderID) {
		p.fail("the log does not tell of the command line's sales")
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
