#!/usr/bin/env bash
# Runs the cross-compiled ARM binaries' --version under qemu-user, to show
# that they are whole, static, and start on their architecture.
#
#   make dist && scripts/qemu-version.sh        # or: make qemu-version
#   DIST=out scripts/qemu-version.sh
#   scripts/qemu-version.sh --smoke   # also, per binary: its own Cryptomus
#                                     # sandbox, `invoice create` into a fresh
#                                     # SQLite journal, `report`
#
# Installs Debian's qemu-user-static when qemu-aarch64-static or
# qemu-arm-static is missing (apt-get; sudo only when not root). Exits
# non-zero when a binary is missing, does not run, or does not say
# "cryptopos VERSION".
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${DIST:-dist}
SMOKE=0
case "${1:-}" in
  --smoke) SMOKE=1 ;;
  "") ;;
  *) echo "usage: qemu-version.sh [--smoke]" >&2; exit 2 ;;
esac

need() { command -v "$1" >/dev/null 2>&1; }
if ! need qemu-aarch64-static || ! need qemu-arm-static; then
  echo "== installing qemu-user-static"
  if ! need apt-get; then
    echo "qemu-user-static is missing and apt-get is not available" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq qemu-user-static >/dev/null
fi

fail=0
# binary qemu
for pair in "linux-arm64 qemu-aarch64-static" "linux-armv7 qemu-arm-static" "linux-armv6 qemu-arm-static"; do
  read -r name emu <<<"$pair"
  bin="$DIST/cryptopos-$name"
  if [ ! -x "$bin" ]; then
    echo "FAIL $bin: missing (run make dist first)"; fail=1; continue
  fi
  cpu=()
  # An ARMv6 binary must not need ARMv7 instructions: run it on an ARM1176
  # (the Pi 1 and Zero's core) rather than qemu's default, newer CPU.
  [ "$name" = linux-armv6 ] && cpu=(-cpu arm1176)
  if out=$("$emu" "${cpu[@]}" "$bin" --version 2>&1) && [[ "$out" == cryptopos\ * ]]; then
    echo "ok   $emu ${cpu[*]:+${cpu[*]} }$bin --version: $out"
  else
    echo "FAIL $emu ${cpu[*]:+${cpu[*]} }$bin --version: $out"; fail=1
  fi
done

# smoke EMU CPU... BIN: the sandbox, a sale created from the command line into
# a new journal, and the day's report, all under the emulator.
smoke() {
  local bin=${*: -1} dir sb_pid section out
  dir=$(mktemp -d "${TMPDIR:-/tmp}/cryptopos-qemu.XXXXXX")
  "${@:1:$#-1}" "$bin" sandbox cryptomus --listen 127.0.0.1:0 >"$dir/sandbox.out" 2>&1 &
  sb_pid=$!
  for _ in $(seq 100); do grep -q '^payment_key = ' "$dir/sandbox.out" 2>/dev/null && break; sleep 0.2; done
  section=$(sed -n '/^\[cryptomus\]/,/^$/p' "$dir/sandbox.out" | grep -E '^(\[cryptomus\]|[a-z_]+ = ")' || true)
  printf 'provider = "cryptomus"\n[shop]\nname = "qemu"\ncurrency = "EUR"\n[journal]\npath = "%s/journal.db"\n%s\npay_currencies = ["BTC"]\n' \
    "$dir" "$section" >"$dir/config.toml"
  chmod 600 "$dir/config.toml"
  local ok=1
  if ! out=$("${@:1:$#-1}" "$bin" invoice create --config "$dir/config.toml" --amount 12.50 --pay BTC --json 2>&1) ||
    [[ "$out" != *'"status":"waiting"'* ]]; then
    echo "FAIL $bin invoice create: $out"; ok=0
  elif ! out=$("${@:1:$#-1}" "$bin" report --config "$dir/config.toml" 2>&1) || [[ "$out" != *"Waiting for payment"*" 1 "*"12.50"* ]]; then
    echo "FAIL $bin report: $out"; ok=0
  else
    echo "ok   $bin: sandbox, invoice create (waiting, 12.50 EUR in BTC), report"
  fi
  kill "$sb_pid" 2>/dev/null || true
  wait "$sb_pid" 2>/dev/null || true
  rm -rf "$dir"
  [ $ok = 1 ]
}

if [ "$SMOKE" = 1 ] && [ $fail = 0 ]; then
  smoke qemu-aarch64-static "$DIST/cryptopos-linux-arm64" || fail=1
  smoke qemu-arm-static "$DIST/cryptopos-linux-armv7" || fail=1
  smoke qemu-arm-static -cpu arm1176 "$DIST/cryptopos-linux-armv6" || fail=1
fi
exit $fail
