#!/usr/bin/env bash
# How light is cryptopos while it waits? Builds the real binary, starts a
# local Cryptomus sandbox, runs the terminal in tmux against it and measures
# the terminal process over a window of N seconds, twice:
#
#   sale      the Sale screen, nothing typed (the app's resting state)
#   invoice   an invoice of 12.50 EUR in BTC waiting for payment, its QR code
#             on screen, the countdown ticking and the invoice polled every
#             3 s (the default [poll] interval)
#
# for each terminal: TERM=xterm-256color in an 80x24 window and TERM=linux
# (the Linux console mode: the QR code as coloured spaces) in 100x50.
#
# Figures: CPU seconds (utime + stime from /proc/PID/stat, over CLK_TCK) per
# minute of waiting, peak resident memory (VmHWM from /proc/PID/status), and
# to tell a spinning loop from honest work: context switches per second
# (summed over the process's threads) and bytes written per second
# (/proc/PID/io wchar: the screen updates, the log and the journal).
#
#   scripts/bench-idle.sh                     # 60 s per window (about 5 minutes)
#   scripts/bench-idle.sh --seconds 20
#   scripts/bench-idle.sh --terms linux --strace 10
#
# Options:
#   --seconds N     length of each measuring window (default 60)
#   --terms "A B"   the TERM values to try (default "xterm-256color linux")
#   --bin PATH      measure this binary instead of building one
#   --env VAR=VALUE one more environment variable for the terminal (NO_COLOR=1,
#                   say); may be repeated
#   --strace N      also count the system calls of the waiting invoice for N s
#                   with strace -c -f (needs strace; this slows the process
#                   down, so it runs after the measurement)
#   --keep          keep the temporary directory (config, log, journal)
#
# Exits 1 when a waiting invoice uses 0.1 CPU-second per minute or more, or
# the peak RSS reaches 30 MB (the targets for a Raspberry Pi-class board);
# 2 on a usage error; 3 when the terminal or sandbox could not be driven.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_WINDOW=60
TERMS="xterm-256color linux"
BIN=""
EXTRA_ENV=()
STRACE_SECONDS=0
KEEP=0
CPU_TARGET=0.1   # CPU-seconds per minute of waiting
RSS_TARGET_MB=30 # peak resident memory, MB (10^6 bytes)

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_WINDOW=$2; shift 2 ;;
    --seconds=*) SECONDS_PER_WINDOW=${1#*=}; shift ;;
    --terms) TERMS=$2; shift 2 ;;
    --terms=*) TERMS=${1#*=}; shift ;;
    --bin) BIN=$2; shift 2 ;;
    --bin=*) BIN=${1#*=}; shift ;;
    --env) EXTRA_ENV+=("$2"); shift 2 ;;
    --env=*) EXTRA_ENV+=("${1#*=}"); shift ;;
    --strace) STRACE_SECONDS=$2; shift 2 ;;
    --strace=*) STRACE_SECONDS=${1#*=}; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-idle.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$SECONDS_PER_WINDOW" in ''|*[!0-9]*|0) echo "bench-idle.sh: --seconds wants a positive whole number" >&2; exit 2 ;; esac
command -v tmux >/dev/null || { echo "bench-idle.sh: needs tmux (apt-get install tmux)" >&2; exit 3; }
[ "$(uname -s)" = Linux ] || { echo "bench-idle.sh: reads /proc, so Linux only" >&2; exit 3; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cryptopos-bench.XXXXXX")
SOCKET="cryptopos-bench-$$"
SANDBOX_PID=""
cleanup() {
  tmux -L "$SOCKET" kill-server 2>/dev/null || true
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCKET"
  if [ -n "$SANDBOX_PID" ]; then kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi
  if [ "$KEEP" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
die() { echo "bench-idle.sh: $*" >&2; exit 3; }

if [ -z "$BIN" ]; then
  BIN="$WORK/cryptopos"
  echo "== building $BIN (CGO_ENABLED=0, -trimpath, -s -w, as make dist does)"
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=bench" -o "$BIN" .
fi
[ -x "$BIN" ] || die "no binary at $BIN"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

CLK_TCK=$(getconf CLK_TCK)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the sandbox --------------------------------------------------------
"$BIN" sandbox cryptomus --listen 127.0.0.1:0 >"$WORK/sandbox.out" 2>&1 &
SANDBOX_PID=$!
for _ in $(seq 100); do
  grep -q '^payment_key = ' "$WORK/sandbox.out" 2>/dev/null && break
  sleep 0.1
done
grep -q '^payment_key = ' "$WORK/sandbox.out" || die "the sandbox printed no [cryptomus] section: $(cat "$WORK/sandbox.out")"
SECTION=$(sed -n '/^\[cryptomus\]/,/^$/p' "$WORK/sandbox.out" | grep -E '^(\[cryptomus\]|[a-z_]+ = ")')

# --- measuring a process ------------------------------------------------
# cpu_ticks PID: utime + stime, in clock ticks. The fields after the command
# name, which may hold spaces, start after the last ')': state is field 3,
# utime 14, stime 15.
cpu_ticks() {
  local stat rest
  stat=$(cat "/proc/$1/stat")
  rest=${stat##*) }
  set -- $rest
  echo $(( ${12} + ${13} ))
}
# ctx_switches PID: voluntary + involuntary context switches of all threads.
ctx_switches() {
  local sum=0 n
  for n in $(cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { print $2 }'); do
    sum=$((sum + n))
  done
  echo "$sum"
}
wchar() { awk '/^wchar:/ { print $2 }' "/proc/$1/io"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# screen: the pane's text
screen() { tmux -L "$SOCKET" capture-pane -p -t pos 2>/dev/null || true; }
# wait_for TEXT...: until every TEXT is on the screen (20 s at most)
wait_for() {
  local s t ok
  for _ in $(seq 200); do
    s=$(screen); ok=1
    for t in "$@"; do [[ "$s" == *"$t"* ]] || ok=0; done
    [ $ok = 1 ] && return 0
    sleep 0.1
  done
  echo "--- the screen:" >&2; screen >&2
  die "waited 20 s for: $*"
}

RESULTS=()
FAIL=0

# measure LABEL PID: one window; appends a line to RESULTS
measure() {
  local label=$1 pid=$2 t0 t1 c0 c1 w0 w1 s0 s1 secs cpu_min hwm rss
  t0=$(cpu_ticks "$pid"); c0=$(ctx_switches "$pid"); w0=$(wchar "$pid"); s0=$(date +%s.%N)
  sleep "$SECONDS_PER_WINDOW"
  [ -e "/proc/$pid" ] || die "the terminal exited during the measurement"
  t1=$(cpu_ticks "$pid"); c1=$(ctx_switches "$pid"); w1=$(wchar "$pid"); s1=$(date +%s.%N)
  hwm=$(hwm_kb "$pid"); rss=$(rss_kb "$pid")
  secs=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
  cpu_min=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v s="$secs" 'BEGIN { printf "%.3f", d / hz * 60 / s }')
  local line
  line=$(awk -v l="$label" -v cpu="$cpu_min" -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v s="$secs" \
    -v cs=$((c1 - c0)) -v wb=$((w1 - w0)) -v hwm="$hwm" -v rss="$rss" 'BEGIN {
      printf "%-34s CPU %.3f s/min (%.2f s in %.0f s)  peak RSS %.1f MB (now %.1f)  %.1f ctx switches/s  %.0f B written/s",
        l, cpu, d / hz, s, hwm * 1024 / 1e6, rss * 1024 / 1e6, cs / s, wb / s }')
  echo "$line"
  RESULTS+=("$line")
  if [[ "$label" == *invoice* ]]; then
    echo "CPU: $cpu_min s per minute of waiting; peak RSS: $(awk -v k="$hwm" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }') MB"
    if awk -v c="$cpu_min" -v t="$CPU_TARGET" 'BEGIN { exit !(c >= t) }'; then
      echo "  over the target of $CPU_TARGET CPU-second per minute"; FAIL=1
    fi
    if awk -v k="$hwm" -v t="$RSS_TARGET_MB" 'BEGIN { exit !(k * 1024 / 1e6 >= t) }'; then
      echo "  over the target of $RSS_TARGET_MB MB resident"; FAIL=1
    fi
  fi
}

# --- one terminal -------------------------------------------------------
run_term() {
  local term=$1 cols=$2 rows=$3 dir="$WORK/$1"
  mkdir -p "$dir/home"
  cat >"$dir/config.toml" <<EOF
# bench-idle.sh: the default poll interval (3 s) against a local sandbox
provider = "cryptomus"

[shop]
name = "Bench Café"
currency = "EUR"

[journal]
path = "$dir/journal.db"

[log]
path = "$dir/cryptopos.log"

$SECTION
pay_currencies = ["BTC", "USDT:tron"]
EOF
  printf 'set -g status off\nset -g remain-on-exit on\n' >"$dir/tmux.conf"
  tmux -L "$SOCKET" -f "$dir/tmux.conf" new-session -d -s pos -x "$cols" -y "$rows" \
    env -i PATH="$PATH" HOME="$dir/home" TERM="$term" LANG=C.UTF-8 ${EXTRA_ENV[@]+"${EXTRA_ENV[@]}"} \
    sh -c 'echo $$ > "$0"; exec "$@"' "$dir/pid" "$BIN" --config "$dir/config.toml"
  local pid=""
  for _ in $(seq 100); do [ -s "$dir/pid" ] && pid=$(cat "$dir/pid") && break; sleep 0.1; done
  [ -n "$pid" ] || die "the terminal did not start"

  echo "== TERM=$term, ${cols}x${rows}, pid $pid: $SECONDS_PER_WINDOW s per window"
  wait_for "Amount (EUR)"
  sleep 2 # let start-up (coin check with the sandbox) settle
  measure "TERM=$term ${cols}x${rows} sale screen idle" "$pid"

  tmux -L "$SOCKET" send-keys -t pos -l 12.50
  wait_for "12.50"
  tmux -L "$SOCKET" send-keys -t pos Enter
  wait_for "How will the customer pay?"
  tmux -L "$SOCKET" send-keys -t pos -l 2
  wait_for "Waiting for payment" " left"
  if [ "$term" != linux ] && ! screen | grep -q '[▀▄█]'; then
    echo "--- the screen:"; screen; die "no QR code on the invoice screen"
  fi
  sleep 2
  measure "TERM=$term ${cols}x${rows} invoice waiting" "$pid"
  if [ "$STRACE_SECONDS" != 0 ]; then
    if command -v strace >/dev/null; then
      echo "-- strace -c -f, $STRACE_SECONDS s of the waiting invoice:"
      timeout -s INT "$STRACE_SECONDS" strace -c -f -p "$pid" -o "$dir/strace.txt" 2>/dev/null || true
      sed -n '1,25p' "$dir/strace.txt"
    else
      echo "-- strace is not installed (apt-get install strace); no system call counts"
    fi
  fi
  tmux -L "$SOCKET" send-keys -t pos c
  tmux -L "$SOCKET" send-keys -t pos y
  tmux -L "$SOCKET" kill-server 2>/dev/null || true
  for _ in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
}

for term in $TERMS; do
  if [ "$term" = linux ]; then run_term "$term" 100 50; else run_term "$term" 80 24; fi
done

echo
echo "== summary ($SECONDS_PER_WINDOW s windows; targets: under $CPU_TARGET CPU-s per minute and $RSS_TARGET_MB MB while an invoice waits)"
# A busy machine drops some of a ticking renderer's wake-ups, so it measures
# less than an idle board would: the load says how far to trust the figures.
echo "load average: $LOAD_BEFORE at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end ($(nproc) CPUs)"
printf '%s\n' "${RESULTS[@]}"
exit $FAIL
