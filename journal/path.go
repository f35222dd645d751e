package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath returns where the journal lives unless configured otherwise,
// in the user's data directory:
//
//   - Linux and the BSDs: $XDG_DATA_HOME/cryptopos/journal.db when
//     XDG_DATA_HOME is an absolute path, else
//     ~/.local/share/cryptopos/journal.db
//   - macOS: ~/Library/Application Support/cryptopos/journal.db
//   - Windows: %LocalAppData%\cryptopos\journal.db
//
// It does not create anything; Open does.
func DefaultPath() (string, error) {
	return defaultPath(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

func defaultPath(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	const app, file = "cryptopos", "journal.db"
	switch goos {
	case "windows":
		dir := getenv("LocalAppData")
		if dir == "" {
			return "", errors.New("%LocalAppData% is not set, so there is no default place for the journal: give its path in the configuration")
		}
		return filepath.Join(dir, app, file), nil
	case "darwin", "ios":
		h, err := homeDir(home)
		if err != nil {
			return "", err
		}
		return filepath.Join(h, "Library", "Application Support", app, file), nil
	}
	// The XDG spec says to ignore a relative XDG_DATA_HOME.
	if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, app, file), nil
	}
	h, err := homeDir(home)
	if err != nil {
		return "", err
	}
	return filepath.Join(h, ".local", "share", app, file), nil
}

func homeDir(home func() (string, error)) (string, error) {
	h, err := home()
	if err != nil || h == "" {
		return "", fmt.Errorf("the home folder is unknown, so there is no default place for the journal: give its path in the configuration")
	}
	return h, nil
}
