//go:build unix

package crash

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
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
	"cryptopos/providers/cryptoprocessing"
)

// secretForm is one way a secret could be written out.
type secretForm struct{ name, text string }

// secretForms are a secret as written, and its base64 and hex encodings.
func secretForms(secret string) []secretForm {
	b := []byte(secret)
	forms := []secretForm{
		{"as is", secret},
		{"base64", base64.StdEncoding.EncodeToString(b)},
		{"base64 without padding", base64.RawStdEncoding.EncodeToString(b)},
		{"base64url", base64.RawURLEncoding.EncodeToString(b)},
		{"hex", hex.EncodeToString(b)},
		{"HEX", strings.ToUpper(hex.EncodeToString(b))},
	}
	seen := map[string]bool{}
	out := forms[:0]
	for _, f := range forms {
		if !seen[f.text] {
			seen[f.text] = true
			out = append(out, f)
		}
	}
	return out
}

// ansi matches the escape sequences a terminal program writes: CSI, OSC,
// DCS/APC/PM strings, and two-byte escapes.
var ansi = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P_^X][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]`)

// secret is a value that must never be written out.
type secret struct{ name, value string }

// leakCheck collects every output of a run and, at the end, searches
// them all for the secrets.
type leakCheck struct {
	t       *testing.T
	secrets []secret
	outputs []leakOutput
}

type leakOutput struct {
	name string
	text string
	// exempt are the names of the secrets this output may hold: a
	// sandbox prints the keys it was started with, by design.
	exempt []string
}

func (l *leakCheck) add(name, text string, exempt ...string) {
	l.outputs = append(l.outputs, leakOutput{name, text, exempt})
}

// addFile adds a file that must exist (a log).
func (l *leakCheck) addFile(name, path string) {
	l.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		l.t.Errorf("%s: %v", name, err)
	}
	l.add(name+" "+path, string(b))
}

// addPty adds a terminal's whole output stream: the bytes, the bytes
// without escape sequences, and every screen it showed with its lines
// joined (a secret the layout wrapped).
func (l *leakCheck) addPty(name string, p *ptyProc) {
	raw := p.rawOutput()
	l.add(name+" (output bytes)", string(raw))
	l.add(name+" (output text)", ansi.ReplaceAllString(string(raw), ""))
	p.mu.Lock()
	frames := append([]string(nil), p.frames...)
	p.mu.Unlock()
	var joined strings.Builder
	for i, f := range frames {
		fmt.Fprintf(&joined, "\n[screen %d] ", i)
		for _, line := range strings.Split(f, "\n") {
			joined.WriteString(strings.TrimSpace(line))
		}
	}
	l.add(name+" (screens, lines joined)", joined.String())
}

// check searches every output for every secret it may not hold.
func (l *leakCheck) check() {
	l.t.Helper()
	for _, o := range l.outputs {
		var secrets []string
		for _, s := range l.secrets {
			exempt := false
			for _, e := range o.exempt {
				exempt = exempt || e == s.name
			}
			if !exempt {
				secrets = append(secrets, s.value)
			}
		}
		checkNoSecrets(l.t, o.name, o.text, secrets...)
	}
}

// TestNoSecretLeaks runs cryptopos with known, distinctive secrets (a
// Cryptomus payment key, a Cryptoprocessing API key and secret key, a
// relay token, a manager PIN, and wrong keys) through sales on both
// providers, the kiosk's PIN prompt, the embedded and the standalone
// relay refusing tokens and signatures, the providers refusing the keys,
// the command-line tools, and broken configs, then searches everything
// the processes wrote for the secrets, as written and base64 or hex
// encoded: the terminal's whole output stream and every screen, the logs,
// stdout and stderr.
//
// The sandboxes are the one exemption: `cryptopos sandbox` prints a config
// section to paste with the (test) keys it accepts, as the README says;
// their output is still searched for every other secret.
//
// No panic path is exercised: the binary has none that input can reach
// (the only panics in its code are the demo's config check, which cannot
// fail, and the sandbox's http.ErrAbortHandler, which net/http swallows).
func TestNoSecretLeaks(t *testing.T) {
	needBinary(t)
	t.Parallel()
	dir := t.TempDir()
	env := cleanEnv(t, dir)
	pin := strconv.Itoa(7+rand.IntN(2)) + fmt.Sprintf("%011d", rand.Int64N(1e11)) // 12 digits
	s := struct {
		payment, wrongPayment, apiKey, secretKey, wrongSecret, token, wrongToken, pin string
	}{
		payment:      "leak-payment-key-" + e2ekit.RandomHex(10),
		wrongPayment: "leak-wrong-payment-key-" + e2ekit.RandomHex(10),
		apiKey:       "leak-api-key-" + e2ekit.RandomHex(10),
		secretKey:    "leak-secret-key-" + e2ekit.RandomHex(12),
		wrongSecret:  "leak-wrong-secret-key-" + e2ekit.RandomHex(12),
		token:        "leak-relay-token-" + e2ekit.RandomHex(12),
		wrongToken:   "leak-wrong-relay-token-" + e2ekit.RandomHex(12),
		pin:          pin,
	}
	l := &leakCheck{t: t, secrets: []secret{
		{"payment", s.payment}, {"wrong payment", s.wrongPayment}, {"api", s.apiKey}, {"secret", s.secretKey},
		{"wrong secret", s.wrongSecret}, {"token", s.token}, {"wrong token", s.wrongToken}, {"pin", s.pin},
	}}
	defer l.check()

	// --- Cryptomus: a kiosk with an embedded relay. ---
	cm := startCMSandbox(t, env, s.payment)
	defer func() { l.add("cryptopos sandbox cryptomus stdout", cm.stdout.String(), "payment") }()
	defer func() { l.add("cryptopos sandbox cryptomus stderr", cm.stderr.String()) }()
	logPath := filepath.Join(dir, "cm", "cryptopos.log")
	config := filepath.Join(dir, "cm", "config.toml")
	writeFile(t, config, fmt.Sprintf(`provider = "cryptomus"

[shop]
name = "Leak Shop"
currency = "EUR"

[journal]
path = %q

[log]
path = %q
level = "debug"

[poll]
interval = "1s"

[relay]
listen = "127.0.0.1:0"
token = %q

[kiosk]
enabled = true
return_after = "0s"

[cryptoprocessing]
api_key = %q
secret_key = %q

%spay_currencies = ["BTC", "USDT:tron"]
`, filepath.Join(dir, "cm", "journal.db"), logPath, s.token, s.apiKey, s.secretKey, cm.Section), 0o600)
	pinCmd := exec.Command(binPath, "pin", "--config", config)
	pinCmd.Env = env
	pinCmd.Stdin = strings.NewReader(s.pin + "\n" + s.pin + "\n")
	var pinOut, pinErr bytes.Buffer
	pinCmd.Stdout, pinCmd.Stderr = &pinOut, &pinErr
	if err := pinCmd.Run(); err != nil {
		t.Fatalf("cryptopos pin: %v\n%s%s", err, pinOut.String(), pinErr.String())
	}
	l.add("cryptopos pin stdout", pinOut.String())
	l.add("cryptopos pin stderr", pinErr.String())
	if b, _ := os.ReadFile(config); !strings.Contains(string(b), "pin_hash") {
		t.Fatalf("cryptopos pin wrote no pin_hash into the config:\n%s", b)
	}

	p := startPty(t, []string{"--config", config}, env, 0)
	p.keepFrames()
	k := &kioskRun{t: t, p: p, log: logPath}
	k.await("the Sale screen", onSale)
	// The embedded relay: refusals and an authentic callback.
	relayURL := regexp.MustCompile(`msg="relay serving" url=(\S+)`).FindStringSubmatch(e2ekit.ReadFile(logPath))
	if relayURL == nil {
		t.Fatalf("the terminal's log does not say where its relay serves:\n%s", e2ekit.ReadFile(logPath))
	}
	checkRelayRefusals(t, relayURL[1], relayKeys{APIKey: s.apiKey, SecretKey: s.secretKey, Token: s.token}, s.wrongToken, s.wrongSecret)
	// A sale, paid.
	order := k.sell("12.50", "2")
	cm.drive(t, order, "pay")
	p.send("r")
	k.await("PAID", func(s string) bool { return onResult(s) && strings.Contains(s, "PAID") })
	p.send("\r")
	k.await("the Sale screen", onSale)
	// The history behind the PIN: a wrong one, then the right one.
	p.send("h")
	k.await("the PIN prompt", func(s string) bool { return strings.Contains(s, "Manager PIN") })
	p.send("000000")
	k.await("six stars", func(s string) bool { return strings.Contains(s, "******") })
	p.send("\r")
	k.await("the refusal", func(s string) bool { return strings.Contains(s, "That PIN is not right") })
	p.send(s.pin)
	k.await("twelve stars", func(s string) bool { return strings.Contains(s, "************") })
	p.send("\r")
	k.await("the history", func(s string) bool { return strings.Contains(s, "History") && strings.Contains(s, "PAID") })
	p.send("\x1b")
	k.await("the Sale screen", onSale)
	// A sale cancelled on the terminal.
	k.sell("7.00", "1")
	p.send("c")
	k.await("the question", func(s string) bool { return strings.Contains(s, "Cancel this sale?") })
	p.send("y")
	k.await("the result", onResult)
	p.send("\r")
	k.await("the Sale screen", onSale)
	// F10 and the PIN leave the kiosk.
	p.send("\x1b[21~")
	k.await("the PIN prompt", func(s string) bool { return strings.Contains(s, "Manager PIN to quit") })
	p.send(s.pin + "\r")
	select {
	case <-p.exited:
	case <-time.After(deadline):
		t.Fatalf("F10 and the PIN did not quit the kiosk; screen:\n%s", p.currentScreen())
	}
	p.closePty()
	if !exitedCleanly(p.state) {
		t.Errorf("the kiosk exited with %v, want status 0", p.state)
	}
	l.addPty("the Cryptomus kiosk", p)

	// The command-line tools on the same journal. (Their config leaves
	// out [cryptoprocessing], which only the terminal's embedded relay
	// reads: `cryptopos invoice` refuses it as unknown keys.)
	kioskConfig, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(dir, "cm", "cli.toml")
	writeFile(t, cliConfig, regexp.MustCompile(`(?s)\[cryptoprocessing\]\n.*?\n\n`).ReplaceAllString(string(kioskConfig), ""), 0o600)
	cliRun := func(want int, args ...string) string {
		t.Helper()
		cmd := exec.Command(binPath, append(args, "--config", cliConfig)...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		_ = cmd.Run()
		name := "cryptopos " + strings.Join(args, " ")
		if code := cmd.ProcessState.ExitCode(); code != want {
			t.Errorf("%s: exit %d, want %d\n%s%s", name, code, want, out.String(), errOut.String())
		}
		l.add(name+" stdout", out.String())
		l.add(name+" stderr", errOut.String())
		return out.String()
	}
	created := cliRun(0, "invoice", "create", "--amount", "3.00", "--pay", "BTC", "--json")
	m := regexp.MustCompile(`"order_id":\s*"([^"]+)"`).FindStringSubmatch(created)
	if m == nil {
		t.Fatalf("invoice create --json printed no order_id:\n%s", created)
	}
	cliRun(14, "invoice", "watch", m[1], "--timeout", "1s")
	cliRun(0, "invoice", "list", "--json")
	cliRun(0, "invoice", "list", "--all")
	cliRun(0, "report")
	cliRun(0, "report", "--json")
	cliRun(0, "report", "--csv")
	cliRun(1, "invoice", "watch", "no-such-order", "--timeout", "1s")
	cliRun(2, "invoice", "create", "--amount", "abc")

	// --- Cryptomus with a wrong payment key: 401 Invalid Sign. ---
	wrong := strings.Replace(string(kioskConfig), strconv.Quote(s.payment), strconv.Quote(s.wrongPayment), 1)
	wrong = regexp.MustCompile(`(?m)^enabled = true$`).ReplaceAllString(wrong, "enabled = false")
	wrongConfig := filepath.Join(dir, "cm", "wrong.toml")
	wrong = strings.Replace(wrong, filepath.Join(dir, "cm", "journal.db"), filepath.Join(dir, "cm", "wrong-journal.db"), 1)
	writeFile(t, wrongConfig, strings.Replace(wrong, logPath, logPath+".wrong", 1), 0o600)
	p = startPty(t, []string{"--config", wrongConfig}, env, 0)
	p.keepFrames()
	k = &kioskRun{t: t, p: p, log: logPath + ".wrong"}
	k.await("the refused coin check", func(s string) bool {
		return onSale(s) && strings.Contains(flat(s), "refused the merchant id or signature")
	})
	p.send("5.00\r")
	k.await("the Currency screen", onCurrency)
	p.send("2")
	k.awaitLog("the sale refused", `msg="invoice recorded" order_id=\S+ status=failed`)
	k.awaitLog("the sandbox's 401", `op=create http_status=401 .*Invalid Sign`)
	k.await("the refusal", func(s string) bool { return onCurrency(s) && strings.Contains(flat(s), "Cryptomus refused") })
	if state, ok := p.quit("\x03"); !ok || !exitedCleanly(state) {
		t.Errorf("ctrl+c: %v", state)
	}
	l.addPty("the terminal with a wrong payment key", p)
	l.addFile("its log", logPath+".wrong")
	l.addFile("the Cryptomus kiosk's log", logPath)

	// --- Cryptoprocessing through a standalone relay. ---
	cpRun(t, l, dir, env, s.apiKey, s.secretKey, s.token, s.wrongSecret, s.wrongToken)
}

// kioskRun drives a terminal in a test of its own.
type kioskRun struct {
	t   *testing.T
	p   *ptyProc
	log string // the terminal's log, shown on failure
}

func (k *kioskRun) await(desc string, cond func(string) bool) string {
	k.t.Helper()
	s, ok := k.p.await(deadline, cond)
	if !ok {
		k.t.Fatalf("still waiting for %s (the terminal is %s); screen:\n%s\ntail of its log:\n%s", desc, describeState(k.p.state), s,
			e2ekit.Tail(e2ekit.ReadFile(k.log), 30))
	}
	return s
}

// awaitLog waits for the terminal's log to match re.
func (k *kioskRun) awaitLog(desc, re string) {
	k.t.Helper()
	r := regexp.MustCompile(re)
	for start := time.Now(); !r.MatchString(e2ekit.ReadFile(k.log)); time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > deadline {
			k.t.Fatalf("the log does not show %s (%s); screen:\n%s\ntail of the log:\n%s", desc, re, k.p.currentScreen(), e2ekit.Tail(e2ekit.ReadFile(k.log), 30))
		}
	}
}

// sell types amount, picks row and returns the order id once the QR code
// is on screen.
func (k *kioskRun) sell(amount, row string) string {
	k.t.Helper()
	k.await("the Sale screen", onSale)
	k.p.send(amount + "\r")
	k.await("the Currency screen", onCurrency)
	k.p.send(row)
	s := k.await("the invoice", func(s string) bool { return withQR(s) && orderShown(s) != "" })
	return orderShown(s)
}

// checkRelayRefusals makes a relay refuse a missing and a wrong token and
// forged, unsigned and tampered callbacks, and take an authentic one.
func checkRelayRefusals(t *testing.T, url string, k relayKeys, wrongToken, wrongSecret string) {
	t.Helper()
	r := &relayRig{t: t, keys: k}
	r.url.Store(&url)
	c := &http.Client{Timeout: 5 * time.Second}
	id := "leak-" + e2ekit.RandomHex(4)
	for _, tok := range []string{"", wrongToken, k.Token + "x", strings.ToUpper(k.Token)} {
		if code, _ := r.get(c, id, tok); code != http.StatusUnauthorized {
			t.Errorf("GET with a missing or wrong token: %d, want 401", code)
		}
	}
	if code, _ := r.get(c, id, k.Token); code != http.StatusNotFound {
		t.Errorf("GET with the token, before any callback: %d, want 404", code)
	}
	body := []byte(fmt.Sprintf(`{"id":1,"foreign_id":%q,"type":"invoice","status":"confirmed"}`, id))
	for _, h := range []map[string]string{
		{"X-Processing-Key": k.APIKey, "X-Processing-Signature": cryptoprocessing.Sign(body, wrongSecret)},
		{"X-Processing-Key": k.APIKey},
		{"X-Processing-Key": "not-" + k.APIKey, "X-Processing-Signature": cryptoprocessing.Sign(body, k.SecretKey)},
		{"X-Processing-Key": k.APIKey, "X-Processing-Signature": cryptoprocessing.Sign(append(body, ' '), k.SecretKey)},
	} {
		req, _ := http.NewRequest(http.MethodPost, url+cryptoprocessing.CallbackPath, bytes.NewReader(body))
		for name, v := range h {
			req.Header.Set(name, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a forged callback: %d, want 403", resp.StatusCode)
		}
	}
	if code := r.post(c, body); code != http.StatusOK {
		t.Errorf("an authentic callback: %d, want 200", code)
	}
	if code, rec := r.get(c, id, k.Token); code != http.StatusOK || rec.Status != "confirmed" {
		t.Errorf("after the authentic callback: %d %+v", code, rec)
	}
}

// cpRun sells through Cryptoprocessing and a standalone relay, then with a
// wrong secret key and a wrong relay token.
func cpRun(t *testing.T, l *leakCheck, dir string, env []string, apiKey, secretKey, token, wrongSecret, wrongToken string) {
	t.Helper()
	keys := relayKeys{APIKey: apiKey, SecretKey: secretKey, Token: token}
	r := newRelayRig(t, filepath.Join(dir, "relay"), keys)
	r.start()
	checkRelayRefusals(t, *r.url.Load(), keys, wrongToken, wrongSecret)

	sb := startDaemon(t, "the Cryptoprocessing sandbox", env, "sandbox", "cryptoprocessing", "--listen", "127.0.0.1:0",
		"--callback-url", *r.url.Load()+cryptoprocessing.CallbackPath, "--api-key", apiKey, "--secret-key", secretKey)
	sbURL := sb.waitOutput(t, regexp.MustCompile(`Cryptoprocessing sandbox listening on (http://\S+)\n`))[1]
	sb.waitOutput(t, regexp.MustCompile(`Stop with Ctrl-C`))
	defer func() {
		sb.stop()
		l.add("cryptopos sandbox cryptoprocessing stdout", sb.stdout.String(), "api", "secret")
		l.add("cryptopos sandbox cryptoprocessing stderr", sb.stderr.String())
	}()
	defer func() {
		r.proc.stop()
		l.add("cryptopos relay stdout", r.proc.stdout.String())
		l.add("cryptopos relay stderr", r.proc.stderr.String())
		l.addFile("the relay's log", r.log)
	}()

	write := func(name, secret, tok string) (config, log string) {
		config, log = filepath.Join(dir, "cp", name+".toml"), filepath.Join(dir, "cp", name+".log")
		writeFile(t, config, fmt.Sprintf(`provider = "cryptoprocessing"

[shop]
name = "Leak Shop"
currency = "EUR"

[journal]
path = %q

[log]
path = %q
level = "debug"

[poll]
interval = "1s"

[cryptoprocessing]
base_url = %q
api_key = %q
secret_key = %q
relay_url = %q
relay_token = %q
pay_currencies = ["BTC", "ETH"]
`, filepath.Join(dir, "cp", "journal.db"), log, sbURL+"/api/v2", apiKey, secret, *r.url.Load(), tok), 0o600)
		return config, log
	}

	// The right keys: a sale paid, as the relay hears it.
	config, log := write("right", secretKey, token)
	p := startPty(t, []string{"--config", config}, env, 0)
	p.keepFrames()
	k := &kioskRun{t: t, p: p, log: log}
	order := k.sell("12.50", "1")
	for _, action := range []string{"choose", "pay"} {
		if code, body := e2ekit.AdminCall(t, http.MethodPost, sbURL+"/_sandbox/invoices/"+order+"/"+action, nil); code != http.StatusOK {
			t.Fatalf("the Cryptoprocessing sandbox: %s %s: %d %s", order, action, code, body)
		}
	}
	p.send("r")
	k.await("PAID", func(s string) bool { return onResult(s) && strings.Contains(s, "PAID") })
	if state, ok := p.quit("\x03"); !ok || !exitedCleanly(state) {
		t.Errorf("ctrl+c: %v", state)
	}
	l.addPty("the Cryptoprocessing terminal", p)
	l.addFile("its log", log)

	// A wrong secret key: the sandbox refuses the create.
	config, log = write("wrong-secret", wrongSecret, token)
	p = startPty(t, []string{"--config", config}, env, 0)
	p.keepFrames()
	k = &kioskRun{t: t, p: p, log: log}
	k.await("the Sale screen", onSale)
	p.send("15.00\r")
	k.await("the Currency screen", onCurrency)
	p.send("1")
	k.awaitLog("the sale refused", `msg="invoice recorded" order_id=\S+ status=failed`)
	k.await("the refusal", func(s string) bool {
		return onCurrency(s) && strings.Contains(flat(s), "check cryptoprocessing.secret_key")
	})
	if state, ok := p.quit("\x03"); !ok || !exitedCleanly(state) {
		t.Errorf("ctrl+c: %v", state)
	}
	l.addPty("the Cryptoprocessing terminal with a wrong secret key", p)
	l.addFile("its log", log)

	// A wrong relay token: the invoice is made, the relay refuses the reads.
	config, log = write("wrong-token", secretKey, wrongToken)
	p = startPty(t, []string{"--config", config}, env, 0)
	p.keepFrames()
	k = &kioskRun{t: t, p: p, log: log}
	k.sell("16.00", "1")
	k.await("the relay's refusal", func(s string) bool { return strings.Contains(flat(s), "refused the token") })
	if state, ok := p.quit("\x03"); !ok || !exitedCleanly(state) {
		t.Errorf("ctrl+c: %v", state)
	}
	l.addPty("the Cryptoprocessing terminal with a wrong relay token", p)
	l.addFile("its log", log)
}

// TestNoSecretLeaksInConfigErrors starts the terminal (in a
// pseudo-terminal), `cryptopos relay` and `cryptopos report` on configs
// that hold known secrets and are wrong in some way, each past every
// check but the one the case is about: each must stop with an error that
// does not quote a secret, on the screen, stdout, stderr or a log.
func TestNoSecretLeaksInConfigErrors(t *testing.T) {
	needBinary(t)
	t.Parallel()
	dir := t.TempDir()
	env := cleanEnv(t, dir)
	payment, apiKey, secretKey := "leak-payment-key-"+e2ekit.RandomHex(10), "leak-api-key-"+e2ekit.RandomHex(10), "leak-secret-key-"+e2ekit.RandomHex(12)
	token := "leak-relay-token-" + e2ekit.RandomHex(12)
	digits := fmt.Sprintf("%d%021d", 1+rand.IntN(9), rand.Int64N(1e18)) // a key that TOML would read as a number
	secrets := []secret{{"payment", payment}, {"api", apiKey}, {"secret", secretKey}, {"token", token}, {"numeric", digits}}

	head := "[shop]\nname = \"Leak Shop\"\ncurrency = \"EUR\"\n\n[journal]\npath = %[1]q\n\n[log]\npath = %[2]q\n\n"
	relay := "[relay]\nlisten = \"127.0.0.1:0\"\nstore = %[3]q\n"
	cm := "provider = \"cryptomus\"\n" + head + "[cryptomus]\nbase_url = \"http://127.0.0.1:1/v1\"\nmerchant = \"5c1f3e52-7a0b-4d8e-9c61-2b7f0a9d4e13\"\n"
	cp := "provider = \"cryptoprocessing\"\n" + head + relay + "token = \"" + token + "\"\n\n[cryptoprocessing]\nbase_url = \"http://127.0.0.1:1/api/v2\"\n"
	keys := "api_key = \"" + apiKey + "\"\nsecret_key = \"" + secretKey + "\"\n"
	cases := []struct {
		name, body string
		env        []string // more environment
		says       string   // what the error says
	}{
		{"the payment key unquoted", cm + "payment_key = " + payment + "\n", nil, "not valid TOML"},
		{"the payment key unterminated", cm + "payment_key = \"" + payment + "\n", nil, "not valid TOML"},
		{"the payment key in an array", cm + "payment_key = [\"" + payment + "\"]\n", nil, "expected string"},
		{"the payment key after a colon", cm + "payment_key: \"" + payment + "\"\n", nil, "line"},
		{"the payment key on a line of its own", cm + "payment_key =\n" + payment + "\n", nil, "line"},
		{"the payment key and a misspelt copy", cm + "payment_key = \"" + payment + "\"\npaymnet_key = \"" + payment + "\"\n", nil, "unknown key"},
		{"the payment key and a bad lifetime", cm + "payment_key = \"" + payment + "\"\nlifetime = \"1m\"\n", nil, "lifetime"},
		{"the payment key as a key's name", cm + "payment_key = \"" + payment + "\"\n\"" + payment + "\" = 1\n", nil, "unknown key"},
		{"the key in the environment, left in the file as a name", cm + payment + " = \"\"\n",
			[]string{"CRYPTOPOS_CRYPTOMUS_PAYMENT_KEY=" + payment}, "unknown key"},
		{"a secret key as a number", cp + "api_key = \"" + apiKey + "\"\nsecret_key = " + digits + "\n", nil, "not valid TOML"},
		{"a secret key as a float", cp + "api_key = \"" + apiKey + "\"\nsecret_key = " + digits + ".5\n", nil, "expected string"},
		{"an API key as a date", cp + "api_key = 2026-01-02T03:04:05Z\nsecret_key = \"" + secretKey + "\"\n", nil, "expected string"},
		{"the secret key as a key's name", cp + keys + "\"" + secretKey + "\" = true\n", nil, "unknown key"},
		{"a relay token with a space", "provider = \"cryptoprocessing\"\n" + head + relay + "token = \"" + token + " x\"\n\n[cryptoprocessing]\n" + keys, nil, "relay.token"},
		{"a relay token as a number", "provider = \"cryptoprocessing\"\n" + head + relay + "token = " + digits + "\n\n[cryptoprocessing]\n" + keys, nil, "line"},
		{"a relay token under a misspelt name", "provider = \"cryptoprocessing\"\n" + head + relay + "token = \"" + token + "\"\ntokne = \"" + token + "\"\n\n[cryptoprocessing]\n" + keys, nil, "unknown key"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := &leakCheck{t: t, secrets: secrets}
			defer l.check()
			cdir := filepath.Join(dir, strconv.Itoa(i))
			config, logPath := filepath.Join(cdir, "config.toml"), filepath.Join(cdir, "cryptopos.log")
			writeFile(t, config, fmt.Sprintf(c.body, filepath.Join(cdir, "journal.db"), logPath, filepath.Join(cdir, "relay.db")), 0o600)
			cenv := append(append([]string(nil), env...), c.env...)
			// The terminal, in a pseudo-terminal: it must stop at once.
			p := startPty(t, []string{"--config", config}, cenv, 0)
			select {
			case <-p.exited:
			case <-time.After(5 * time.Second):
				t.Errorf("the terminal started on the broken config; screen:\n%s", p.currentScreen())
			}
			p.kill()
			out := ansi.ReplaceAllString(string(p.rawOutput()), "")
			if p.state == nil || p.state.ExitCode() != 1 || !strings.Contains(out, c.says) {
				t.Errorf("the terminal %v, saying %q; want exit status 1 and an error that says %q", p.state, out, c.says)
			}
			l.add("the terminal's output", string(p.rawOutput()))
			for _, args := range [][]string{{"relay", "--config", config}, {"report", "--config", config}} {
				cmd := exec.Command(binPath, args...)
				cmd.Env = cenv
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				select {
				case <-done:
				case <-time.After(5 * time.Second):
					_ = cmd.Process.Kill()
					<-done
					if args[0] == "relay" {
						t.Errorf("cryptopos relay ran on the broken config")
					}
				}
				// The report reads the journal only, and may run on a
				// config whose provider section is wrong; the relay must
				// not, when the config has a [relay] section.
				if args[0] == "relay" && strings.Contains(c.body, "[relay]") && cmd.ProcessState.ExitCode() == 0 {
					t.Errorf("cryptopos relay exited 0 on the broken config")
				}
				l.add("cryptopos "+args[0]+" stdout", stdout.String())
				l.add("cryptopos "+args[0]+" stderr", stderr.String())
			}
			for _, log := range []string{logPath, filepath.Join(cdir, "relay.log")} {
				if b, err := os.ReadFile(log); err == nil {
					l.add(log, string(b))
				}
			}
		})
	}
}

// TestConfigPermissionWarning starts the terminal on configs with modes
// 0644, 0600 and 0640: the first shows a warning on the Sale screen and
// logs it, the others do not. The standalone relay warns the same way on
// stderr.
func TestConfigPermissionWarning(t *testing.T) {
	needBinary(t)
	t.Parallel()
	dir := t.TempDir()
	env := cleanEnv(t, dir)
	sb := startCMSandbox(t, env, "perm-payment-key-"+e2ekit.RandomHex(8))
	const warning = "can be read by every user of this machine"
	for _, mode := range []os.FileMode{0o644, 0o600, 0o640} {
		t.Run(fmt.Sprintf("%04o", mode), func(t *testing.T) {
			cdir := filepath.Join(dir, fmt.Sprintf("%04o", mode))
			config, logPath := filepath.Join(cdir, "config.toml"), filepath.Join(cdir, "cryptopos.log")
			writeFile(t, config, fmt.Sprintf(`provider = "cryptomus"

[shop]
name = "Perm Shop"
currency = "EUR"

[journal]
path = %q

[log]
path = %q

%s`, filepath.Join(cdir, "journal.db"), logPath, sb.Section), mode)
			p := startPty(t, []string{"--config", config}, env, 0)
			screen, ok := p.await(deadline, func(s string) bool {
				// The whole first frame, down to the help bar: the notice
				// is in it from the start, above the amount.
				return onSale(s) && strings.Contains(s, "day report") && (mode&0o004 == 0 || strings.Contains(flat(s), warning))
			})
			if !ok {
				t.Fatalf("mode %04o: no Sale screen%s:\n%s", mode, map[bool]string{true: " with the warning"}[mode&0o004 != 0], screen)
			}
			if mode&0o004 == 0 {
				if s := p.currentScreen(); strings.Contains(flat(s), warning) {
					t.Errorf("mode %04o: the Sale screen warns about the config's permissions:\n%s", mode, s)
				}
			} else if !strings.Contains(flat(screen), "chmod 600 "+config) {
				t.Errorf("mode %04o: the warning does not say how to fix it:\n%s", mode, screen)
			}
			if state, ok := p.quit("\x03"); !ok || !exitedCleanly(state) {
				t.Errorf("ctrl+c: %v", state)
			}
			logged := strings.Contains(e2ekit.ReadFile(logPath), "config file readable by all users")
			if logged != (mode&0o004 != 0) {
				t.Errorf("mode %04o: the log says the config is readable by all: %t, want %t\n%s", mode, logged, mode&0o004 != 0, e2ekit.ReadFile(logPath))
			}

			// The relay, on the same file's mode.
			rconfig := filepath.Join(cdir, "relay.toml")
			writeFile(t, rconfig, fmt.Sprintf(`[relay]
listen = "127.0.0.1:0"
token = %q
store = %q

[log]
path = %q

[cryptoprocessing]
api_key = "perm-api-key"
secret_key = "perm-secret-key"
`, "perm-token-"+e2ekit.RandomHex(12), filepath.Join(cdir, "relay.db"), filepath.Join(cdir, "relay.log")), mode)
			d := startDaemon(t, "the relay", env, "relay", "--config", rconfig)
			d.waitOutput(t, relayListening)
			d.stop()
			warned := strings.Contains(d.stderr.String(), warning)
			if warned != (mode&0o004 != 0) {
				t.Errorf("mode %04o: the relay warns on stderr: %t, want %t\n%s", mode, warned, mode&0o004 != 0, d.stderr)
			}
		})
	}
}
