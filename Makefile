# cryptopos: build, test and cross-compile. `make help` lists the targets.
# Nothing here is needed for development: `go run .` and `go test ./...` are.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
DIST    ?= dist
export VERSION DIST

.PHONY: help build dist test test-386 ci qemu-version bench-idle clean

help:
	@echo "make build         cryptopos for this machine (CGO_ENABLED=0), version $(VERSION)"
	@echo "make dist          $(DIST)/cryptopos-linux-{arm64,armv7,armv6,amd64}, with their sizes"
	@echo "make test          go test ./...  (the README's test command)"
	@echo "make test-386      the UI golden and QR tests as a 32-bit (GOARCH=386) build"
	@echo "make qemu-version  make dist, then run the ARM binaries' --version under qemu-user"
	@echo "make bench-idle    CPU and memory of the real binary waiting on a sandbox invoice"
	@echo "make ci            .ci/run, what CI runs"

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o cryptopos .

dist:
	scripts/build.sh

test:
	go test ./...

test-386:
	scripts/test-386.sh

qemu-version: dist
	scripts/qemu-version.sh

bench-idle:
	scripts/bench-idle.sh

ci:
	bash .ci/run

clean:
	rm -rf $(DIST) cryptopos
