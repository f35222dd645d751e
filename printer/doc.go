// Package printer prints receipts on ESC/POS receipt printers: the layouts
// of a paid sale's receipt, of the payment QR for the customer and of the
// end-of-day report (Receipt, PaymentQR, DayReport), the transports that
// carry them to a USB, serial or network printer or to a file (Open), and
// a background queue that prints one job at a time and keeps failed jobs
// for a retry (Queue), so that printing never blocks or loses a sale.
//
// The [printer] section of config.toml configures it (Config). The bytes
// are written by package escpos; package escposdecode reads them back in
// tests.
package printer
