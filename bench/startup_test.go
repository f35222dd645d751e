package bench

import (
	"path/filepath"
	"testing"

	"cryptopos/journal"
)

// BenchmarkJournalOpen is the journal's part of the terminal's start-up:
// opening an existing journal file (WAL mode, schema check, pragmas), as
// every start after the first does, and closing it.
func BenchmarkJournalOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "journal.db")
	j, err := journal.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	j.Close()
	for b.Loop() {
		j, err := journal.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		j.Close()
	}
}
