// Command ptybench measures what the cashier feels of the real cryptopos
// binary, run in a pseudo-terminal (80x24, TERM=xterm-256color) whose
// output is fed to a terminal emulator as it arrives:
//
//   - start-up: from exec to the first frame that shows the Sale screen's
//     "Amount (EUR)", for cryptopos with a config file against a Cryptomus
//     sandbox in another process (the journal and log on disk), and in the
//     same runs, alternating, for bench/bare, a Bubble Tea v2 program that
//     draws one similar frame and does nothing else; with -demo also for
//     `cryptopos --demo` (sandbox in-process, a fresh journal each start);
//   - why start-up takes what it takes: each program's package
//     initialisation (GODEBUG=inittrace=1), go-runewidth's share of it;
//   - a keystroke's echo on the Sale screen, the floor for any change on
//     screen: cryptopos draws at most 120 frames a second (tea.WithFPS);
//   - Enter to QR: on the Currency screen, from writing the row's key to the
//     frame that completes the QR code, sale after sale in one terminal,
//     with the provider's part of it: the create call's round trip as the
//     terminal's own Cryptomus client timed it (its debug log's took=), and
//     in the same run the sandbox's create timed from outside with the same
//     client code and settings. Keys are pressed at random moments, so that
//     they fall at every phase of the renderer's frame interval.
//
// Results are printed in the Go benchmark format, one line per run, so that
// bench/benchtable (or benchstat) can take medians:
//
//	BenchmarkFirstFrame/bare            1   21503000 ns/op
//	BenchmarkEnterToQR/key-to-qr        1   14020000 ns/op
//
// Progress and problems go to stderr. scripts/bench.sh runs it:
//
//	go run ./bench/ptybench -app ./cryptopos -bare ./bare -work DIR [-runs 30] [-sales 30] [-demo]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"cryptopos/pos"
	"cryptopos/providers/cryptomus"
)

func main() {
	app := flag.String("app", "", "the cryptopos binary")
	bare := flag.String("bare", "", "the bench/bare binary (the start-up baseline)")
	work := flag.String("work", "", "a directory for configs, journals, logs and dumps (default: a temporary one)")
	runs := flag.Int("runs", 30, "start-ups of each program")
	warmup := flag.Int("warmup", 3, "start-ups of each program before measuring (page cache, journal file)")
	sales := flag.Int("sales", 30, "sales of the Enter-to-QR measurement")
	demo := flag.Bool("demo", false, "also time the start-up of `cryptopos --demo`")
	cols := flag.Int("cols", 80, "terminal width")
	rows := flag.Int("rows", 24, "terminal height")
	skipStart := flag.Bool("skip-startup", false, "skip the start-up measurement")
	skipQR := flag.Bool("skip-qr", false, "skip the Enter-to-QR measurement")
	flag.Parse()
	if *app == "" || (*bare == "" && !*skipStart) {
		fmt.Fprintln(os.Stderr, "ptybench: -app and -bare are required (see -h)")
		os.Exit(2)
	}
	fmt.Println("pkg: cryptopos/bench/ptybench")
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "ptybench-")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	}
	check(os.MkdirAll(filepath.Join(dir, "home"), 0o700))
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(dir, "home"),
		"TERM=xterm-256color", "LANG=C.UTF-8"}

	sb, err := startSandbox(*app, dir)
	check(err)
	defer sb.stop()

	b := &bench{app: *app, bare: *bare, dir: dir, env: env, cols: *cols, rows: *rows, sb: sb}
	if !*skipStart {
		check(b.startup(*runs, *warmup, *demo))
	}
	if !*skipQR {
		check(b.enterToQR(*sales))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "ptybench:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// result prints one run in the benchmark format.
func result(name string, d time.Duration) {
	fmt.Printf("Benchmark%s \t       1\t%12d ns/op\n", name, d.Nanoseconds())
}

type bench struct {
	app, bare, dir string
	env            []string
	cols, rows     int
	sb             *sandbox
}

// --- the sandbox ----------------------------------------------------------

type sandbox struct {
	cmd                     *exec.Cmd
	base, merchant, payment string
}

// startSandbox runs `cryptopos sandbox cryptomus` on a free port and reads
// the [cryptomus] section it prints.
func startSandbox(app, dir string) (*sandbox, error) {
	cmd := exec.Command(app, "sandbox", "cryptomus", "--listen", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &sandbox{cmd: cmd}
	lines := bufio.NewScanner(out)
	kv := regexp.MustCompile(`^(base_url|merchant|payment_key) = "(.*)"$`)
	timeout := time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
	for lines.Scan() && (s.base == "" || s.merchant == "" || s.payment == "") {
		if m := kv.FindStringSubmatch(lines.Text()); m != nil {
			switch m[1] {
			case "base_url":
				s.base = m[2]
			case "merchant":
				s.merchant = m[2]
			case "payment_key":
				s.payment = m[2]
			}
		}
	}
	timeout.Stop()
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if s.base == "" || s.merchant == "" || s.payment == "" {
		s.stop()
		return nil, errors.New("the sandbox printed no [cryptomus] section")
	}
	logf("sandbox at %s", s.base)
	return s, nil
}

func (s *sandbox) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// config writes a terminal config for the sandbox, with its journal and log
// under dir/name, and returns its path and the log's.
func (b *bench) config(name, level string) (cfgPath, logPath string) {
	d := filepath.Join(b.dir, name)
	check(os.MkdirAll(d, 0o700))
	cfgPath, logPath = filepath.Join(d, "config.toml"), filepath.Join(d, "cryptopos.log")
	cfg := fmt.Sprintf(`# ptybench: a terminal against a local Cryptomus sandbox
provider = "cryptomus"

[shop]
name = "Bench Café"
currency = "EUR"

[journal]
path = %q

[log]
path = %q
level = %q

[cryptomus]
base_url = %q
merchant = %q
payment_key = %q
pay_currencies = ["BTC", "USDT:tron"]
`, filepath.Join(d, "journal.db"), logPath, level, b.sb.base, b.sb.merchant, b.sb.payment)
	check(os.WriteFile(cfgPath, []byte(cfg), 0o600))
	return cfgPath, logPath
}

// --- start-up ---------------------------------------------------------------

type variant struct {
	name string
	bin  string
	args []string
}

// startup times exec to the first frame with "Amount (EUR)", runs times for
// each variant, rotating their order from one round to the next.
func (b *bench) startup(runs, warmup int, demo bool) error {
	cfg, _ := b.config("startup", "info")
	vs := []variant{
		{"bare", b.bare, nil},
		{"cryptopos-config", b.app, []string{"--config", cfg}},
	}
	if demo {
		vs = append(vs, variant{"cryptopos-demo", b.app, []string{"--demo"}})
	}
	logf("start-up: %d warm-up and %d measured runs of %d programs", warmup, runs, len(vs))
	firstFrame := map[string][]time.Duration{}
	for round := -warmup; round < runs; round++ {
		for k := range vs {
			v := vs[(k+round+warmup)%len(vs)]
			byteAt, frameAt, err := b.startOnce(v, round == 0)
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			if round >= 0 {
				result("FirstFrame/"+v.name, frameAt)
				result("FirstByte/"+v.name, byteAt)
				firstFrame[v.name] = append(firstFrame[v.name], frameAt)
			}
			time.Sleep(30 * time.Millisecond)
		}
	}
	for _, v := range vs {
		logf("  %-18s first frame: median %v", v.name, median(firstFrame[v.name]).Round(10*time.Microsecond))
	}
	return b.inits(runs)
}

var initRE = regexp.MustCompile(`^init (\S+) @\S+ ms, ([0-9.]+) ms clock`)

// inits times the package initialisation of both programs (GODEBUG=
// inittrace=1, the sum of every package's init), part of every start-up
// before main runs, and go-runewidth's share of it. They run outside the
// pty: init does not depend on it.
func (b *bench) inits(runs int) error {
	for _, v := range []variant{{"bare", b.bare, nil}, {"cryptopos", b.app, []string{"--version"}}} {
		var all, rw []time.Duration
		for range min(runs, 10) {
			cmd := exec.Command(v.bin, v.args...)
			cmd.Env = append(append([]string(nil), b.env...), "GODEBUG=inittrace=1")
			out, _ := cmd.CombinedOutput() // bare fails without a terminal, after its init
			var sum, runewidth float64
			for _, l := range strings.Split(string(out), "\n") {
				if m := initRE.FindStringSubmatch(l); m != nil {
					ms, err := strconv.ParseFloat(m[2], 64)
					if err != nil {
						return fmt.Errorf("inittrace line %q: %w", l, err)
					}
					sum += ms
					if strings.Contains(m[1], "go-runewidth") {
						runewidth += ms
					}
				}
			}
			if sum == 0 {
				return fmt.Errorf("%s printed no inittrace lines: %s", v.name, out)
			}
			all = append(all, time.Duration(sum*float64(time.Millisecond)))
			rw = append(rw, time.Duration(runewidth*float64(time.Millisecond)))
			result("Init/"+v.name, all[len(all)-1])
			result("InitRunewidth/"+v.name, rw[len(rw)-1])
		}
		logf("  %-18s package init: median %v, of which go-runewidth %v", v.name,
			median(all).Round(10*time.Microsecond), median(rw).Round(10*time.Microsecond))
	}
	return nil
}

// startOnce starts v and returns when it wrote its first byte and when the
// frame with "Amount (EUR)" arrived, both from exec.
func (b *bench) startOnce(v variant, dump bool) (firstByte, firstFrame time.Duration, err error) {
	t, err := start(v.bin, v.args, b.env, b.cols, b.rows)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if serr := t.stop(); serr != nil && err == nil {
			err = serr
		}
	}()
	f, _, err := t.waitText(0, "Amount (EUR)")
	if err != nil {
		return 0, 0, err
	}
	first := t.frameAt(0)
	if dump {
		t.quiet(100*time.Millisecond, time.Second)
		raw := t.rawOutput()
		path := filepath.Join(b.dir, "startup-"+v.name+".raw")
		_ = os.WriteFile(path, raw, 0o600)
		_ = os.WriteFile(path+".screen", []byte(f.screen), 0o600)
		logf("  %s: output of the first run in %s (%d bytes; the frame with the title: %s)",
			v.name, path, len(raw), oneLine(f.screen))
	}
	return first.at.Sub(t.started), f.at.Sub(t.started), nil
}

func oneLine(screen string) string {
	var parts []string
	for _, l := range strings.Split(screen, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	r := []rune(strings.Join(parts, " | "))
	if len(r) > 120 {
		r = append(r[:120], '…')
	}
	return string(r)
}

// --- Enter to QR --------------------------------------------------------------

// qrRows counts the screen's rows that carry a QR code: runs of half blocks.
func qrRows(screen string) int {
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		if strings.Count(l, "▀")+strings.Count(l, "▄")+strings.Count(l, "█") >= 10 {
			n++
		}
	}
	return n
}

var tookRE = regexp.MustCompile(`msg="cryptomus: ok" op=create .*took=([0-9.]+[a-zµ]+)`)

// enterToQR makes sales in one terminal: type the amount, Enter, wait for
// the Currency screen, then time from writing "2" (BTC) to the frame that
// completes the QR code. Each sale is cancelled on the terminal before the
// next. Between sales it also times one create at the sandbox from
// outside.
func (b *bench) enterToQR(sales int) error {
	cfg, logPath := b.config("enter-qr", "debug")
	outside, err := cryptomus.New(cryptomus.Config{BaseURL: b.sb.base, Merchant: b.sb.merchant,
		PaymentKey: b.sb.payment, PayCurrencies: []string{"BTC"}}, cryptomus.Options{})
	if err != nil {
		return err
	}
	t, err := start(b.app, []string{"--config", cfg}, b.env, b.cols, b.rows)
	if err != nil {
		return err
	}
	defer t.stop()
	if _, _, err := t.waitText(0, "Amount (EUR)"); err != nil {
		return err
	}
	t.quiet(300*time.Millisecond, 3*time.Second) // the coin check settles
	if err := keyEcho(t, 20); err != nil {
		return err
	}
	logf("Enter to QR: %d sales", sales)
	var total, creating, outsideTimes []time.Duration
	for i := range sales {
		m := t.mark()
		if _, err := t.send("12.50"); err != nil {
			return err
		}
		if _, _, err := t.waitText(m, "12.50"); err != nil {
			return err
		}
		m = t.mark()
		_, _ = t.send("\r")
		if _, _, err := t.waitText(m, "How will the customer pay?"); err != nil {
			return err
		}
		t.quiet(100*time.Millisecond, 2*time.Second)
		// quiet returns a whole number of frames after the last one (100 ms
		// is six 60 Hz frames): without this random pause every key would
		// fall at the same phase of a ticking renderer (upstream Bubble
		// Tea's), just after a frame, and wait a full frame for the next.
		time.Sleep(rand.N(2 * frameInterval))

		m = t.mark()
		pressed, _ := t.send("2")
		if _, _, err := t.waitFor(m, 20*time.Second, "the QR code", func(s string) bool {
			return strings.Contains(s, "Scan to pay") && qrRows(s) > 0
		}); err != nil {
			return err
		}
		t.quiet(150*time.Millisecond, 2*time.Second)
		// The frame that completes the code: the first after the key with
		// as many QR rows as the screen shows once it is quiet.
		frames := t.framesFrom(m)
		want := qrRows(frames[len(frames)-1].screen)
		var qrAt, creatingAt time.Time
		for _, f := range frames {
			if creatingAt.IsZero() && strings.Contains(f.screen, "Creating the invoice") {
				creatingAt = f.at
			}
			if qrRows(f.screen) == want && strings.Contains(f.screen, "Scan to pay") {
				qrAt = f.at
				break
			}
		}
		total = append(total, qrAt.Sub(pressed))
		result("EnterToQR/key-to-qr", qrAt.Sub(pressed))
		if !creatingAt.IsZero() {
			creating = append(creating, creatingAt.Sub(pressed))
			result("EnterToQR/key-to-creating-frame", creatingAt.Sub(pressed))
		}
		if i == 0 {
			_ = os.WriteFile(filepath.Join(b.dir, "enter-qr.screen"), []byte(frames[len(frames)-1].screen), 0o600)
		}

		// Cancel, back to a new sale.
		m = t.mark()
		_, _ = t.send("c")
		if _, _, err := t.waitText(m, "Cancel this sale?"); err != nil {
			return err
		}
		m = t.mark()
		_, _ = t.send("y")
		if _, _, err := t.waitText(m, "CANCELLED"); err != nil {
			return err
		}
		m = t.mark()
		_, _ = t.send("\r")
		if _, _, err := t.waitText(m, "Amount (EUR)"); err != nil {
			return err
		}

		// The sandbox from outside: the same client code and settings.
		t0 := time.Now()
		_, err := outside.Create(context.Background(), pos.Invoice{
			OrderID: fmt.Sprintf("bench-outside-%d-%d", time.Now().UnixNano(), i),
			Amount:  pos.NewMoney(decimal.RequireFromString("12.50"), "EUR"), Pay: pos.PayOption{Code: "BTC"}})
		d := time.Since(t0)
		if err != nil {
			return fmt.Errorf("create from outside: %w", err)
		}
		outsideTimes = append(outsideTimes, d)
		result("SandboxCreate/outside", d)
		t.quiet(100*time.Millisecond, 2*time.Second)
	}

	// The terminal's own timing of each create, from its debug log.
	data, err := os.ReadFile(logPath)
	if err != nil {
		return err
	}
	var took []time.Duration
	for _, l := range strings.Split(string(data), "\n") {
		if m := tookRE.FindStringSubmatch(l); m != nil {
			d, err := time.ParseDuration(m[1])
			if err != nil {
				return fmt.Errorf("log line %q: %w", l, err)
			}
			took = append(took, d)
		}
	}
	if len(took) != sales {
		return fmt.Errorf("the log has %d creates for %d sales", len(took), sales)
	}
	var over []time.Duration
	for i, d := range took {
		result("EnterToQR/provider-create", d)
		result("EnterToQR/overhead", total[i]-d)
		over = append(over, total[i]-d)
	}
	logf("  key to QR: median %v, p90 %v; the create's round trip (terminal's log): median %v; from outside: median %v",
		median(total).Round(10*time.Microsecond), quantile(total, 0.9).Round(10*time.Microsecond),
		median(took).Round(10*time.Microsecond), median(outsideTimes).Round(10*time.Microsecond))
	logf("  overhead (key to QR minus that sale's create): median %v, p90 %v, max %v; key to \"Creating…\" frame: median %v",
		median(over).Round(10*time.Microsecond), quantile(over, 0.9).Round(10*time.Microsecond),
		quantile(over, 1).Round(10*time.Microsecond), median(creating).Round(10*time.Microsecond))
	return nil
}

// keyEcho times n keystrokes on the Sale screen, each from writing the
// digit to the frame that shows it, then deletes it with backspace (not
// esc, which the input reader holds for 50 ms in case a sequence follows).
// The pauses between keys are random, so that keys fall at every phase of
// the renderer's frame interval: this is the floor for any change on
// screen, whatever the program does.
func keyEcho(t *term, n int) error {
	var echo []time.Duration
	for i := range n {
		time.Sleep(40*time.Millisecond + rand.N(2*frameInterval))
		digit := string(rune('1' + i%9))
		m := t.mark()
		pressed, _ := t.send(digit)
		f, _, err := t.waitFor(m, 10*time.Second, "the digit", func(s string) bool {
			return strings.Contains(field(s), digit)
		})
		if err != nil {
			return err
		}
		echo = append(echo, f.at.Sub(pressed))
		result("KeyEcho", f.at.Sub(pressed))
		m = t.mark()
		_, _ = t.send("\x7f")
		if _, _, err := t.waitFor(m, 10*time.Second, "the field empty again", func(s string) bool {
			return strings.Contains(s, "Amount (EUR)") && strings.TrimSpace(field(s)) == ""
		}); err != nil {
			return err
		}
	}
	logf("  key echo on the Sale screen: median %v, p90 %v", median(echo).Round(10*time.Microsecond),
		quantile(echo, 0.9).Round(10*time.Microsecond))
	return nil
}

// field is the Sale screen's text between the title and the hint: the
// amount typed so far.
func field(screen string) string {
	i, j := strings.Index(screen, "Amount (EUR)"), strings.Index(screen, "type the amount")
	if i < 0 || j < i {
		return ""
	}
	return screen[i+len("Amount (EUR)") : j]
}

// frameInterval is Bubble Tea's default frame interval (60 a second), the
// period of upstream's ticking renderer; keys are pressed at random phases
// of it. cryptopos asks for 120 frames a second.
const frameInterval = time.Second / 60

func median(d []time.Duration) time.Duration { return quantile(d, 0.5) }

// quantile is the nearest-rank quantile q of d.
func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1)+0.5)]
}
