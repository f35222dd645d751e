package printer

import (
	"fmt"
	"strings"
)

// Paper is the width of the receipt roll.
type Paper string

// The paper widths receipt printers take.
const (
	Paper58 Paper = "58mm"
	Paper80 Paper = "80mm"
)

// Columns is the number of characters in a line of the normal font (Epson
// font A, 12 dots wide): 48 on 80 mm paper, 32 on 58 mm.
func (p Paper) Columns() int {
	if p == Paper58 {
		return 32
	}
	return 48
}

// Dots is the printable width in dots that layouts plan QR codes for: 512
// on 80 mm paper (the 72 mm of a 180 dpi head; 203 dpi heads have 576),
// 360 on 58 mm (48 mm at 203 dpi is 384, less a margin).
func (p Paper) Dots() int {
	if p == Paper58 {
		return 360
	}
	return 512
}

// ParsePaper reads the config value: "58mm" or "80mm" ("58", "80 mm" too).
func ParsePaper(s string) (Paper, error) {
	v := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "")
	switch strings.TrimSuffix(v, "mm") {
	case "58":
		return Paper58, nil
	case "80":
		return Paper80, nil
	}
	return "", fmt.Errorf("%q is not a paper width cryptopos knows: write \"58mm\" or \"80mm\"", s)
}
