package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/pos/postest"
)

// benchURL is a payment page address of exactly 60 characters, the length
// of the QR rendering target.
const benchURL = "https://pay.cryptomus.com/pay/26109ba0-b05b-4ee0-93d1-fd62c8"

// benchModel is the root model at w x h with an engine on fakes, without
// the harness (which needs a *testing.T).
func benchModel(b *testing.B, w, h int) *Model {
	b.Helper()
	if len(benchURL) != 60 {
		b.Fatalf("benchURL has %d characters", len(benchURL))
	}
	clock := postest.NewClock(t0)
	engine := pos.NewEngine(postest.NewProvider(clock, 15*time.Minute), postest.NewJournal(), clock,
		pos.EngineConfig{Random: &postest.Random{}}, nil)
	eur, _ := pos.LookupCurrency("EUR")
	m := New(Options{
		Engine: engine, Clock: clock, ShopName: "Corner Café", Currency: eur,
		MaxAmount:  decimal.RequireFromString("5000"),
		PayOptions: []pos.PayOption{{Code: "BTC"}, {Code: "USDT", Network: "tron"}},
		Location:   time.UTC,
	})
	b.Cleanup(func() { m.Close(); engine.Close() })
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// benchInvoice is a waiting invoice as the engine reports it after the
// create: what the Invoice screen shows when the QR code first appears.
func benchInvoice() pos.Snapshot {
	inv := pos.Invoice{
		OrderID: "till-1-1ng355y8n3yxm", Provider: "fake",
		Amount: pos.NewMoney(decimal.RequireFromString("12.50"), "EUR"), Pay: pos.PayOption{Code: "BTC"},
		Status: pos.StatusWaiting, URL: benchURL, ProviderID: "26109ba0-b05b-4ee0-93d1-fd62c8",
		PayAmount: pos.NewMoney(decimal.RequireFromString("0.00021345"), "BTC"),
		CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(15 * time.Minute),
	}
	return pos.Snapshot{Invoice: inv, LastChecked: t0, Watching: true}
}

// BenchmarkView is the cost of one View() of the root model at 80x24, the
// work Bubble Tea does after every message before the next frame: the
// Sale screen, the Invoice screen with its QR code cached (every frame but
// the first), and the Invoice screen's first frame, which renders the code.
func BenchmarkView(b *testing.B) {
	b.Run("sale", func(b *testing.B) {
		m := benchModel(b, 80, 24)
		b.ReportAllocs()
		for b.Loop() {
			_ = m.View()
		}
	})
	b.Run("invoice-cached", func(b *testing.B) {
		m := benchModel(b, 80, 24)
		m.invoice, m.screen = newInvoiceScreen(benchInvoice()), screenInvoice
		if v := m.View(); !strings.Contains(v.Content, "▀") {
			b.Fatalf("no QR code at 80x24:\n%s", v.Content)
		}
		b.ReportAllocs()
		for b.Loop() {
			_ = m.View()
		}
	})
	b.Run("invoice-fresh", func(b *testing.B) {
		m := benchModel(b, 80, 24)
		snap := benchInvoice()
		m.screen = screenInvoice
		b.ReportAllocs()
		for b.Loop() {
			m.invoice = newInvoiceScreen(snap) // an empty QR cache
			_ = m.View()
		}
	})
}

// BenchmarkFrame is the renderer's part of the frame that first shows the
// QR code, done by Bubble Tea v2 when it flushes a frame after View: the view
// is parsed into cells, compared with the frame on screen (the Invoice
// screen's "Creating the invoice…") and the difference encoded for a
// 256-colour terminal, the way its renderer does it with ultraviolet.
func BenchmarkFrame(b *testing.B) {
	m := benchModel(b, 80, 24)
	pending := benchInvoice()
	pending.Invoice.URL, pending.Invoice.Status = "", pos.StatusCreating
	m.screen = screenInvoice
	m.invoice = newInvoiceScreen(pending)
	before := m.View().Content
	m.invoice = newInvoiceScreen(benchInvoice())
	after := m.View().Content
	env := []string{"TERM=xterm-256color"}
	var out countWriter
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		buf := uv.NewScreenBuffer(80, 24)
		r := uv.NewTerminalRenderer(&out, env)
		// Set up as Bubble Tea's renderer (the module's copy) sets it up
		// for an alt-screen program, without its scroll optimisation.
		r.SetColorProfile(colorprofile.ANSI256)
		r.SetFullscreen(true)
		r.SetRelativeCursor(false)
		r.SetScrollOptim(false)
		r.Resize(80, 24)
		uv.NewStyledString(before).Draw(buf, buf.Bounds())
		r.Render(buf.RenderBuffer)
		_ = r.Flush()
		out.counting = true
		b.StartTimer()

		buf.Clear()
		uv.NewStyledString(after).Draw(buf, buf.Bounds())
		r.Render(buf.RenderBuffer)
		_ = r.Flush()

		b.StopTimer()
		out.counting = false
		b.StartTimer()
	}
	b.ReportMetric(float64(out.n)/float64(b.N), "bytes/frame")
}

// countWriter counts the bytes written while counting is on.
type countWriter struct {
	n        int
	counting bool
}

func (w *countWriter) Write(p []byte) (int, error) {
	if w.counting {
		w.n += len(p)
	}
	return len(p), nil
}
