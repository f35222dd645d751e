// Command benchtable reads Go benchmark output (go test -bench -count N,
// and bench/ptybench's one-line-per-run results) and prints
//
//  1. every benchmark's metrics as medians over the runs, benchstat-style:
//     median ± the largest deviation from it in percent, and the count;
//  2. the table of what users feel that the README's Performance section
//     quotes, each figure against its baseline (measured in the same run)
//     or target, with PASS or FAIL.
//
// Usage:
//
//	benchtable FILE...
//
// A line "pkg: cryptopos/relay" names the package of the benchmarks after
// it, so that relay's BenchmarkCallbacks reads as relay.Callbacks. It exits
// 1 when a figure misses its target, 2 when a figure is missing.
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// samples are a benchmark's values of one unit, one per run.
type samples []float64

func (s samples) sorted() samples {
	c := append(samples(nil), s...)
	sort.Float64s(c)
	return c
}

// quantile is the nearest-rank quantile q.
func (s samples) quantile(q float64) float64 {
	c := s.sorted()
	return c[int(q*float64(len(c)-1)+0.5)]
}

func (s samples) median() float64 { return s.quantile(0.5) }

// spread is the largest deviation from the median, in percent of it.
func (s samples) spread() float64 {
	m := s.median()
	if m == 0 {
		return 0
	}
	d := 0.0
	for _, v := range s {
		d = math.Max(d, math.Abs(v-m))
	}
	return 100 * d / m
}

type key struct{ name, unit string }

var (
	data  = map[key]samples{}
	order []key
)

var gomaxprocs = regexp.MustCompile(`-\d+$`)

func read(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	pkg := "?"
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = path.Base(strings.TrimSpace(p))
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := pkg + "." + strings.TrimPrefix(gomaxprocs.ReplaceAllString(f[0], ""), "Benchmark")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			k := key{name, f[i+1]}
			if _, seen := data[k]; !seen {
				order = append(order, k)
			}
			data[k] = append(data[k], v)
		}
	}
	return sc.Err()
}

func get(name, unit string) (samples, bool) {
	s, ok := data[key{name, unit}]
	return s, ok && len(s) > 0
}

// human writes a value of unit in a readable unit.
func human(v float64, unit string) string {
	switch unit {
	case "ns/op":
		switch {
		case v >= 1e6:
			return fmt.Sprintf("%.2f ms", v/1e6)
		case v >= 1e3:
			return fmt.Sprintf("%.1f µs", v/1e3)
		}
		return fmt.Sprintf("%.0f ns", v)
	case "B/op":
		return fmt.Sprintf("%.0f B", v)
	case "allocs/op":
		return fmt.Sprintf("%.0f allocs", v)
	}
	if strings.HasSuffix(unit, "/s") {
		return fmt.Sprintf("%s %s", thousands(v), unit)
	}
	if strings.HasSuffix(unit, "-ms") {
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.4g %s", v, unit)
}

func thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(v float64) string { return fmt.Sprintf("%.2f ms", v/1e6) }

// row is one line of the figures table.
type row struct {
	what, figure, against, result, how string
}

var (
	rows    []row
	failed  bool
	missing []string
)

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	failed = true
	return "**FAIL**"
}

const (
	cmdStartup = "`scripts/bench.sh` (bench/ptybench, bench/bare)"
	cmdQR      = "`go test ./bench -run '^$' -bench QRRender60`"
	cmdUI      = "`go test ./ui -run '^$' -bench 'View|Frame'`"
	cmdRelay   = "`go test ./bench -run '^$' -bench 'RelayCallbacks|StatusReads' -benchtime 10000x`"
	cmdJournal = "`go test ./journal -run '^$' -bench 'Update|Insert'`"
)

func need(name, unit string) (samples, bool) {
	s, ok := get(name, unit)
	if !ok {
		missing = append(missing, name+" "+unit)
	}
	return s, ok
}

func figures() {
	// Start-up.
	bare, okB := need("ptybench.FirstFrame/bare", "ns/op")
	app, okA := need("ptybench.FirstFrame/cryptopos-config", "ns/op")
	if okB && okA {
		ratio := app.median() / bare.median()
		rows = append(rows, row{
			"start-up to the first Sale frame (config file, Cryptomus sandbox in another process, journal on disk)",
			fmt.Sprintf("%s (p90 %s), %.2fx", ms(app.median()), ms(app.quantile(0.9)), ratio),
			fmt.Sprintf("bare Bubble Tea v2 program: %s (p90 %s); target ≤ 1.5x", ms(bare.median()), ms(bare.quantile(0.9))),
			verdict(ratio <= 1.5), cmdStartup})
	}
	ib, ok1 := get("ptybench.Init/bare", "ns/op")
	ia, ok2 := get("ptybench.Init/cryptopos", "ns/op")
	rw, ok3 := get("ptybench.InitRunewidth/cryptopos", "ns/op")
	if ok1 && ok2 && ok3 {
		rows = append(rows, row{"start-up's parts: package initialisation before main (GODEBUG=inittrace=1)",
			fmt.Sprintf("cryptopos %s, bare %s; go-runewidth's init alone %s", ms(ia.median()), ms(ib.median()), ms(rw.median())),
			"paid by both programs: go-runewidth v0.0.27 builds its width tables for all of Unicode at init", "", cmdStartup})
	}
	if s, ok := get("bench.JournalOpen", "ns/op"); ok {
		rows = append(rows, row{"start-up's parts: opening the existing journal", ms(s.median()), "", "",
			"`go test ./bench -run '^$' -bench JournalOpen`"})
	}
	if demo, ok := get("ptybench.FirstFrame/cryptopos-demo", "ns/op"); ok && okB {
		rows = append(rows, row{"start-up to the first Sale frame, `--demo` (sandbox in-process, new journal)",
			fmt.Sprintf("%s, %.2fx", ms(demo.median()), demo.median()/bare.median()),
			"bare, as above (for information)", "", cmdStartup})
	}

	// Enter to QR.
	over, okO := need("ptybench.EnterToQR/overhead", "ns/op")
	total, okT := need("ptybench.EnterToQR/key-to-qr", "ns/op")
	create, okC := need("ptybench.EnterToQR/provider-create", "ns/op")
	outside, _ := get("ptybench.SandboxCreate/outside", "ns/op")
	echo, okE := get("ptybench.KeyEcho", "ns/op")
	if okO && okT && okC {
		against := fmt.Sprintf("the sandbox's create as the terminal timed it: %s (from outside: %s); target ≤ 16 ms",
			ms(create.median()), msOr(outside))
		rows = append(rows, row{"Enter on the Currency screen (row key) to the QR code on screen, minus that sale's create",
			fmt.Sprintf("median %s, p90 %s, fastest %s (key to QR: median %s, p90 %s)", ms(over.median()),
				ms(over.quantile(0.9)), ms(over.quantile(0)), ms(total.median()), ms(total.quantile(0.9))),
			against, verdict(over.median() <= 16e6) + " median, " + verdict(over.quantile(0.9) <= 16e6) + " p90", cmdStartup})
	}
	if okE {
		rows = append(rows, row{"a keystroke to its echo on the Sale screen (the floor for any change on screen: at most 120 frames a second)",
			fmt.Sprintf("median %s, p90 %s", ms(echo.median()), ms(echo.quantile(0.9))),
			"the floor of the row above", "", cmdStartup})
	}

	// QR and the Invoice view.
	if s, ok := need("bench.QRRender60", "ns/op"); ok {
		rows = append(rows, row{"QR rendering of a 60-character URL (80x24 invoice size, colour half blocks)",
			ms(s.median()), "one 60 Hz frame: 16.7 ms", verdict(s.median() < 16.7e6), cmdQR})
	}
	if s, ok := get("qr.Render/half-block", "ns/op"); ok {
		rows = append(rows, row{"QR rendering, qr's own benchmark (61-character URL, no size limit)", ms(s.median()), "", "",
			"`go test ./qr -run '^$' -bench Render`"})
	}
	fresh, okF := need("ui.View/invoice-fresh", "ns/op")
	cached, okK := need("ui.View/invoice-cached", "ns/op")
	if okF && okK {
		rows = append(rows, row{"Invoice screen View() at 80x24: first frame (renders the code) / later frames (code cached)",
			fmt.Sprintf("%s / %s", ms(fresh.median()), ms(cached.median())), "one frame: 16.7 ms",
			verdict(fresh.median() < 16.7e6), cmdUI})
	}
	if s, ok := get("ui.Frame", "ns/op"); ok {
		b, _ := get("ui.Frame", "bytes/frame")
		rows = append(rows, row{"Bubble Tea's renderer on that first QR frame (cells, diff, 256-colour encoding)",
			fmt.Sprintf("%s, %s bytes", ms(s.median()), thousands(medianOr(b))), "", "", cmdUI})
	}

	// Relay.
	cps, ok1 := need("bench.RelayCallbacks", "callbacks/s")
	p99, ok2 := need("bench.RelayCallbacks", "p99-ms")
	if ok1 && ok2 {
		rows = append(rows, row{"relay: verified callbacks end to end (16 senders, loopback HTTP, real Cryptoprocessing receiver, fsync)",
			fmt.Sprintf("%s/s, p99 %.1f ms", thousands(cps.median()), p99.median()),
			"target ≥ 2,000/s and p99 < 50 ms", verdict(cps.median() >= 2000) + " rate, " + verdict(p99.median() < 50) + " p99", cmdRelay})
	}
	for _, n := range []string{"Callbacks", "CallbacksHTTP"} {
		c, okc := get("relay."+n, "callbacks/s")
		p, okp := get("relay."+n, "p99-ms")
		if okc && okp {
			how := "ServeHTTP"
			if n == "CallbacksHTTP" {
				how = "loopback HTTP"
			}
			rows = append(rows, row{"relay: verified callbacks, relay's own benchmark (" + how + ", 16 senders, test receiver)",
				fmt.Sprintf("%s/s, p99 %.1f ms", thousands(c.median()), p.median()),
				"target ≥ 2,000/s and p99 < 50 ms", verdict(c.median() >= 2000) + " rate, " + verdict(p.median() < 50) + " p99",
				"`go test ./relay -run '^$' -bench Callbacks`"})
		}
	}
	for _, c := range []string{"1", "8", "64"} {
		r, ok := get("bench.StatusReads/clients="+c, "reads/s")
		p, _ := get("bench.StatusReads/clients="+c, "p99-ms")
		if ok {
			rows = append(rows, row{"relay: terminal status reads, " + c + " concurrent terminal(s) (relay.Client, loopback HTTP)",
				fmt.Sprintf("%s/s, p99 %.2f ms", thousands(r.median()), medianOr(p)), "", "", cmdRelay})
		}
	}
	if s, ok := get("relay.Get", "ns/op"); ok {
		rows = append(rows, row{"relay: one status read through ServeHTTP (relay's own benchmark)", human(s.median(), "ns/op"), "", "",
			"`go test ./relay -run '^$' -bench Get`"})
	}

	// Journal.
	if s, ok := need("journal.Update", "ns/op"); ok {
		rows = append(rows, row{"journal: write latency of one status change (transaction + fsync)", ms(s.median()),
			"", "", cmdJournal})
		if ins, ok := get("journal.Insert", "ns/op"); ok && okO {
			share := (s.median() + ins.median()) / over.median()
			rows = append(rows, row{"journal: its share of Enter to QR (the insert before the create, the update after)",
				fmt.Sprintf("%s + %s = %.0f%% of the median overhead", ms(ins.median()), ms(s.median()), 100*share), "", "", cmdJournal})
		}
	}
}

func msOr(s samples) string {
	if len(s) == 0 {
		return "not measured"
	}
	return ms(s.median())
}

func medianOr(s samples) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	return s.median()
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtable FILE...")
		os.Exit(2)
	}
	for _, f := range os.Args[1:] {
		if err := read(f); err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(2)
		}
	}

	fmt.Println("## Medians (benchstat-style: median ± largest deviation from it, runs)")
	fmt.Println()
	w, u := 0, 0
	for _, k := range order {
		w, u = max(w, len(k.name)), max(u, len(k.unit))
	}
	for _, k := range order {
		if k.unit == "B/op" || k.unit == "allocs/op" || (k.unit == "ns/op" && allZero(data[k])) {
			continue
		}
		s := data[k]
		v := human(s.median(), k.unit)
		pad := strings.Repeat(" ", max(0, 18-utf8.RuneCountInString(v)))
		fmt.Printf("%-*s  %-*s %s%s ± %3.0f%%  n=%d\n", w, k.name, u, k.unit, pad, v, s.spread(), len(s))
	}

	figures()
	fmt.Println()
	fmt.Println("## What users feel")
	fmt.Println()
	fmt.Println("| what | figure | baseline or target | result | how |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %s | %s |\n", cell(r.what), cell(r.figure), cell(r.against), cell(r.result), cell(r.how))
	}
	if len(missing) > 0 {
		fmt.Println()
		fmt.Println("missing:", strings.Join(missing, "; "))
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// cell escapes the pipes of a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func allZero(s samples) bool {
	for _, v := range s {
		if v != 0 {
			return false
		}
	}
	return true
}
