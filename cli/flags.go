package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"cryptopos/pos"
)

// newFlags returns a flag set that prints its errors and usage on stderr.
func newFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		if hasFlags(fs) {
			fmt.Fprintln(stderr, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses args, flags and positional arguments in any order
// ("watch ID --json" and "watch --json ID"), and returns the positional
// ones. done is set with the exit code when the command should stop: 0
// after --help, ExitUsage after a bad flag.
func parse(fs *flag.FlagSet, args []string) (positional []string, done bool, code int) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, ExitOK
			}
			return nil, true, ExitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, false, 0
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), false, 0
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// periodFlags are --date, --from and --to, shared by report and list.
type periodFlags struct {
	date, from, to string
}

func (p *periodFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.date, "date", "", "the day `YYYY-MM-DD` (default today)")
	fs.StringVar(&p.from, "from", "", "the first day `YYYY-MM-DD` of a period that runs to --to, or to today")
	fs.StringVar(&p.to, "to", "", "the last day `YYYY-MM-DD` of the period, included (default today)")
}

// period is a span of whole days in the shop's time zone.
type period struct {
	from, to          time.Time // [from, to)
	firstDay, lastDay string    // YYYY-MM-DD, lastDay included
}

// Label is "2026-03-14" or "2026-03-01 to 2026-03-14".
func (p period) Label() string {
	if p.firstDay == p.lastDay {
		return p.firstDay
	}
	return p.firstDay + " to " + p.lastDay
}

// resolve turns the flags into a period: one day (--date, default today),
// or --from to --to, both included (either missing is today).
func (p periodFlags) resolve(now time.Time, loc *time.Location) (period, error) {
	if p.date != "" && (p.from != "" || p.to != "") {
		return period{}, errors.New("give either --date or --from and --to, not both")
	}
	today := now.In(loc).Format(time.DateOnly)
	first, last := p.date, p.date
	if p.date == "" {
		first, last = p.from, p.to
	}
	if first == "" {
		first = today
	}
	if last == "" {
		last = today
	}
	from, _, err := dayBounds(first, loc)
	if err != nil {
		return period{}, err
	}
	_, to, err := dayBounds(last, loc)
	if err != nil {
		return period{}, err
	}
	if !from.Before(to) {
		return period{}, fmt.Errorf("--from %s is after --to %s", first, last)
	}
	return period{from: from, to: to, firstDay: first, lastDay: last}, nil
}

// dayBounds reads YYYY-MM-DD and returns that day in loc.
func dayBounds(s string, loc *time.Location) (from, to time.Time, err error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("%q is not a date: write YYYY-MM-DD, e.g. 2026-03-14", s)
	}
	from, to = pos.DayBounds(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc), loc)
	return from, to, nil
}

// parseStatuses reads "paid,expired".
func parseStatuses(s string) ([]pos.Status, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []pos.Status
	for _, word := range strings.Split(s, ",") {
		st := pos.Status(strings.ToLower(strings.TrimSpace(word)))
		if !st.Valid() {
			names := make([]string, len(pos.Statuses))
			for i, v := range pos.Statuses {
				names[i] = string(v)
			}
			return nil, fmt.Errorf("%q is not a status; use %s", word, strings.Join(names, ", "))
		}
		out = append(out, st)
	}
	return out, nil
}
