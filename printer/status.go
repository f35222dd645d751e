package printer

import (
	"errors"
	"io"
	"os"
	"time"

	"cryptopos/printer/escpos"
)

// statusLink is a link that answers: a network connection, a serial port,
// a bidirectional USB printer.
type statusLink interface {
	io.ReadWriter
	SetReadDeadline(time.Time) error
}

// checkStatus asks the printer for its offline cause and roll paper
// sensors (DLE EOT 2, DLE EOT 4) and waits up to wait for the two answers.
// It returns a sentence when the printer says it cannot print. answered
// is false when the printer did not answer in time (many USB printers and
// some clones never do): the job is then sent regardless.
func checkStatus(link statusLink, d Device, wait time.Duration, until time.Time) (answered bool, err error) {
	at := time.Now().Add(wait)
	if at.After(until) {
		at = until
	}
	if err := link.SetReadDeadline(at); err != nil {
		return false, nil // no way to bound the wait: do not ask
	}
	defer link.SetReadDeadline(until)
	req := append(escpos.StatusRequest(escpos.StatusOffline), escpos.StatusRequest(escpos.StatusRollPaper)...)
	if _, err := link.Write(req); err != nil {
		return false, nil // the write of the job will say what is wrong
	}
	var answer [2]byte
	if _, err := io.ReadFull(link, answer[:]); err != nil {
		return false, nil
	}
	offline, ok1 := escpos.ParseOfflineStatus(answer[0])
	paper, ok2 := escpos.ParsePaperStatus(answer[1])
	switch {
	case !ok1 || !ok2:
		return false, nil // not status answers: something else talks on the link
	case offline.CoverOpen:
		return true, coverOpen(d)
	case paper.End || offline.PaperEnd:
		return true, outOfPaper(d)
	}
	return true, nil
}

// confirmJob follows a job with DLE EOT 4 on a printer that answered
// before it. The printer answers once it has read the job up to there,
// so an answer says it took every byte, and whether the paper ran out on
// the way; no answer by the deadline says it stopped taking data.
func confirmJob(link statusLink, d Device, until time.Time, timeout time.Duration) error {
	_ = link.SetReadDeadline(until)
	if _, err := link.Write(escpos.StatusRequest(escpos.StatusRollPaper)); err != nil {
		if isTimeout(err) {
			return stalled(d, err, timeout)
		}
		return nil
	}
	var answer [1]byte
	_, err := io.ReadFull(link, answer[:])
	switch {
	case isTimeout(err):
		return stalled(d, err, timeout)
	case err != nil:
		return nil // the printer hung up after the job: it had it all
	}
	if paper, ok := escpos.ParsePaperStatus(answer[0]); ok && paper.End {
		return newError(OutOfPaper, d, nil, "The printer ran out of paper during the job: load a new roll, then print again.")
	}
	return nil
}

// isTimeout reports whether err is a deadline passing.
func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}
