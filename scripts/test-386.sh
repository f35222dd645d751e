#!/usr/bin/env bash
# Runs the UI golden tests and the QR tests as a 32-bit build (GOARCH=386:
# the test binary runs natively on amd64 Linux, no emulator needed).
#
# Why: Lip Gloss v2 (v2.0.6 and earlier) keeps boolean style properties in a
# Go int, and BorderLeft and Inline sit above bit 31 of their key, so on
# 32-bit platforms (386, arm: the Pi's armv6 and armv7 builds) BorderLeft(true)
# and Inline(true) are silently ignored: left borders and their corners
# vanish (charmbracelet/lipgloss issue 731). The golden files are the same on
# every architecture, so a screen that comes out differently on 32-bit fails
# here.
#
#   scripts/test-386.sh            # or: make test-386
#   scripts/test-386.sh -count=1   # extra flags go to go test
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(go env GOHOSTOS)" != linux ] || [ "$(go env GOHOSTARCH)" != amd64 ]; then
  echo "test-386.sh: runs 386 test binaries natively only on linux/amd64 (this is $(go env GOHOSTOS)/$(go env GOHOSTARCH))" >&2
  exit 2
fi
echo "== GOARCH=386 go test ./ui/ ./qr/...   (32-bit: Lip Gloss issue 731)"
GOARCH=386 CGO_ENABLED=0 go test "$@" ./ui/ ./qr/...
