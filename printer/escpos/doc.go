// Package escpos writes the ESC/POS commands of receipt printers: a Builder
// puts text, styles, QR codes, feeds and cuts into a buffer, and a CodePage
// turns text into the printer's single-byte character set, transliterating
// what the page lacks.
//
// The commands follow Epson's "ESC/POS Command Reference" (the TM series
// reference, https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/),
// which most receipt printers of other makes (Star in ESC/POS mode, Bixolon,
// Citizen, Xprinter, ...) implement too. Only the commands below are used,
// all in standard mode:
//
//	ESC @            1B 40              initialise: clear the buffer, reset every mode
//	ESC t n          1B 74 n            select character code table n (see CodePage)
//	ESC a n          1B 61 n            justification: 0 left, 1 centre, 2 right
//	ESC E n          1B 45 n            emphasised (bold) off (n=0) or on (n=1)
//	GS ! n           1D 21 n            character size: width-1 in bits 4-6, height-1 in bits 0-2
//	LF               0A                 print the line and feed one line
//	ESC d n          1B 64 n            print and feed n lines
//	GS V m n         1D 56 42 n         feed to the cutting position (+ n motion units), partial cut
//	GS ( k ...       1D 28 6B pL pH cn fn ...  two-dimensional symbols, QR code (cn = 49):
//	  fn 65 "Function 165": select the model, n1 = 50 (model 2), n2 = 0
//	  fn 67 "Function 167": module size, n = 1..16 dots
//	  fn 69 "Function 169": error correction level, n = 48 L, 49 M, 50 Q, 51 H
//	  fn 80 "Function 180": store data, m = 48, d1..dk with pL + pH*256 = k + 3
//	  fn 81 "Function 181": print the stored symbol, m = 48
//	DLE EOT n        10 04 n            real-time status: 1 printer, 2 offline cause,
//	                                    3 error cause, 4 roll paper sensor
//
// Text is sent as bytes of the selected code page; bytes below 0x20 are
// commands, so text never carries them: CodePage.Encode drops control
// characters, and a configured header line cannot smuggle a command in.
package escpos
