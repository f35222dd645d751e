package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"

	"cryptopos/kiosk"
)

// runPIN is `cryptopos pin [--config PATH]`: it asks for the manager PIN
// twice and writes its salted slow hash into the config file's [kiosk]
// section. The PIN itself is stored nowhere.
func runPIN(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cryptopos pin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "the config file to write the PIN's hash into (default: the one the terminal reads)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	path := *configPath
	if path == "" {
		path = findConfig()
	}
	if path == "" {
		fmt.Fprintln(stderr, "cryptopos pin: no config file: give --config PATH")
		return 2
	}
	read := lineReader(stdin, stdout)
	pin, err := read("New manager PIN (4 to 12 digits): ")
	if err == nil {
		err = kiosk.CheckFormat(pin)
	}
	if err == nil {
		var again string
		if again, err = read("The same PIN again: "); err == nil && again != pin {
			err = errors.New("the two PINs differ; nothing was changed")
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "cryptopos pin:", err)
		return 1
	}
	hash, err := kiosk.Hash(pin)
	if err == nil {
		err = setPINHash(path, hash)
	}
	if err != nil {
		fmt.Fprintln(stderr, "cryptopos pin:", err)
		return 1
	}
	fmt.Fprintf(stdout, "The manager PIN is set in %s ([kiosk] pin_hash).\n", path)
	return 0
}

// lineReader reads a PIN without echo from a terminal, else a line.
func lineReader(stdin io.Reader, prompt io.Writer) func(string) (string, error) {
	lines := bufio.NewReader(stdin)
	return func(ask string) (string, error) {
		fmt.Fprint(prompt, ask)
		if f, ok := stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
			b, err := term.ReadPassword(f.Fd())
			fmt.Fprintln(prompt)
			return strings.TrimSpace(string(b)), err
		}
		line, err := lines.ReadString('\n')
		fmt.Fprintln(prompt) // the typed line is not echoed from a pipe
		if err != nil && line == "" {
			return "", errors.New("no PIN was given")
		}
		return strings.TrimSpace(line), nil
	}
}

var (
	kioskHeader = regexp.MustCompile(`(?m)^\[kiosk\][ \t]*(#.*)?$`)
	anyHeader   = regexp.MustCompile(`(?m)^\[`)
	pinHashLine = regexp.MustCompile(`(?m)^[ \t]*pin_hash[ \t]*=.*$`)
)

// setPINHash writes pin_hash into the [kiosk] section of the file at path,
// adding the section when there is none, and keeps everything else as it
// is (comments included).
func setPINHash(path, hash string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	text, line := string(data), "pin_hash = "+strconv.Quote(hash)
	if loc := kioskHeader.FindStringIndex(text); loc != nil {
		start := loc[1]
		end := len(text)
		if next := anyHeader.FindStringIndex(text[start:]); next != nil {
			end = start + next[0]
		}
		section := text[start:end]
		if pinHashLine.MatchString(section) {
			section = pinHashLine.ReplaceAllLiteralString(section, line)
		} else {
			section = "\n" + line + section
		}
		text = text[:start] + section + text[end:]
	} else {
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		text += "\n[kiosk]\n" + line + "\n"
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(text), info.Mode().Perm()); err != nil {
		return fmt.Errorf("cannot write %s: %w", tmp, err)
	}
	if err := keepOwner(tmp, info); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot give %s the owner of %s (run cryptopos pin as root or as the file's owner): %w", tmp, path, err)
	}
	return os.Rename(tmp, path)
}
