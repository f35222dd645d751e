package escpos

import "errors"

// QR code parameters of GS ( k (cn = 49).
const (
	// QRModel2 is n1 of Function 165 for model 2, the QR code every phone
	// reads.
	QRModel2 = 50
	// QRLevelL, QRLevelM, QRLevelQ and QRLevelH are n of Function 169:
	// error correction recovering about 7, 15, 25 and 30 % of the symbol.
	QRLevelL = 48
	QRLevelM = 49
	QRLevelQ = 50
	QRLevelH = 51
	// QRMaxStore is the most data Function 180 takes: pL + pH*256 at most
	// 7092, of which 3 are cn, fn and m.
	QRMaxStore = 7089
)

// qrCapacityM is how many bytes a model 2 symbol of each version (1 to 40)
// holds at error correction level M in byte mode, the mode a URL with
// lower-case letters needs (ISO/IEC 18004, table 7). The printer picks a
// denser mode when the data allows, so these are lower bounds.
var qrCapacityM = [41]int{0,
	14, 26, 42, 62, 84, 106, 122, 152, 180, 213,
	251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
	711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370,
	1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
}

// QRMaxBytes is the most data a model 2 symbol at level M surely holds.
const QRMaxBytes = 2331

// QRVersion is the smallest model 2 version (1 to 40) whose symbol at
// level M holds n bytes in byte mode; ok is false when none does.
func QRVersion(n int) (version int, ok bool) {
	for v := 1; v <= 40; v++ {
		if n <= qrCapacityM[v] {
			return v, true
		}
	}
	return 0, false
}

// QRModules is the width of a model 2 symbol of the version, in modules,
// without the quiet zone.
func QRModules(version int) int { return 17 + 4*version }

// ErrQRTooLong is returned by QR when the data does not fit a symbol the
// paper can hold.
var ErrQRTooLong = errors.New("too much data for a QR code on this paper")

// QRFit returns the module size (in dots, at most preferred) for a symbol
// holding n bytes at level M on a printable width of dots, leaving four
// modules of quiet zone on each side. ok is false when no symbol holds the
// data, or when it would need modules of less than 2 dots, which phones
// struggle to read off thermal paper.
func QRFit(n, dots, preferred int) (size int, ok bool) {
	v, ok := QRVersion(n)
	if !ok {
		return 0, false
	}
	size = min(preferred, dots/(QRModules(v)+8), 16)
	return size, size >= 2
}

// QR prints data as a model 2 QR code with modules of size dots at error
// correction level M, in the current justification:
//
//	GS ( k 4 0 49 65 50 0     Function 165, model 2
//	GS ( k 3 0 49 67 size     Function 167, module size
//	GS ( k 3 0 49 69 49       Function 169, level M
//	GS ( k pL pH 49 80 48 d…  Function 180, store the data (pL + pH*256 = k + 3)
//	GS ( k 3 0 49 81 48       Function 181, print the symbol
//
// The data is stored as it is (URLs are ASCII): no code page applies. It
// returns ErrQRTooLong, writing nothing, when data is empty or more than
// a level M symbol holds.
func (b *Builder) QR(data string, size int) error {
	if len(data) == 0 || len(data) > QRMaxBytes {
		return ErrQRTooLong
	}
	size = min(max(size, 1), 16)
	b.buf.Write([]byte{GS, '(', 'k', 4, 0, 49, 65, QRModel2, 0})
	b.buf.Write([]byte{GS, '(', 'k', 3, 0, 49, 67, byte(size)})
	b.buf.Write([]byte{GS, '(', 'k', 3, 0, 49, 69, QRLevelM})
	n := len(data) + 3
	b.buf.Write([]byte{GS, '(', 'k', byte(n), byte(n >> 8), 49, 80, 48})
	b.buf.WriteString(data)
	b.buf.Write([]byte{GS, '(', 'k', 3, 0, 49, 81, 48})
	return nil
}
