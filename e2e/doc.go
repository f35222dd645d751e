// Package e2e holds the end-to-end tests of cryptopos. It has no code of
// its own: the tests build the cryptopos binary and run it as separate
// processes, as a shop would:
//
//   - `cryptopos sandbox cryptomus` and `cryptopos sandbox
//     cryptoprocessing`, the providers' local stand-ins, driven over HTTP
//     through their payment pages (as a customer's browser does) and their
//     admin endpoints (/_sandbox/…: the blockchain, the clock, callback
//     knobs);
//   - `cryptopos relay`, which receives Cryptoprocessing's signed
//     callbacks, and is also tested on its own as a black box;
//   - the terminal, in a detached tmux session (80x24,
//     TERM=xterm-256color), configured as a new user would configure it
//     from what the sandbox and the relay print, or in demo mode; the
//     tests type on it with `tmux send-keys`, read the screen with `tmux
//     capture-pane -p -e` and decode the QR code from that capture with
//     cryptopos/qr/qrscan;
//   - `cryptopos report` and `cryptopos invoice`, as scripts run them;
//   - the terminal locked (--kiosk, `cryptopos pin`) on the Linux console
//     (TERM=linux, 100x50): the console's QR code is coloured spaces, which
//     capture-pane drops, so that test records the pane's raw output with
//     `tmux pipe-pane` from before the terminal starts and replays it with
//     qrscan.ParseVT;
//   - receipt printers: a file, a network printer on 127.0.0.1 that answers
//     ESC/POS status requests, and one that is switched off; what they get
//     is decoded with cryptopos/printer/escposdecode.
//
// They check the screen against the journal, the sandboxes' and the
// relay's records, and the commands' output, and read every log for the
// keys and tokens at the end.
//
// The tests need tmux; without it they are skipped. Run them with
//
//	go test ./e2e/
//
// Each test runs its own processes and tmux server (a socket of its own),
// so the tests run in parallel. A failing test prints the last screen, the
// tail of the terminal's log and the other processes' output.
package e2e
