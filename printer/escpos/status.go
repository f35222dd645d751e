package escpos

// Real-time status requests, n of DLE EOT n. The printer answers each
// with one byte at once, even while it is busy or out of paper, over any
// link that carries data back (network, serial, bidirectional USB).
const (
	StatusPrinter   = 1 // online, drawer
	StatusOffline   = 2 // cover open, paper end stop, error
	StatusError     = 3 // cutter, unrecoverable errors
	StatusRollPaper = 4 // roll paper near end and end sensors
)

// StatusRequest is DLE EOT n.
func StatusRequest(n byte) []byte { return []byte{DLE, EOT, n} }

// PaperStatus is the answer to DLE EOT 4.
type PaperStatus struct {
	NearEnd bool // bits 2 and 3: the near-end sensor sees little paper left
	End     bool // bits 5 and 6: the end sensor sees no paper
}

// ParsePaperStatus reads the answer to DLE EOT 4. Bits 1 and 4 of every
// status byte are 1, bits 0 and 7 are 0; a byte that does not match is
// not a status answer (ok false). Either bit of a pair counts.
func ParsePaperStatus(b byte) (s PaperStatus, ok bool) {
	if b&0x93 != 0x12 {
		return PaperStatus{}, false
	}
	return PaperStatus{NearEnd: b&0x0C != 0, End: b&0x60 != 0}, true
}

// OfflineStatus is the answer to DLE EOT 2.
type OfflineStatus struct {
	CoverOpen bool // bit 2
	PaperEnd  bool // bit 5: printing stopped for lack of paper
	Error     bool // bit 6
}

// ParseOfflineStatus reads the answer to DLE EOT 2 (ok false when b is
// not a status byte).
func ParseOfflineStatus(b byte) (s OfflineStatus, ok bool) {
	if b&0x93 != 0x12 {
		return OfflineStatus{}, false
	}
	return OfflineStatus{CoverOpen: b&0x04 != 0, PaperEnd: b&0x20 != 0, Error: b&0x40 != 0}, true
}
