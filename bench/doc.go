// Package bench holds benchmarks of what the cashier and the shop feel,
// beyond the packages' own: the relay served on loopback HTTP with the real
// Cryptoprocessing receiver (callbacks per second and latency, terminal
// status reads per second under concurrency) and QR rendering of a
// 60-character URL at the Invoice screen's size. The helper programs beside
// it drive the real binary in a pseudo-terminal (ptybench), give it a
// baseline (bare) and summarise the results (benchtable).
//
// Nothing here runs under `go test ./...`: benchmarks run only with -bench,
// and the relay ones skip under -short. scripts/bench.sh runs everything
// and prints the table that the README's Performance section quotes.
package bench
