// Package ui is the cashier's terminal: Bubble Tea models for the Sale,
// Currency, Invoice and Result screens. It talks to package pos only; all
// I/O happens in commands that return messages.
package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/shopspring/decimal"

	"cryptopos/kiosk"
	"cryptopos/pos"
)

// Options is what the terminal needs from the composition root.
type Options struct {
	Engine     *pos.Engine
	Clock      pos.Clock
	ShopName   string
	Currency   pos.Currency
	MaxAmount  decimal.Decimal
	PayOptions []pos.PayOption
	// Simulator is the demo customer; nil outside the demo.
	Simulator pos.Simulator
	Demo      bool
	// Console selects the Linux console look (TERM=linux).
	Console bool
	// NoColor draws without colour (NO_COLOR); the program's colour
	// profile can also switch it on.
	NoColor bool
	// HighContrast uses the high-contrast theme.
	HighContrast bool
	// Location is the time zone for times on screen; default time.Local.
	Location *time.Location
	// CheckPayOptions verifies the configured coins at start-up.
	CheckPayOptions bool
	// Notice is a warning from the start-up, shown on the Sale screen.
	Notice string

	// Kiosk locks the terminal: no key quits it; quitting, the history,
	// the report and cancelling a sale that looks paid need the manager PIN.
	Kiosk bool
	// CheckPIN reports whether a PIN is the manager's (kiosk mode).
	CheckPIN func(pin string) bool
	// ReturnAfter, in kiosk mode, takes the Result screen back to a new
	// sale by itself after this long; 0 leaves it.
	ReturnAfter time.Duration
	// PaidBells and FailedBells are how often the terminal bell rings for
	// a paid sale and for one that ended unpaid (0: silent), BellGap apart
	// (default 300 ms, so the rings are heard apart).
	PaidBells, FailedBells int
	BellGap                time.Duration
	// OnOutcome runs the shop's sound hook for an outcome (a buzzer, a
	// sound file); nil when there is none. It runs in a command.
	OnOutcome func(pos.Status)
	// Printer prints receipts; nil when none is configured.
	Printer Printing
}

type screenID int

const (
	screenSale screenID = iota
	screenCurrency
	screenCustomer
	screenInvoice
	screenResult
	screenHistory
	screenReport
)

// common is what every screen shares: options, theme, size and keys.
type common struct {
	opts          Options
	theme         Theme
	keys          keyMap
	width, height int
}

func (c *common) now() time.Time { return c.opts.Clock.Now() }

func (c *common) local(t time.Time) time.Time { return t.In(c.opts.Location) }

func (c *common) providerName() string { return c.opts.Engine.Provider().Name() }

// Model is the root model: it owns the screens and routes every message.
type Model struct {
	c        *common
	help     help.Model
	screen   screenID
	sale     saleScreen
	currency currencyScreen
	customer customerScreen
	invoice  invoiceScreen
	result   resultScreen
	history  historyScreen
	report   reportScreen
	late     []pos.Invoice // late payments the cashier has not acknowledged, oldest first
	pin      *pinPrompt    // the manager PIN is being asked for
	// printNote and printErr tell of the last print; printFailed counts
	// the jobs waiting for a retry.
	printNote, printErr string
	printFailed         int
	limiter             *kiosk.Limiter
	sub                 *pos.Subscription
	notice              string // a start-up warning shown on the Sale and Currency screens
	recheck             bool   // the coin check could not reach the provider: try again once it answers
	ticking             bool
}

// New returns the terminal's root model.
func New(o Options) *Model {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.BellGap == 0 {
		o.BellGap = 300 * time.Millisecond
	}
	c := &common{opts: o, keys: newKeyMap(o.Console), width: 80, height: 24}
	c.theme = NewTheme(true, o.Console, o.NoColor, o.HighContrast)
	m := &Model{c: c, help: help.New(), sub: o.Engine.Subscribe(), limiter: &kiosk.Limiter{Clock: o.Clock},
		notice: o.Notice}
	m.applyTheme()
	return m
}

// Init starts listening to the engine, resumes unfinished sales and asks the
// terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.waitSnapshot(), m.resume(), tea.RequestBackgroundColor, m.waitPrint()}
	if m.c.opts.CheckPayOptions {
		cmds = append(cmds, m.checkPayOptions())
	}
	return tea.Batch(cmds...)
}

// Close stops listening to the engine.
func (m *Model) Close() { m.sub.Close() }

type (
	snapshotMsg pos.Snapshot
	resumedMsg  struct {
		inv pos.Invoice
		ok  bool
		err error
	}
	payOptionsMsg struct{ err error }
	tickMsg       struct{}
)

func (m *Model) waitSnapshot() tea.Cmd {
	sub := m.sub
	return func() tea.Msg {
		s, err := sub.Next(context.Background())
		if err != nil {
			return nil
		}
		return snapshotMsg(s)
	}
}

func (m *Model) resume() tea.Cmd {
	engine := m.c.opts.Engine
	return func() tea.Msg {
		inv, ok, err := engine.Resume(context.Background())
		return resumedMsg{inv: inv, ok: ok, err: err}
	}
}

func (m *Model) checkPayOptions() tea.Cmd {
	engine, opts := m.c.opts.Engine, m.c.opts.PayOptions
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return payOptionsMsg{err: engine.Provider().CheckPayOptions(ctx, opts)}
	}
}

// tick wakes the model on the next whole second of the clock, for the
// countdown. Only the Invoice screen ticks; nothing spins elsewhere.
func (m *Model) tick() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	clock := m.c.opts.Clock
	now := clock.Now()
	wait := now.Truncate(time.Second).Add(time.Second).Sub(now)
	return func() tea.Msg {
		<-clock.After(wait)
		return tickMsg{}
	}
}

// Update routes a message to the screen it concerns.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		h := m.screenHeight()
		m.history.clamp(m.c, h)
		m.report.clamp(h)
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.theme = NewTheme(msg.IsDark(), m.c.opts.Console, m.c.theme.NoColor, m.c.opts.HighContrast)
		m.applyTheme()
		return m, nil
	case tea.ColorProfileMsg:
		noColor := m.c.opts.NoColor || msg.Profile <= colorprofile.Ascii
		m.c.theme = NewTheme(m.c.theme.Dark, m.c.opts.Console, noColor, m.c.opts.HighContrast)
		m.applyTheme()
		return m, nil
	case tea.PasteMsg:
		if m.screen == screenCustomer {
			m.customer.typeText(msg.Content)
		}
		return m, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.c.keys.ForceQuit) {
			if m.c.opts.Kiosk {
				return m, nil // a locked terminal is left with F10 and the PIN
			}
			return m, tea.Quit
		}
		if m.pin != nil {
			return m, m.pinKey(msg)
		}
		m.printNote = "" // a note lasts until the next key
		if cmd, ok := m.printKey(msg); ok {
			return m, cmd
		}
		if len(m.late) > 0 && m.screen != screenCustomer && key.Matches(msg, m.c.keys.Acknowledge) {
			return m, acknowledge(m.c.opts.Engine, m.late[0].OrderID)
		}
		return m, m.key(msg)
	case snapshotMsg:
		cmds := []tea.Cmd{m.waitSnapshot(), m.snapshot(pos.Snapshot(msg))}
		if m.recheck && msg.Trouble == nil && !msg.LastChecked.IsZero() {
			m.recheck = false // the provider answers again: check the coins now
			cmds = append(cmds, m.checkPayOptions())
		}
		return m, tea.Batch(cmds...)
	case tickMsg:
		m.ticking = false
		if m.screen == screenInvoice {
			return m, m.tick()
		}
		return m, nil
	case resumedMsg:
		return m, m.resumed(msg)
	case printResultMsg:
		return m, m.printResult(msg)
	case printQueuedMsg:
		if msg.err != nil {
			m.printNote = "Cannot print the " + msg.what + ": " + msg.err.Error()
		}
		return m, nil
	case payOptionsMsg:
		m.notice, m.recheck = m.c.opts.Notice, false
		switch {
		case msg.err == nil:
		case pos.Retryable(msg.err):
			m.notice = joinNotices(m.notice, "Could not check the configured coins: "+msg.err.Error())
			m.recheck = true
		default:
			m.notice = joinNotices(m.notice, msg.err.Error())
		}
		return m, nil
	}
	return m, m.screenMsg(msg)
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	switch m.screen {
	case screenSale:
		return m.sale.key(m.c, msg)
	case screenCurrency:
		return m.currency.key(m.c, msg)
	case screenCustomer:
		return m.customer.key(m.c, msg)
	case screenInvoice:
		return m.invoice.key(m.c, msg)
	case screenHistory:
		return m.history.key(m.c, msg, m.screenHeight())
	case screenReport:
		return m.report.key(m.c, msg, m.screenHeight())
	}
	return m.result.key(m.c, msg)
}

// screenMsg handles the messages screens send to move between screens, and
// the replies of their commands.
func (m *Model) screenMsg(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case amountMsg:
		m.currency = newCurrencyScreen(pos.Money(msg))
		m.screen = screenCurrency
	case backToSaleMsg:
		m.screen = screenSale
	case pinCheckedMsg:
		return m.pinChecked(msg)
	case quitMsg:
		return tea.Quit
	case guardedMsg:
		return m.guard(msg.purpose, msg.then)
	case autoReturnMsg:
		if m.screen == screenResult && m.result.inv.OrderID == msg.orderID && m.pin == nil {
			return func() tea.Msg { return newSaleMsg{} }
		}
	case bellMsg:
		return m.ring(int(msg))
	case openHistoryMsg:
		m.history = newHistoryScreen()
		m.screen = screenHistory
		return m.history.load(m.c, nil)
	case historyMsg:
		m.history.loaded(msg)
	case openReportMsg:
		m.report = newReportScreen(m.c)
		m.screen = screenReport
		return m.report.load(m.c)
	case reportMsg:
		m.report.loaded(m.c, msg)
	case timelineMsg:
		if msg.err != nil {
			m.history.err = "Could not read the timeline: " + msg.err.Error()
		} else {
			m.history.open, m.history.events = &msg.inv, msg.events
		}
	case watchedMsg:
		if msg.err != nil {
			m.history.err = "Could not watch it again: " + msg.err.Error()
			return nil
		}
		return m.showInvoice(pos.Snapshot{Invoice: msg.inv, Watching: true})
	case acknowledgedMsg:
		if msg.err == nil {
			m.dropLate(msg.orderID)
		}
	case backToCurrencyMsg:
		m.currency.creating = false
		m.screen = screenCurrency
	case pickMsg:
		needs := customerNeeds(m.c, msg.pay)
		if needs.Identity || msg.email {
			m.customer = newCustomerScreen(m.currency.amount, msg.pay, needs)
			m.screen = screenCustomer
			return nil
		}
		m.currency.creating = true
		return startSale(m.c.opts.Engine, pos.Sale{Amount: m.currency.amount, Pay: msg.pay})
	case customerMsg:
		m.currency.creating = true
		return startSale(m.c.opts.Engine, pos.Sale{Amount: m.currency.amount, Pay: msg.pay, Customer: msg.customer})
	case saleStartedMsg:
		m.currency.creating = false
		if msg.err != nil {
			if m.screen == screenCustomer {
				m.customer.showError(msg.err)
			} else {
				m.currency.err = msg.err.Error()
			}
			return nil
		}
		m.customer = customerScreen{} // personal data: not kept once sent
		return m.showInvoice(pos.Snapshot{Invoice: msg.inv, Watching: true})
	case dismissMsg:
		return dismiss(m.c.opts.Engine, msg.orderID)
	case dismissedMsg, simulatedMsg:
		if m.screen == screenInvoice && m.invoice.reply(msg) {
			return m.showResult(m.invoice.snap.Invoice)
		}
	case newSaleMsg:
		m.sale = saleScreen{}
		m.screen = screenSale
		return focus(m.c.opts.Engine, "")
	case renewedMsg:
		if msg.err != nil {
			m.result.err = msg.err.Error()
			return nil
		}
		return m.showInvoice(pos.Snapshot{Invoice: msg.inv, Watching: true})
	}
	return nil
}

func (m *Model) showResult(inv pos.Invoice) tea.Cmd {
	m.result = resultScreen{inv: inv, shownAt: m.c.now()}
	m.screen = screenResult
	cmds := []tea.Cmd{focus(m.c.opts.Engine, ""), m.sound(m.result.outcome())}
	if d := returnAfter(m.c.opts); d > 0 {
		clock, id := m.c.opts.Clock, inv.OrderID
		cmds = append(cmds, func() tea.Msg { <-clock.After(d); return autoReturnMsg{orderID: id} })
	}
	return tea.Batch(cmds...)
}

type (
	quitMsg    struct{}
	guardedMsg struct {
		purpose string
		then    tea.Msg
	}
	autoReturnMsg struct{ orderID string }
	bellMsg       int
)

// sound rings the bell pattern of an outcome and runs the shop's hook.
func (m *Model) sound(st pos.Status) tea.Cmd {
	o := m.c.opts
	bells := 0
	switch st {
	case pos.StatusPaid, pos.StatusOverpaid:
		bells = o.PaidBells
	case pos.StatusUnderpaid, pos.StatusExpired, pos.StatusFailed:
		bells = o.FailedBells
	default:
		return nil // cancelled by the cashier: no alarm
	}
	cmds := []tea.Cmd{m.ring(bells)}
	if o.OnOutcome != nil {
		hook := o.OnOutcome
		cmds = append(cmds, func() tea.Msg { hook(st); return nil })
	}
	return tea.Batch(cmds...)
}

// ring rings the bell n times, BellGap apart.
func (m *Model) ring(n int) tea.Cmd {
	if n <= 0 {
		return nil
	}
	clock, gap := m.c.opts.Clock, m.c.opts.BellGap
	return tea.Batch(tea.Raw("\a"), func() tea.Msg {
		if n == 1 {
			return nil
		}
		if gap > 0 {
			<-clock.After(gap)
		}
		return bellMsg(n - 1)
	})
}

func (m *Model) showInvoice(s pos.Snapshot) tea.Cmd {
	// A snapshot published before this screen was up was dropped; the
	// engine's latest state makes up for it.
	if latest, ok := m.c.opts.Engine.Watching(s.Invoice.OrderID); ok {
		s = latest
	}
	m.invoice = newInvoiceScreen(s)
	m.screen = screenInvoice
	cmds := tea.Batch(m.tick(), focus(m.c.opts.Engine, s.Invoice.OrderID))
	if s.Invoice.Status.Final() || s.Invoice.ReplacedBy != "" {
		return tea.Batch(cmds, m.screenSnapshot(s)) // already over, or replaced
	}
	return cmds
}

func (m *Model) resumed(msg resumedMsg) tea.Cmd {
	if msg.err != nil {
		m.notice = msg.err.Error()
		return nil
	}
	if !msg.ok || m.screen != screenSale || m.sale.input != "" {
		return nil
	}
	cmd := m.showInvoice(pos.Snapshot{Invoice: msg.inv, Watching: true})
	m.invoice.resumed = true
	return cmd
}

// snapshot updates the invoice on screen, or the outcome shown (a sale
// cancelled on the terminal may still be paid); other invoices are watched
// in the background and need nothing from the cashier, but a late payment.
func (m *Model) snapshot(s pos.Snapshot) tea.Cmd {
	cmd := m.screenSnapshot(s)
	if m.noteLate(s.Invoice) {
		return tea.Batch(cmd, m.ring(max(m.c.opts.PaidBells, 1))) // a late payment arrived
	}
	return cmd
}

func (m *Model) screenSnapshot(s pos.Snapshot) tea.Cmd {
	if m.screen == screenResult && s.Invoice.OrderID == m.result.inv.OrderID {
		m.result.inv = s.Invoice
		return nil
	}
	if m.screen != screenInvoice || s.Invoice.OrderID != m.invoice.snap.Invoice.OrderID {
		return nil
	}
	inv := s.Invoice
	if inv.ReplacedBy != "" {
		// The provider lost this one; the engine cancelled it and made a
		// new invoice for the same sale: follow it.
		next := pos.Invoice{OrderID: inv.ReplacedBy, Provider: inv.Provider, Amount: inv.Amount,
			Pay: inv.Pay, Status: pos.StatusCreating, Replaces: inv.OrderID}
		m.invoice = newInvoiceScreen(pos.Snapshot{Invoice: next, Watching: true})
		m.invoice.note = "The first invoice was lost on the way and has been cancelled; making a new one."
		return nil
	}
	if inv.Status == pos.StatusFailed && !inv.Created() && !m.invoice.resumed {
		// Refused before it existed: back to the choice, with the reason
		// where the cashier is looking.
		m.currency.err = inv.Reason
		m.screen = screenCurrency
		return focus(m.c.opts.Engine, "")
	}
	if m.invoice.update(s) {
		return m.showResult(inv)
	}
	return nil
}

// noteLate keeps a late payment for the banner until the cashier has seen
// it; it reports whether the payment is news (ring the bell).
func (m *Model) noteLate(inv pos.Invoice) bool {
	if !inv.Late || inv.LateAcknowledged {
		return false
	}
	for i, l := range m.late {
		if l.OrderID == inv.OrderID {
			news := !l.Paid.Amount.Equal(inv.Paid.Amount) || l.Status != inv.Status
			m.late[i] = inv
			return news
		}
	}
	m.late = append(m.late, inv)
	return true
}

func (m *Model) dropLate(orderID string) {
	for i, l := range m.late {
		if l.OrderID == orderID {
			m.late = append(m.late[:i], m.late[i+1:]...)
			return
		}
	}
}

type acknowledgedMsg struct {
	orderID string
	err     error
}

func acknowledge(e *pos.Engine, orderID string) tea.Cmd {
	return func() tea.Msg {
		return acknowledgedMsg{orderID: orderID, err: e.Acknowledge(context.Background(), orderID)}
	}
}

// lateBanner tells of the oldest late payment the cashier has not seen.
func (m *Model) lateBanner() string {
	if len(m.late) == 0 {
		return ""
	}
	t := m.c.theme
	inv := m.late[0]
	what := fmt.Sprintf("order %s (%s) is now %s", inv.OrderID, inv.Amount, inv.Status.Words())
	if !inv.Status.Success() {
		what = fmt.Sprintf("more money arrived for order %s (%s): %s", inv.OrderID, inv.Amount, received(inv))
	} else if p := inv.Paid; !p.IsZero() {
		what += " · " + p.String()
	}
	if len(m.late) > 1 {
		what += fmt.Sprintf(" (+%d more)", len(m.late)-1)
	}
	return t.Badge.Render(" LATE PAYMENT ") + " " + t.Warn.Render(what)
}

func joinNotices(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

func focus(e *pos.Engine, orderID string) tea.Cmd {
	return func() tea.Msg {
		e.Focus(orderID)
		return nil
	}
}

func (m *Model) applyTheme() {
	t := m.c.theme
	m.help.Styles.ShortKey = t.HelpKey
	m.help.Styles.ShortDesc = t.HelpDesc
	m.help.Styles.ShortSeparator = t.HelpDesc
	m.help.Styles.Ellipsis = t.HelpDesc
	m.help.ShortSeparator = "  "
	m.report.layout(m.c) // the report's lines carry the theme's colours
}

// Minimum size for the frame; smaller windows get a message instead.
const minWidth, minHeight = 40, 12

// chromeRows are the rows around the body: header, two rules, help bar.
const chromeRows = 4

// View draws the header, the current screen and the help bar.
func (m *Model) View() tea.View {
	content := m.render()
	if m.c.theme.Console {
		content = consoleGlyphs.Replace(content)
	}
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "cryptopos · " + m.c.opts.ShopName
	return v
}

func (m *Model) render() string {
	c := m.c
	w, h := c.width, c.height
	if w < minWidth || h < minHeight {
		msg := c.theme.Warn.Render("Make the window larger: at least 40 columns by 12 rows.")
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center,
			lipgloss.NewStyle().Width(max(1, w-2)).Align(lipgloss.Center).Render(msg))
	}
	bodyH := h - chromeRows
	// The banners first, where the eye is: at the top, over whatever screen
	// is open. The screen is laid out in the rows they leave, so that
	// nothing it drew (the QR code) is cut off at the bottom.
	banners := m.banners(w, bannersWrapped)
	v := m.screenView(w, bodyH-len(banners))
	if m.codeCrowdedOut(v) {
		// The customer must be able to scan: the banners give up their
		// second lines, then the printer's news gives way to the late
		// payment (the help bar still offers R to print again).
		for _, size := range []bannerSize{bannersOneLine, bannerFirst} {
			if short := m.banners(w, size); len(short) < len(banners) {
				if sv := m.screenView(w, bodyH-len(short)); !m.codeCrowdedOut(sv) {
					banners, v = short, sv
					break
				}
			}
		}
	}
	top := min(len(banners), bodyH)
	bindings := v.bindings
	if len(m.late) > 0 && m.screen != screenCustomer {
		bindings = append([]key.Binding{c.keys.Acknowledge}, bindings...)
	}
	rule := c.theme.Rule.Render(strings.Repeat("─", w))
	parts := []string{m.header(w), rule}
	if top > 0 {
		parts = append(parts, fit(strings.Join(banners[:top], "\n"), w, top, false))
	}
	if top < bodyH {
		parts = append(parts, fit(v.body, w, bodyH-top, v.fitted))
	}
	return strings.Join(append(parts, rule, fit(m.helpBar(bindings, v.right, w), w, 1, false)), "\n")
}

// shownScreen is the open screen as drawn for one frame.
type shownScreen struct {
	body     string
	bindings []key.Binding
	right    string // for the right of the help bar
	fitted   bool   // every line of body is exactly as wide as the window
	code     bool   // the Invoice screen shows its QR code
}

// screenView draws the open screen in w x h (at least one row).
func (m *Model) screenView(w, h int) shownScreen {
	c := m.c
	h = max(h, 1)
	if m.pin != nil {
		return shownScreen{body: m.pinView(w, h), bindings: m.pinHelp()}
	}
	var v shownScreen
	switch m.screen {
	case screenSale:
		v.body, v.bindings = m.sale.view(c, w, h, m.notice), m.sale.help(c)
	case screenCurrency:
		v.body, v.bindings = m.currency.view(c, w, h, m.notice), m.currency.help(c)
	case screenCustomer:
		v.body, v.bindings = m.customer.view(c, w, h), m.customer.help(c)
	case screenInvoice:
		v.body, v.code = m.invoice.view(c, w, h)
		v.fitted, v.bindings = v.code, m.invoice.help(c)
		v.right = c.theme.Muted.Render("order " + m.invoice.snap.Invoice.OrderID)
	case screenHistory:
		v.body, v.bindings = m.history.view(c, w, h), m.history.help(c)
	case screenReport:
		v.body, v.bindings = m.report.view(c, w, h), m.report.help(c)
	default:
		v.body, v.bindings = m.result.view(c, w, h), m.result.help(c)
	}
	v.bindings = append(v.bindings, m.printHelp()...)
	return v
}

// codeCrowdedOut reports whether the Invoice screen has a code to show
// and did not have the room for it.
func (m *Model) codeCrowdedOut(v shownScreen) bool {
	return m.screen == screenInvoice && m.pin == nil && m.invoice.snap.Invoice.URL != "" && !v.code
}

// bannerSize is how much room the banners take.
type bannerSize int

const (
	bannersWrapped bannerSize = iota // every banner whole, wrapped to the width
	bannersOneLine                   // one line each, cut short
	bannerFirst                      // the first banner alone, on one line
)

// banners are the lines over every screen: the oldest late payment, then
// the printer's news.
func (m *Model) banners(w int, size bannerSize) []string {
	var lines []string
	for _, b := range []string{m.lateBanner(), m.printBanner()} {
		switch {
		case b == "":
		case size == bannersWrapped:
			lines = append(lines, strings.Split(indent(wrap(b, w-2), 1), "\n")...)
		default:
			lines = append(lines, " "+truncate(b, w-2))
		}
	}
	if size == bannerFirst && len(lines) > 1 {
		lines = lines[:1]
	}
	return lines
}

// screenHeight is the number of rows the open screen has under the banners.
func (m *Model) screenHeight() int {
	return max(m.c.height-chromeRows-len(m.banners(m.c.width, bannersWrapped)), 1)
}

func (m *Model) header(w int) string {
	t := m.c.theme
	left := " " + t.Shop.Render(m.c.opts.ShopName)
	right := t.Brand.Render("cryptopos · "+m.c.providerName()) + " "
	if m.c.opts.Demo {
		right = t.Badge.Render(" DEMO ") + " " + right
	}
	return spread(left, right, w)
}

// helpBar shows the keys; the text on the right gives way when space is short.
// It works on a copy of the help model: View changes nothing.
func (m *Model) helpBar(bindings []key.Binding, right string, w int) string {
	hm := m.help
	if right != "" {
		hm.SetWidth(0)
		if keys := " " + hm.ShortHelpView(bindings); lipgloss.Width(keys)+lipgloss.Width(right)+3 <= w {
			return spread(keys, right+" ", w)
		}
	}
	hm.SetWidth(w - 1)
	return " " + hm.ShortHelpView(bindings)
}

// spread puts left and right at the two ends of a line of width w.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return truncate(left+" "+right, w)
	}
	return left + strings.Repeat(" ", gap) + right
}

// fit pads or cuts s to exactly h lines of width w. When fitted, s's lines
// are already w wide (a screen that measured them itself) and only the
// number of lines is fixed: measuring every row of a QR code again would be
// most of a frame's work.
func fit(s string, w, h int, fitted bool) string {
	n := strings.Count(s, "\n") + 1
	if fitted {
		switch {
		case n > h:
			return s[:nthNewline(s, h)]
		case n < h:
			return s + strings.Repeat("\n"+strings.Repeat(" ", w), h-n)
		}
		return s
	}
	lines := strings.SplitN(s, "\n", h+1)
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			lines[i] = truncate(l, w)
		} else {
			lines[i] = l + strings.Repeat(" ", w-lw)
		}
	}
	return strings.Join(lines, "\n")
}

// nthNewline is the index of the n-th "\n" in s (n >= 1), or len(s).
func nthNewline(s string, n int) int {
	i := 0
	for ; n > 0; n-- {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return len(s)
		}
		i += j + 1
	}
	return i - 1
}

// truncate cuts styled text to width w.
func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }
