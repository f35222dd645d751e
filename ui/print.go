package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"cryptopos/pos"
)

// Printing is the receipt printer, when one is configured. Its methods
// queue a job and return at once; every attempt is reported on Results.
type Printing interface {
	// Receipt prints a paid sale's receipt; copy marks a reprint.
	Receipt(inv pos.Invoice, copy bool) error
	// PaymentQR prints the payment page's QR code for the customer.
	PaymentQR(inv pos.Invoice) error
	// Report prints the end-of-day report.
	Report(r pos.Report) error
	// Retry prints the failed jobs again.
	Retry()
	// Results reports each attempt.
	Results() <-chan PrintResult
}

// PrintResult is the outcome of one attempt at printing.
type PrintResult struct {
	What   string // "receipt of pos-…"
	Err    error  // nil when printed; else a sentence for the cashier
	Failed int    // jobs waiting for a retry
}

type (
	printResultMsg PrintResult
	printQueuedMsg struct {
		what string
		err  error
	}
)

// waitPrint listens for the printer's results.
func (m *Model) waitPrint() tea.Cmd {
	p := m.c.opts.Printer
	if p == nil {
		return nil
	}
	return func() tea.Msg { return printResultMsg(<-p.Results()) }
}

// print queues a job: what is for the cashier, job does it.
func (m *Model) print(what string, job func(Printing) error) tea.Cmd {
	p := m.c.opts.Printer
	if p == nil {
		return nil
	}
	m.printNote = "Printing the " + what + "…"
	return func() tea.Msg { return printQueuedMsg{what: what, err: job(p)} }
}

// printKey handles P (print what the screen shows) and R (retry failed
// jobs) on every screen but the forms.
func (m *Model) printKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k, p := m.c.keys, m.c.opts.Printer
	switch {
	case p == nil || m.screen == screenCustomer:
		return nil, false
	case key.Matches(msg, k.RetryPrint) && m.printFailed > 0:
		m.printErr, m.printNote = "", "Printing again…"
		return func() tea.Msg { p.Retry(); return nil }, true
	case !key.Matches(msg, k.Print) || m.screen == screenSale:
		return nil, false
	}
	switch m.screen {
	case screenInvoice:
		inv := m.invoice.snap.Invoice
		return m.print("payment QR for the customer", func(p Printing) error { return p.PaymentQR(inv) }), true
	case screenResult:
		inv := m.result.inv
		return m.print("receipt", func(p Printing) error { return p.Receipt(inv, true) }), true
	case screenHistory:
		if inv := m.history.open; inv != nil {
			return m.print("receipt", func(p Printing) error { return p.Receipt(*inv, true) }), true
		}
	case screenReport:
		if r := m.report.report; r != nil {
			return m.print("day report", func(p Printing) error { return p.Report(*r) }), true
		}
	}
	return nil, false
}

// printHelp is the print keys the screen offers.
func (m *Model) printHelp() []key.Binding {
	if m.c.opts.Printer == nil {
		return nil
	}
	var b []key.Binding
	switch {
	case m.screen == screenInvoice && m.invoice.snap.Invoice.URL != "",
		m.screen == screenResult && m.result.inv.Status.Success(),
		m.screen == screenHistory && m.history.open != nil && m.history.open.Status.Success(),
		m.screen == screenReport && m.report.report != nil:
		b = append(b, m.c.keys.Print)
	}
	if m.printFailed > 0 {
		b = append(b, m.c.keys.RetryPrint)
	}
	return b
}

// printBanner tells of a job that did not print, where the eye is.
func (m *Model) printBanner() string {
	t := m.c.theme
	switch {
	case m.printErr != "":
		more := ""
		if m.printFailed > 1 {
			more = fmt.Sprintf(" (%d jobs waiting)", m.printFailed)
		}
		return t.Badge.Render(" PRINTER ") + " " + t.Bad.Render(m.printErr+more) + t.Muted.Render(" R: print again")
	case m.printNote != "":
		return t.Muted.Render(m.printNote)
	}
	return ""
}

func (m *Model) printResult(r printResultMsg) tea.Cmd {
	m.printFailed = r.Failed
	if r.Err != nil {
		m.printErr, m.printNote = r.Err.Error(), ""
	} else {
		m.printErr, m.printNote = "", "Printed the "+r.What+"."
	}
	return m.waitPrint()
}
