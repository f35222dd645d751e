// Package e2e holds the end-to-end tests of cryptopos. It has no code of
// its own: the tests build the cryptopos binary, run `cryptopos sandbox
// cryptomus` as a separate process, run the terminal against it in a
// detached tmux session (80x24, TERM=xterm-256color), type on it with
// `tmux send-keys`, read the screen with `tmux capture-pane -p -e`, decode
// the QR code from that capture with cryptopos/qr/qrscan, pay through the
// sandbox's payment page over HTTP as a customer's browser would, and check
// the journal and the sandbox's admin endpoints (/_sandbox/invoices).
//
// The tests need tmux; without it they are skipped. Run them with
//
//	go test ./e2e/
//
// Each test runs its own sandbox and tmux server (a socket of its own), so
// the tests run in parallel. A failing test prints the last screen and the
// tail of the terminal's log.
package e2e
