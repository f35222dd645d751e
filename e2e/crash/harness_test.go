//go:build unix

package crash

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
	"github.com/hinshun/vt10x"

	"cryptopos/e2e/e2ekit"
	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/providers/cryptomus/sandbox"
)

// Sizes and timing. Conditions are polled, never slept on.
const (
	screenCols, screenRows = 80, 24
	// deadline is how long a wait for the screen or a process lasts.
	deadline = 15 * time.Second
)

// ---------------------------------------------------------------------------
// A process in a pseudo-terminal.

// ptyProc is a cryptopos terminal running in a pseudo-terminal of its own
// (80x24), its output fed to a terminal emulator (vt10x) as it arrives.
// Every byte it wrote is kept, for the secret search.
type ptyProc struct {
	cmd    *exec.Cmd
	ptm    *os.File
	exited chan struct{} // closed once Wait has returned
	state  *os.ProcessState
	ended  chan struct{} // closed once the output has ended (the pty closed)

	mu      sync.Mutex
	vt      vt10x.Terminal
	partial []byte // an incomplete UTF-8 sequence at the end of the last read
	raw     []byte
	screen  string
	changed chan struct{} // closed and replaced on every read
	eof     bool
	// killAt, when positive, SIGKILLs the process as soon as its output
	// reaches that many bytes; killWhen, when set, as soon as a screen
	// satisfies it. Both are checked in the reader, on every read.
	killAt   int
	killWhen func(screen string) bool
	killed   bool // this harness sent SIGKILL
	// qrAt is how many bytes had arrived when "Scan to pay" first showed.
	qrAt int
	// frames keeps every screen shown, once keepFrames is called.
	keep   bool
	frames []string
}

// keepFrames makes the terminal keep every screen it shows from now on.
func (p *ptyProc) keepFrames() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keep = true
	p.frames = append(p.frames, p.screen)
}

// startPty runs the binary with args and env in an 80x24 pseudo-terminal.
// killAt > 0 kills it once its output reaches that many bytes.
func startPty(t *testing.T, args, env []string, killAt int) *ptyProc {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	if err := pty.Setsize(ptm, &pty.Winsize{Cols: screenCols, Rows: screenRows}); err != nil {
		ptm.Close()
		pts.Close()
		t.Fatalf("cannot size the pseudo-terminal: %v", err)
	}
	cmd := exec.Command(binPath, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	p := &ptyProc{cmd: cmd, ptm: ptm, exited: make(chan struct{}), ended: make(chan struct{}),
		vt: vt10x.New(vt10x.WithSize(screenCols, screenRows)), changed: make(chan struct{}), killAt: killAt}
	if err := cmd.Start(); err != nil {
		ptm.Close()
		pts.Close()
		t.Fatalf("cannot start cryptopos: %v", err)
	}
	pts.Close() // the child has its copy: the output ends when the child does
	go p.read()
	go func() { _ = cmd.Wait(); p.state = cmd.ProcessState; close(p.exited) }()
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *ptyProc) read() {
	defer close(p.ended)
	buf := make([]byte, 64<<10)
	for {
		n, err := p.ptm.Read(buf)
		p.mu.Lock()
		if n > 0 {
			p.raw = append(p.raw, buf[:n]...)
			if p.killAt > 0 && len(p.raw) >= p.killAt {
				p.sigkill()
			}
			data := append(p.partial, buf[:n]...)
			// vt10x takes whole UTF-8 sequences only; keep a cut one for
			// the next read.
			cut := len(data)
			for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
				if utf8.RuneStart(data[i]) {
					if !utf8.FullRune(data[i:]) {
						cut = i
					}
					break
				}
			}
			_, _ = p.vt.Write(data[:cut])
			p.partial = append([]byte(nil), data[cut:]...)
			p.screen = p.vt.String()
			if p.keep && p.screen != p.frames[len(p.frames)-1] {
				p.frames = append(p.frames, p.screen)
			}
			if p.qrAt == 0 && strings.Contains(p.screen, "Scan to pay") {
				p.qrAt = len(p.raw)
			}
			if p.killWhen != nil && p.killWhen(p.screen) {
				p.sigkill()
			}
		}
		if err != nil {
			p.eof = true
		}
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// sigkill kills the process; p.mu is held.
func (p *ptyProc) sigkill() {
	if !p.killed {
		p.killed = true
		_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// kill SIGKILLs the process (if it still runs) and waits for it and for
// the end of its output.
func (p *ptyProc) kill() {
	p.mu.Lock()
	select {
	case <-p.exited:
	default:
		p.sigkill()
	}
	p.mu.Unlock()
	<-p.exited
	p.closePty()
}

// closePty waits a moment for the output to end, then closes the pty.
func (p *ptyProc) closePty() {
	select {
	case <-p.ended:
	case <-time.After(2 * time.Second):
	}
	p.ptm.Close()
	<-p.ended
}

// send types s on the terminal; errors (the process is gone) are ignored.
func (p *ptyProc) send(s string) { _, _ = io.WriteString(p.ptm, s) }

// await waits until the screen satisfies cond, and returns it. ok is false
// if the output ended first, or after within.
func (p *ptyProc) await(within time.Duration, cond func(screen string) bool) (screen string, ok bool) {
	timeout := time.After(within)
	for {
		p.mu.Lock()
		screen, eof, changed := p.screen, p.eof, p.changed
		p.mu.Unlock()
		if cond(screen) {
			return screen, true
		}
		if eof {
			return screen, false
		}
		select {
		case <-changed:
		case <-timeout:
			return screen, false
		}
	}
}

// dead reports whether the output has ended.
func (p *ptyProc) dead() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.eof
}

// waitDead waits, at most within, for the output to end.
func (p *ptyProc) waitDead(within time.Duration) bool {
	select {
	case <-p.ended:
		return true
	case <-time.After(within):
		return false
	}
}

// quit presses key (q, or ctrl+c: "\x03") and waits for the process to
// exit; it returns the exit state and whether the process exited on its
// own within the deadline (it is killed otherwise).
func (p *ptyProc) quit(key string) (*os.ProcessState, bool) {
	p.send(key)
	select {
	case <-p.exited:
		p.closePty()
		return p.state, true
	case <-time.After(deadline):
		p.kill()
		return p.state, false
	}
}

// rawOutput is every byte the process wrote so far.
func (p *ptyProc) rawOutput() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]byte(nil), p.raw...)
}

func (p *ptyProc) currentScreen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.screen
}

func (p *ptyProc) bytesOut() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.raw)
}

// ---------------------------------------------------------------------------
// Reading the screen.

var footerOrder = regexp.MustCompile(`order ([A-Za-z0-9_-]+)`)

func onSale(s string) bool     { return strings.Contains(s, "Amount (EUR)") }
func onCurrency(s string) bool { return strings.Contains(s, "Customer chooses") }
func withQR(s string) bool     { return strings.Contains(s, "Scan to pay") }

// onResult reports whether the Result screen is up: its help offers a new
// sale.
func onResult(s string) bool { return strings.Contains(s, "new sale") }

// orderShown is the order id on the screen (the invoice screen's footer,
// the result's details, not a late payment's banner above them), or "".
func orderShown(s string) string {
	if m := footerOrder.FindAllStringSubmatch(s, -1); m != nil {
		return m[len(m)-1][1]
	}
	return ""
}

// flat is the screen's text without the QR code's glyphs, with lines and
// runs of blanks joined into one space, to find sentences the layout
// wraps beside the code.
func flat(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r == '▀' || r == '▄' || r == '█' {
			return ' '
		}
		return r
	}, s)), " ")
}

// ---------------------------------------------------------------------------
// Processes beside the terminal.

// daemon is a cryptopos process that serves until interrupted (a sandbox,
// a relay), with its output.
type daemon struct {
	name     string
	cmd      *exec.Cmd
	stdout   *e2ekit.Buffer
	stderr   *e2ekit.Buffer
	exited   chan struct{}
	stopOnce sync.Once
}

// startDaemon runs cryptopos with args; it is stopped (SIGINT, then
// SIGKILL) when the test ends.
func startDaemon(t *testing.T, name string, env []string, args ...string) *daemon {
	t.Helper()
	d := &daemon{name: name, cmd: exec.Command(binPath, args...), stdout: &e2ekit.Buffer{}, stderr: &e2ekit.Buffer{},
		exited: make(chan struct{})}
	d.cmd.Env = env
	d.cmd.Stdout, d.cmd.Stderr = d.stdout, d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("cannot start %s: %v", name, err)
	}
	go func() { _ = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() { d.stop() })
	return d
}

// stop interrupts the process and waits for it; it reports whether it
// exited by itself within 5 s (else it is killed).
func (d *daemon) stop() bool {
	clean := true
	d.stopOnce.Do(func() {
		_ = d.cmd.Process.Signal(os.Interrupt)
		select {
		case <-d.exited:
		case <-time.After(5 * time.Second):
			clean = false
			_ = d.cmd.Process.Kill()
			<-d.exited
		}
	})
	return clean
}

// kill SIGKILLs the process and waits for it.
func (d *daemon) kill() {
	d.stopOnce.Do(func() {
		_ = d.cmd.Process.Kill()
		<-d.exited
	})
}

// waitOutput waits for re to match what the process printed on stdout and
// returns the submatches.
func (d *daemon) waitOutput(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		if m := re.FindStringSubmatch(d.stdout.String()); m != nil {
			return m
		}
		select {
		case <-d.exited:
			t.Fatalf("%s exited (%v) before printing %s; stdout:\n%s\nstderr:\n%s", d.name, d.cmd.ProcessState, re, d.stdout, d.stderr)
		default:
		}
		if time.Since(start) > deadline {
			t.Fatalf("%s did not print %s; stdout:\n%s\nstderr:\n%s", d.name, re, d.stdout, d.stderr)
		}
	}
}

// ---------------------------------------------------------------------------
// The Cryptomus sandbox.

// cmSandbox is a `cryptopos sandbox cryptomus` process.
type cmSandbox struct {
	*daemon
	// URL is its root; Section the [cryptomus] section it printed.
	URL, Section string
	PaymentKey   string
}

var (
	cmListening = regexp.MustCompile(`Cryptomus sandbox listening on (http://\S+)\n`)
	cmSection   = regexp.MustCompile(`(?m)^\[cryptomus\]\n(?:[a-z_]+ = ".*"\n)+`)
)

// startCMSandbox runs a Cryptomus sandbox on a free port that accepts key.
func startCMSandbox(t *testing.T, env []string, key string) *cmSandbox {
	t.Helper()
	d := startDaemon(t, "the Cryptomus sandbox", env, "sandbox", "cryptomus", "--listen", "127.0.0.1:0", "--payment-key", key)
	s := &cmSandbox{daemon: d, PaymentKey: key}
	s.URL = d.waitOutput(t, cmListening)[1]
	s.Section = d.waitOutput(t, cmSection)[0]
	if !strings.Contains(s.Section, strconv.Quote(key)) {
		t.Fatalf("the sandbox's [cryptomus] section does not hold its key:\n%s", s.Section)
	}
	return s
}

// invoices lists the sandbox's invoices through its admin endpoint.
func (s *cmSandbox) invoices(t *testing.T) []sandbox.AdminInvoice {
	t.Helper()
	var list []sandbox.AdminInvoice
	if code, body := e2ekit.AdminCall(t, http.MethodGet, s.URL+"/_sandbox/invoices", &list); code != http.StatusOK {
		t.Fatalf("GET /_sandbox/invoices: %d %s", code, body)
	}
	return list
}

// invoice returns the sandbox's invoice by order id.
func (s *cmSandbox) invoice(t *testing.T, orderID string) sandbox.AdminInvoice {
	t.Helper()
	var inv sandbox.AdminInvoice
	if code, body := e2ekit.AdminCall(t, http.MethodGet, s.URL+"/_sandbox/invoices/"+orderID, &inv); code != http.StatusOK {
		t.Fatalf("GET /_sandbox/invoices/%s: %d %s", orderID, code, body)
	}
	return inv
}

// drive applies an action to an invoice; it returns the HTTP status (409
// for an action the invoice's state refuses).
func (s *cmSandbox) drive(t *testing.T, orderID string, action sandbox.Action) int {
	t.Helper()
	code, body := e2ekit.AdminCall(t, http.MethodPost, s.URL+"/_sandbox/invoices/"+orderID+"/"+string(action), nil)
	if code != http.StatusOK && code != http.StatusConflict {
		t.Fatalf("POST /_sandbox/invoices/%s/%s: %d %s", orderID, action, code, body)
	}
	return code
}

// ---------------------------------------------------------------------------
// Journals and stores.

// readJournal returns every invoice of the journal at path, newest first.
// The journal may be open in a running terminal (WAL allows a reader).
func readJournal(t *testing.T, path string) []pos.Invoice {
	t.Helper()
	j, err := journal.Open(path)
	if err != nil {
		t.Fatalf("cannot open the journal: %v", err)
	}
	defer j.Close()
	list, err := j.List(context.Background(), pos.Filter{})
	if err != nil {
		t.Fatalf("cannot list the journal: %v", err)
	}
	return list
}

// integrityCheck runs PRAGMA integrity_check on the SQLite file at path,
// read-only.
func integrityCheck(t *testing.T, what, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("cannot open the %s: %v", what, err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("the %s's integrity_check says %q (%v)", what, check, err)
	}
}

// ---------------------------------------------------------------------------
// Small things.

// cleanEnv is an environment without the caller's CRYPTOPOS_* variables,
// with HOME and the XDG directories in dir.
func cleanEnv(t *testing.T, dir string) []string {
	t.Helper()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
		"HOME=" + filepath.Join(dir, "home"),
	}
	for _, x := range []string{"CONFIG", "DATA", "STATE", "CACHE", "RUNTIME"} {
		d := filepath.Join(dir, "xdg", strings.ToLower(x))
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if x == "RUNTIME" {
			env = append(env, "XDG_RUNTIME_DIR="+d)
		} else {
			env = append(env, "XDG_"+x+"_HOME="+d)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "home"), 0o700); err != nil {
		t.Fatal(err)
	}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return env
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

// exitedCleanly reports whether a process exited by itself with status 0.
func exitedCleanly(s *os.ProcessState) bool { return s != nil && s.Exited() && s.ExitCode() == 0 }

func describeState(s *os.ProcessState) string {
	if s == nil {
		return "still running"
	}
	return fmt.Sprint(s)
}
