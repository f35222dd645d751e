package qrscan

import (
	"errors"
	"fmt"
	"image"
	"sort"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

var (
	// ErrNoCode is returned by [Screen.Decode] when nothing on the screen
	// looks like a QR code.
	ErrNoCode = errors.New("qrscan: no QR code found on the screen")
	// ErrUnreadable is returned (wrapped, with the decoder's reason) by
	// [Screen.Decode] when a QR code was located but its content could not
	// be read, e.g. because part of it is missing or damaged.
	ErrUnreadable = errors.New("qrscan: found a QR code on the screen but could not decode it")
)

// Size in pixels of one cell when the screen is drawn as a picture. Cells
// are twice as high as wide, as in a terminal font, so that both layouts of
// package qr give square modules: a half-block module (one column, half a
// row) is 4x4 pixels, a console module (two columns, one row) 8x8.
const (
	cellW  = 4
	cellH  = 2 * cellW
	margin = 8 * cellW // light border around every picture, in pixels
)

// minimal size of a code in cells: version 1 (21 modules) in half-block
// mode without any quiet zone.
const minCodeCols, minCodeRows = 21, 10

// Decode finds a QR code on the screen and returns its content. It returns
// an error wrapping [ErrNoCode] when it finds none and one wrapping
// [ErrUnreadable] when it finds one it cannot read; for a screen from
// [Parse] whose lines differ in length the error adds a hint about
// capture-pane. With several codes on the screen, which one is returned is
// not specified.
//
// The screen is drawn as a black and white picture, cell by cell: "▀", "▄"
// and "█" paint the halves of a cell they cover with the foreground colour
// and the other halves with the background colour; any other character
// (text included) is drawn as its background colour, so text around a code
// disappears. A colour is dark when its luma is below one half: SGR 30/40,
// 38;5;16 and 38;2;0;0;0 are dark, 97/107, 38;5;231 and #ffffff light;
// palette colours 0-15 are taken from the Linux console's VGA palette, so
// 37/47 (grey) is light and 90/100 (dark grey) dark. The terminal's
// default colours depend on its theme, which a screen does not tell, so
// Decode tries a dark theme (default background dark, default foreground
// light) and then a light one; this is what makes codes drawn without
// colour (qr.Options.NoColor) readable.
//
// Decode first tries the rectangles around groups of cells that carry a
// black, white or grey background or a block glyph (the code itself, in
// most UIs), then the whole screen.
func (s *Screen) Decode() (string, error) {
	cols, rows := s.Size()
	if cols == 0 || rows == 0 {
		return "", ErrNoCode
	}
	whole := image.Rect(0, 0, cols, rows)
	areas := append(s.regions(), whole)
	var unreadable error
	for _, darkTerminal := range []bool{true, false} {
		for _, r := range areas {
			img := s.picture(r, darkTerminal)
			text, err := decodePicture(img, false)
			if err != nil && r != whole {
				// A crop holds nothing but the code: the pure-barcode
				// reader samples it without looking for finder patterns.
				text, err = decodePicture(img, true)
			}
			if err == nil {
				return text, nil
			}
			var nf gozxing.NotFoundException
			if unreadable == nil && !errors.As(err, &nf) {
				unreadable = err
			}
		}
	}
	err := ErrNoCode
	if unreadable != nil {
		err = fmt.Errorf("%w: %v", ErrUnreadable, unreadable)
	}
	if s.ragged() {
		err = fmt.Errorf("%w (%s)", err, raggedHint)
	}
	return "", err
}

const raggedHint = "the screen's lines have different lengths: if it comes from " +
	"tmux capture-pane, cells cleared with a background colour at the line ends " +
	"are missing, which loses the right part of a code drawn with coloured " +
	"blanks; replay the raw output with ParseVT or DecodeVT instead"

// ragged tells whether a parsed screen has lines of different lengths
// that end in text, as capture-pane gives; a screen from ParseVT never is.
func (s *Screen) ragged() bool {
	if s.cols > 0 {
		return false
	}
	n := -1
	for _, l := range s.lines {
		if len(l) == 0 {
			continue
		}
		if n >= 0 && len(l) != n {
			return true
		}
		n = len(l)
	}
	return false
}

func decodePicture(img image.Image, pure bool) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	if pure {
		hints = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// halves tells whether the upper and lower halves of a cell look dark.
func halves(c Cell, darkTerminal bool) (upper, lower bool) {
	fg, bg := c.FG.dark(darkTerminal), c.BG.dark(darkTerminal)
	switch c.Content {
	case "▀":
		return fg, bg
	case "▄":
		return bg, fg
	case "█":
		return fg, fg
	}
	return bg, bg
}

// marked tells whether a cell may be part of a code: it is a block glyph,
// or its background is black, white or grey (reverse video included).
// Coloured backgrounds, such as a header bar's, are left out so that they
// do not join the code's group of cells.
func marked(c Cell) bool {
	switch c.Content {
	case "▀", "▄", "█":
		return true
	}
	if c.BG == DefaultFG {
		return true
	}
	r, g, b, ok := c.BG.rgb()
	return ok && max(r, g, b)-min(r, g, b) < 0x20
}

// regions returns the bounding boxes (in cells) of the groups of marked
// cells that are large enough to hold a code, largest first (at most 4). Cells one
// blank apart belong to the same group, so that a code drawn without
// colour on a light theme (only its dark modules are glyphs) is one group.
func (s *Screen) regions() []image.Rectangle {
	cols, rows := s.Size()
	seen := make([]bool, cols*rows)
	var boxes []image.Rectangle
	var stack []image.Point
	for y := range rows {
		for x := range cols {
			if seen[y*cols+x] || !marked(s.Cell(x, y)) {
				continue
			}
			box := image.Rect(x, y, x+1, y+1)
			seen[y*cols+x] = true
			stack = append(stack[:0], image.Pt(x, y))
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				box = box.Union(image.Rect(p.X, p.Y, p.X+1, p.Y+1))
				for ny := max(p.Y-2, 0); ny <= min(p.Y+2, rows-1); ny++ {
					for nx := max(p.X-2, 0); nx <= min(p.X+2, cols-1); nx++ {
						if !seen[ny*cols+nx] && marked(s.Cell(nx, ny)) {
							seen[ny*cols+nx] = true
							stack = append(stack, image.Pt(nx, ny))
						}
					}
				}
			}
			if box.Dx() >= minCodeCols && box.Dy() >= minCodeRows && box != image.Rect(0, 0, cols, rows) {
				boxes = append(boxes, box)
			}
		}
	}
	sort.SliceStable(boxes, func(i, j int) bool {
		return boxes[i].Dx()*boxes[i].Dy() > boxes[j].Dx()*boxes[j].Dy()
	})
	return boxes[:min(len(boxes), 4)]
}

// picture draws the cells of r in black and white with a light margin.
func (s *Screen) picture(r image.Rectangle, darkTerminal bool) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, r.Dx()*cellW+2*margin, r.Dy()*cellH+2*margin))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			upper, lower := halves(s.Cell(x, y), darkTerminal)
			px := margin + (x-r.Min.X)*cellW
			py := margin + (y-r.Min.Y)*cellH
			for dy := range cellH {
				if dy < cellH/2 && !upper || dy >= cellH/2 && !lower {
					continue
				}
				row := img.Pix[(py+dy)*img.Stride+px:]
				clear(row[:cellW])
			}
		}
	}
	return img
}
