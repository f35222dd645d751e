#!/usr/bin/env bash
# Cross-compiles cryptopos for the boards it runs on and prints each binary's
# size. Pure Go (CGO_ENABLED=0): no C toolchain is needed for any target.
#
#   scripts/build.sh                 # all four targets into dist/
#   scripts/build.sh linux-arm64     # only the named ones
#   VERSION=1.2.0 DIST=out scripts/build.sh
#
# Targets (binary name: GOOS/GOARCH, GOARM):
#   cryptopos-linux-arm64  linux/arm64          Pi 3, 4, 5, Zero 2 W on a 64-bit OS
#   cryptopos-linux-armv7  linux/arm GOARM=7    Pi 2, 3, 4 on 32-bit Raspberry Pi OS
#   cryptopos-linux-armv6  linux/arm GOARM=6    Pi 1, Zero, Zero W
#   cryptopos-linux-amd64  linux/amd64          PCs, thin clients
set -euo pipefail
cd "$(dirname "$0")/.."

DIST=${DIST:-dist}
if [ -z "${VERSION:-}" ]; then
  VERSION=$(git describe --tags --always --dirty 2>/dev/null || true)
  VERSION=${VERSION:-dev}
fi

# name GOOS GOARCH GOARM
all_targets=(
  "linux-arm64 linux arm64 -"
  "linux-armv7 linux arm 7"
  "linux-armv6 linux arm 6"
  "linux-amd64 linux amd64 -"
)

want=("$@")
selected=()
for t in "${all_targets[@]}"; do
  name=${t%% *}
  if [ ${#want[@]} -eq 0 ]; then selected+=("$t"); continue; fi
  for w in "${want[@]}"; do
    if [ "$w" = "$name" ] || [ "$w" = "cryptopos-$name" ]; then selected+=("$t"); fi
  done
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "build.sh: no such target: $*; choose from linux-arm64 linux-armv7 linux-armv6 linux-amd64" >&2
  exit 2
fi

mkdir -p "$DIST"
echo "cryptopos $VERSION -> $DIST/"
printf '%-28s %12s %9s\n' "binary" "bytes" "MiB"
for t in "${selected[@]}"; do
  read -r name goos goarch goarm <<<"$t"
  out="$DIST/cryptopos-$name"
  env_goarm=()
  [ "$goarm" != "-" ] && env_goarm=(GOARM="$goarm")
  env CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" "${env_goarm[@]}" \
    go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$out" .
  size=$(stat -c %s "$out")
  printf '%-28s %12s %9s\n' "cryptopos-$name" "$size" "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')"
done
