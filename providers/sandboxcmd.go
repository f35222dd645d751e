package providers

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
)

// SandboxFlags are the flags every `cryptopos sandbox NAME` command takes,
// --listen ADDR and -v; a provider adds its own to the FlagSet before
// Parse.
type SandboxFlags struct {
	*flag.FlagSet
	out     io.Writer
	listen  *string
	verbose *bool
}

// NewSandboxFlags starts the flags of `cryptopos sandbox key`, which print
// their usage and errors to out. listen is the default address, verbose
// says what -v logs.
func NewSandboxFlags(key, listen, verbose string, out io.Writer) *SandboxFlags {
	fs := flag.NewFlagSet("cryptopos sandbox "+key, flag.ContinueOnError)
	fs.SetOutput(out)
	return &SandboxFlags{
		FlagSet: fs,
		out:     out,
		listen:  fs.String("listen", listen, "serve on `ADDR`"),
		verbose: fs.Bool("v", false, verbose),
	}
}

// Parse parses args and refuses an argument left over.
func (f *SandboxFlags) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", f.Arg(0))
	}
	return nil
}

// Listen is the address to serve on.
func (f *SandboxFlags) Listen() string { return *f.listen }

// Logger is a debug-level text logger to the command's output with -v, and
// nil without (a sandbox then discards its log).
func (f *SandboxFlags) Logger() *slog.Logger {
	if !*f.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(f.out, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// WaitForStop prints banner, how to reach a running sandbox, to out, waits
// until stop is closed, and then says that name's sandbox stopped: the end
// of `cryptopos sandbox NAME`, before the sandbox closes.
func WaitForStop(out io.Writer, stop <-chan struct{}, name, banner string) {
	fmt.Fprint(out, banner)
	<-stop
	fmt.Fprintln(out, name+" sandbox stopped.")
}
