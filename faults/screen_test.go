package faults

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
	"cryptopos/ui"
)

// screen drives the terminal's UI the way a Bubble Tea program does: every
// command runs in its own goroutine and its message comes back to Update,
// which only the test's goroutine calls.
type screen struct {
	t    *testing.T
	m    *ui.Model
	msgs chan tea.Msg
}

// newScreen starts the UI on the engine, in a window of 100×40.
func newScreen(t *testing.T, e *pos.Engine, clock *postest.Clock, payOptions []pos.PayOption, checkCoins bool) *screen {
	t.Helper()
	eur, _ := pos.LookupCurrency("EUR")
	s := &screen{t: t, msgs: make(chan tea.Msg, 1024)}
	s.m = ui.New(ui.Options{
		Engine: e, Clock: clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount: decimal.RequireFromString("5000"), PayOptions: payOptions,
		Location: time.UTC, CheckPayOptions: checkCoins,
	})
	t.Cleanup(s.m.Close)
	s.send(tea.WindowSizeMsg{Width: 100, Height: 40})
	s.run(s.m.Init())
	// Init resumes the journal's unfinished sales (none here). Until that
	// is done no sale starts: Resume would take a sale journaled but not
	// yet watched for one to look up instead of create (see the report in
	// TestResumeRacesNewInvoice).
	s.waitMsg("ui.resumedMsg")
	return s
}

// waitMsg handles messages until one of the type named (as %T prints it)
// has been handled.
func (s *screen) waitMsg(typeName string) {
	s.t.Helper()
	timeout := time.After(deadline)
	for {
		select {
		case msg := <-s.msgs:
			s.send(msg)
			if fmt.Sprintf("%T", msg) == typeName {
				return
			}
		case <-timeout:
			s.t.Fatalf("no %s came", typeName)
		}
	}
}

// run executes a command like the program does, batches included.
func (s *screen) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				s.run(c)
			}
			return
		}
		if msg != nil {
			s.msgs <- msg
		}
	}()
}

func (s *screen) send(msg tea.Msg) {
	_, cmd := s.m.Update(msg)
	s.run(cmd)
}

// press sends key presses: "enter" or one character each.
func (s *screen) press(keys ...string) {
	for _, k := range keys {
		if k == "enter" {
			s.send(tea.KeyPressMsg{Code: tea.KeyEnter})
		} else {
			s.send(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
		}
		s.settle()
	}
}

// settle handles the messages that are ready now, without waiting.
func (s *screen) settle() {
	for {
		select {
		case msg := <-s.msgs:
			s.send(msg)
		default:
			return
		}
	}
}

// text is the screen's words on one line: without colours, without the
// QR code's block glyphs beside the details, and with runs of white space
// (the layout's line breaks and padding) as one space.
func (s *screen) text() string {
	words := strings.Map(func(r rune) rune {
		if r >= '\u2580' && r <= '\u259f' { // block elements: ▀ ▄ █ …
			return ' '
		}
		return r
	}, ansi.Strip(s.m.View().Content))
	return strings.Join(strings.Fields(words), " ")
}

// waitText handles messages until the screen shows want (compared with
// white space runs as one space). The deadline guards against a hang;
// nothing here waits for a timer.
func (s *screen) waitText(want string) {
	s.t.Helper()
	want = strings.Join(strings.Fields(want), " ")
	deadline := time.After(deadline)
	for {
		if strings.Contains(s.text(), want) {
			return
		}
		select {
		case msg := <-s.msgs:
			s.send(msg)
		case <-deadline:
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, ansi.Strip(s.m.View().Content))
		}
	}
}

// sell types amount, confirms it and picks row 1, "Customer chooses": the
// sale starts.
func (s *screen) sell(amount string) {
	s.t.Helper()
	for _, r := range amount {
		s.press(string(r))
	}
	s.press("enter")
	s.waitText("How will the customer pay?")
	s.press("1")
}

// waitGone handles messages until the screen no longer shows text.
func (s *screen) waitGone(text string) {
	s.t.Helper()
	deadline := time.After(deadline)
	for strings.Contains(s.text(), text) {
		select {
		case msg := <-s.msgs:
			s.send(msg)
		case <-deadline:
			s.t.Fatalf("the screen still shows %q:\n%s", text, ansi.Strip(s.m.View().Content))
		}
	}
}
