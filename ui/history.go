package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"cryptopos/pos"
)

// historyScreen lists the latest invoices, newest first, and opens one to
// show its timeline.
type historyScreen struct {
	today   bool // only today's sales
	filter  int  // index into statusFilters
	list    []pos.Invoice
	more    bool // the journal may hold older ones
	cursor  int
	top     int // first row shown, kept by the keys and resizes
	loading bool
	seq     int // the latest read; older answers are dropped
	err     string
	open    *pos.Invoice // the invoice whose timeline is shown
	events  []pos.Event
}

// statusFilters are the status filters, in the order s cycles through them.
var statusFilters = []struct {
	name     string
	statuses []pos.Status
}{
	{"all", nil},
	{"paid", []pos.Status{pos.StatusPaid, pos.StatusOverpaid}},
	{"unpaid", pos.Unpaid},
	{"open", []pos.Status{pos.StatusCreating, pos.StatusWaiting, pos.StatusConfirming, pos.StatusPartial, pos.StatusOnHold}},
}

// historyPage is how many invoices one read of the journal brings.
const historyPage = 100

type (
	historyMsg struct {
		list   []pos.Invoice
		append bool
		seq    int
		err    error
	}
	timelineMsg struct {
		inv    pos.Invoice
		events []pos.Event
		err    error
	}
	watchedMsg struct {
		inv pos.Invoice
		err error
	}
)

func newHistoryScreen() historyScreen { return historyScreen{today: true, loading: true} }

// load reads a page of the journal; after continues from an invoice.
func (s *historyScreen) load(c *common, after *pos.Invoice) tea.Cmd {
	f := pos.Filter{Statuses: statusFilters[s.filter].statuses, Limit: historyPage, After: after}
	if s.today {
		// Where a daylight-saving change skips midnight, the day starts
		// at the change, as in the report.
		f.From, _ = pos.DayBounds(c.now(), c.opts.Location)
	}
	s.loading = true
	s.seq++
	j, seq := c.opts.Engine.Journal(), s.seq
	return func() tea.Msg {
		list, err := j.List(context.Background(), f)
		return historyMsg{list: list, append: after != nil, seq: seq, err: err}
	}
}

func (s *historyScreen) loaded(msg historyMsg) {
	if msg.seq != s.seq {
		return // the filter changed since
	}
	s.loading = false
	if msg.err != nil {
		s.err = "Could not read the journal: " + msg.err.Error()
		return
	}
	s.err = ""
	if msg.append {
		s.list = append(s.list, msg.list...)
	} else {
		s.list, s.cursor, s.top = msg.list, 0, 0
	}
	s.more = len(msg.list) == historyPage
}

// key handles a key; h is the body's height, for scrolling.
func (s *historyScreen) key(c *common, msg tea.KeyPressMsg, h int) tea.Cmd {
	k := c.keys
	if s.open != nil {
		switch {
		case key.Matches(msg, k.Back):
			s.open, s.events = nil, nil
		case key.Matches(msg, k.Resume) && !s.open.Status.Final():
			e, id := c.opts.Engine, s.open.OrderID
			return func() tea.Msg {
				inv, err := e.Watch(context.Background(), id)
				return watchedMsg{inv: inv, err: err}
			}
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return func() tea.Msg { return backToSaleMsg{} }
	case key.Matches(msg, k.Move):
		if msg.String() == "up" || msg.String() == "k" {
			s.cursor = max(s.cursor-1, 0)
		} else if s.cursor < len(s.list)-1 {
			s.cursor++
		}
		s.clamp(c, h)
		if s.more && !s.loading && s.cursor >= len(s.list)-5 {
			return s.load(c, &s.list[len(s.list)-1])
		}
	case key.Matches(msg, k.Today):
		s.today = !s.today
		return s.load(c, nil)
	case key.Matches(msg, k.Filter):
		s.filter = (s.filter + 1) % len(statusFilters)
		return s.load(c, nil)
	case key.Matches(msg, k.Open) && len(s.list) > 0:
		inv := s.list[s.cursor]
		j := c.opts.Engine.Journal()
		return func() tea.Msg {
			events, err := j.Events(context.Background(), inv.OrderID)
			return timelineMsg{inv: inv, events: events, err: err}
		}
	}
	return nil
}

func (s *historyScreen) help(c *common) []key.Binding {
	k := c.keys
	if s.open != nil {
		if !s.open.Status.Final() {
			return []key.Binding{k.Resume, k.Back}
		}
		return []key.Binding{k.Back}
	}
	return []key.Binding{k.Move, k.Open, k.Today, k.Filter, k.Back}
}

func (s *historyScreen) view(c *common, w, h int) string {
	if s.open != nil {
		return s.timeline(c, w, h)
	}
	t := c.theme
	scope := "today"
	if !s.today {
		scope = "all days"
	}
	title := t.Title.Render("History") + t.Muted.Render(" · "+scope+" · "+statusFilters[s.filter].name)
	count := sales(len(s.list))
	switch {
	case s.loading:
		count = "reading…"
	case s.more:
		count = fmt.Sprintf("%d+ sales", len(s.list))
	}
	lines := []string{spread(" "+title, t.Muted.Render(count)+" ", w), ""}
	cols := historyColumns(w, s.today)
	lines = append(lines, t.Muted.Render(cols.row("Time", "Amount", "Paid with", "Status", "Provider id")))
	if msg := s.message(c); msg != "" {
		lines = append(lines, "", " "+msg)
	}
	rows := h - len(lines)
	// The banners may have taken rows since the last key: keep the cursor
	// in view without changing the model.
	top := scrollTop(s.top, s.cursor, rows)
	for i := top; i < len(s.list) && i < top+rows; i++ {
		inv := s.list[i]
		when := c.local(inv.CreatedAt).Format("15:04")
		if !s.today {
			when = c.local(inv.CreatedAt).Format("01-02 15:04")
		}
		paid := inv.PayLine()
		if paid == "" {
			paid = inv.Pay.Label()
		}
		row := cols.row(when, inv.Amount.String(), paid, outcomeWords(inv), inv.ProviderID)
		if i == s.cursor {
			row = t.Selected.Render(row)
		} else {
			row = t.Status(inv.Status).UnsetBold().Render(row)
		}
		lines = append(lines, row)
	}
	return strings.Join(lines, "\n")
}

// message is the line under the column titles, when there is one.
func (s *historyScreen) message(c *common) string {
	t := c.theme
	switch {
	case s.err != "":
		return t.Bad.Render(s.err)
	case s.loading && len(s.list) == 0:
		return t.Muted.Render("Reading the journal…")
	case len(s.list) == 0:
		return t.Muted.Render("No sales match. t shows other days, s other statuses.")
	}
	return ""
}

// rows is how many sales the list shows in a body h rows high: under the
// title, a blank line, the column titles and the message with its blank.
func (s *historyScreen) rows(c *common, h int) int {
	if s.message(c) != "" {
		return h - 5
	}
	return h - 3
}

// clamp scrolls the list so the cursor is in view in a body h rows high.
func (s *historyScreen) clamp(c *common, h int) { s.top = scrollTop(s.top, s.cursor, s.rows(c, h)) }

// scrollTop is the first row to show of a list scrolled to top so that the
// cursor is among the rows shown.
func scrollTop(top, cursor, rows int) int {
	switch {
	case cursor < top:
		return cursor
	case rows > 0 && cursor >= top+rows:
		return cursor - rows + 1
	}
	return top
}

// sales counts sales in words: "1 sale", "3 sales".
func sales(n int) string {
	if n == 1 {
		return "1 sale"
	}
	return fmt.Sprintf("%d sales", n)
}

// outcomeWords is the status as the history tells it.
func outcomeWords(inv pos.Invoice) string {
	switch {
	case inv.Dismissed && !inv.Status.Final():
		return "CANCELLED (open)"
	case inv.Late && inv.Status.Success():
		return inv.Status.Words() + " late"
	}
	return inv.Status.Words()
}

// columns lays out the history rows in the width available.
type columns struct{ widths []int }

func historyColumns(w int, today bool) columns {
	when := 5
	if !today {
		when = 11
	}
	fixed := []int{when, 12, 24, 18}
	rest := w - 2 - len(fixed)*2
	for _, f := range fixed {
		rest -= f
	}
	return columns{widths: append(fixed, max(rest, 8))}
}

func (c columns) row(cells ...string) string {
	var b strings.Builder
	b.WriteString(" ")
	for i, cell := range cells {
		w := c.widths[i]
		if lipgloss.Width(cell) > w {
			cell = truncate(cell, w)
		}
		b.WriteString(cell + strings.Repeat(" ", w-lipgloss.Width(cell)))
		if i < len(cells)-1 {
			b.WriteString("  ")
		}
	}
	return b.String()
}

// timeline shows one invoice and its events.
func (s *historyScreen) timeline(c *common, w, h int) string {
	t := c.theme
	inv := *s.open
	field := func(name, value string) string {
		if value == "" {
			return ""
		}
		return t.Muted.Render(pad(name, 14)) + t.Text.Render(value)
	}
	expires := ""
	if !inv.ExpiresAt.IsZero() {
		expires = c.local(inv.ExpiresAt).Format("2006-01-02 15:04:05")
	}
	lines := []string{
		t.Title.Render("Order "+inv.OrderID) + "  " + t.Status(inv.Status).Render(outcomeWords(inv)), "",
		field("Amount", inv.Amount.String()),
		field("Pay", inv.Pay.Label()),
		field("To send", inv.PayLine()),
		field("Received", inv.Paid.String()),
		field("Provider", c.providerName()+" "+inv.ProviderID),
		field("Created", c.local(inv.CreatedAt).Format("2006-01-02 15:04:05")),
		field("Expires", expires),
		field("Reason", inv.Reason),
		field("Replaces", inv.Replaces),
		field("Replaced by", inv.ReplacedBy),
		"", t.Title.Render("Timeline"),
	}
	var out []string
	for _, l := range lines {
		if l != "" || len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, l)
		}
	}
	for _, e := range s.events {
		out = append(out, t.Muted.Render(c.local(e.At).Format("01-02 15:04:05"))+"  "+
			t.Status(e.Status).UnsetBold().Render(pad(e.Status.Words(), 20))+" "+t.Text.Render(e.Note))
	}
	for i, l := range out {
		out[i] = truncate(l, w-4)
	}
	if keep := max(h-2, 0); len(out) > h-1 {
		out = append(out[:keep], t.Muted.Render(fmt.Sprintf("… %d more events", len(out)-keep)))
	}
	return "\n" + indent(strings.Join(out, "\n"), 2)
}
