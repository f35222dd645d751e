package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"cryptopos/e2e/e2ekit"
	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/providers/cryptomus/sandbox"
	"cryptopos/qr/qrscan"
)

// Timing. Conditions are polled, never slept on.
const (
	pollEvery = 50 * time.Millisecond
	// deadline is how long waitFor waits for the screen.
	deadline = 15 * time.Second
	// screenWidth and screenHeight are the tmux window's size.
	screenWidth, screenHeight = 80, 24
)

// ---------------------------------------------------------------------------
// The sandbox process.

// sandboxProc is a `cryptopos sandbox cryptomus` process and what it printed.
type sandboxProc struct {
	// URL is the sandbox's root, e.g. "http://127.0.0.1:41234".
	URL string
	// Section is the [cryptomus] config section it printed, ready to paste.
	Section string
	// APIBase, Merchant and PaymentKey are the values in Section.
	APIBase, Merchant, PaymentKey string

	cmd *exec.Cmd
	out *e2ekit.Buffer
}

var (
	sandboxListening = regexp.MustCompile(`listening on (http://\S+)`)
	sandboxSection   = regexp.MustCompile(`(?m)^\[cryptomus\]\n(?:[a-z_]+ = ".*"\n)+`)
	sectionValue     = regexp.MustCompile(`(?m)^([a-z_]+) = (".*")$`)
)

// startSandbox runs a sandbox on a free port with a payment key of its own,
// and stops it when the test ends.
func startSandbox(t *testing.T) *sandboxProc {
	t.Helper()
	key := "e2e-payment-key-" + e2ekit.RandomHex(8)
	out := &e2ekit.Buffer{}
	cmd := exec.Command(binPath, "sandbox", "cryptomus", "--listen", "127.0.0.1:0", "--payment-key", key)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start the sandbox: %v", err)
	}
	sb := &sandboxProc{cmd: cmd, out: out}
	t.Cleanup(sb.stop)

	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		text := out.String()
		listening := sandboxListening.FindStringSubmatch(text)
		section := sandboxSection.FindString(text)
		if listening != nil && strings.Contains(section, "payment_key") {
			sb.URL, sb.Section = listening[1], section
			break
		}
		if time.Since(start) > 10*time.Second || cmd.ProcessState != nil {
			t.Fatalf("the sandbox did not print its URL and [cryptomus] section; it printed:\n%s", text)
		}
	}
	for _, m := range sectionValue.FindAllStringSubmatch(sb.Section, -1) {
		v, err := strconv.Unquote(m[2])
		if err != nil {
			t.Fatalf("the sandbox printed %s = %s, not a quoted string", m[1], m[2])
		}
		switch m[1] {
		case "base_url":
			sb.APIBase = v
		case "merchant":
			sb.Merchant = v
		case "payment_key":
			sb.PaymentKey = v
		}
	}
	if sb.APIBase != sb.URL+"/v1" || sb.Merchant == "" || sb.PaymentKey != key {
		t.Fatalf("the sandbox's [cryptomus] section does not match it (url %s, key %q):\n%s", sb.URL, key, sb.Section)
	}
	return sb
}

func (sb *sandboxProc) stop() {
	_ = sb.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = sb.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = sb.cmd.Process.Kill()
		<-done
	}
}

// invoices lists the sandbox's invoices through its admin endpoint.
func (sb *sandboxProc) invoices(t *testing.T) []sandbox.AdminInvoice {
	t.Helper()
	resp, err := e2ekit.HTTPClient.Get(sb.URL + "/_sandbox/invoices")
	if err != nil {
		t.Fatalf("GET /_sandbox/invoices: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var list []sandbox.AdminInvoice
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_sandbox/invoices: %s %s", resp.Status, body)
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("GET /_sandbox/invoices: %v in %s", err, body)
	}
	return list
}

// invoice returns the sandbox's invoice with that order id.
func (sb *sandboxProc) invoice(t *testing.T, orderID string) sandbox.AdminInvoice {
	t.Helper()
	for _, inv := range sb.invoices(t) {
		if inv.OrderID == orderID {
			return inv
		}
	}
	t.Fatalf("the sandbox has no invoice for order %s", orderID)
	return sandbox.AdminInvoice{}
}

// pageForm is a form of a sandbox's payment page: its action, what comes
// before its button (a <select>, on Cryptoprocessing's coin choice) and
// the button's label.
var pageForm = regexp.MustCompile(`(?s)<form method="post" action="([^"]*)">(.*?)<button[^>]*>(.*?)</button></form>`)

// clickOnPage does what a customer's browser does on the invoice's payment
// page at pageURL: it loads the page, finds the form whose button reads
// label, and submits it, following the redirect back to the page.
func clickOnPage(t *testing.T, pageURL, label string) {
	t.Helper()
	submitOnPage(t, pageURL, label, url.Values{})
}

// submitOnPage is clickOnPage with the form's fields filled in with values
// (the coin picked in a <select>); each value must be one the form offers.
func submitOnPage(t *testing.T, pageURL, label string, values url.Values) {
	t.Helper()
	resp, err := e2ekit.HTTPClient.Get(pageURL)
	if err != nil {
		t.Fatalf("GET the payment page %s: %v", pageURL, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the payment page %s: %s\n%s", pageURL, resp.Status, body)
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, m := range pageForm.FindAllStringSubmatch(string(body), -1) {
		action, inner, button := html.UnescapeString(m[1]), m[2], html.UnescapeString(m[3])
		labels = append(labels, strconv.Quote(button))
		if button != label {
			continue
		}
		for name, vs := range values {
			for _, v := range vs {
				if !strings.Contains(inner, `name="`+name+`"`) || !strings.Contains(inner, "<option>"+html.EscapeString(v)+"</option>") {
					t.Fatalf("the form %q of the payment page %s offers no %s %q:\n%s", label, pageURL, name, v, inner)
				}
			}
		}
		target, err := base.Parse(action)
		if err != nil {
			t.Fatalf("the page's form action %q: %v", action, err)
		}
		resp, err := e2ekit.HTTPClient.PostForm(target.String(), values)
		if err != nil {
			t.Fatalf("POST %s (%q): %v", target, label, err)
		}
		after, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != pageURL {
			t.Fatalf("POST %s (%q) ended at %s with %s:\n%s", target, label, resp.Request.URL, resp.Status, after)
		}
		return
	}
	t.Fatalf("the payment page %s has no button %q; it has %s", pageURL, label, strings.Join(labels, ", "))
}

// The payment page's buttons.
const (
	buttonPay      = "Pay in full"
	buttonUnderpay = "Pay half (underpay)"
	buttonExpire   = "Let it expire now"
)

// ---------------------------------------------------------------------------
// The terminal in tmux.

// term is a cryptopos terminal running in a detached tmux session of its
// own, against a sandbox of its own.
type term struct {
	t  *testing.T
	sb *sandboxProc // the Cryptomus sandbox of startTerm; nil for other setups

	// args follow the binary on the terminal's command line (default
	// --config configPath); env is added to its environment.
	args []string
	env  []string
	// secrets must never appear in the terminal's log; stop checks.
	secrets []string
	// outputs are other processes' outputs, shown when the test fails.
	outputs []namedOutput
	// noLog skips stop's log checks (the demo deletes its log on exit).
	noLog bool
	// started is set once start has run the terminal in tmux.
	started bool
	// cols and rows are the pane's size; 0 means screenWidth by
	// screenHeight.
	cols, rows int
	// rawPath, when set, is where start records everything the terminal
	// writes to its pane (tmux pipe-pane, attached before it starts), for
	// qrscan.ParseVT.
	rawPath string

	dir         string
	configPath  string
	journalPath string
	logPath     string
	pidFile     string
	tmuxConf    string
	home        string

	socket     string   // tmux -L name
	socketPath string   // where tmux put it, to remove it at the end
	target     string   // the pane
	tmuxEnv    []string // the environment of tmux commands

	// raw is the last capture of the screen, with its SGR styles; text is
	// the same without styles. waitFor updates both.
	raw, text string
	dumped    bool
}

// namedOutput is the output of a process beside the terminal.
type namedOutput struct {
	name string
	out  *e2ekit.Buffer
}

var socketSeq atomic.Int64

// startTerm starts a sandbox and a terminal configured for it, and cleans
// both up when the test ends. The log is checked for the payment key then.
func startTerm(t *testing.T) *term {
	t.Helper()
	p := newCryptomusTerm(t)
	p.start()
	return p
}

// newCryptomusTerm starts a Cryptomus sandbox and writes a terminal's
// config for it, without starting the terminal: start does. poll are more
// lines for the config's [poll] section.
func newCryptomusTerm(t *testing.T, poll ...string) *term {
	t.Helper()
	p := newTerm(t)
	p.sb = startSandbox(t)
	p.secrets = append(p.secrets, p.sb.PaymentKey)
	p.outputs = append(p.outputs, namedOutput{"sandbox", p.sb.out})
	p.writeCryptomusConfig(poll)
	return p
}

// newTerm prepares a terminal's directory (journal, log, HOME and XDG
// directories of its own) in a fresh temporary directory; the caller
// writes a config or sets args, then calls start.
func newTerm(t *testing.T) *term {
	t.Helper()
	needTmux(t)
	dir := t.TempDir() // first, so that it is removed last
	p := &term{
		t:           t,
		dir:         dir,
		configPath:  filepath.Join(dir, "config.toml"),
		journalPath: filepath.Join(dir, "data", "journal.db"),
		logPath:     filepath.Join(dir, "data", "cryptopos.log"),
		pidFile:     filepath.Join(dir, "terminal.pid"),
		tmuxConf:    filepath.Join(dir, "tmux.conf"),
		home:        filepath.Join(dir, "home"),
		socket:      fmt.Sprintf("cryptopos-e2e-%d-%d", os.Getpid(), socketSeq.Add(1)),
		target:      "pos",
	}
	p.args = []string{"--config", p.configPath}
	for _, d := range []string{p.home, p.xdg("config"), p.xdg("data"), p.xdg("state"), p.xdg("cache"), p.xdg("runtime")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// configHead is the start of a terminal's config that every test shares:
// the shop, the journal and the debug log in the test's directory, and a
// 1 s poll.
func (p *term) configHead(title, provider string) string {
	return fmt.Sprintf(`%s
provider = %q

[shop]
name = "E2E Shop"
currency = "EUR"

[journal]
path = %s

[log]
path = %s
level = "debug"

[poll]
interval = "1s"
background_interval = "2s"
`, title, provider, strconv.Quote(p.journalPath), strconv.Quote(p.logPath))
}

// writeCryptomusConfig writes the terminal's config for the sandbox.
func (p *term) writeCryptomusConfig(poll []string) {
	config := p.configHead("# cryptopos end-to-end test", "cryptomus") +
		strings.Join(poll, "\n") + "\n" + p.sb.Section + "pay_currencies = [\"BTC\", \"USDT:tron\"]\n"
	writeFile(p.t, p.configPath, config)
}

// start runs the terminal in a detached tmux session of its own and stops
// both when the test ends; the log is checked for secrets then.
func (p *term) start() {
	t := p.t
	t.Helper()
	// remain-on-exit keeps a dead terminal's pane, so that a test can kill
	// the terminal and start it again in the same place, and a crash stays
	// on screen for the failure report.
	writeFile(t, p.tmuxConf, "set -g remain-on-exit on\nset -g status off\nset -g history-limit 100\n")

	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "TMUX" && k != "TMUX_PANE" && k != "HOME" && !strings.HasPrefix(k, "XDG_") {
			p.tmuxEnv = append(p.tmuxEnv, kv)
		}
	}
	p.tmuxEnv = append(p.tmuxEnv, "HOME="+p.home)

	cols, rows := p.size()
	first := p.command()
	if p.rawPath != "" {
		// The pane waits while the recording is attached, then the
		// terminal replaces the waiting command.
		first = []string{"sleep", "600"}
	}
	args := append([]string{"new-session", "-d", "-s", p.target,
		"-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows)}, first...)
	if out, err := p.tmux(args...); err != nil {
		t.Fatalf("cannot start tmux: %v\n%s", err, out)
	}
	p.started = true
	t.Cleanup(p.stop)
	if out, err := p.tmux("display-message", "-p", "#{socket_path}"); err == nil {
		p.socketPath = strings.TrimSpace(out)
	}
	if p.rawPath != "" {
		if out, err := p.tmux("pipe-pane", "-o", "-t", p.target, "cat >> '"+strings.ReplaceAll(p.rawPath, "'", `'\''`)+"'"); err != nil {
			t.Fatalf("cannot record the pane: %v\n%s", err, out)
		}
		if out, err := p.tmux(append([]string{"respawn-pane", "-k", "-t", p.target}, p.command()...)...); err != nil {
			t.Fatalf("cannot start the terminal: %v\n%s", err, out)
		}
	}
	p.waitForPID(0)
}

// size is the pane's size.
func (p *term) size() (cols, rows int) {
	if p.cols == 0 || p.rows == 0 {
		return screenWidth, screenHeight
	}
	return p.cols, p.rows
}

func (p *term) xdg(name string) string { return filepath.Join(p.dir, "xdg", name) }

// command is how tmux runs the terminal: in a clean environment, after
// clearing the pane (a restarted terminal starts on a blank screen) and
// writing its pid to pidFile.
func (p *term) command() []string {
	cmd := append([]string{"env", "-i"}, p.cleanEnv()...)
	cmd = append(cmd, "sh", "-c", `printf '\033[H\033[2J'; echo $$ > "$0"; exec "$@"`, p.pidFile, binPath)
	return append(cmd, p.args...)
}

// tmux runs a tmux command against this test's server.
func (p *term) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-u", "-L", p.socket, "-f", p.tmuxConf}, args...)...)
	cmd.Env = p.tmuxEnv
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out) + stderr.String(), fmt.Errorf("tmux %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// pid returns the terminal's pid from pidFile; 0 if there is none yet.
func (p *term) pid() int {
	b, err := os.ReadFile(p.pidFile)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// waitForPID waits for the terminal to write a pid other than old.
func (p *term) waitForPID(old int) int {
	p.t.Helper()
	for start := time.Now(); time.Since(start) < deadline; time.Sleep(pollEvery) {
		if pid := p.pid(); pid != 0 && pid != old {
			return pid
		}
	}
	p.fail("the terminal did not start (no pid in %s)", p.pidFile)
	return 0
}

// paneFormat asks tmux about the terminal's process: whether its pane is
// dead (its pty closed) and, once tmux has reaped it, its exit status or the
// signal that killed it.
const paneFormat = "#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal}"

// exitState is what tmux says about the terminal's process.
type exitState struct {
	dead           bool
	status, signal string
}

func parseExitState(s string) exitState {
	var e exitState
	for _, f := range strings.Fields(s) {
		switch k, v, _ := strings.Cut(f, "="); k {
		case "1":
			e.dead = true
		case "status":
			e.status = v
		case "signal":
			e.signal = v
		}
	}
	return e
}

// reaped tells whether tmux has collected the process's exit status.
func (e exitState) reaped() bool { return e.status != "" || e.signal != "" }

func (e exitState) String() string {
	switch {
	case !e.dead:
		return "running"
	case e.signal != "":
		return "killed by signal " + e.signal
	case e.status != "":
		return "exited with status " + e.status
	}
	return "exited"
}

// exitState asks tmux whether the terminal's process has exited, and how.
func (p *term) exitState() exitState {
	out, err := p.tmux("display-message", "-p", "-t", p.target, paneFormat)
	if err != nil {
		return exitState{dead: true}
	}
	return parseExitState(out)
}

// waitForExit waits, for at most within, for the terminal's process pid to
// exit; ok is false if it is still running. The exitState has the exit
// status or signal if tmux has reaped the process by then.
func (p *term) waitForExit(pid int, within time.Duration) (e exitState, ok bool) {
	start := time.Now()
	for e = p.exitState(); !e.dead || !e.reaped() && !processGone(pid); e = p.exitState() {
		if time.Since(start) > within {
			return e, false
		}
		time.Sleep(pollEvery)
	}
	// Give tmux a moment to collect the status, if it has not yet.
	for start = time.Now(); !e.reaped() && time.Since(start) < 500*time.Millisecond; e = p.exitState() {
		time.Sleep(pollEvery)
	}
	return e, true
}

// processGone reports whether the process has exited: it no longer exists
// or it is a zombie (tmux 3.3a sometimes leaves its panes' processes
// unreaped).
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses: "pid (comm) Z ...".
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// sendKeys types on the terminal. Each argument is a named key (Enter,
// BSpace, Escape, Tab, Up, Down, C-c) or else text, typed literally.
func (p *term) sendKeys(keys ...string) {
	p.t.Helper()
	for _, k := range keys {
		args := []string{"send-keys", "-t", p.target}
		switch k {
		case "Enter", "BSpace", "Escape", "Tab", "Up", "Down", "C-c":
			args = append(args, k)
		default:
			args = append(args, "-l", k)
		}
		if out, err := p.tmux(args...); err != nil {
			p.fail("cannot send %q: %v\n%s", k, err, out)
		}
	}
}

// capture reads the screen as `tmux capture-pane -p -e` prints it, with its
// SGR styles; it also tells whether the terminal's process has exited.
func (p *term) capture() (raw string, e exitState) {
	p.t.Helper()
	const sep = "@@cryptopos-e2e-pane@@"
	out, err := p.tmux("capture-pane", "-p", "-e", "-t", p.target, ";",
		"display-message", "-p", "-t", p.target, sep+paneFormat)
	if err != nil {
		p.fail("cannot capture the screen: %v\n%s", err, out)
	}
	raw, state, _ := strings.Cut(out, sep)
	return raw, parseExitState(state)
}

// waitFor polls the screen until cond holds for its text (without styles)
// and returns that text; p.raw holds the same capture with styles. It fails
// the test, showing the last screen and the log, after the deadline or if
// the terminal exits.
func (p *term) waitFor(desc string, cond func(screen string) bool) string {
	p.t.Helper()
	start := time.Now()
	for {
		raw, exit := p.capture()
		p.raw, p.text = raw, qrscan.Parse(raw).Text()
		if cond(p.text) {
			return p.text
		}
		if exit.dead {
			p.fail("the terminal %s while waiting for %s", exit, desc)
		}
		if time.Since(start) > deadline {
			p.fail("after %s, still waiting for %s", deadline, desc)
		}
		time.Sleep(pollEvery)
	}
}

// waitForText waits for every one of the texts to be on the screen.
func (p *term) waitForText(texts ...string) string {
	p.t.Helper()
	return p.waitFor(fmt.Sprintf("%q on the screen", texts), func(s string) bool {
		for _, want := range texts {
			if !strings.Contains(s, want) {
				return false
			}
		}
		return true
	})
}

// waitForQR waits for a QR code on the screen that decodes, and returns its
// text. It polls so that a capture taken while a frame was half drawn is
// not mistaken for a bad code.
func (p *term) waitForQR() string {
	p.t.Helper()
	var text string
	var err error
	p.waitFor("a QR code that decodes, beside \"Scan to pay\"", func(s string) bool {
		if !strings.Contains(s, "Scan to pay") {
			return false
		}
		text, err = qrscan.Parse(p.raw).Decode()
		return err == nil
	})
	return text
}

// fail stops the test with the message, the last screen and the log.
func (p *term) fail(format string, args ...any) {
	p.t.Helper()
	p.t.Errorf(format, args...)
	p.dump()
	p.t.FailNow()
}

// dump logs the last screen and the tail of the terminal's log, once.
func (p *term) dump() {
	p.t.Helper()
	if p.dumped {
		return
	}
	p.dumped = true
	if p.started {
		raw, _ := p.capture()
		screen := qrscan.Parse(raw).Text()
		if screen == "" {
			screen = p.text
		}
		cols, rows := p.size()
		if p.rawPath != "" {
			// capture-pane drops cells cleared with a colour; the
			// recording has them.
			if raw, err := os.ReadFile(p.rawPath); err == nil {
				screen = qrscan.ParseVT(raw, cols, rows).Text()
			}
		}
		p.t.Logf("last screen (%dx%d):\n%s\n%s\n%s", cols, rows,
			strings.Repeat("=", cols), screen, strings.Repeat("=", cols))
	}
	p.t.Logf("tail of the terminal's log %s:\n%s", p.logPath, e2ekit.Tail(e2ekit.ReadFile(p.logPath), 30))
	for _, o := range p.outputs {
		p.t.Logf("%s output:\n%s", o.name, e2ekit.Tail(o.out.String(), 15))
	}
}

// stop ends the terminal and the tmux server, then checks the log.
func (p *term) stop() {
	if p.t.Failed() {
		p.dump()
	}
	if pid := p.pid(); pid != 0 {
		if e := p.exitState(); !e.dead {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			if _, ok := p.waitForExit(pid, 5*time.Second); !ok {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				p.waitForExit(pid, 5*time.Second)
			}
		}
	}
	_, _ = p.tmux("kill-server")
	if p.socketPath != "" {
		_ = os.Remove(p.socketPath) // tmux 3.3a leaves it behind
	}

	if p.noLog {
		return
	}
	log := e2ekit.ReadFile(p.logPath)
	if log == "" {
		p.t.Errorf("the terminal's log %s is empty or missing", p.logPath)
	}
	checkNoSecrets(p.t, "the terminal's log", log, p.secrets...)
}

// checkNoSecrets fails t if text contains any of the secrets, showing the
// line (with the secret masked).
func checkNoSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		if i := strings.Index(text, secret); i >= 0 {
			line := text[strings.LastIndex(text[:i], "\n")+1:]
			line, _, _ = strings.Cut(line, "\n")
			t.Errorf("%s contains a secret (%d characters, masked here):\n%s", what, len(secret),
				strings.ReplaceAll(line, secret, "«SECRET»"))
		}
	}
}

// restart kills the terminal with SIGKILL, as a power cut or a crash would,
// and starts it again in the same pane.
func (p *term) restart() {
	p.t.Helper()
	old := p.pid()
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		p.fail("cannot kill the terminal (pid %d): %v", old, err)
	}
	if e, ok := p.waitForExit(old, deadline); !ok {
		p.fail("the terminal (pid %d) did not die of SIGKILL", old)
	} else if e.signal != "" && e.signal != "9" {
		p.fail("the terminal (pid %d) %s, want signal 9", old, e)
	}
	if out, err := p.tmux(append([]string{"respawn-pane", "-t", p.target}, p.command()...)...); err != nil {
		p.fail("cannot restart the terminal: %v\n%s", err, out)
	}
	p.waitForPID(old)
}

// ---------------------------------------------------------------------------
// Reading the screen.

var (
	footerOrder = regexp.MustCompile(`order ([A-Za-z0-9_-]+)\s*$`)
	// countdown is "mm:ss left", not the end of "hh:mm:ss left".
	countdown = regexp.MustCompile(`(?m)(?:^|\s)(\d\d):(\d\d) left\b`)
	received  = regexp.MustCompile(`Received (\S+) of (\S+) (\S+)\.`)
)

// orderOnScreen reads the order id from the footer, the screen's last line.
func (p *term) orderOnScreen() string {
	p.t.Helper()
	lines := strings.Split(p.text, "\n")
	m := footerOrder.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		p.fail("no order id in the footer %q", lines[len(lines)-1])
	}
	return m[1]
}

// left reads the countdown "mm:ss left".
func (p *term) left() time.Duration {
	p.t.Helper()
	m := countdown.FindStringSubmatch(p.text)
	if m == nil {
		p.fail("no countdown \"mm:ss left\" on the screen")
	}
	mm, _ := strconv.Atoi(m[1])
	ss, _ := strconv.Atoi(m[2])
	return time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second
}

// bigWord reports whether the result screen's plain-text outcome line (below
// the block letters) is word.
func bigWord(word string) func(string) bool {
	re := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(word) + `$`)
	return func(s string) bool { return re.MatchString(s) }
}

// onInvoice reports whether the invoice screen shows the order.
func onInvoice(orderID string) func(string) bool {
	return func(s string) bool {
		return strings.Contains(s, "Scan to pay") && countdown.MatchString(s) &&
			strings.HasSuffix(strings.TrimSpace(s), "order "+orderID)
	}
}

// ---------------------------------------------------------------------------
// The journal.

// journalGet reads the invoice from the terminal's journal, opened beside
// the running terminal (WAL allows it) and closed again.
func (p *term) journalGet(orderID string) pos.Invoice {
	p.t.Helper()
	j, err := journal.Open(p.journalPath)
	if err != nil {
		p.fail("cannot open the journal: %v", err)
	}
	defer j.Close()
	inv, err := j.Get(context.Background(), orderID)
	if err != nil {
		p.fail("journal: %v", err)
	}
	return inv
}

// waitForJournal polls the journal until the invoice satisfies cond, for
// at most within.
func (p *term) waitForJournal(orderID, desc string, within time.Duration, cond func(pos.Invoice) bool) pos.Invoice {
	p.t.Helper()
	j, err := journal.Open(p.journalPath)
	if err != nil {
		p.fail("cannot open the journal: %v", err)
	}
	defer j.Close()
	var inv pos.Invoice
	for start := time.Now(); time.Since(start) < within; time.Sleep(100 * time.Millisecond) {
		if inv, err = j.Get(context.Background(), orderID); err != nil && !errors.Is(err, pos.ErrNotInJournal) {
			p.fail("journal: %v", err)
		}
		if err == nil && cond(inv) {
			return inv
		}
	}
	p.fail("after %s the journal still does not show invoice %s %s; it has %+v", within, orderID, desc, inv)
	return inv
}

// journalCount counts the invoices in the journal.
func (p *term) journalCount() int {
	p.t.Helper()
	// The journal has no listing method; count its table directly, read only.
	db, err := sql.Open("sqlite", "file:"+p.journalPath+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		p.fail("cannot open the journal: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM invoices`).Scan(&n); err != nil {
		p.fail("cannot count the journal's invoices: %v", err)
	}
	return n
}

// ---------------------------------------------------------------------------
// Small things.

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
