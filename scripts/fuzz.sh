#!/usr/bin/env bash
# Runs each fuzz target for a short while, one at a time, and stops at the
# first failure, saying where Go saved the failing input. The seed corpora
# (testdata/fuzz/FuzzX/ in each package) also run as plain tests in
# `go test ./...`; this script searches beyond them.
#
#   scripts/fuzz.sh                        # every target, 10 s each (about 2 min)
#   FUZZTIME=60s scripts/fuzz.sh           # longer
#   FUZZTIME=5000x scripts/fuzz.sh         # a number of executions instead
#   scripts/fuzz.sh FuzzWebhook FuzzServer # only the named targets
#
# The first run on a machine also builds the coverage-instrumented packages
# (SQLite's among them), which takes a few minutes once; later runs reuse
# Go's build cache.
#
# A failing input is written to PKG/testdata/fuzz/FuzzX/HASH. Re-run it with
# the `go test -run` line printed below, fix the code, and commit the file:
# from then on it is a regression test that `go test ./...` runs.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-10s}

# package and target, one per line: every Fuzz function of the module (the
# patched Bubble Tea copy in third_party is not ours to fuzz)
targets=$(grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^./third_party/' | sort |
  while read -r f; do
    grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed "s|^func |./$(dirname "${f#./}") |"
  done)

wanted() {
  [ $# -eq 1 ] && return 0
  local name=$1; shift
  for w in "$@"; do [ "$w" = "$name" ] && return 0; done
  return 1
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$SECONDS
ran=0
while read -r pkg name; do
  [ -z "$pkg" ] && continue
  wanted "$name" "$@" || continue
  printf '== %-14s %-30s ' "$name" "$pkg"
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
    # The last progress line: elapsed time, executions, new inputs.
    grep -E '^fuzz: elapsed' "$log" | tail -1 | sed -e 's/^fuzz: //' -e 's/ ([0-9]*\/sec)//'
    ran=$((ran + 1))
    continue
  fi
  echo "FAILED"
  cat "$log"
  saved=$(sed -n 's/.*Failing input written to \(testdata\/fuzz\/[^ ]*\).*/\1/p' "$log" | head -1)
  echo
  if [ -n "$saved" ]; then
    echo "The failing input is saved as ${pkg#./}/$saved"
    echo "Re-run it with:  go test -run '^${name}/$(basename "$saved")\$' $pkg"
    echo "Fix the code and commit that file: it becomes a regression test."
  else
    echo "$name failed without saving an input (a build error, or a failure in the seed corpus)."
  fi
  exit 1
done <<<"$targets"

if [ "$ran" -eq 0 ]; then
  echo "no fuzz target matches: $*" >&2
  exit 2
fi
echo "fuzz: $ran targets passed in $((SECONDS - start)) s (FUZZTIME=$FUZZTIME each)"
