#!/usr/bin/env bash
# Benchmarks of what users feel: builds cryptopos and its baselines, runs
# every measurement and prints one table, each figure against a baseline
# measured in the same run or against its target, with PASS or FAIL, after
# benchstat-style medians of every benchmark.
#
#   start-up     the real binary in a pseudo-terminal (80x24,
#                TERM=xterm-256color), exec to the first frame showing the
#                Sale screen's "Amount (EUR)": with a config file against a
#                Cryptomus sandbox in another process (journal and log on
#                disk), against bench/bare, a Bubble Tea v2 program drawing
#                one similar frame, run alternately (target: within 1.5x);
#                also `--demo`, for information
#   Enter to QR  the same terminal: from the row key on the Currency screen
#                to the frame that completes the QR code, minus that sale's
#                create as the terminal's client timed it (its debug log);
#                the sandbox's create is also timed from outside with the
#                same client code (target: at most 16 ms more); and a
#                keystroke's echo, the floor any Bubble Tea program has
#   QR           a 60-character URL at the Invoice screen's size; the
#                Invoice View() with the code cached and fresh; the
#                renderer's work on that frame
#   relay        verified callbacks per second and p99 latency, real
#                Cryptoprocessing receiver over loopback HTTP (target:
#                2,000/s, p99 < 50 ms on 2 cores), plus relay's own
#                benchmarks; terminal status reads per second from 1, 8 and
#                64 concurrent terminals
#   journal      write latency of one status change (and of a new sale)
#   why          start-up's parts: package initialisation (GODEBUG=inittrace=1)
#                of both programs and go-runewidth's share, the journal's open
#
#   scripts/bench.sh                 # 2.5 minutes on a quiet 2-core VM, 5 on a busy one
#   scripts/bench.sh --quick         # fewer runs, about 1.5 minutes
#   scripts/bench.sh --runs 50 --sales 50 --count 10
#
# Options:
#   --runs N     start-ups of each program (default 30)
#   --sales N    sales of the Enter-to-QR measurement (default 30)
#   --count N    go test -count for the Go benchmarks (default 5)
#   --quick      --runs 10 --sales 10 --count 2
#   --demo       also time `cryptopos --demo`'s start-up (default on; --no-demo)
#   --keep       keep the work directory (raw outputs, screens, logs)
#   --out FILE   also write the table to FILE
#
# The relay benchmarks run with GOMAXPROCS 2 (-cpu 2), and are pinned to
# two CPUs with taskset when the machine has more. Other load on the
# machine shows in the figures: the load average and CPU pressure are
# printed before and after, with a warning when they were high.
#
# Exits 1 when a figure misses its target, 2 on a usage error or a missing
# figure, 3 when something could not be built or driven.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=30
SALES=30
COUNT=5
DEMO=1
KEEP=0
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --sales) SALES=$2; shift 2 ;;
    --sales=*) SALES=${1#*=}; shift ;;
    --count) COUNT=$2; shift 2 ;;
    --count=*) COUNT=${1#*=}; shift ;;
    --quick) RUNS=10; SALES=10; COUNT=2; shift ;;
    --demo) DEMO=1; shift ;;
    --no-demo) DEMO=0; shift ;;
    --keep) KEEP=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$RUNS" "$SALES" "$COUNT"; do
  case "$n" in ''|*[!0-9]*|0) echo "bench.sh: --runs, --sales and --count want positive whole numbers" >&2; exit 2 ;; esac
done
[ "$(uname -s)" = Linux ] || echo "bench.sh: written for Linux; the pty measurements may not work here" >&2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cryptopos-bench.XXXXXX")
cleanup() { if [ "$KEEP" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
die() { echo "bench.sh: $*" >&2; exit 3; }

PIN=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 2 ]; then PIN=(taskset -c 0,1); fi

# busy: the load average and CPU pressure now, and whether other work
# competes for the CPUs (load average above half of them, or more than
# 20 % of the last 10 s with runnable tasks waiting).
busy() {
  local load pressure
  load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
  pressure=$(sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null || true)
  echo "load average $load, CPU pressure ${pressure:-?}%"
  awk -v l="$load" -v p="${pressure:-0}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2 || p > 20) }'
}
BUSY=0
echo "== $(go version), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo '?')), $(busy || true)"
busy >/dev/null && BUSY=1
echo "== building into $WORK (CGO_ENABLED=0 -trimpath, the same for cryptopos and bench/bare)"
export CGO_ENABLED=0
go build -trimpath -o "$WORK/cryptopos" . || die "cannot build cryptopos"
go build -trimpath -o "$WORK/bare" ./bench/bare || die "cannot build bench/bare"
go build -o "$WORK/ptybench" ./bench/ptybench || die "cannot build bench/ptybench"
go build -o "$WORK/benchtable" ./bench/benchtable || die "cannot build bench/benchtable"

DEMOFLAG=()
[ "$DEMO" = 1 ] && DEMOFLAG=(-demo)
echo "== $(date +%T) start-up ($RUNS runs each) and Enter to QR ($SALES sales), in a pty"
mkdir -p "$WORK/pty"
"$WORK/ptybench" -app "$WORK/cryptopos" -bare "$WORK/bare" -work "$WORK/pty" \
  -runs "$RUNS" -sales "$SALES" "${DEMOFLAG[@]}" >"$WORK/pty.txt" || die "ptybench failed"

gobench() { # FILE PKG PATTERN [go test flags...]
  local file=$1 pkg=$2 pattern=$3
  shift 3
  echo "== $(date +%T) go test $pkg -bench '$pattern' -count $COUNT $*"
  go test "$pkg" -run '^$' -bench "$pattern" -count "$COUNT" "$@" >"$WORK/$file.txt" 2>&1 ||
    { cat "$WORK/$file.txt" >&2; die "go test $pkg failed"; }
}
gobench qr ./qr '^BenchmarkRender$' -benchtime 0.5s
gobench ui ./ui '^Benchmark(View|Frame)$' -benchtime 0.5s
gobench benchpkg ./bench '^Benchmark(QRRender60|JournalOpen)$' -benchtime 0.5s
gobench journal ./journal '^Benchmark(Update|Insert)$' -benchtime 0.5s
go test -c -o "$WORK/bench.test" ./bench || die "cannot build the bench tests"
go test -c -o "$WORK/relay.test" ./relay || die "cannot build the relay tests"
echo "== $(date +%T) relay on 2 CPUs${PIN:+ (taskset -c 0,1)}: bench RelayCallbacks, StatusReads; relay Callbacks, CallbacksHTTP, Get"
(cd bench && "${PIN[@]}" "$WORK/bench.test" -test.run '^$' -test.bench '^Benchmark(RelayCallbacks|StatusReads)$' \
  -test.benchtime 10000x -test.count "$COUNT" -test.cpu 2) >"$WORK/relaybench.txt" 2>&1 ||
  { cat "$WORK/relaybench.txt" >&2; die "the relay benchmarks failed"; }
(cd relay && "${PIN[@]}" "$WORK/relay.test" -test.run '^$' -test.bench '^Benchmark(Callbacks|CallbacksHTTP|Get)$' \
  -test.benchtime 5000x -test.count "$COUNT" -test.cpu 2) >"$WORK/relay.txt" 2>&1 ||
  { cat "$WORK/relay.txt" >&2; die "relay's benchmarks failed"; }

echo "== $(date +%T) now: $(busy)"
busy >/dev/null && BUSY=1
echo
set +e
"$WORK/benchtable" "$WORK"/pty.txt "$WORK"/qr.txt "$WORK"/ui.txt "$WORK"/benchpkg.txt "$WORK"/journal.txt \
  "$WORK"/relaybench.txt "$WORK"/relay.txt | tee "$WORK/table.md"
rc=${PIPESTATUS[0]}
set -e
if [ "$BUSY" = 1 ]; then
  echo
  echo "WARNING: other work competed for the CPUs during this run (see the load above): the figures are"
  echo "pessimistic and the relay's and the journal's the most (fsync under contention). Run again on a quiet machine."
fi
[ -n "$OUT" ] && cp "$WORK/table.md" "$OUT"
exit "$rc"
