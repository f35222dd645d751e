package qrscan

import (
	"github.com/charmbracelet/x/ansi"
)

// pen is the current SGR state, before reverse video is applied.
type pen struct {
	fg, bg Color
	attrs  Attr
}

var defaultPen = pen{fg: DefaultFG, bg: DefaultBG}

// cell returns how a grapheme printed with p shows.
func (p pen) cell(content string) Cell {
	c := Cell{Content: content, FG: p.fg, BG: p.bg, Attrs: p.attrs}
	if p.attrs&Reverse != 0 {
		c.FG, c.BG = c.BG, c.FG
	}
	return c
}

// erased is what an erasure leaves: a blank in the current background
// colour (the "bce" behaviour of xterm, tmux and the Linux console).
func (p pen) erased() Cell {
	return Cell{Content: " ", FG: DefaultFG, BG: p.bg}
}

type cursor struct {
	x, y     int
	pen      pen
	wrapNext bool
}

// term is a small VT emulator. With cols == 0 it is unbounded, for Parse:
// lines grow as needed, nothing wraps or scrolls, and LF also returns the
// carriage.
type term struct {
	cols, rows int
	lines      [][]Cell
	cursor
	autowrap bool
	insert   bool
	newline  bool // LNM, or unbounded: LF implies CR
	top, bot int  // scrolling margins, inclusive (bounded only)
	tabs     []bool
	saved    cursor
	last     string // last grapheme printed, for REP
	lastW    int
}

func newTerm(cols, rows int) *term {
	t := &term{cols: cols, rows: rows}
	t.reset()
	return t
}

func (t *term) bounded() bool { return t.cols > 0 }

func (t *term) reset() {
	t.cursor = cursor{pen: defaultPen}
	t.saved = t.cursor
	t.autowrap = true
	t.insert = false
	t.newline = !t.bounded()
	t.last = ""
	if !t.bounded() {
		t.lines = [][]Cell{nil}
		return
	}
	t.lines = make([][]Cell, t.rows)
	for y := range t.lines {
		t.lines[y] = t.blankLine(blank)
	}
	t.top, t.bot = 0, t.rows-1
	t.tabs = make([]bool, t.cols)
	for x := 8; x < t.cols; x += 8 {
		t.tabs[x] = true
	}
}

func (t *term) blankLine(c Cell) []Cell {
	l := make([]Cell, t.cols)
	for x := range l {
		l[x] = c
	}
	return l
}

func (t *term) screen() *Screen {
	return &Screen{lines: t.lines, cols: t.cols}
}

// height is the number of lines: fixed, or as many as exist so far.
func (t *term) height() int {
	if t.bounded() {
		return t.rows
	}
	return len(t.lines)
}

// margins returns the scrolling region.
func (t *term) margins() (top, bot int) {
	if t.bounded() {
		return t.top, t.bot
	}
	return 0, len(t.lines) - 1
}

// line returns line y, creating it in an unbounded terminal.
func (t *term) line(y int) []Cell {
	for y >= len(t.lines) {
		t.lines = append(t.lines, nil)
	}
	return t.lines[y]
}

// put writes c at column x of line y, growing an unbounded line, and blanks
// the other half of any wide character it breaks.
func (t *term) put(x, y int, c Cell) {
	l := t.line(y)
	if x >= len(l) {
		if t.bounded() {
			return
		}
		for len(l) <= x {
			l = append(l, blank)
		}
		t.lines[y] = l
	}
	t.unwide(y, x, x+1)
	l[x] = c
}

// unwide blanks the halves of wide characters that lie partly inside
// [x0, x1) of line y.
func (t *term) unwide(y, x0, x1 int) {
	l := t.lines[y]
	if x0 > 0 && x0 < len(l) && l[x0].Content == "" {
		l[x0-1].Content = " "
	}
	if x1 > 0 && x1 < len(l) && l[x1].Content == "" {
		l[x1].Content = " "
	}
}

// erase blanks [x0, x1) of line y with the current background colour.
func (t *term) erase(y, x0, x1 int) {
	l := t.line(y)
	x0, x1 = max(x0, 0), min(x1, len(l))
	if x0 >= x1 {
		return
	}
	t.unwide(y, x0, x1)
	e := t.pen.erased()
	for x := x0; x < x1; x++ {
		l[x] = e
	}
}

func (t *term) eraseLine(y int) {
	if t.bounded() {
		t.erase(y, 0, t.cols)
		return
	}
	t.erase(y, 0, len(t.line(y)))
}

func (t *term) moveTo(x, y int) {
	t.wrapNext = false
	if !t.bounded() {
		t.x, t.y = max(x, 0), max(y, 0)
		t.line(t.y)
		return
	}
	t.x = min(max(x, 0), t.cols-1)
	t.y = min(max(y, 0), t.rows-1)
}

// moveVert moves n lines down (up if negative) and stops at a margin when
// the cursor starts inside the scrolling region.
func (t *term) moveVert(n int) {
	y := t.y + n
	if t.bounded() {
		if t.y >= t.top && t.y <= t.bot {
			y = min(max(y, t.top), t.bot)
		}
	}
	t.moveTo(t.x, y)
}

func (t *term) print(g string, w int) {
	if w == 0 {
		// A zero-width grapheme joins the one before it.
		x := t.x - 1
		if t.wrapNext {
			x = t.x
		}
		if l := t.line(t.y); x >= 0 && x < len(l) {
			l[x].Content += g
		}
		return
	}
	t.last, t.lastW = g, w
	if t.bounded() {
		if t.wrapNext && t.autowrap {
			t.x = 0
			t.lineFeed()
		}
		t.wrapNext = false
		if t.x+w > t.cols {
			if t.autowrap && w <= t.cols {
				t.x = 0
				t.lineFeed()
			} else {
				t.x = max(t.cols-w, 0)
			}
		}
		if t.insert {
			t.insertCells(w)
		}
	} else if t.insert {
		t.insertCells(w)
	}
	t.put(t.x, t.y, t.pen.cell(g))
	for i := 1; i < w; i++ {
		t.put(t.x+i, t.y, t.pen.cell(""))
	}
	t.x += w
	if t.bounded() && t.x >= t.cols {
		t.x = t.cols - 1
		t.wrapNext = t.autowrap
	}
}

func (t *term) lineFeed() {
	t.wrapNext = false
	if t.newline {
		t.x = 0
	}
	if !t.bounded() {
		t.y++
		t.line(t.y)
		return
	}
	switch {
	case t.y == t.bot:
		t.scrollUp(1)
	case t.y < t.rows-1:
		t.y++
	}
}

func (t *term) reverseIndex() {
	t.wrapNext = false
	top, _ := t.margins()
	switch {
	case t.y == top:
		t.scrollDown(1)
	case t.y > 0:
		t.y--
	}
}

// scrollUp moves the lines of the scrolling region up by n, blank lines
// coming in at the bottom.
func (t *term) scrollUp(n int) {
	top, bot := t.margins()
	t.deleteLines(top, bot, n)
}

func (t *term) scrollDown(n int) {
	top, bot := t.margins()
	t.insertLines(top, bot, n)
}

// deleteLines removes n lines at y, lines up to bot move up, blank lines
// come in at bot.
func (t *term) deleteLines(y, bot, n int) {
	if y < 0 || y > bot {
		return
	}
	n = min(n, bot-y+1)
	copy(t.lines[y:bot+1], t.lines[y+n:bot+1])
	for i := bot - n + 1; i <= bot; i++ {
		t.lines[i] = t.newBlankLine()
	}
}

// insertLines inserts n blank lines at y, lines below move down and lines
// past bot are lost.
func (t *term) insertLines(y, bot, n int) {
	if y < 0 || y > bot {
		return
	}
	n = min(n, bot-y+1)
	copy(t.lines[y+n:bot+1], t.lines[y:bot+1-n])
	for i := y; i < y+n; i++ {
		t.lines[i] = t.newBlankLine()
	}
}

func (t *term) newBlankLine() []Cell {
	if !t.bounded() {
		return nil
	}
	return t.blankLine(t.pen.erased())
}

// insertCells shifts the cells from the cursor right by n (ICH), filling
// the gap with blanks; on a bounded screen cells pushed past the right edge
// are lost.
func (t *term) insertCells(n int) {
	l := t.line(t.y)
	if t.x >= len(l) {
		return
	}
	t.unwide(t.y, t.x, t.x)
	if t.bounded() {
		n = min(n, t.cols-t.x)
		if n < t.cols-t.x && l[t.cols-n].Content == "" {
			// The head of a wide character stays, its second half is lost.
			l[t.cols-n-1].Content = " "
		}
		copy(l[t.x+n:], l[t.x:])
	} else {
		l = append(l[:t.x], append(make([]Cell, n), l[t.x:]...)...)
		t.lines[t.y] = l
	}
	e := t.pen.erased()
	for i := t.x; i < t.x+n; i++ {
		l[i] = e
	}
}

// deleteCells removes n cells at the cursor (DCH), the rest of the line
// moving left and blanks coming in at the right.
func (t *term) deleteCells(n int) {
	l := t.line(t.y)
	if t.x >= len(l) {
		return
	}
	n = min(n, len(l)-t.x)
	t.unwide(t.y, t.x, t.x+n)
	copy(l[t.x:], l[t.x+n:])
	e := t.pen.erased()
	for i := len(l) - n; i < len(l); i++ {
		l[i] = e
	}
}

func (t *term) tab(n int) {
	for ; n > 0; n-- {
		x := t.x + 1
		if t.bounded() {
			for x < t.cols-1 && !t.tabs[x] {
				x++
			}
			x = min(x, t.cols-1)
		} else {
			x = (t.x/8 + 1) * 8
		}
		t.x = x
	}
	t.wrapNext = false
}

func (t *term) backTab(n int) {
	for ; n > 0 && t.x > 0; n-- {
		x := t.x - 1
		if t.bounded() {
			for x > 0 && !t.tabs[x] {
				x--
			}
		} else {
			x = x / 8 * 8
		}
		t.x = x
	}
	t.wrapNext = false
}

// write interprets raw terminal output.
func (t *term) write(b []byte) {
	p := ansi.NewParser()
	var state byte
	for len(b) > 0 {
		seq, width, n, newState := ansi.DecodeSequence(b, state, p)
		state = newState
		if n <= 0 {
			n = 1
		}
		b = b[n:]
		if state != ansi.NormalState || len(seq) == 0 {
			continue // an unterminated sequence at the end
		}
		switch c := seq[0]; {
		case c == ansi.ESC && len(seq) == 1:
			// A lone ESC (cancelled sequence).
		case ansi.HasCsiPrefix(seq):
			t.csi(ansi.Cmd(p.Command()), p.Params())
			t.last = ""
		case ansi.HasOscPrefix(seq), ansi.HasDcsPrefix(seq), ansi.HasApcPrefix(seq),
			ansi.HasSosPrefix(seq), ansi.HasPmPrefix(seq):
			// Titles, hyperlinks, queries: nothing to show.
		case c == ansi.ESC:
			t.esc(ansi.Cmd(p.Command()))
			t.last = ""
		case c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xc0:
			t.control(c)
			t.last = ""
		default:
			t.print(string(seq), width)
		}
	}
}

func (t *term) control(c byte) {
	switch c {
	case ansi.BS:
		t.wrapNext = false
		t.x = max(t.x-1, 0)
	case ansi.HT:
		t.tab(1)
	case ansi.LF, ansi.VT, ansi.FF:
		t.lineFeed()
	case ansi.CR:
		t.wrapNext = false
		t.x = 0
	}
}

func (t *term) esc(cmd ansi.Cmd) {
	if cmd.Intermediate() != 0 {
		return // charsets, DECALN
	}
	switch cmd.Final() {
	case '7': // DECSC
		t.saved = t.cursor
	case '8': // DECRC
		t.restore()
	case 'D': // IND
		nl := t.newline
		t.newline = false
		t.lineFeed()
		t.newline = nl
	case 'E': // NEL
		t.x = 0
		t.lineFeed()
	case 'H': // HTS
		if t.bounded() {
			t.tabs[t.x] = true
		}
	case 'M': // RI
		t.reverseIndex()
	case 'c': // RIS
		t.reset()
	}
}

func (t *term) restore() {
	t.cursor = t.saved
	t.moveTo(t.saved.x, t.saved.y)
	t.wrapNext = t.saved.wrapNext
}

func (t *term) csi(cmd ansi.Cmd, params ansi.Params) {
	// n returns parameter i, def when missing or 0.
	n := func(i, def int) int {
		v, _, _ := params.Param(i, def)
		if v == 0 {
			return def
		}
		return v
	}
	if cmd.Prefix() == '?' && cmd.Intermediate() == 0 {
		switch cmd.Final() {
		case 'h', 'l':
			t.decModes(params, cmd.Final() == 'h')
		}
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case '@': // ICH
		t.wrapNext = false
		t.insertCells(n(0, 1))
	case 'A': // CUU
		t.moveVert(-n(0, 1))
	case 'B', 'e': // CUD, VPR
		t.moveVert(n(0, 1))
	case 'C', 'a': // CUF, HPR
		t.moveTo(t.x+n(0, 1), t.y)
	case 'D': // CUB
		t.moveTo(t.x-n(0, 1), t.y)
	case 'E': // CNL
		t.moveVert(n(0, 1))
		t.x = 0
	case 'F': // CPL
		t.moveVert(-n(0, 1))
		t.x = 0
	case 'G', '`': // CHA, HPA
		t.moveTo(n(0, 1)-1, t.y)
	case 'd': // VPA
		t.moveTo(t.x, n(0, 1)-1)
	case 'H', 'f': // CUP, HVP
		t.moveTo(n(1, 1)-1, n(0, 1)-1)
	case 'I': // CHT
		t.tab(n(0, 1))
	case 'Z': // CBT
		t.backTab(n(0, 1))
	case 'g': // TBC
		if t.bounded() {
			switch v, _, _ := params.Param(0, 0); v {
			case 0:
				t.tabs[t.x] = false
			case 3:
				clear(t.tabs)
			}
		}
	case 'J': // ED
		t.eraseDisplay(params)
	case 'K': // EL
		t.wrapNext = false
		switch v, _, _ := params.Param(0, 0); v {
		case 0:
			t.erase(t.y, t.x, len(t.line(t.y)))
		case 1:
			t.erase(t.y, 0, t.x+1)
		case 2:
			t.eraseLine(t.y)
		}
	case 'X': // ECH
		t.wrapNext = false
		t.erase(t.y, t.x, t.x+n(0, 1))
	case 'P': // DCH
		t.wrapNext = false
		t.deleteCells(n(0, 1))
	case 'L', 'M': // IL, DL
		top, bot := t.margins()
		if t.y < top || t.y > bot {
			return
		}
		if cmd.Final() == 'L' {
			t.insertLines(t.y, bot, n(0, 1))
		} else {
			t.deleteLines(t.y, bot, n(0, 1))
		}
		t.moveTo(0, t.y)
	case 'S': // SU
		t.scrollUp(n(0, 1))
	case 'T': // SD (with more parameters: mouse tracking)
		if len(params) <= 1 {
			t.scrollDown(n(0, 1))
		}
	case 'b': // REP
		if t.last != "" {
			g, w := t.last, t.lastW
			for range min(n(0, 1), 1<<16) {
				t.print(g, w)
			}
		}
	case 'h', 'l': // SM, RM
		set := cmd.Final() == 'h'
		params.ForEach(0, func(_, v int, _ bool) {
			switch v {
			case 4:
				t.insert = set
			case 20:
				if t.bounded() {
					t.newline = set
				}
			}
		})
	case 'm':
		t.sgr(params)
	case 'r': // DECSTBM
		if t.bounded() {
			top, bot := n(0, 1)-1, n(1, t.rows)-1
			if top < bot && bot < t.rows {
				t.top, t.bot = top, bot
				t.moveTo(0, 0)
			}
		}
	case 's': // SCOSC
		if len(params) == 0 {
			t.saved = t.cursor
		}
	case 'u': // SCORC
		if len(params) == 0 {
			t.restore()
		}
	}
}

func (t *term) eraseDisplay(params ansi.Params) {
	t.wrapNext = false
	h := t.height()
	switch v, _, _ := params.Param(0, 0); v {
	case 0:
		t.erase(t.y, t.x, len(t.line(t.y)))
		for y := t.y + 1; y < h; y++ {
			t.eraseLine(y)
		}
	case 1:
		for y := 0; y < t.y; y++ {
			t.eraseLine(y)
		}
		t.erase(t.y, 0, t.x+1)
	case 2:
		for y := 0; y < h; y++ {
			t.eraseLine(y)
		}
	}
}

func (t *term) decModes(params ansi.Params, set bool) {
	params.ForEach(0, func(_, v int, _ bool) {
		switch v {
		case 7: // DECAWM
			t.autowrap = set
			if !set {
				t.wrapNext = false
			}
		case 47, 1047, 1049: // alternate screen
			if v == 1049 {
				if set {
					t.saved = t.cursor
				} else {
					t.restore()
				}
			}
			if set {
				p := t.pen
				t.pen = defaultPen
				for y := 0; y < t.height(); y++ {
					t.eraseLine(y)
				}
				t.pen = p
			}
		}
	})
}

// sgr applies Select Graphic Rendition parameters to the pen.
func (t *term) sgr(params ansi.Params) {
	if len(params) == 0 {
		t.pen = defaultPen
		return
	}
	for i := 0; i < len(params); i++ {
		v := params[i].Param(0)
		// Sub-parameters (38:2::r:g:b) follow a parameter with HasMore.
		j := i
		for j < len(params) && params[j].HasMore() {
			j++
		}
		sub := params[i+1 : j+1]
		if j == i {
			sub = nil
		}
		switch {
		case v == 0:
			t.pen = defaultPen
		case v == 1:
			t.pen.attrs |= Bold
		case v == 2:
			t.pen.attrs |= Faint
		case v == 3:
			t.pen.attrs |= Italic
		case v == 4:
			t.pen.attrs |= Underline
			if len(sub) > 0 && sub[0].Param(1) == 0 {
				t.pen.attrs &^= Underline
			}
		case v == 5 || v == 6:
			t.pen.attrs |= Blink
		case v == 7:
			t.pen.attrs |= Reverse
		case v == 8:
			t.pen.attrs |= Conceal
		case v == 9:
			t.pen.attrs |= Strikethrough
		case v == 21:
			t.pen.attrs |= Underline // double underline
		case v == 22:
			t.pen.attrs &^= Bold | Faint
		case v == 23:
			t.pen.attrs &^= Italic
		case v == 24:
			t.pen.attrs &^= Underline
		case v == 25:
			t.pen.attrs &^= Blink
		case v == 27:
			t.pen.attrs &^= Reverse
		case v == 28:
			t.pen.attrs &^= Conceal
		case v == 29:
			t.pen.attrs &^= Strikethrough
		case v >= 30 && v <= 37:
			t.pen.fg = Indexed(uint8(v - 30))
		case v >= 40 && v <= 47:
			t.pen.bg = Indexed(uint8(v - 40))
		case v >= 90 && v <= 97:
			t.pen.fg = Indexed(uint8(v - 90 + 8))
		case v >= 100 && v <= 107:
			t.pen.bg = Indexed(uint8(v - 100 + 8))
		case v == 39:
			t.pen.fg = DefaultFG
		case v == 49:
			t.pen.bg = DefaultBG
		case v == 38 || v == 48 || v == 58:
			var c Color
			var ok bool
			if sub != nil {
				c, ok = extColor(sub)
			} else {
				var used int
				c, used, ok = extColorSemi(params[i+1:])
				j = i + used
			}
			if ok {
				switch v {
				case 38:
					t.pen.fg = c
				case 48:
					t.pen.bg = c
				}
			}
		}
		i = j
	}
}

// extColor reads the colon form of an extended colour: 5:n, 2:r:g:b or
// 2:cs:r:g:b.
func extColor(sub ansi.Params) (Color, bool) {
	if len(sub) < 2 {
		return 0, false
	}
	switch sub[0].Param(0) {
	case 5:
		return Indexed(uint8(sub[1].Param(0))), true
	case 2:
		rgb := sub[1:]
		if len(rgb) >= 4 {
			rgb = rgb[1:] // colour space id
		}
		if len(rgb) < 3 {
			return 0, false
		}
		return RGB(uint8(rgb[0].Param(0)), uint8(rgb[1].Param(0)), uint8(rgb[2].Param(0))), true
	}
	return 0, false
}

// extColorSemi reads the semicolon form 5;n or 2;r;g;b that follows 38 or
// 48 and returns how many parameters it used.
func extColorSemi(rest ansi.Params) (Color, int, bool) {
	if len(rest) == 0 {
		return 0, 0, false
	}
	switch rest[0].Param(0) {
	case 5:
		if len(rest) < 2 {
			return 0, len(rest), false
		}
		return Indexed(uint8(rest[1].Param(0))), 2, true
	case 2:
		if len(rest) < 4 {
			return 0, len(rest), false
		}
		return RGB(uint8(rest[1].Param(0)), uint8(rest[2].Param(0)), uint8(rest[3].Param(0))), 4, true
	}
	return 0, 1, false
}
