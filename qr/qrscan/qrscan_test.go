package qrscan

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"cryptopos/qr"
)

const (
	urlShort = "https://example.com/p/1"
	url60    = "https://pay.cryptomus.com/pay/26109ba0-b05b-4ee0-93d1-fd62c82"
	bip21    = "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.00020833&label=Corner%20Caf%C3%A9"
)

var urls = []string{urlShort, url60, bip21}

// variants are the ways the UI draws a code.
var variants = []struct {
	name string
	o    qr.Options
}{
	{"half-block", qr.Options{Mode: qr.HalfBlock}},
	{"console", qr.Options{Mode: qr.Console}},
	{"half-block no-color dark", qr.Options{Mode: qr.HalfBlock, NoColor: true, DarkBackground: true}},
	{"half-block no-color light", qr.Options{Mode: qr.HalfBlock, NoColor: true}},
	{"console no-color dark", qr.Options{Mode: qr.Console, NoColor: true, DarkBackground: true}},
	{"console no-color light", qr.Options{Mode: qr.Console, NoColor: true}},
}

const (
	headerText = "CryptoPOS · Invoice #42"
	helpText   = "esc cancel • enter new sale • q quit"
)

// invoiceScreen lays out a fake invoice screen the way the TUI does: a
// header bar, the code with a gap and a bordered details box to its right,
// and a help bar, placed in a cols x rows window (at least 80x24, larger
// when the code needs it). It returns the screen as View() would.
func invoiceScreen(t *testing.T, url string, o qr.Options) (view string, cols, rows int) {
	t.Helper()
	const detailsCols = 34
	codeCols, codeRows, err := qr.Size(url, o)
	if err != nil {
		t.Fatal(err)
	}
	cols, rows = max(80, codeCols+2+detailsCols), max(24, codeRows+2)
	o.MaxCols, o.MaxRows = cols-2-detailsCols, rows-2
	code, err := qr.Render(url, o)
	if err != nil {
		t.Fatal(err)
	}

	header := lipgloss.NewStyle().Bold(true).
		Foreground(lipgloss.Color("#FAFAFA")).Background(lipgloss.Color("#7D56F4")).
		Width(cols).Padding(0, 1).Render(headerText)
	label := lipgloss.NewStyle().Foreground(lipgloss.Color("#888888"))
	value := lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#04B575"))
	details := lipgloss.JoinVertical(lipgloss.Left,
		label.Render("Amount"),
		value.Render("12.50 USDT"),
		"",
		label.Render("Network"),
		"TRON (TRC-20)",
		"",
		label.Render("Status"),
		lipgloss.NewStyle().Foreground(lipgloss.Color("#F25D94")).Render("⣾ 支払い待ち waiting"),
		lipgloss.NewStyle().Reverse(true).Render(" 14:59 left "),
	)
	box := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).
		BorderForeground(lipgloss.Color("#7D56F4")).Padding(0, 1).Render(details)
	body := lipgloss.JoinHorizontal(lipgloss.Top, code.Text, "  ", box)
	help := lipgloss.NewStyle().Foreground(lipgloss.Color("#626262")).Render(helpText)
	view = lipgloss.Place(cols, rows, lipgloss.Left, lipgloss.Top,
		lipgloss.JoinVertical(lipgloss.Left, header, body, help))
	if w, h := lipgloss.Width(view), lipgloss.Height(view); w != cols || h != rows {
		t.Fatalf("screen is %dx%d, want %dx%d", w, h, cols, rows)
	}
	return view, cols, rows
}

// downsample passes s through the colour conversion Bubble Tea applies.
func downsample(t *testing.T, s string, p colorprofile.Profile) string {
	t.Helper()
	var buf strings.Builder
	w := &colorprofile.Writer{Forward: &buf, Profile: p}
	if _, err := w.WriteString(s); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestDecodeScreens reads codes of every variant off whole invoice screens,
// in true colour and downsampled like Bubble Tea does for 256 and 16
// colours (TERM=linux), and for the NoColor variants also with the ASCII
// profile (NO_COLOR: colours stripped, attributes kept).
func TestDecodeScreens(t *testing.T) {
	for _, url := range urls {
		for _, v := range variants {
			profiles := []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI}
			if v.o.NoColor {
				profiles = append(profiles, colorprofile.ASCII)
			}
			for _, p := range profiles {
				t.Run(fmt.Sprintf("%.20s/%s/%s", strings.TrimPrefix(url, "https://"), v.name, p), func(t *testing.T) {
					t.Parallel()
					view, cols, rows := invoiceScreen(t, url, v.o)
					view = downsample(t, view, p)
					s := Parse(view)
					if c, r := s.Size(); c != cols || r != rows {
						t.Errorf("Parse: screen is %dx%d, want %dx%d", c, r, cols, rows)
					}
					text := s.Text()
					for _, want := range []string{headerText, helpText, "12.50 USDT", "支払い待ち waiting", "14:59 left"} {
						if !strings.Contains(text, want) {
							t.Errorf("Text() lacks %q:\n%s", want, text)
						}
					}
					got, err := s.Decode()
					if err != nil {
						t.Fatalf("Decode: %v\n%s", err, sketch(s))
					}
					if got != url {
						t.Errorf("Decode = %q, want %q", got, url)
					}
				})
			}
		}
	}
}

// capture prints a screen the way `tmux capture-pane -p -e` does, with the
// loss the testing notes describe: trailing cells that are spaces painted
// with a background colour are left out, as are trailing plain blanks.
// Reverse-video spaces (an attribute, printed, never cleared) are kept.
func capture(s *Screen) string {
	cols, rows := s.Size()
	var b strings.Builder
	cur := defaultPen
	for y := range rows {
		if y > 0 {
			b.WriteByte('\n')
		}
		end := cols
		for end > 0 {
			c := s.Cell(end-1, y)
			if c.Content != " " || c.Attrs&Reverse != 0 {
				break
			}
			end--
		}
		for x := range end {
			c := s.Cell(x, y)
			if c.Content == "" {
				continue
			}
			p := pen{fg: c.FG, bg: c.BG, attrs: c.Attrs}
			if p.attrs&Reverse != 0 {
				p.fg, p.bg = p.bg, p.fg
			}
			if p != cur {
				b.WriteString(sgrOf(p))
				cur = p
			}
			b.WriteString(c.Content)
		}
	}
	return b.String()
}

// sgrOf returns an SGR sequence that sets p from scratch.
func sgrOf(p pen) string {
	params := []string{"0"}
	for i, a := range []Attr{Bold, Faint, Italic, Underline, Blink, Reverse} {
		if p.attrs&a != 0 {
			params = append(params, fmt.Sprint([]int{1, 2, 3, 4, 5, 7}[i]))
		}
	}
	colour := func(c Color, base int) string {
		switch c & kindMask {
		case colorRGB:
			return fmt.Sprintf("%d;2;%d;%d;%d", base+8, uint8(c>>16), uint8(c>>8), uint8(c))
		case colorIndexed:
			switch n := int(c & 0xff); {
			case n < 8:
				return fmt.Sprint(base + n)
			case n < 16:
				return fmt.Sprint(base + 60 + n - 8)
			default:
				return fmt.Sprintf("%d;5;%d", base+8, n)
			}
		}
		return ""
	}
	for _, s := range []string{colour(p.fg, 30), colour(p.bg, 40)} {
		if s != "" {
			params = append(params, s)
		}
	}
	return "\x1b[" + strings.Join(params, ";") + "m"
}

// TestDecodeCapturePane reads the invoice screens through a simulated
// capture-pane: half-block codes and codes drawn without colour survive it,
// console codes in colour lose their coloured blanks at the line ends and
// must fail with a clear error rather than decode something else.
func TestDecodeCapturePane(t *testing.T) {
	for _, url := range []string{urlShort, url60} {
		for _, v := range variants {
			for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI} {
				t.Run(fmt.Sprintf("%.20s/%s/%s", strings.TrimPrefix(url, "https://"), v.name, p), func(t *testing.T) {
					t.Parallel()
					view, _, _ := invoiceScreen(t, url, v.o)
					captured := capture(Parse(downsample(t, view, p)))
					if len(captured) >= len(view) && p == colorprofile.TrueColor && v.o.Mode == qr.Console && !v.o.NoColor {
						t.Fatalf("simulated capture lost nothing")
					}
					s := Parse(captured)
					got, err := s.Decode()
					if v.o.Mode == qr.Console && !v.o.NoColor {
						if err == nil {
							t.Fatalf("Decode = %q from a capture that lost the coloured blanks", got)
						}
						if !errors.Is(err, ErrNoCode) && !errors.Is(err, ErrUnreadable) {
							t.Errorf("error %v is neither ErrNoCode nor ErrUnreadable", err)
						}
						if !strings.Contains(err.Error(), "QR code") || !strings.Contains(err.Error(), "capture-pane") {
							t.Errorf("error %q does not say what failed and why", err)
						}
						return
					}
					if err != nil {
						t.Fatalf("Decode: %v\n%s", err, sketch(s))
					}
					if got != url {
						t.Errorf("Decode = %q, want %q", got, url)
					}
				})
			}
		}
	}
}

func TestDecodeNoCode(t *testing.T) {
	header := lipgloss.NewStyle().Bold(true).
		Foreground(lipgloss.Color("#000000")).Background(lipgloss.Color("#FFFFFF")).
		Width(80).Render("CryptoPOS · New sale")
	// A white panel with black text: explicit black and white, but no code.
	panel := lipgloss.NewStyle().Foreground(lipgloss.Color("#000000")).
		Background(lipgloss.Color("#FFFFFF")).Width(40).Height(15).Padding(1, 2).
		Render("Amount: 12.50\n\nEnter the amount and press enter.\n" + strings.Repeat("▀▄█ ", 8))
	view := lipgloss.Place(80, 24, lipgloss.Left, lipgloss.Top,
		lipgloss.JoinVertical(lipgloss.Left, header, panel, helpText))
	for name, text := range map[string]string{
		"screen":     view,
		"16 colours": downsample(t, view, colorprofile.ANSI),
		"empty":      "",
		"plain text": "hello\nworld",
		"ragged":     "hello\nworld!",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(text).Decode()
			if err == nil {
				t.Fatalf("Decode = %q, want an error", got)
			}
			if !errors.Is(err, ErrNoCode) {
				t.Errorf("error %v, want ErrNoCode", err)
			}
			msg := "qrscan: no QR code found on the screen"
			if name == "ragged" {
				if !strings.HasPrefix(err.Error(), msg+" (") || !strings.Contains(err.Error(), "capture-pane") {
					t.Errorf("error message %q lacks the capture-pane hint", err)
				}
			} else if err.Error() != msg {
				t.Errorf("error message %q, want %q", err, msg)
			}
		})
	}
}

// TestDecodeDamaged wipes the middle of a code, leaving its finder
// patterns: the code is located but cannot be read.
func TestDecodeDamaged(t *testing.T) {
	code, err := qr.Render(url60, qr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := Parse(code.Text)
	cols, rows := s.Size()
	for y := rows * 3 / 10; y < rows*7/10; y++ {
		for x := cols * 3 / 10; x < cols*7/10; x++ {
			s.lines[y][x].FG = RGB(0, 0, 0)
			s.lines[y][x].BG = RGB(0, 0, 0)
		}
	}
	got, err := s.Decode()
	if err == nil {
		t.Fatalf("Decode = %q from a damaged code", got)
	}
	if !errors.Is(err, ErrUnreadable) {
		t.Errorf("error %v, want ErrUnreadable", err)
	}
}

// sketch draws the picture Decode sees (dark-theme reading) for failure
// messages: light halves as blocks, so that it looks right on a dark
// terminal.
func sketch(s *Screen) string {
	cols, rows := s.Size()
	var b strings.Builder
	for y := range rows {
		for x := range cols {
			u, l := halves(s.Cell(x, y), true)
			b.WriteString([]string{" ", "▄", "▀", "█"}[btoi(!u)<<1|btoi(!l)])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ExampleScreen_Decode() {
	code, err := qr.Render("https://example.com/p/1", qr.Options{})
	if err != nil {
		panic(err)
	}
	view := "Invoice #42\n" + lipgloss.JoinHorizontal(lipgloss.Top, code.Text, "  Amount: 12.50 USDT")
	s := Parse(view)
	fmt.Println(strings.SplitN(s.Text(), "\n", 3)[:2])
	fmt.Println(s.Decode())
	// Output:
	// [Invoice #42 ▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀  Amount: 12.50 USDT]
	// https://example.com/p/1 <nil>
}
