package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cryptopos/e2e/e2ekit"
	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/providers/cryptoprocessing"
	cpsandbox "cryptopos/providers/cryptoprocessing/sandbox"
	"cryptopos/relay"
)

// ---------------------------------------------------------------------------
// Processes beside the terminal.

// daemon is a cryptopos process that serves until interrupted (`cryptopos
// relay`, `cryptopos sandbox cryptoprocessing`), with its output.
type daemon struct {
	name string
	cmd  *exec.Cmd
	out  *e2ekit.Buffer
}

// startDaemon runs cryptopos with args and stops it with SIGINT when the
// test ends.
func startDaemon(t *testing.T, name string, args ...string) *daemon {
	t.Helper()
	d := &daemon{name: name, cmd: exec.Command(binPath, args...), out: &e2ekit.Buffer{}}
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("cannot start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = d.cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			t.Errorf("%s did not stop within 5 s of SIGINT; killed", name)
			_ = d.cmd.Process.Kill()
			<-exited
		}
	})
	return d
}

// waitOutput waits for re to match what the process printed and returns
// the submatches.
func (d *daemon) waitOutput(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		text := d.out.String()
		if m := re.FindStringSubmatch(text); m != nil {
			return m
		}
		if time.Since(start) > 10*time.Second || d.cmd.ProcessState != nil {
			t.Fatalf("%s did not print %s; it printed:\n%s", d.name, re, text)
		}
	}
}

// ---------------------------------------------------------------------------
// The relay.

// keys are a Cryptoprocessing account's keys and a relay token, fresh for
// each test, so that a log can be searched for them.
type keys struct {
	APIKey, SecretKey, RelayToken string
}

func newKeys() keys {
	return keys{
		APIKey:     "e2e-api-key-" + e2ekit.RandomHex(8),
		SecretKey:  "e2e-secret-key-" + e2ekit.RandomHex(12),
		RelayToken: "e2e-relay-token-" + e2ekit.RandomHex(12),
	}
}

func (k keys) all() []string { return []string{k.APIKey, k.SecretKey, k.RelayToken} }

// relayProc is a `cryptopos relay` process.
type relayProc struct {
	*daemon
	keys keys
	// URL is where it listens; CallbackURL is what it printed for
	// Cryptoprocessing's dashboard.
	URL, CallbackURL string
	logPath          string
}

var (
	relayListening = regexp.MustCompile(`cryptopos relay listening on (http://\S+)\n`)
	relayCallbacks = regexp.MustCompile(`Cryptoprocessing callbacks: (http://\S+)\n`)
)

// startRelay writes a relay config with [relay] and [cryptoprocessing]
// sections in dir and runs `cryptopos relay --config` on it. When the test
// ends, the relay's log is checked for the keys.
func startRelay(t *testing.T, dir string, k keys) *relayProc {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r := &relayProc{keys: k, logPath: filepath.Join(dir, "relay.log")}
	config := e2ekit.RelayConfig("cryptopos relay for an end-to-end test",
		e2ekit.RelayKeys{Token: k.RelayToken, APIKey: k.APIKey, SecretKey: k.SecretKey},
		filepath.Join(dir, "relay.db"), r.logPath)
	path := filepath.Join(dir, "relay.toml")
	writeFile(t, path, config)
	// Registered before the process's own cleanup, so it runs after it.
	t.Cleanup(func() {
		log := e2ekit.ReadFile(r.logPath)
		if log == "" {
			t.Errorf("the relay's log %s is empty or missing", r.logPath)
		}
		checkNoSecrets(t, "the relay's log", log, k.all()...)
		if t.Failed() {
			t.Logf("tail of the relay's log:\n%s", e2ekit.Tail(log, 20))
		}
	})
	r.daemon = startDaemon(t, "the relay", "relay", "--config", path)
	r.URL = r.waitOutput(t, relayListening)[1]
	r.CallbackURL = r.waitOutput(t, relayCallbacks)[1]
	if r.CallbackURL != r.URL+cryptoprocessing.CallbackPath {
		t.Fatalf("the relay listens on %s and prints %s for Cryptoprocessing's callbacks", r.URL, r.CallbackURL)
	}
	return r
}

// get reads an invoice's record as a terminal does, with token; it returns
// the HTTP status, the record (on 200) and the body.
func (r *relayProc) get(t *testing.T, id, token string) (int, relay.Record, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, r.URL+"/v1/invoices/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e2ekit.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var rec relay.Record
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &rec); err != nil {
			t.Fatalf("GET %s: %v in %s", req.URL, err, body)
		}
	}
	return resp.StatusCode, rec, string(body)
}

// record reads an invoice's record with the right token and fails the test
// unless there is one.
func (r *relayProc) record(t *testing.T, id string) relay.Record {
	t.Helper()
	code, rec, body := r.get(t, id, r.keys.RelayToken)
	if code != http.StatusOK {
		t.Fatalf("the relay has no record of %s: %d %s", id, code, body)
	}
	return rec
}

// postCallback sends body to the relay's Cryptoprocessing callback URL as
// Cryptoprocessing does, with the headers given ("" leaves one out), and
// returns the HTTP status.
func (r *relayProc) postCallback(t *testing.T, body []byte, apiKey, signature string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.CallbackURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if apiKey != "" {
		req.Header.Set("X-Processing-Key", apiKey)
	}
	if signature != "" {
		req.Header.Set("X-Processing-Signature", signature)
	}
	resp, err := e2ekit.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", r.CallbackURL, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// ---------------------------------------------------------------------------
// The Cryptoprocessing sandbox.

// cpSandbox is a `cryptopos sandbox cryptoprocessing` process.
type cpSandbox struct {
	*daemon
	keys keys
	// URL is its root; Section the [cryptoprocessing] section it printed.
	URL, Section string
	// Values are the section's keys, unquoted.
	Values map[string]string
}

var (
	cpListening = regexp.MustCompile(`Cryptoprocessing sandbox listening on (http://\S+)\n`)
	cpSection   = regexp.MustCompile(`(?m)^\[cryptoprocessing\]\n(?:[a-z_]+ = .*\n)+`)
)

// startCPSandbox runs a Cryptoprocessing sandbox on a free port that
// accepts k's keys and sends its callbacks to callbackURL.
func startCPSandbox(t *testing.T, callbackURL string, k keys) *cpSandbox {
	t.Helper()
	s := &cpSandbox{keys: k, Values: map[string]string{}}
	s.daemon = startDaemon(t, "the Cryptoprocessing sandbox", "sandbox", "cryptoprocessing",
		"--listen", "127.0.0.1:0", "--callback-url", callbackURL, "--api-key", k.APIKey, "--secret-key", k.SecretKey)
	s.URL = s.waitOutput(t, cpListening)[1]
	s.Section = s.waitOutput(t, regexp.MustCompile(`(?s)`+cpSection.String()+`.*Stop with Ctrl-C`))[0]
	s.Section = cpSection.FindString(s.Section)
	for _, m := range sectionValue.FindAllStringSubmatch(s.Section, -1) {
		if v, err := strconv.Unquote(m[2]); err == nil {
			s.Values[m[1]] = v
		}
	}
	if s.Values["base_url"] != s.URL+"/api/v2" || s.Values["api_key"] != k.APIKey || s.Values["secret_key"] != k.SecretKey {
		t.Fatalf("the sandbox's [cryptoprocessing] section does not match it (url %s):\n%s", s.URL, s.Section)
	}
	return s
}

// admin calls an admin endpoint and decodes its JSON answer into v (nil:
// none); it returns the HTTP status.
func (s *cpSandbox) admin(t *testing.T, method, path string, v any) int {
	t.Helper()
	code, _ := e2ekit.AdminCall(t, method, s.URL+"/_sandbox"+path, v)
	return code
}

// invoice returns the sandbox's invoice by foreign_id (our order id).
func (s *cpSandbox) invoice(t *testing.T, id string) cpsandbox.AdminInvoice {
	t.Helper()
	var inv cpsandbox.AdminInvoice
	if code := s.admin(t, http.MethodGet, "/invoices/"+id, &inv); code != http.StatusOK {
		t.Fatalf("the sandbox has no invoice %s (%d)", id, code)
	}
	return inv
}

// invoices lists the sandbox's invoices.
func (s *cpSandbox) invoices(t *testing.T) []cpsandbox.AdminInvoice {
	t.Helper()
	var list []cpsandbox.AdminInvoice
	if code := s.admin(t, http.MethodGet, "/invoices", &list); code != http.StatusOK {
		t.Fatalf("GET /_sandbox/invoices: %d", code)
	}
	return list
}

// drive applies a sandbox action to the invoice (the customer, the
// blockchain or the clock) and returns the invoice after it.
func (s *cpSandbox) drive(t *testing.T, id string, action cpsandbox.Action) cpsandbox.AdminInvoice {
	t.Helper()
	var inv cpsandbox.AdminInvoice
	if code := s.admin(t, http.MethodPost, "/invoices/"+id+"/"+string(action), &inv); code != http.StatusOK {
		t.Fatalf("POST /_sandbox/invoices/%s/%s: %d", id, action, code)
	}
	return inv
}

// deliveries lists the callbacks of the invoice, in the order they were
// queued.
func (s *cpSandbox) deliveries(t *testing.T, id string) []cpsandbox.Delivery {
	t.Helper()
	var all, out []cpsandbox.Delivery
	if code := s.admin(t, http.MethodGet, "/callbacks", &all); code != http.StatusOK {
		t.Fatalf("GET /_sandbox/callbacks: %d", code)
	}
	for _, d := range all {
		if d.ForeignID == id {
			out = append(out, d)
		}
	}
	return out
}

// waitDelivered waits until the invoice's callbacks number n and the relay
// took every one (HTTP 200).
func (s *cpSandbox) waitDelivered(t *testing.T, id string, n int) []cpsandbox.Delivery {
	t.Helper()
	var list []cpsandbox.Delivery
	for start := time.Now(); time.Since(start) < deadline; time.Sleep(pollEvery) {
		list = s.deliveries(t, id)
		done := len(list) == n
		for _, d := range list {
			done = done && d.State == cpsandbox.DeliveryDelivered && d.LastCode == http.StatusOK
		}
		if done {
			return list
		}
	}
	t.Fatalf("after %s the sandbox has not delivered %d callbacks of %s to the relay: %+v", deadline, n, id, list)
	return nil
}

// create makes an invoice through the sandbox's API, signed as a merchant
// signs it, and returns it.
func (s *cpSandbox) create(t *testing.T, body string) cpsandbox.AdminInvoice {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/v2/invoices/create", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Processing-Key", s.keys.APIKey)
	req.Header.Set("X-Processing-Signature", cryptoprocessing.Sign([]byte(body), s.keys.SecretKey))
	resp, err := e2ekit.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the sandbox refused the invoice %s: %s %s", body, resp.Status, answer)
	}
	var reply struct {
		Data struct {
			ForeignID string `json:"foreign_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(answer, &reply); err != nil {
		t.Fatalf("the sandbox's create reply: %v in %s", err, answer)
	}
	return s.invoice(t, reply.Data.ForeignID)
}

// ---------------------------------------------------------------------------
// A terminal on Cryptoprocessing through a relay of its own.

// cpSetup is a relay, a Cryptoprocessing sandbox whose callbacks go to
// it, and a terminal configured for both, each its own process.
type cpSetup struct {
	keys    keys
	relay   *relayProc
	sandbox *cpSandbox
	term    *term
}

// startCryptoprocessing starts the relay, then the sandbox with the
// relay's callback URL, then a terminal whose config is what a new user
// writes: the sandbox's printed [cryptoprocessing] section with the
// relay's token filled in, plus extra (more keys of that section).
func startCryptoprocessing(t *testing.T, extra string) *cpSetup {
	t.Helper()
	p := newTerm(t)
	c := &cpSetup{keys: newKeys(), term: p}
	c.relay = startRelay(t, filepath.Join(p.dir, "relay"), c.keys)
	c.sandbox = startCPSandbox(t, c.relay.CallbackURL, c.keys)
	if got := c.sandbox.Values["relay_url"]; got != c.relay.URL {
		t.Fatalf("the sandbox suggests relay_url %q; the relay is at %s", got, c.relay.URL)
	}
	section := strings.Replace(c.sandbox.Section, `relay_token = "THE RELAY'S TOKEN"`,
		"relay_token = "+strconv.Quote(c.keys.RelayToken), 1)
	if section == c.sandbox.Section {
		t.Fatalf("the sandbox's section has no relay_token placeholder to fill in:\n%s", section)
	}
	config := p.configHead("# cryptopos end-to-end test: Cryptoprocessing through a separate relay", "cryptoprocessing") +
		"\n" + section + extra
	writeFile(t, p.configPath, config)
	p.secrets = append(p.secrets, c.keys.all()...)
	p.outputs = append(p.outputs, namedOutput{"relay", c.relay.out}, namedOutput{"sandbox", c.sandbox.out})
	p.start()
	return c
}

// viaRelay is the invoice screen's source line once a callback arrived.
var viaRelay = regexp.MustCompile(`via relay · (\d\d:\d\d:\d\d) \((\d+)s ago\)`)

// checkViaRelay checks that the invoice screen's status line names the
// relay and the time the relay received the invoice's newest callback,
// whose status word is want.
func (c *cpSetup) checkViaRelay(t *testing.T, orderID, want string) {
	t.Helper()
	p := c.term
	m := viaRelay.FindStringSubmatch(p.text)
	if m == nil {
		p.fail("the invoice screen does not say the status came via the relay")
	}
	rec := c.relay.record(t, orderID)
	if rec.Status != want || rec.Provider != cryptoprocessing.Key {
		p.fail("the relay's record of %s is %s from %s, want %s from %s", orderID, rec.Status, rec.Provider, want, cryptoprocessing.Key)
	}
	if at := rec.ReceivedAt.In(time.Local).Format("15:04:05"); m[1] != at {
		p.fail("the screen says the relay heard at %s; the relay received the %s callback at %s", m[1], want, at)
	}
}

// ---------------------------------------------------------------------------
// More of the terminal.

// journalEvents reads the invoice's events from the journal.
func (p *term) journalEvents(orderID string) []pos.Event {
	p.t.Helper()
	j, err := journal.Open(p.journalPath)
	if err != nil {
		p.fail("cannot open the journal: %v", err)
	}
	defer j.Close()
	events, err := j.Events(context.Background(), orderID)
	if err != nil {
		p.fail("journal events of %s: %v", orderID, err)
	}
	return events
}

// cleanEnv is the environment the terminal and its commands run in.
func (p *term) cleanEnv() []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
		"HOME=" + p.home,
		"XDG_CONFIG_HOME=" + p.xdg("config"),
		"XDG_DATA_HOME=" + p.xdg("data"),
		"XDG_STATE_HOME=" + p.xdg("state"),
		"XDG_CACHE_HOME=" + p.xdg("cache"),
		"XDG_RUNTIME_DIR=" + p.xdg("runtime"),
	}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz) // the screen's times are compared with the test's
	}
	return append(env, p.env...)
}

// quit presses q on the Sale screen and waits for the terminal to exit
// with status 0.
func (p *term) quit() {
	p.t.Helper()
	pid := p.pid()
	p.waitForText("Amount (EUR)")
	p.sendKeys("q")
	if e, ok := p.waitForExit(pid, deadline); !ok || e.reaped() && e.status != "0" {
		p.fail("q on the Sale screen: the terminal is %s, want exited with status 0", e)
	}
}

// relaunch starts the terminal again in its pane after it exited, as the
// cashier does the next time.
func (p *term) relaunch() {
	p.t.Helper()
	old := p.pid()
	if out, err := p.tmux(append([]string{"respawn-pane", "-t", p.target}, p.command()...)...); err != nil {
		p.fail("cannot start the terminal again: %v\n%s", err, out)
	}
	p.waitForPID(old)
}

// cliResult is what a command printed and its exit code.
type cliResult struct {
	stdout, stderr string
	code           int
}

// cliCmd is a `cryptopos` command run the way a script runs it, on the
// terminal's config, in the terminal's environment.
func (p *term) cliCmd(args ...string) (*exec.Cmd, *e2ekit.Buffer, *e2ekit.Buffer) {
	cmd := exec.Command(binPath, append(args, "--config", p.configPath)...)
	cmd.Env = p.cleanEnv()
	stdout, stderr := &e2ekit.Buffer{}, &e2ekit.Buffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd, stdout, stderr
}

// cli runs a command to its end (at most deadline).
func (p *term) cli(args ...string) cliResult {
	p.t.Helper()
	bg := p.startCLI(args...)
	return bg.wait(p.t, deadline)
}

// bgCommand is a command running in the background.
type bgCommand struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr *e2ekit.Buffer
	done           chan struct{}
}

// startCLI starts a command in the background; it is killed if still
// running when the test ends.
func (p *term) startCLI(args ...string) *bgCommand {
	p.t.Helper()
	cmd, stdout, stderr := p.cliCmd(args...)
	if err := cmd.Start(); err != nil {
		p.fail("cannot run cryptopos %s: %v", strings.Join(args, " "), err)
	}
	b := &bgCommand{args: args, cmd: cmd, stdout: stdout, stderr: stderr, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(b.done) }()
	p.t.Cleanup(func() {
		select {
		case <-b.done:
		default:
			_ = cmd.Process.Kill()
			<-b.done
		}
	})
	return b
}

// waitStdout waits for re to match the command's output.
func (b *bgCommand) waitStdout(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	for start := time.Now(); time.Since(start) < deadline; time.Sleep(pollEvery) {
		if m := re.FindStringSubmatch(b.stdout.String()); m != nil {
			return m
		}
	}
	t.Fatalf("cryptopos %s did not print %s; stdout:\n%s\nstderr:\n%s", strings.Join(b.args, " "), re, b.stdout, b.stderr)
	return nil
}

// wait waits for the command to exit, at most within.
func (b *bgCommand) wait(t *testing.T, within time.Duration) cliResult {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(within):
		t.Fatalf("cryptopos %s still runs after %s; stdout:\n%s\nstderr:\n%s", strings.Join(b.args, " "), within, b.stdout, b.stderr)
	}
	code := b.cmd.ProcessState.ExitCode()
	if code < 0 {
		t.Fatalf("cryptopos %s: %s", strings.Join(b.args, " "), b.cmd.ProcessState)
	}
	return cliResult{stdout: b.stdout.String(), stderr: b.stderr.String(), code: code}
}
