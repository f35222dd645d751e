//go:build unix

package crash

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"cryptopos/e2e/e2ekit"
	"cryptopos/journal"
	"cryptopos/pos"
	"cryptopos/providers/cryptomus/sandbox"
)

// Where TestCrashAnywhere kills the terminal during a sale.
const (
	killEnter   = "enter"   // right after the pay option's key: before or during the create
	killQR      = "qr"      // at the first frame with the QR code
	killWaiting = "waiting" // a random moment while the invoice waits
	killStatus  = "status"  // right after the sandbox moved the invoice on: during the status write
	killBytes   = "bytes"   // at a random byte offset of the output stream
)

var killPoints = []string{killEnter, killQR, killWaiting, killStatus, killBytes}

// stoppedBefore is the reason of an invoice the terminal looked up after a
// restart and the provider never made.
const stoppedBefore = "The terminal stopped before Cryptomus created the invoice; there was nothing to pay."

// cmStatuses maps the sandbox's status words (with is_final as the
// sandbox sets it) onto the journal's statuses.
var cmStatuses = map[string]pos.Status{
	"check": pos.StatusWaiting, "process": pos.StatusWaiting, "confirm_check": pos.StatusConfirming,
	"wrong_amount_waiting": pos.StatusPartial, "locked": pos.StatusOnHold,
	"paid": pos.StatusPaid, "paid_over": pos.StatusOverpaid, "wrong_amount": pos.StatusUnderpaid,
	"cancel": pos.StatusExpired, "fail": pos.StatusFailed, "system_fail": pos.StatusFailed,
}

// Actions on the sandbox: what moves an open invoice on, what ends one.
var (
	moveOn = []sandbox.Action{sandbox.ConfirmCheck, sandbox.PayPartial, sandbox.Lock, sandbox.Process,
		sandbox.Pay, sandbox.PayOver, sandbox.Expire, sandbox.WrongAmount, sandbox.Fail}
	finish     = []sandbox.Action{sandbox.Pay, sandbox.PayOver, sandbox.Expire, sandbox.WrongAmount, sandbox.Fail}
	meanwhile  = []sandbox.Action{sandbox.Pay, sandbox.Expire, sandbox.PayPartial, sandbox.TopUp, sandbox.ConfirmCheck}
	checkEvery = 10 // rounds between invariant checks
)

// TestCrashAnywhere SIGKILLs the real terminal, in a pseudo-terminal, at
// random points of a sale against one long-running Cryptomus sandbox and
// one journal, restarts it each time, and checks that every invoice the
// sandbox knows is in the journal under its order id, is resumed and
// followed to the sandbox's status, and is never made twice; an invoice
// the sandbox never made is closed as such. See the package doc.
func TestCrashAnywhere(t *testing.T) {
	needBinary(t)
	t.Parallel()
	seed := envUint(t, "CRYPTOPOS_CRASH_SEED", uint64(time.Now().UnixNano()))
	rounds := int(envUint(t, "CRYPTOPOS_CRASH_ROUNDS", 100))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("TestCrashAnywhere seed %d: rerun with CRYPTOPOS_CRASH_SEED=%d go test -run TestCrashAnywhere ./e2e/crash/", seed, seed)
		}
	})
	r := newCrashRig(t, seed)
	start := time.Now()
	for n := 1; n <= rounds; n++ {
		r.round = n
		r.sale()
		r.restart()
		if n%checkEvery == 0 || n == rounds {
			r.checkBooks(false)
		}
		if t.Failed() {
			break
		}
	}
	r.finalStart()
	r.checkBooks(true)
	integrityCheck(t, "journal", r.journalPath)

	points := make([]string, 0, len(r.stats))
	for k, v := range r.stats {
		points = append(points, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(points)
	lost, never := r.lostReplies()
	t.Logf("seed %d: %d rounds in %s (%.2f s a round); %d sales started, %d invoices at the sandbox, %d in the journal "+
		"(%d made but their create's reply lost, found by a look-up; %d never made, closed by a look-up); kills and stops: %s",
		seed, rounds, time.Since(start).Round(time.Millisecond), time.Since(start).Seconds()/float64(rounds),
		r.sales, len(r.sb.invoices(t)), len(readJournal(t, r.journalPath)), lost, never, strings.Join(points, ", "))
}

// crashRig is TestCrashAnywhere's world: a sandbox, a config, a journal.
type crashRig struct {
	t     *testing.T
	rng   *rand.Rand
	round int
	sb    *cmSandbox
	env   []string

	dir, configPath, journalPath, logPath string

	// stats counts kill points and how the restarts ended.
	stats map[string]int
	// sales counts the pay options picked (sales possibly started).
	sales int
	// qrBytes is the most output seen up to the first QR frame, to choose
	// byte offsets from.
	qrBytes int
}

func newCrashRig(t *testing.T, seed uint64) *crashRig {
	dir := t.TempDir()
	r := &crashRig{
		t: t, rng: rand.New(rand.NewPCG(seed, 0x63726173682d706f)),
		dir:         dir,
		configPath:  filepath.Join(dir, "config.toml"),
		journalPath: filepath.Join(dir, "data", "journal.db"),
		logPath:     filepath.Join(dir, "data", "cryptopos.log"),
		stats:       map[string]int{},
		qrBytes:     20000,
	}
	r.env = cleanEnv(t, dir)
	r.sb = startCMSandbox(t, r.env, "crash-payment-key-"+e2ekit.RandomHex(8))
	writeFile(t, r.configPath, fmt.Sprintf(`# cryptopos crash test
provider = "cryptomus"

[shop]
name = "Crash Shop"
currency = "EUR"
terminal_id = "crash"

[journal]
path = %q

[log]
path = %q
level = "debug"

[poll]
interval = "1s"
background_interval = "1s"

%spay_currencies = ["BTC", "USDT:tron"]
`, r.journalPath, r.logPath, r.sb.Section), 0o600)
	return r
}

// fail stops the test with what the terminal showed and logged.
func (r *crashRig) fail(p *ptyProc, format string, args ...any) {
	r.t.Helper()
	msg := fmt.Sprintf("round %d: ", r.round) + fmt.Sprintf(format, args...)
	if p != nil {
		msg += fmt.Sprintf("\nthe terminal is %s; last screen:\n%s\n%s%s", describeState(p.state),
			strings.Repeat("=", screenCols), p.currentScreen(), strings.Repeat("=", screenCols))
	}
	msg += "\ntail of the terminal's log:\n" + e2ekit.Tail(e2ekit.ReadFile(r.logPath), 25)
	r.t.Fatal(msg)
}

// start runs the terminal; killAt > 0 kills it at that byte of its output.
func (r *crashRig) start(killAt int) *ptyProc {
	return startPty(r.t, []string{"--config", r.configPath}, r.env, killAt)
}

// await waits for cond; it reports false when the terminal was killed at
// a byte offset meanwhile, and fails the test if it died otherwise or the
// screen never came.
func (r *crashRig) await(p *ptyProc, desc string, cond func(string) bool) bool {
	r.t.Helper()
	if _, ok := p.await(deadline, cond); ok {
		return true
	}
	if p.dead() {
		p.mu.Lock()
		killed := p.killed
		p.mu.Unlock()
		if killed {
			return false
		}
		<-p.exited
		r.fail(p, "the terminal died by itself while waiting for %s", desc)
	}
	r.fail(p, "after %s, still waiting for %s", deadline, desc)
	return false
}

// pause sleeps a random time below max.
func (r *crashRig) pause(max time.Duration) {
	if max > 0 {
		time.Sleep(time.Duration(r.rng.Int64N(int64(max))))
	}
}

// sale is one round's first part: maybe move some invoice on at the
// sandbox, start the terminal, deal with the invoice it resumes, and sell
// until the round's kill point.
func (r *crashRig) sale() {
	t := r.t
	if r.rng.IntN(3) == 0 {
		// The customer, the blockchain or the clock: mostly on open
		// invoices (cancelled on the terminal, or left open by a kill).
		var open, all []string
		for _, inv := range r.sb.invoices(t) {
			all = append(all, inv.OrderID)
			if !inv.IsFinal {
				open = append(open, inv.OrderID)
			}
		}
		if len(open) == 0 || r.rng.IntN(3) == 0 {
			open = all
		}
		if len(open) > 0 {
			r.stats["sandbox moved meanwhile"]++
			r.sb.drive(t, open[r.rng.IntN(len(open))], meanwhile[r.rng.IntN(len(meanwhile))])
		}
	}
	point := killPoints[r.rng.IntN(len(killPoints))]
	r.stats["kill at "+point]++
	killAt := 0
	if point == killBytes {
		killAt = 1 + r.rng.IntN(r.qrBytes*5/4)
	}
	resumed := r.predictResume()
	p := r.start(killAt)
	defer p.kill()
	if !r.toSale(p, resumed) {
		return
	}
	amount := fmt.Sprintf("%d.%02d", 10+r.rng.IntN(90), r.rng.IntN(100)) // above the coins' minimums
	p.send(amount)
	p.send("\r")
	if !r.await(p, "the Currency screen", onCurrency) {
		return
	}
	if point == killQR {
		p.mu.Lock()
		p.killWhen = func(s string) bool { return withQR(s) && !onCurrency(s) }
		p.mu.Unlock()
	}
	p.send(strconv.Itoa(1 + r.rng.IntN(3))) // customer chooses, BTC, USDT on Tron
	r.sales++
	switch point {
	case killEnter:
		// At once (the key may not even be read), or within the journal
		// write and the create's round trip, a few milliseconds.
		r.pause([]time.Duration{0, 2 * time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond}[r.rng.IntN(4)])
		p.kill()
		return
	case killQR:
		if !p.waitDead(deadline) {
			r.fail(p, "no QR code came to kill the terminal at")
		}
		return
	}
	// The whole invoice screen: the frame may arrive in several reads.
	screen, ok := p.await(deadline, func(s string) bool { return withQR(s) && orderShown(s) != "" })
	if !ok {
		if point == killBytes && p.dead() {
			return
		}
		r.fail(p, "no QR code after the pay option was picked")
	}
	p.mu.Lock()
	r.qrBytes = max(r.qrBytes, p.qrAt)
	p.mu.Unlock()
	switch point {
	case killWaiting:
		r.pause(700 * time.Millisecond)
	case killStatus:
		id := orderShown(screen)
		if id == "" {
			r.fail(p, "no order id on the invoice screen")
		}
		action := moveOn[r.rng.IntN(len(moveOn))]
		r.sb.drive(t, id, action)
		if action != sandbox.Expire && r.rng.IntN(3) > 0 {
			p.send("r") // check now: the write follows within milliseconds
			r.pause(30 * time.Millisecond)
		} else {
			r.pause(1100 * time.Millisecond) // the next poll is within a second
		}
	case killBytes:
		p.waitDead(time.Duration(r.rng.Int64N(int64(200 * time.Millisecond))))
	}
	p.kill()
}

// toSale brings a freshly started terminal to the Sale screen: the invoice
// it resumes (resumed, predicted from the journal) is ended at the sandbox
// if it is open, and its result left with Enter. It reports false if the
// terminal was killed at a byte offset meanwhile.
func (r *crashRig) toSale(p *ptyProc, resumed string) bool {
	if resumed != "" {
		if !r.awaitResumed(p, resumed) {
			return false
		}
		if !onResult(p.currentScreen()) {
			if r.rng.IntN(3) == 0 {
				// The cashier cancels it: Cryptomus cannot void an
				// invoice, so the terminal watches it in the background
				// (across restarts) until the sandbox closes it.
				r.stats["resumed, cancelled on the terminal"]++
				p.send("c")
				asked := func(s string) bool { return strings.Contains(s, "Cancel this sale?") }
				if !r.await(p, "the question", func(s string) bool { return asked(s) || onResult(s) }) {
					return false
				}
				if !onResult(p.currentScreen()) {
					p.send("y")
				}
			} else if r.sb.invoice(r.t, resumed).IsFinal {
				// Ended at the sandbox meanwhile: the terminal's first
				// check, at once, shows the result.
				r.stats["resumed, ended at the sandbox before"]++
			} else {
				r.stats["resumed, ended at the sandbox"]++
				r.endNow(p, resumed, finish[r.rng.IntN(len(finish))])
			}
			if !r.await(p, "the result of the resumed invoice "+resumed, onResult) {
				return false
			}
		}
		p.send("\r")
	}
	return r.await(p, "the Sale screen", func(s string) bool { return onSale(s) && !onResult(s) })
}

// endNow ends an open invoice on screen at the sandbox and has the
// terminal check it at once (r), but for an expiry: r on an EXPIRED
// result renews the invoice, so the terminal's next poll (within a
// second) must see that one.
func (r *crashRig) endNow(p *ptyProc, id string, action sandbox.Action) {
	if r.sb.drive(r.t, id, action) == http.StatusOK && action != sandbox.Expire {
		p.send("r")
	}
}

// awaitResumed waits until the resumed invoice is on screen and the
// provider has answered about it: its QR code or its result.
func (r *crashRig) awaitResumed(p *ptyProc, id string) bool {
	return r.await(p, "the resumed invoice "+id, func(s string) bool {
		return orderShown(s) == id && (withQR(s) || onResult(s))
	})
}

// restart starts the terminal after the kill, lets it resume and settle,
// then kills it or quits it cleanly.
func (r *crashRig) restart() {
	resumed := r.predictResume()
	p := r.start(0)
	defer p.kill()
	if resumed != "" {
		r.awaitResumed(p, resumed)
	} else {
		r.await(p, "the Sale screen after a restart", onSale)
		r.pause(100 * time.Millisecond) // background look-ups and writes run meanwhile
	}
	r.checkOutput(p)
	if r.rng.IntN(2) == 0 {
		r.stats["restart killed"]++
		p.kill()
		return
	}
	// q on the Sale screen, ctrl+c on the invoice or its result.
	key := "\x03"
	if resumed == "" {
		key = "q"
	}
	r.stats["restart quit"]++
	if state, ok := p.quit(key); !ok || !exitedCleanly(state) {
		r.fail(p, "%q: the terminal %s, want a clean exit (status 0)", key, describeState(state))
	}
}

// finalStart starts the terminal one last time, cleanly, and waits until
// the journal agrees with the sandbox on every invoice: resumed, looked
// up and polled to the sandbox's status.
func (r *crashRig) finalStart() {
	r.round++
	resumed := r.predictResume()
	p := r.start(0)
	defer p.kill()
	if resumed != "" {
		r.awaitResumed(p, resumed)
	} else {
		r.await(p, "the Sale screen at the last start", onSale)
	}
	var problems []string
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(100 * time.Millisecond) {
		if problems = r.disagreements(); len(problems) == 0 {
			break
		}
	}
	if len(problems) > 0 {
		r.fail(p, "after 20 s the journal still disagrees with the sandbox (an invoice left unwatched?):\n%s",
			strings.Join(problems, "\n"))
	}
	r.checkOutput(p)
	if state, ok := p.quit("\x03"); !ok || !exitedCleanly(state) {
		r.fail(p, "ctrl+c at the end: the terminal %s, want a clean exit (status 0)", describeState(state))
	}
}

// checkOutput fails the test if the terminal printed a panic or the key.
func (r *crashRig) checkOutput(p *ptyProc) {
	out := string(p.rawOutput())
	for _, bad := range []string{"panic:", "goroutine ", r.sb.PaymentKey} {
		if strings.Contains(out, bad) {
			r.fail(p, "the terminal's output contains %q", bad)
		}
	}
}

// predictResume returns the invoice a start puts back on screen, read
// from the journal as the engine's Resume chooses it: the newest open one
// the customer may still be paying; "" for none.
func (r *crashRig) predictResume() string {
	if _, err := os.Stat(r.journalPath); err != nil {
		return ""
	}
	j, err := journal.Open(r.journalPath)
	if err != nil {
		r.fail(nil, "cannot open the journal: %v", err)
	}
	defer j.Close()
	unfinished, err := j.Unfinished(context.Background())
	if err != nil {
		r.fail(nil, "cannot read the journal: %v", err)
	}
	now := time.Now()
	var latest pos.Invoice
	for _, inv := range unfinished {
		showable := !inv.Dismissed && inv.Provider == "cryptomus" &&
			(inv.Created() && inv.Remaining(now) > 0 || !inv.Created() && now.Sub(inv.CreatedAt) < time.Hour)
		if showable && (latest.OrderID == "" || inv.CreatedAt.After(latest.CreatedAt)) {
			latest = inv
		}
	}
	return latest.OrderID
}

// checkBooks checks the journal against the sandbox while no terminal
// runs. At the end (final), after the last start, every invoice must also
// be settled: none left creating, each at the sandbox's status.
func (r *crashRig) checkBooks(final bool) {
	t := r.t
	t.Helper()
	sbList := r.sb.invoices(t)
	jList := readJournal(t, r.journalPath)
	inJournal := map[string]pos.Invoice{}
	originals := 0
	for _, inv := range jList {
		inJournal[inv.OrderID] = inv
		if inv.Replaces == "" {
			originals++
		}
	}
	atSandbox := map[string]sandbox.AdminInvoice{}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, s := range sbList {
		if prev, dup := atSandbox[s.OrderID]; dup {
			bad("order %s has two invoices at the sandbox: %s and %s", s.OrderID, prev.UUID, s.UUID)
		}
		atSandbox[s.OrderID] = s
		inv, ok := inJournal[s.OrderID]
		switch {
		case !ok:
			bad("the sandbox's invoice %s (order %s, %s) is not in the journal", s.UUID, s.OrderID, s.Status)
		case inv.ProviderID != "" && inv.ProviderID != s.UUID:
			bad("order %s is invoice %s in the journal, %s at the sandbox", s.OrderID, inv.ProviderID, s.UUID)
		case inv.Reason == stoppedBefore:
			bad("order %s is closed in the journal as never made (%s), but the sandbox made it: %s", s.OrderID, inv.Status, s.Status)
		case inv.Status.Success() && s.Status != "paid" && s.Status != "paid_over":
			bad("order %s is %s in the journal but %s at the sandbox", s.OrderID, inv.Status, s.Status)
		}
	}
	for _, inv := range jList {
		if _, ok := atSandbox[inv.OrderID]; ok {
			continue
		}
		switch {
		case inv.Status == pos.StatusCancelled && inv.Reason == stoppedBefore:
		case inv.Status == pos.StatusCreating && !final:
		default:
			bad("order %s is %s in the journal (reason %q) but the sandbox never made it", inv.OrderID, inv.Status, inv.Reason)
		}
	}
	if len(sbList) > r.sales || originals > r.sales {
		bad("%d sales were started, but the sandbox has %d invoices and the journal %d sales", r.sales, len(sbList), originals)
	}
	if final {
		problems = append(problems, r.disagreements()...)
		problems = append(problems, r.backwards(jList)...)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		r.fail(nil, "the journal and the sandbox disagree:\n%s", strings.Join(problems, "\n"))
	}
}

// disagreements lists the invoices whose journal entry is not at the
// sandbox's status, and those the sandbox never made that are not closed
// as such.
func (r *crashRig) disagreements() []string {
	t := r.t
	inJournal := map[string]pos.Invoice{}
	for _, inv := range readJournal(t, r.journalPath) {
		inJournal[inv.OrderID] = inv
	}
	var out []string
	for _, s := range r.sb.invoices(t) {
		inv, ok := inJournal[s.OrderID]
		if !ok {
			out = append(out, fmt.Sprintf("the sandbox's invoice of order %s is not in the journal", s.OrderID))
			continue
		}
		delete(inJournal, s.OrderID)
		want, known := cmStatuses[s.Status]
		if inv.Dismissed && want == pos.StatusExpired {
			want = pos.StatusCancelled // cancelled on the terminal, then closed unpaid
		}
		if !known || inv.ProviderStatus != s.Status || inv.Status != want || inv.ProviderID != s.UUID {
			out = append(out, fmt.Sprintf("order %s is %s (%s, invoice %q) in the journal; the sandbox has it %s (invoice %s)",
				s.OrderID, inv.Status, inv.ProviderStatus, inv.ProviderID, s.Status, s.UUID))
		}
	}
	for id, inv := range inJournal {
		if inv.Status != pos.StatusCancelled || inv.Reason != stoppedBefore {
			out = append(out, fmt.Sprintf("order %s is %s in the journal (reason %q); the sandbox never made it", id, inv.Status, inv.Reason))
		}
	}
	sort.Strings(out)
	return out
}

// backwards lists the invoices whose journal history goes from an
// outcome back to an open status.
func (r *crashRig) backwards(list []pos.Invoice) []string {
	j, err := journal.Open(r.journalPath)
	if err != nil {
		r.fail(nil, "cannot open the journal: %v", err)
	}
	defer j.Close()
	var out []string
	for _, inv := range list {
		events, err := j.Events(context.Background(), inv.OrderID)
		if err != nil {
			r.fail(nil, "the events of %s: %v", inv.OrderID, err)
		}
		final := pos.Status("")
		for _, e := range events {
			if strings.HasPrefix(e.Note, "renewed") {
				final = "" // the cashier renewed an expired invoice: the one step back allowed
			}
			if final != "" && e.Status != "" && !e.Status.Final() {
				out = append(out, fmt.Sprintf("order %s went from %s back to %s (%q)", inv.OrderID, final, e.Status, e.Note))
				break
			}
			if e.Status.Final() {
				final = e.Status
			}
		}
	}
	return out
}

// lostReplies counts the invoices the terminal found by a look-up after a
// restart (made at the sandbox, but their create's reply never recorded),
// and those it closed because the sandbox never made them.
func (r *crashRig) lostReplies() (lost, never int) {
	j, err := journal.Open(r.journalPath)
	if err != nil {
		r.fail(nil, "cannot open the journal: %v", err)
	}
	defer j.Close()
	for _, inv := range readJournal(r.t, r.journalPath) {
		if inv.Reason == stoppedBefore {
			never++
			continue
		}
		events, err := j.Events(context.Background(), inv.OrderID)
		if err != nil {
			r.fail(nil, "the events of %s: %v", inv.OrderID, err)
		}
		created := false
		for _, e := range events {
			created = created || strings.HasPrefix(e.Note, "created at Cryptomus")
		}
		if !created && inv.Created() {
			lost++
		}
	}
	return lost, never
}

// envUint reads a number from the environment, or returns def.
func envUint(t *testing.T, name string, def uint64) uint64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q is not a number", name, v)
	}
	return n
}
