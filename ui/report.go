package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/shopspring/decimal"

	"cryptopos/pos"
)

// reportScreen is the end-of-day report: the numbers of pos.Summarize, the
// same as `cryptopos report` prints, for one day at a time.
type reportScreen struct {
	day     time.Time // noon of the day shown, local
	report  *pos.Report
	lines   []string // the report laid out, built when it arrives or the theme changes
	loading bool
	seq     int
	err     string
	scroll  int // first line shown, kept in range by the keys and resizes
}

type reportMsg struct {
	report pos.Report
	seq    int
	err    error
}

type openReportMsg struct{}

func newReportScreen(c *common) reportScreen {
	now := c.local(c.now())
	return reportScreen{day: time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, now.Location())}
}

func (s *reportScreen) load(c *common) tea.Cmd {
	s.loading, s.err, s.scroll = true, "", 0
	s.seq++
	seq, j := s.seq, c.opts.Engine.Journal()
	from, to := pos.DayBounds(s.day, c.opts.Location)
	shop := c.opts.Currency.Code
	return func() tea.Msg {
		list, err := j.List(context.Background(), pos.Filter{From: from, To: to})
		return reportMsg{report: pos.Summarize(list, from, to, shop), seq: seq, err: err}
	}
}

func (s *reportScreen) loaded(c *common, msg reportMsg) {
	if msg.seq != s.seq {
		return
	}
	s.loading = false
	if msg.err != nil {
		s.err = "Could not read the journal: " + msg.err.Error()
		return
	}
	s.report = &msg.report
	s.layout(c)
}

// layout builds the report's lines, once per report and theme.
func (s *reportScreen) layout(c *common) {
	if s.report != nil {
		s.lines = s.build(c)
	}
}

// maxScroll is the furthest the report scrolls in a body h rows high: a
// title and a blank line above the report's lines.
func (s *reportScreen) maxScroll(h int) int { return max(len(s.lines)-(h-2), 0) }

// clamp keeps the scroll in range after a resize.
func (s *reportScreen) clamp(h int) { s.scroll = min(s.scroll, s.maxScroll(h)) }

// key handles a key; h is the body's height, for scrolling.
func (s *reportScreen) key(c *common, msg tea.KeyPressMsg, h int) tea.Cmd {
	k := c.keys
	switch {
	case key.Matches(msg, k.Back):
		return func() tea.Msg { return backToSaleMsg{} }
	case key.Matches(msg, k.Day):
		if msg.String() == "left" {
			s.day = s.day.AddDate(0, 0, -1)
		} else if s.day.Before(c.local(c.now()).Add(-12 * time.Hour)) {
			s.day = s.day.AddDate(0, 0, 1)
		}
		return s.load(c)
	case key.Matches(msg, k.Move):
		if msg.String() == "up" || msg.String() == "k" {
			s.scroll = max(min(s.scroll, s.maxScroll(h))-1, 0)
		} else {
			s.scroll = min(s.scroll+1, s.maxScroll(h))
		}
	}
	return nil
}

func (s *reportScreen) help(c *common) []key.Binding {
	return []key.Binding{c.keys.Day, c.keys.Move, c.keys.Back}
}

func (s *reportScreen) view(c *common, w, h int) string {
	t := c.theme
	title := " " + t.Title.Render("End of day") + t.Muted.Render(" · "+s.day.Format("Mon 2 Jan 2006"))
	if s.err != "" {
		return title + "\n\n " + t.Bad.Render(s.err)
	}
	if s.report == nil {
		return title + "\n\n " + t.Muted.Render("Reading the journal…")
	}
	// The banners may have taken rows since the last key: stay in range
	// without changing the model.
	rows := max(h-2, 0)
	from := min(s.scroll, s.maxScroll(h))
	body := s.lines[from:min(len(s.lines), from+rows)]
	more := ""
	if from+rows < len(s.lines) {
		more = t.Muted.Render("↓ more ")
	}
	return spread(title, more, w) + "\n\n" + strings.Join(body, "\n")
}

// build lays the report out: totals first, then by status, by coin, late
// payments and exceptions.
func (s *reportScreen) build(c *common) []string {
	t, r := c.theme, s.report
	cur := r.Currency
	amt := func(d decimal.Decimal) string { return pos.FormatAmount(d, cur) }
	out := []string{
		t.Text.Render(fmt.Sprintf(" %s for %s %s.", sales(r.Invoices), amt(r.Amount), cur)),
		t.Good.Render(fmt.Sprintf(" Received %s %s", amt(r.Received), cur)) +
			t.Muted.Render(fmt.Sprintf(": paid in full %s, value of underpayments %s.", amt(r.Taken), amt(r.Underpaid))),
	}
	if r.Open > 0 {
		out = append(out, t.Warn.Render(fmt.Sprintf(" Still open: %s for %s %s.", sales(r.Open), amt(r.OpenAmount), cur)))
	}
	out = append(out, "", t.Muted.Render(fmt.Sprintf(" %-32s %6s %12s", "Status", "Sales", cur)))
	for _, row := range r.ByStatus {
		if row.Count == 0 {
			continue
		}
		out = append(out, t.Status(row.Status).UnsetBold().Render(fmt.Sprintf(" %-32s %6d %12s", row.Status.Words(), row.Count, amt(row.Amount))))
	}
	if len(r.ByCoin) > 0 {
		out = append(out, "", t.Muted.Render(fmt.Sprintf(" %-12s %6s %12s  %s", "By coin", "Sales", cur+" value", "Crypto received")))
		for _, coin := range r.ByCoin {
			name, crypto := coin.Coin, pos.NewMoney(coin.Crypto, coin.Coin).String()
			if name == pos.CoinNotChosen {
				name, crypto = "not chosen", ""
			}
			if coin.CryptoUnknown > 0 {
				crypto += t.Muted.Render(fmt.Sprintf(" (+%d unknown)", coin.CryptoUnknown))
			}
			out = append(out, t.Text.Render(fmt.Sprintf(" %-12s %6d %12s  ", name, coin.Sales, amt(coin.Value)))+crypto)
		}
	}
	section := func(title string, entries []pos.Entry) {
		if len(entries) == 0 {
			return
		}
		out = append(out, "", t.Title.Render(fmt.Sprintf(" %s: %d", title, len(entries))))
		for _, e := range entries {
			inv := e.Invoice
			what := outcomeWords(inv)
			if e.Kind != "" {
				what = e.Kind.Words()
			}
			out = append(out, t.Text.Render(fmt.Sprintf("  %s  %s  %s  ", c.local(inv.CreatedAt).Format("15:04"),
				inv.OrderID, inv.Amount))+t.Status(inv.Status).UnsetBold().Render(what))
		}
	}
	section("Late payments", r.Late)
	section("To look at", r.Exceptions)
	return out
}
