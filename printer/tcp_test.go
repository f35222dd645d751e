package printer

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"cryptopos/printer/escposdecode"
)

func testJob(t *testing.T) []byte {
	t.Helper()
	data, err := Receipt(ReceiptData{Invoice: paidBTC()}, testShop, testFormat(Paper80))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func printWithin(t *testing.T, p Printer, job []byte, timeout time.Duration) (error, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	err := p.Print(ctx, job)
	return err, time.Since(start)
}

// A network printer gets the job whole, after the status requests, and
// the receipt decodes from what it received.
func TestTCPPrints(t *testing.T) {
	fp := newFakePrinter(t)
	p, err := Open("tcp://"+fp.addr(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	job := testJob(t)
	if err, _ := printWithin(t, p, job, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	<-fp.done
	got := fp.received()
	if len(got) != 1 {
		t.Fatalf("%d connections", len(got))
	}
	if !bytes.HasPrefix(got[0], []byte{0x10, 0x04, 2, 0x10, 0x04, 4}) {
		t.Errorf("the job does not start with the status requests: % X", got[0][:8])
	}
	if !bytes.Equal(withoutStatus(got[0]), job) {
		t.Errorf("the printer received %d bytes of job, want %d", len(withoutStatus(got[0])), len(job))
	}
	doc, err := escposdecode.Decode(got[0])
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := doc.Value("Amount"); v != "12.50 EUR" {
		t.Errorf("the printer printed amount %q", v)
	}
	if p.Device().Transport != TCP || p.Device().Addr != fp.addr() {
		t.Errorf("device %+v", p.Device())
	}
}

// A printer that does not answer status requests is trusted, without the
// requests costing more than the status wait.
func TestTCPMutePrinter(t *testing.T) {
	fp := newFakePrinter(t, func(f *fakePrinter) { f.mute = true })
	p, _ := Open(fp.addr(), Options{StatusWait: 50 * time.Millisecond})
	job := testJob(t)
	if err, _ := printWithin(t, p, job, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	<-fp.done
	if got := fp.received(); len(got) != 1 || !bytes.Equal(withoutStatus(got[0]), job) {
		t.Error("the job did not arrive whole")
	}
	// Without the status check nothing but the job is sent.
	p, _ = Open(fp.addr(), Options{NoStatusCheck: true})
	if err, _ := printWithin(t, p, job, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	<-fp.done
	if got := fp.received(); !bytes.Equal(got[1], job) {
		t.Error("with no status check, the printer received more than the job")
	}
}

func TestTCPOutOfPaperAndCoverOpen(t *testing.T) {
	tests := []struct {
		offline, paper byte
		problem        Problem
		sentence       string
	}{
		{0x32, 0x72, OutOfPaper, "The printer reports it is out of paper: load a new roll, then print again."},
		{0x12, 0x72, OutOfPaper, "The printer reports it is out of paper: load a new roll, then print again."},
		{0x16, 0x12, CoverOpen, "The printer reports its cover is open: close it, then print again."},
	}
	for _, tt := range tests {
		fp := newFakePrinter(t, func(f *fakePrinter) { f.offline, f.paper = tt.offline, tt.paper })
		p, _ := Open("tcp://"+fp.addr(), Options{})
		err, _ := printWithin(t, p, testJob(t), 5*time.Second)
		if ProblemOf(err) != tt.problem || err.Error() != tt.sentence {
			t.Errorf("%02X %02X: %v, want %q", tt.offline, tt.paper, err, tt.sentence)
		}
		<-fp.done
		if got := fp.received(); len(withoutStatus(got[0])) != 0 {
			t.Errorf("the job was sent to a printer that cannot print: %d bytes", len(got[0]))
		}
	}
}

// The paper runs out during the job: the answer after it says so.
func TestTCPRunsOutDuringTheJob(t *testing.T) {
	// The first DLE EOT 4 (before the job) sees paper; the answer changes
	// once the job has started arriving.
	fp := newFakePrinter(t, func(f *fakePrinter) {
		f.hook = func(read int) {
			if read > 6 {
				f.setPaper(0x72)
			}
		}
	})
	p, _ := Open("tcp://"+fp.addr(), Options{})
	job := testJob(t)
	err, _ := printWithin(t, p, job, 5*time.Second)
	if ProblemOf(err) != OutOfPaper || !strings.Contains(err.Error(), "ran out of paper during the job") {
		t.Errorf("%v, want the paper running out during the job", err)
	}
}

func TestTCPClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p, _ := Open("tcp://"+addr, Options{})
	err, took := printWithin(t, p, testJob(t), 2*time.Second)
	want := "The printer at " + addr + " does not answer: is it switched on and on the network?"
	if ProblemOf(err) != Unreachable || err.Error() != want {
		t.Errorf("%v, want %q", err, want)
	}
	if took > 2*time.Second {
		t.Errorf("took %s", took)
	}
}

// A printer that accepts the connection but reads nothing: the job, too
// large for the network's buffers, stalls, and Print returns by the
// deadline with a sentence.
func TestTCPPrinterNeverReads(t *testing.T) {
	fp := newFakePrinter(t, func(f *fakePrinter) { f.deaf = true })
	p, _ := Open("tcp://"+fp.addr(), Options{StatusWait: 20 * time.Millisecond})
	big := bytes.Repeat([]byte("x"), 32<<20)
	timeout := 300 * time.Millisecond
	err, took := printWithin(t, p, big, timeout)
	want := "The printer at " + fp.addr() + " did not take the job within 300ms: is it out of paper, its cover open, or switched off?"
	if ProblemOf(err) != Stalled || err.Error() != want {
		t.Errorf("%v, want %q", err, want)
	}
	if took > timeout+time.Second {
		t.Errorf("Print returned after %s, the deadline was %s", took, timeout)
	}
}

// A printer that answered before the job but stops reading in its middle
// (its buffer full): no answer after the job, a sentence by the deadline,
// however small the job.
func TestTCPPrinterStopsReading(t *testing.T) {
	// It reads the status requests and a little more.
	fp := newFakePrinter(t, func(f *fakePrinter) { f.stopAfter = 10 })
	p, _ := Open("tcp://"+fp.addr(), Options{})
	timeout := 300 * time.Millisecond
	err, took := printWithin(t, p, testJob(t), timeout)
	if ProblemOf(err) != Stalled {
		t.Errorf("%v, want the printer stalled", err)
	}
	if took > timeout+time.Second {
		t.Errorf("Print returned after %s, the deadline was %s", took, timeout)
	}
}

func TestTCPCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	fp := newFakePrinter(t, func(f *fakePrinter) { f.deaf, f.onAccept = true, cancel })
	p, _ := Open("tcp://"+fp.addr(), Options{})
	start := time.Now()
	err := p.Print(ctx, bytes.Repeat([]byte("x"), 32<<20))
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("cancelled print: %v after %s", err, time.Since(start))
	}
}

func TestTCPUnknownHost(t *testing.T) {
	p, _ := Open("tcp://printer.invalid:9100", Options{})
	err, _ := printWithin(t, p, []byte("x"), 5*time.Second)
	if ProblemOf(err) != Unreachable || !strings.Contains(err.Error(), "printer.invalid:9100") {
		t.Errorf("%v", err)
	}
}
