package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// font is a 5-row block font for the result words, one string per row,
// '#' for a lit cell.
var font = map[rune][5]string{
	'A': {" ### ", "#   #", "#####", "#   #", "#   #"},
	'C': {" ####", "#    ", "#    ", "#    ", " ####"},
	'D': {"#### ", "#   #", "#   #", "#   #", "#### "},
	'E': {"#####", "#    ", "#### ", "#    ", "#####"},
	'F': {"#####", "#    ", "#### ", "#    ", "#    "},
	'I': {"###", " # ", " # ", " # ", "###"},
	'L': {"#    ", "#    ", "#    ", "#    ", "#####"},
	'N': {"#   #", "##  #", "# # #", "#  ##", "#   #"},
	'O': {" ### ", "#   #", "#   #", "#   #", " ### "},
	'P': {"#### ", "#   #", "#### ", "#    ", "#    "},
	'R': {"#### ", "#   #", "#### ", "#  # ", "#   #"},
	'U': {"#   #", "#   #", "#   #", "#   #", " ### "},
	'X': {"#   #", " # # ", "  #  ", " # # ", "#   #"},
	' ': {"   ", "   ", "   ", "   ", "   "},
}

// bigText draws word in block letters no wider than maxW, each lit cell
// scale columns wide (2 when it fits, else 1). ok is false when even scale 1
// does not fit or a letter is missing; the caller then shows plain text.
func bigText(word string, maxW int, style lipgloss.Style, console bool) (string, bool) {
	var rows [5]strings.Builder
	for i, r := range word {
		glyph, found := font[r]
		if !found {
			return "", false
		}
		for row := range rows {
			if i > 0 {
				rows[row].WriteByte(' ')
			}
			rows[row].WriteString(glyph[row])
		}
	}
	width := len(rows[0].String())
	scale := 2
	if width*2 > maxW {
		scale = 1
	}
	if width*scale > maxW {
		return "", false
	}
	lines := make([]string, len(rows))
	for i := range rows {
		lines[i] = paint(rows[i].String(), scale, style, console)
	}
	return strings.Join(lines, "\n"), true
}

// paint turns a row of '#' and ' ' into cells. The Linux console's fonts
// cannot be relied on for block glyphs, so there lit cells are spaces in
// reverse video.
func paint(row string, scale int, style lipgloss.Style, console bool) string {
	var b strings.Builder
	for len(row) > 0 {
		lit := row[0] == '#'
		n := strings.IndexByte(row, map[bool]byte{true: ' ', false: '#'}[lit])
		if n < 0 {
			n = len(row)
		}
		switch {
		case !lit:
			b.WriteString(strings.Repeat(" ", n*scale))
		case console:
			b.WriteString(style.Reverse(true).Render(strings.Repeat(" ", n*scale)))
		default:
			b.WriteString(style.Render(strings.Repeat("█", n*scale)))
		}
		row = row[n:]
	}
	return b.String()
}
