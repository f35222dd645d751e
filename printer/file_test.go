package printer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cryptopos/printer/escposdecode"
)

// A file printer appends every job; the file decodes back to all of them.
func TestFilePrinter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "receipts.bin")
	p, err := Open("file:"+path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := testJob(t), DayReport(testReport(), testShop, testFormat(Paper80))
	for _, job := range [][]byte{a, b} {
		if err, _ := printWithin(t, p, job, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, append(append([]byte{}, a...), b...)) {
		t.Fatalf("the file holds %d bytes (%v), want both jobs", len(got), err)
	}
	doc, err := escposdecode.Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Count(escposdecode.KindCut) != 2 || doc.Count(escposdecode.KindInit) != 2 {
		t.Errorf("%d jobs in the file", doc.Count(escposdecode.KindInit))
	}
}

func TestFilePrinterCannotWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "receipts.bin")
	p, _ := Open("file:"+path, Options{})
	err, _ := printWithin(t, p, []byte("x"), time.Second)
	if ProblemOf(err) != Failed || !strings.HasPrefix(err.Error(), "Could not open "+path+" to write the job: ") {
		t.Errorf("%v", err)
	}
}

// A USB device file that is there is written raw; a regular file stands
// in for it (it cannot answer, so no status is asked).
func TestUSBPrinterWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := OpenDevice(Device{Transport: USB, Path: path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	job := testJob(t)
	if err, _ := printWithin(t, p, job, time.Second); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, job) {
		t.Errorf("the device got %d bytes, want the %d of the job", len(got), len(job))
	}
}

func TestUSBPrinterMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	p, _ := OpenDevice(Device{Transport: USB, Path: path}, Options{})
	err, _ := printWithin(t, p, []byte("x"), time.Second)
	want := path + " is missing: is the printer plugged in and switched on?"
	if ProblemOf(err) != Unreachable || err.Error() != want {
		t.Errorf("%v, want %q", err, want)
	}
}

func TestUSBPrinterNoPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write anything")
	}
	path := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(path, nil, 0o400); err != nil {
		t.Fatal(err)
	}
	p, _ := OpenDevice(Device{Transport: USB, Path: path}, Options{})
	err, _ := printWithin(t, p, []byte("x"), time.Second)
	want := "cryptopos may not write to " + path + ": add its user to the lp group (sudo usermod -aG lp USER), then log in again."
	if ProblemOf(err) != NoPermission || err.Error() != want {
		t.Errorf("%v, want %q", err, want)
	}
}
