package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// keyMap holds every key binding, grouped by screen. The help bar shows the
// current screen's bindings, so the keys are always on screen.
type keyMap struct {
	// Sale
	Type, Delete, Continue, Quit, History, Report key.Binding
	// Report
	Day key.Binding
	// History
	Open, Today, Filter, Resume key.Binding
	// Currency
	Pick, Move, Create, Back, Email key.Binding
	// Customer form
	NextField, PrevField, SwitchKind, Submit key.Binding
	// Invoice
	Cancel, Confirm, KeepWaiting, CheckNow key.Binding
	// Result
	NewSale, Renew key.Binding
	// Everywhere
	ForceQuit, Acknowledge, PINDigits, Leave key.Binding
	// Printing
	Print, RetryPrint key.Binding
}

// newKeyMap returns the bindings; on the Linux console the help names keys
// in plain letters, which every console font has.
func newKeyMap(console bool) keyMap {
	b, keys := key.NewBinding, key.WithKeys
	help := key.WithHelp
	if console {
		help = func(k, desc string) key.BindingOpt { return key.WithHelp(consoleKeyNames.Replace(k), desc) }
	}
	return keyMap{
		Type:        b(keys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".", ","), help("0-9 . ,", "type")),
		Delete:      b(keys("backspace", "delete"), help("⌫", "delete")),
		Continue:    b(keys("enter"), help("enter", "continue")),
		Quit:        b(keys("q"), help("q", "quit")),
		History:     b(keys("h"), help("h", "history")),
		Report:      b(keys("r"), help("r", "day report")),
		Day:         b(keys("left", "right"), help("←/→", "day")),
		Open:        b(keys("enter"), help("enter", "open")),
		Today:       b(keys("t"), help("t", "today/all")),
		Filter:      b(keys("s"), help("s", "status")),
		Resume:      b(keys("w"), help("w", "watch again")),
		Acknowledge: b(keys("a"), help("a", "seen")),
		PINDigits:   b(keys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), help("0-9", "PIN")),
		Leave:       b(keys("f10"), help("F10", "quit (PIN)")),
		Print:       b(keys("P"), help("P", "print")),
		RetryPrint:  b(keys("R"), help("R", "print again")),
		Pick:        b(keys("1", "2", "3", "4", "5", "6", "7", "8", "9"), help("1-9", "pick")),
		Move:        b(keys("up", "down", "k", "j"), help("↑/↓", "move")),
		Create:      b(keys("enter"), help("enter", "create invoice")),
		Back:        b(keys("esc"), help("esc", "back")),
		Email:       b(keys("e"), help("e", "customer e-mail")),
		NextField:   b(keys("tab", "down"), help("tab/↓", "next field")),
		PrevField:   b(keys("shift+tab", "up"), help("↑", "previous")),
		SwitchKind:  b(keys("left", "right"), help("←/→", "person/company")),
		Submit:      b(keys("enter"), help("enter", "create invoice")),
		Cancel:      b(keys("c"), help("c", "cancel sale")),
		Confirm:     b(keys("y"), help("y", "yes, cancel it")),
		KeepWaiting: b(keys("n", "esc"), help("n", "no, keep waiting")),
		CheckNow:    b(keys("r"), help("r", "check now")),
		NewSale:     b(keys("enter"), help("enter", "new sale")),
		Renew:       b(keys("r"), help("r", "renew invoice")),
		ForceQuit:   b(keys("ctrl+c")),
	}
}

// consoleKeyNames spells the arrows and the delete key for console fonts.
var consoleKeyNames = strings.NewReplacer("⌫", "bksp", "↑/↓", "up/down", "←/→", "left/right", "tab/↓", "tab/down", "↑", "up")
