package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"cryptopos/pos"
	"cryptopos/qr"
)

// invoiceScreen shows the QR code of the invoice URL with the amount, a
// countdown to the provider's expiry and the status in words.
type invoiceScreen struct {
	snap       pos.Snapshot
	confirming bool   // "cancel this sale?" is on screen
	resumed    bool   // put back on screen after a restart
	note       string // the reply to a demo action or a failed cancel
	qr         map[string]qrResult
}

// qrResult is a rendered code, kept because it changes only with the URL
// or the space: the layouts try two sizes on every redraw.
type qrResult struct {
	code qr.Code
	err  error
}

// looksPaid reports whether money is on its way for the invoice.
func looksPaid(inv pos.Invoice) bool {
	switch inv.Status {
	case pos.StatusConfirming, pos.StatusPartial, pos.StatusOnHold:
		return true
	}
	return !inv.Paid.IsZero() && inv.Paid.Amount.IsPositive()
}

// dismiss cancels the sale on the terminal.
func dismiss(e *pos.Engine, orderID string) tea.Cmd {
	return func() tea.Msg {
		inv, err := e.Dismiss(context.Background(), orderID)
		return dismissedMsg{inv: inv, err: err}
	}
}

type (
	dismissMsg   struct{ orderID string }
	dismissedMsg struct {
		inv pos.Invoice
		err error
	}
	simulatedMsg struct {
		action pos.SimAction
		err    error
	}
)

func newInvoiceScreen(s pos.Snapshot) invoiceScreen { return invoiceScreen{snap: s} }

// update takes a new snapshot and reports whether the sale is over.
func (s *invoiceScreen) update(snap pos.Snapshot) (over bool) {
	s.snap = snap
	return snap.Invoice.Status.Final()
}

func (s *invoiceScreen) key(c *common, msg tea.KeyPressMsg) tea.Cmd {
	k, e := c.keys, c.opts.Engine
	orderID := s.snap.Invoice.OrderID
	if s.confirming {
		switch {
		case key.Matches(msg, k.Confirm):
			s.confirming = false
			dismiss := dismissMsg{orderID: orderID}
			if looksPaid(s.snap.Invoice) {
				return guarded("to cancel a sale that is being paid", dismiss)
			}
			return func() tea.Msg { return dismiss }
		case key.Matches(msg, k.KeepWaiting):
			s.confirming = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Cancel):
		s.confirming, s.note = true, ""
		return nil
	case key.Matches(msg, k.CheckNow):
		return func() tea.Msg { e.CheckNow(orderID); return nil }
	}
	if sim := c.opts.Simulator; sim != nil && s.snap.Invoice.Created() {
		for _, a := range sim.Actions() {
			if msg.String() == a.Key {
				inv := s.snap.Invoice
				return func() tea.Msg {
					err := sim.Simulate(context.Background(), inv, a)
					if err == nil {
						e.CheckNow(inv.OrderID)
					}
					return simulatedMsg{action: a, err: err}
				}
			}
		}
	}
	return nil
}

// reply handles the answer to a command the screen started, and reports
// whether the sale is over on the terminal.
func (s *invoiceScreen) reply(msg tea.Msg) (over bool) {
	switch msg := msg.(type) {
	case dismissedMsg:
		if msg.err != nil {
			s.note = "Could not cancel: " + msg.err.Error()
			return false
		}
		s.snap.Invoice = msg.inv
		return true
	case simulatedMsg:
		if msg.err != nil {
			s.note = "Demo: " + msg.err.Error()
		} else {
			s.note = "Demo customer: " + msg.action.Label + "."
		}
	}
	return false
}

func (s *invoiceScreen) help(c *common) []key.Binding {
	if s.confirming {
		return []key.Binding{c.keys.Confirm, c.keys.KeepWaiting}
	}
	return []key.Binding{c.keys.Cancel, c.keys.CheckNow}
}

// Layout constants for the details beside the code.
const (
	detailsWidth = 34
	gapWidth     = 3
)

// view draws the screen in w x h. whole reports that the QR code is on
// screen, whole; every line is then exactly w wide, so the frame need not
// measure the code's rows again.
func (s *invoiceScreen) view(c *common, w, h int) (body string, whole bool) {
	inv := s.snap.Invoice
	if inv.URL == "" {
		return s.pending(c, w, h), false
	}
	// Beside: the code on the left, the details on the right. The lines
	// are put together by hand: the code's width is known, and measuring
	// its lines again on every redraw would be most of a frame's work.
	if code, err := s.code(c, inv.URL, w-2-gapWidth-detailsWidth, h); err == nil {
		details := strings.Split(s.details(c, detailsWidth, false), "\n")
		top := max(0, (h-code.Rows)/2)
		from := max(0, (code.Rows-len(details))/2) // details centred beside the code
		blank := strings.Repeat(" ", w)
		lines := make([]string, top, max(h, top+code.Rows))
		for i := range lines {
			lines[i] = blank
		}
		margin, gap := strings.Repeat(" ", 2), strings.Repeat(" ", gapWidth)
		left := len(margin) + code.Cols + len(gap)
		for i, row := range strings.SplitN(code.Text, "\n", code.Rows) {
			d := ""
			if j := i - from; j >= 0 && j < len(details) {
				d = details[j]
			}
			// The details are short: measuring them keeps every line
			// exactly w wide.
			dw := lipgloss.Width(d)
			if left+dw > w {
				d = truncate(d, w-left)
				dw = lipgloss.Width(d)
			}
			lines = append(lines, margin+row+gap+d+blank[:w-left-dw])
		}
		for len(lines) < h { // all h lines: the frame need not add any
			lines = append(lines, blank)
		}
		return strings.Join(lines, "\n"), true
	}
	// Below: the code on top, the short details under it.
	details := s.details(c, w-4, true)
	dh := lipgloss.Height(details) + 1
	code, err := s.code(c, inv.URL, w-2, h-dh-1)
	if err == nil {
		// Centred by hand, as above.
		left := max(0, (w-code.Cols)/2)
		pad, right := strings.Repeat(" ", left), strings.Repeat(" ", max(0, w-left-code.Cols))
		under := lipgloss.PlaceHorizontal(w, lipgloss.Center, c.theme.Muted.Render("Scan to pay")) + "\n" +
			lipgloss.PlaceHorizontal(w, lipgloss.Center, details)
		return pad + strings.ReplaceAll(code.Text, "\n", right+"\n"+pad) + right + "\n" +
			fit(under, w, dh, false), true // the few lines under the code measured
	}
	// Too small to scan: say how large the window must be, and show the
	// address to type instead.
	t := c.theme
	text := err.Error()
	var small *qr.TooSmallError
	if errors.As(err, &small) {
		needW := max(small.NeedCols+2, minWidth)
		needH := small.NeedRows + dh + 1 + chromeRows
		need := fmt.Sprintf("%d columns by %d rows", needW, needH)
		switch {
		case needW <= c.width:
			need = fmt.Sprintf("%d rows high", needH)
		case needH <= c.height:
			need = fmt.Sprintf("%d columns wide", needW)
		}
		text = fmt.Sprintf("The window is too small for a scannable QR code: make it at least %s (it is %d by %d), or the font smaller.",
			need, c.width, c.height)
	}
	msg := wrap(t.Warn.Render(text), w-4) + "\n\n" +
		wrap(t.Muted.Render("Payment page: ")+t.Text.Render(inv.URL), w-4)
	return "\n" + indent(msg, 2) + "\n\n" + indent(details, 2), false
}

// code renders the QR in at most cols x rows, at level Medium when it fits
// and Low when only that does (a screen is never smudged).
func (s *invoiceScreen) code(c *common, url string, cols, rows int) (qr.Code, error) {
	t := c.theme
	mode := qr.HalfBlock
	if t.Console {
		mode = qr.Console
	}
	k := fmt.Sprint(url, cols, rows, mode, t.NoColor, t.Dark)
	if r, ok := s.qr[k]; ok {
		return r.code, r.err
	}
	if s.qr == nil || len(s.qr) > 8 { // a resize made the old sizes useless
		s.qr = map[string]qrResult{}
	}
	o := qr.Options{Mode: mode, NoColor: t.NoColor, DarkBackground: t.Dark, MaxCols: cols, MaxRows: rows}
	code, err := qr.Render(url, o)
	var small *qr.TooSmallError
	if errors.As(err, &small) {
		o.Level = qr.Low
		// At Low the code is smaller: its error asks for less room.
		code, err = qr.Render(url, o)
	}
	s.qr[k] = qrResult{code: code, err: err}
	return code, err
}

// pending is shown until the provider has answered the create.
func (s *invoiceScreen) pending(c *common, w, h int) string {
	t := c.theme
	inv := s.snap.Invoice
	title := "Creating the invoice at " + c.providerName() + "…"
	if s.resumed {
		title = "Looking up the invoice at " + c.providerName() + "…"
	}
	lines := []string{t.Title.Render(inv.Amount.String()), "", t.Now.Render(title)}
	if tr := s.trouble(c); tr != "" {
		lines = append(lines, "", tr)
	}
	lines = append(lines, s.footer(c)...)
	block := lipgloss.NewStyle().Width(min(w-4, 60)).Align(lipgloss.Center).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, block)
}

// details are the lines beside (or under) the code.
func (s *invoiceScreen) details(c *common, w int, short bool) string {
	t := c.theme
	inv := s.snap.Invoice
	now := c.now()
	status := t.Status(inv.Status).Render(s.statusWords(c))
	countdown := t.Title.Render(countdown(inv, now))
	if short {
		lines := []string{t.Title.Render(inv.Amount.String()) + pay(t, inv, " · ") + " · " + status + " · " + countdown}
		if tr := s.trouble(c); tr != "" {
			lines = append(lines, tr)
		}
		return wrap(strings.Join(append(lines, s.footer(c)...), "\n"), w)
	}
	lines := []string{t.Title.Render(inv.Amount.String())}
	if p := pay(t, inv, ""); p != "" {
		lines = append(lines, p)
	}
	lines = append(lines, "", t.Muted.Render("Scan to pay"), status)
	if more := s.statusDetail(c); more != "" {
		lines = append(lines, more)
	}
	lines = append(lines, countdown, t.Muted.Render(checked(s.snap.LastChecked, now)))
	if src := s.source(c); src != "" {
		lines = append(lines, t.Muted.Render(src))
	}
	if tr := s.trouble(c); tr != "" {
		lines = append(lines, "", tr)
	}
	lines = append(lines, s.footer(c)...)
	for i, l := range lines {
		lines[i] = wrap(l, w)
	}
	return strings.Join(lines, "\n")
}

// pay is the crypto amount to send, or who picks the coin.
func pay(t Theme, inv pos.Invoice, sep string) string {
	switch {
	case !inv.PayAmount.IsZero():
		return sep + t.Text.Render(inv.PayLine())
	case inv.Pay.CustomerChooses():
		return sep + t.Muted.Render("customer picks the coin")
	}
	return sep + t.Text.Render(inv.Pay.Label())
}

// source says where the status comes from when that is not the provider's
// own API, and when that source last heard: "via relay · 12:03:04 (5s ago)".
func (s *invoiceScreen) source(c *common) string {
	src := s.snap.Source
	if src == "" || src == c.providerName()+" API" {
		return ""
	}
	line := "via " + src
	if at := s.snap.SourceAt; !at.IsZero() {
		line += " · " + c.local(at).Format("15:04:05") + " (" + seconds(c.now().Sub(at)) + " ago)"
	}
	return line
}

func (s *invoiceScreen) statusWords(c *common) string {
	inv := s.snap.Invoice
	if inv.Status == pos.StatusWaiting && !inv.ExpiresAt.IsZero() && inv.Remaining(c.now()) == 0 {
		return "Time is up; waiting for " + c.providerName() + " to close it"
	}
	return inv.Status.Words()
}

func (s *invoiceScreen) statusDetail(c *common) string {
	inv := s.snap.Invoice
	t := c.theme
	switch inv.Status {
	case pos.StatusPartial:
		got := "Part of the amount has arrived."
		if line := inv.PaidLine(); line != "" {
			got = line + " arrived."
		}
		until := ""
		if !inv.ExpiresAt.IsZero() {
			until = " until " + c.local(inv.ExpiresAt).Format("15:04")
		}
		if tu, ok := c.opts.Engine.Provider().(pos.TopUpper); ok && !tu.TopUps() {
			return t.Warn.Render(got) + " " + t.Text.Render("This invoice takes one payment: it will end underpaid"+
				strings.Replace(until, "until", "at", 1)+", and "+c.providerName()+" refunds the customer.")
		}
		return t.Warn.Render(got) + " " + t.Text.Render("The customer can top up"+until+".")
	case pos.StatusOnHold:
		return t.Text.Render(c.providerName() + " is checking the payment; the outcome follows.")
	case pos.StatusConfirming:
		return t.Muted.Render("Waiting for the network to confirm it.")
	}
	return ""
}

// trouble describes a problem the engine is retrying through, in place.
func (s *invoiceScreen) trouble(c *common) string {
	tr := s.snap.Trouble
	if tr == nil {
		return ""
	}
	t := c.theme
	now := c.now()
	var retry string
	if !s.snap.NextCheck.IsZero() {
		retry = fmt.Sprintf("Retrying in %s", seconds(s.snap.NextCheck.Sub(now)))
		if !s.snap.LastChecked.IsZero() {
			retry += fmt.Sprintf(" (last checked %s ago)", seconds(now.Sub(s.snap.LastChecked)))
		}
		retry += "."
	}
	var je *pos.JournalError
	if errors.As(tr, &je) {
		return t.Bad.Render(tr.Error()) + " " + t.Text.Render(retry)
	}
	switch pos.KindOf(tr) {
	case pos.ErrKindTransport, pos.ErrKindTemporary, pos.ErrKindBadReply:
		return t.Warn.Render("Connection problem: "+tr.Error()) + " " + t.Text.Render(retry)
	case pos.ErrKindAuth:
		return t.Bad.Render("Access refused: "+tr.Error()) + " " + t.Text.Render("Check the configuration; "+lowerFirst(retry))
	}
	return t.Bad.Render("Problem: "+tr.Error()) + " " + t.Text.Render(retry)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// footer holds the cancel question, a note, and the demo customer's keys.
func (s *invoiceScreen) footer(c *common) []string {
	t := c.theme
	var lines []string
	if s.confirming {
		lines = append(lines, "", t.Warn.Render("Cancel this sale?")+" "+
			t.Key.Render("y")+t.Text.Render(" yes  ")+t.Key.Render("n")+t.Text.Render(" no"))
	} else if s.note != "" {
		lines = append(lines, "", t.Text.Render(s.note))
	}
	if sim := c.opts.Simulator; sim != nil && s.snap.Invoice.Created() {
		var keys []string
		for _, a := range sim.Actions() {
			keys = append(keys, t.Key.Render(a.Key)+" "+t.Muted.Render(a.Label))
		}
		lines = append(lines, "", t.Muted.Render("Demo customer:"), strings.Join(keys, t.Muted.Render(" · ")))
	}
	return lines
}

// countdown is the time left to pay, from the provider's expiry.
func countdown(inv pos.Invoice, now time.Time) string {
	if inv.ExpiresAt.IsZero() {
		return "no time limit yet"
	}
	left := inv.Remaining(now)
	if left == 0 {
		return "00:00 left"
	}
	secs := int((left + time.Second - 1) / time.Second) // 0.4 s left still reads 00:01
	if secs >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d left", secs/3600, secs/60%60, secs%60)
	}
	return fmt.Sprintf("%02d:%02d left", secs/60, secs%60)
}

// checked says how long ago the provider last answered. Under 5 s it is
// "just now": polls every 3 s then leave the frame as it was, and the
// renderer skips it (a waiting invoice on a small board redraws only for
// its countdown).
func checked(at, now time.Time) string {
	if at.IsZero() {
		return "not checked yet"
	}
	d := now.Sub(at)
	if d < 5*time.Second {
		return "checked just now"
	}
	return "checked " + seconds(d) + " ago"
}

// seconds writes a duration the way a person says it: 8s, 2m, 1h.
func seconds(d time.Duration) string {
	switch {
	case d < time.Second:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%dh", int(d/time.Hour))
}
