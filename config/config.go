// Package config reads cryptopos's TOML configuration. It decodes the
// sections every terminal has ([shop], [journal], [poll], [log]) and keeps the
// provider sections raw for the provider's own package to decode, then
// refuses any key nobody decoded, naming it.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/shopspring/decimal"

	"cryptopos/kiosk"
	"cryptopos/pos"
)

// File is the configuration common to every provider.
type File struct {
	// Provider names the payment provider: "cryptomus".
	Provider string `toml:"provider"`
	Shop     Shop   `toml:"shop"`
	Journal  struct {
		// Path of the SQLite journal; default: the user's data directory.
		Path string `toml:"path"`
	} `toml:"journal"`
	Poll struct {
		// Interval between status checks of the invoice on screen.
		Interval time.Duration `toml:"interval"`
		// Background is the interval for invoices off screen: cancelled on
		// the terminal but still payable, or resumed after a restart.
		Background time.Duration `toml:"background_interval"`
		// LateWatch is how long a sale that ended unpaid is still checked
		// for a late payment; "0s" turns the watchdog off.
		LateWatch *time.Duration `toml:"late_watch"`
		// LateInterval is the first pause between those checks; it doubles
		// up to 5 minutes.
		LateInterval time.Duration `toml:"late_interval"`
	} `toml:"poll"`
	Relay Relay `toml:"relay"`
	Kiosk Kiosk `toml:"kiosk"`
	UI    struct {
		// Theme is auto, console, high-contrast or console-high-contrast.
		Theme string `toml:"theme"`
	} `toml:"ui"`
	Sound Sound `toml:"sound"`
	Log   struct {
		// Path of the log file; default: beside the journal. Logs never go
		// to the screen.
		Path string `toml:"path"`
		// Level is debug, info, warn or error.
		Level string `toml:"level"`
	} `toml:"log"`
}

// Relay is the [relay] section: the callback relay, embedded in the
// terminal (when Listen is set) or run alone by `cryptopos relay`.
type Relay struct {
	// Listen is the address to serve on, e.g. "127.0.0.1:8090".
	Listen string `toml:"listen"`
	// Token is the bearer token terminals send (EnvRelayToken overrides it).
	Token string `toml:"token"`
	// PublicURL is the HTTPS address providers reach the relay at, shown
	// for the provider's dashboard setting.
	PublicURL string `toml:"public_url"`
	// Store is the relay's SQLite file; default: beside the journal.
	Store string `toml:"store"`
}

// Kiosk is the [kiosk] section: a locked terminal on dedicated hardware.
type Kiosk struct {
	// Enabled locks the terminal (also --kiosk).
	Enabled bool `toml:"enabled"`
	// PINHash is the manager PIN's salted slow hash, set by `cryptopos pin`.
	PINHash string `toml:"pin_hash"`
	// ReturnAfter takes a result back to a new sale by itself; "0s" never.
	ReturnAfter *time.Duration `toml:"return_after"`
}

// Sound is the [sound] section.
type Sound struct {
	// PaidBells and FailedBells are how often the terminal bell rings for
	// a paid sale and for one that ended unpaid; 0 is silent.
	PaidBells   *int `toml:"paid_bells"`
	FailedBells *int `toml:"failed_bells"`
	// OnPaid and OnFailed are shell commands run on those outcomes (a
	// buzzer, a sound file); CRYPTOPOS_STATUS holds the status.
	OnPaid   string `toml:"on_paid"`
	OnFailed string `toml:"on_failed"`
}

// Themes are the values of [ui] theme.
var Themes = []string{"auto", "console", "high-contrast", "console-high-contrast"}

// EnvRelayToken overrides [relay] token.
const EnvRelayToken = "CRYPTOPOS_RELAY_TOKEN"

// ApplyEnv takes secrets of the common sections from the environment.
func (f *File) ApplyEnv(getenv func(string) string) {
	if v := strings.TrimSpace(getenv(EnvRelayToken)); v != "" {
		f.Relay.Token = v
	}
}

// Shop is the [shop] section.
type Shop struct {
	Name       string  `toml:"name"`
	Currency   string  `toml:"currency"`
	MaxAmount  Decimal `toml:"max_amount"`
	TerminalID string  `toml:"terminal_id"`
}

// Defaults for keys the file leaves out.
const (
	DefaultPollInterval = 3 * time.Second
	DefaultBackground   = 15 * time.Second
	DefaultLateWatch    = 24 * time.Hour
	DefaultLateInterval = time.Minute
	DefaultReturnAfter  = 30 * time.Second
	DefaultPaidBells    = 1
	DefaultFailedBells  = 3
	DefaultMaxAmount    = "10000"
	DefaultTerminalID   = "pos"
	DefaultShopName     = "My shop"
	DefaultLogLevel     = "info"
)

// Config is a loaded configuration file.
type Config struct {
	File
	// Path is where the file was read from.
	Path string

	md   toml.MetaData
	raw  map[string]toml.Primitive
	used map[string]bool // top-level keys someone decoded
}

var terminalIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Load reads and checks the file at path. Provider sections are decoded
// later with Section; call Unknown once every section is decoded.
func Load(path string) (*Config, error) {
	text, err := read(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, text)
}

// Parse reads a configuration from text; path is used in messages.
func Parse(path, text string) (*Config, error) {
	c, err := parse(path, text)
	if err != nil {
		return nil, err
	}
	if err := c.File.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// LoadRelay reads a file for `cryptopos relay`, which needs only [relay],
// [log] and the providers' sections: no shop.
func LoadRelay(path string, getenv func(string) string) (*Config, error) {
	text, err := read(path)
	if err != nil {
		return nil, err
	}
	c, err := parse(path, text)
	if err != nil {
		return nil, err
	}
	c.ApplyEnv(getenv)
	if c.Relay.Listen == "" {
		return nil, fmt.Errorf("%s: relay.listen: missing; set the address to serve on, e.g. listen = \"127.0.0.1:8090\"", path)
	}
	if c.Log.Level == "" {
		c.Log.Level = DefaultLogLevel
	}
	return c, nil
}

func read(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("no config file at %s", path)
		}
		return "", fmt.Errorf("cannot read the config file: %w", err)
	}
	return string(data), nil
}

// parse decodes the TOML and the common sections, checking nothing else.
func parse(path, text string) (*Config, error) {
	c := &Config{Path: path, raw: map[string]toml.Primitive{}, used: map[string]bool{}}
	md, err := toml.Decode(text, &c.raw)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			if key := secretKeyOnLine(text, perr.Position.Line); key != "" {
				// The TOML library's message may quote the value ("… is
				// out of range for int64"): never a secret's.
				return nil, fmt.Errorf("%s line %d: the value of %s is not valid TOML; write it in double quotes, like %s = \"…\"",
					path, perr.Position.Line, key, key)
			}
			return nil, fmt.Errorf("%s line %d: %s", path, perr.Position.Line, oneLine(perr.Message))
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.md = md
	for _, key := range []string{"provider", "shop", "journal", "poll", "log", "relay", "kiosk", "ui", "sound"} {
		if err := c.decode(key, fieldOf(&c.File, key)); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// secretKeyOnLine returns the key that line n (from 1) of text sets, when
// its name says it holds a secret (…key, …token, …secret, …password,
// …hash: payment_key, relay_token, pin_hash); "" otherwise.
func secretKeyOnLine(text string, n int) string {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	key, _, ok := strings.Cut(lines[n-1], "=")
	if !ok {
		return ""
	}
	key = strings.TrimSpace(key)
	last := strings.ToLower(strings.Trim(key[strings.LastIndex(key, ".")+1:], " \t\"'"))
	for _, suffix := range []string{"key", "token", "secret", "password", "hash"} {
		if strings.HasSuffix(last, suffix) {
			return key
		}
	}
	return ""
}

func fieldOf(f *File, key string) any {
	switch key {
	case "provider":
		return &f.Provider
	case "shop":
		return &f.Shop
	case "journal":
		return &f.Journal
	case "poll":
		return &f.Poll
	case "relay":
		return &f.Relay
	case "kiosk":
		return &f.Kiosk
	case "ui":
		return &f.UI
	case "sound":
		return &f.Sound
	}
	return &f.Log
}

func (c *Config) decode(key string, v any) error {
	c.used[key] = true
	prim, ok := c.raw[key]
	if !ok {
		return nil
	}
	if err := c.md.PrimitiveDecode(prim, v); err != nil {
		return fmt.Errorf("%s: %s: %s", c.Path, key, oneLine(plainTOMLError(err)))
	}
	return nil
}

// oneLine writes the line breaks in a message from the TOML library (which
// may quote the file: "invalid escape in string '\<newline>'") as \n.
func oneLine(msg string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(msg)
}

// plainTOMLError rewords the TOML library's type errors for people.
func plainTOMLError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "toml: ")
	if i := strings.Index(msg, "incompatible types: TOML value has type "); i >= 0 {
		rest := strings.TrimPrefix(msg[i:], "incompatible types: TOML value has type ")
		got, want, _ := strings.Cut(rest, "; destination has type ")
		return fmt.Sprintf("%sexpected %s, found %s", msg[:i], want, got)
	}
	return msg
}

// Check fills defaults and refuses bad values, naming the key.
func (f *File) Check() error {
	f.Provider = strings.ToLower(strings.TrimSpace(f.Provider))
	if f.Provider == "" {
		return errors.New(`provider: missing; set provider = "cryptomus"`)
	}
	f.Shop.Currency = strings.ToUpper(strings.TrimSpace(f.Shop.Currency))
	if f.Shop.Currency == "" {
		return errors.New(`shop.currency: missing; set the currency prices are typed in, e.g. currency = "EUR"`)
	}
	if _, ok := pos.LookupCurrency(f.Shop.Currency); !ok {
		return fmt.Errorf("shop.currency: %q is not a currency cryptopos knows; use an ISO 4217 code such as EUR, USD, GBP or JPY", f.Shop.Currency)
	}
	if strings.TrimSpace(f.Shop.Name) == "" {
		f.Shop.Name = DefaultShopName
	}
	if !f.Shop.MaxAmount.Set {
		f.Shop.MaxAmount = Decimal{Decimal: decimal.RequireFromString(DefaultMaxAmount), Set: true}
	}
	if !f.Shop.MaxAmount.IsPositive() {
		return errors.New("shop.max_amount: must be more than zero")
	}
	if f.Shop.TerminalID == "" {
		f.Shop.TerminalID = DefaultTerminalID
	}
	if !terminalIDPattern.MatchString(f.Shop.TerminalID) {
		return fmt.Errorf("shop.terminal_id: %q may hold only letters, digits, _ and -, at most 32", f.Shop.TerminalID)
	}
	switch {
	case f.Poll.Interval == 0:
		f.Poll.Interval = DefaultPollInterval
	case f.Poll.Interval < time.Second || f.Poll.Interval > time.Minute:
		return fmt.Errorf("poll.interval: %s is out of range; use 1s to 1m", f.Poll.Interval)
	}
	switch {
	case f.Poll.Background == 0:
		f.Poll.Background = DefaultBackground
	case f.Poll.Background < time.Second || f.Poll.Background > 10*time.Minute:
		return fmt.Errorf("poll.background_interval: %s is out of range; use 1s to 10m", f.Poll.Background)
	}
	switch {
	case f.Poll.LateWatch == nil:
		d := DefaultLateWatch
		f.Poll.LateWatch = &d
	case *f.Poll.LateWatch < 0 || *f.Poll.LateWatch > 30*24*time.Hour:
		return fmt.Errorf("poll.late_watch: %s is out of range; use 0s (off) to 720h", *f.Poll.LateWatch)
	}
	switch {
	case f.Poll.LateInterval == 0:
		f.Poll.LateInterval = DefaultLateInterval
	case f.Poll.LateInterval < time.Second || f.Poll.LateInterval > time.Hour:
		return fmt.Errorf("poll.late_interval: %s is out of range; use 1s to 1h", f.Poll.LateInterval)
	}
	if err := f.checkLook(); err != nil {
		return err
	}
	switch f.Log.Level = strings.ToLower(f.Log.Level); f.Log.Level {
	case "":
		f.Log.Level = DefaultLogLevel
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level: %q is not one of debug, info, warn, error", f.Log.Level)
	}
	return nil
}

// checkLook fills and checks [kiosk], [ui] and [sound].
func (f *File) checkLook() error {
	switch {
	case f.Kiosk.ReturnAfter == nil:
		d := DefaultReturnAfter
		f.Kiosk.ReturnAfter = &d
	case *f.Kiosk.ReturnAfter < 0 || *f.Kiosk.ReturnAfter > 10*time.Minute:
		return fmt.Errorf("kiosk.return_after: %s is out of range; use 0s (stay) to 10m", *f.Kiosk.ReturnAfter)
	}
	if f.Kiosk.PINHash != "" {
		if err := kiosk.CheckHash(f.Kiosk.PINHash); err != nil {
			return fmt.Errorf("kiosk.pin_hash: %w; set it again with `cryptopos pin`", err)
		}
	}
	f.UI.Theme = strings.ToLower(strings.TrimSpace(f.UI.Theme))
	if f.UI.Theme == "" {
		f.UI.Theme = "auto"
	}
	if !slices.Contains(Themes, f.UI.Theme) {
		return fmt.Errorf("ui.theme: %q is not one of %s", f.UI.Theme, strings.Join(Themes, ", "))
	}
	bells := func(key string, p **int, def int) error {
		if *p == nil {
			*p = &def
		}
		if n := **p; n < 0 || n > 9 {
			return fmt.Errorf("sound.%s: %d is out of range; use 0 (silent) to 9", key, n)
		}
		return nil
	}
	if err := bells("paid_bells", &f.Sound.PaidBells, DefaultPaidBells); err != nil {
		return err
	}
	return bells("failed_bells", &f.Sound.FailedBells, DefaultFailedBells)
}

// Section decodes the provider section with the given name into v. An
// absent section leaves v as it is.
func (c *Config) Section(name string, v any) error {
	return c.decode(name, v)
}

// HasSection reports whether the file has a section with that name.
func (c *Config) HasSection(name string) bool {
	_, ok := c.raw[name]
	return ok
}

// Unknown returns an error naming every key that no one decoded: a typo or
// a key for a provider that is not selected.
func (c *Config) Unknown() error {
	var keys []string
	for _, k := range c.md.Undecoded() {
		keys = append(keys, k.String())
	}
	for k := range c.raw {
		if !c.used[k] && !slices.Contains(keys, k) {
			keys = append(keys, k) // an empty table has no undecoded keys
		}
	}
	if len(keys) == 0 {
		return nil
	}
	keys = leaves(keys)
	for i, k := range keys {
		keys[i] = hideSecretLooking(k)
	}
	sort.Strings(keys)
	word := "key"
	if len(keys) > 1 {
		word = "keys"
	}
	return fmt.Errorf("%s: unknown %s %s; check the spelling against config.toml.example", c.Path, word, strings.Join(keys, ", "))
}

// hideSecretLooking shortens the parts of an unknown key's name that look
// like a pasted secret (long, or long enough and with digits), so the
// message never prints one: the first four characters name it well enough.
func hideSecretLooking(key string) string {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		long := len(p) > 32
		secretish := len(p) >= 16 && strings.ContainsAny(p, "0123456789")
		if long || secretish {
			parts[i] = string([]rune(p)[:4]) + "…"
		}
	}
	return strings.Join(parts, ".")
}

// leaves drops keys that are prefixes of other keys (the tables).
func leaves(keys []string) []string {
	var out []string
	for _, k := range keys {
		parent := false
		for _, o := range keys {
			if strings.HasPrefix(o, k+".") {
				parent = true
				break
			}
		}
		if !parent {
			out = append(out, k)
		}
	}
	return out
}

// Exposed says, in a sentence, when every user of the machine can read the
// file at path, which holds keys; "" when it is private enough (the owner,
// or its group for a service account, may read it).
func Exposed(path string) string {
	info, err := os.Stat(path)
	if err != nil || runtime.GOOS == "windows" {
		return ""
	}
	if info.Mode().Perm()&0o004 != 0 {
		return fmt.Sprintf("%s can be read by every user of this machine, and it holds keys: run chmod 600 %s (or 640 for a service's group).", path, path)
	}
	return ""
}

// Find returns the config file to use when no --config flag is given: the
// first of $CRYPTOPOS_CONFIG, the user's config directory, and
// /etc/cryptopos/config.toml that exists; "" when there is none.
func Find(getenv func(string) string) string {
	if p := getenv("CRYPTOPOS_CONFIG"); p != "" {
		return p
	}
	var candidates []string
	if dir, err := os.UserConfigDir(); err == nil {
		candidates = append(candidates, filepath.Join(dir, "cryptopos", "config.toml"))
	}
	candidates = append(candidates, "/etc/cryptopos/config.toml")
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Decimal is a config number that keeps the digits as written: it decodes
// from a TOML string ("0.5"), an integer, or a TOML float read back as the
// shortest decimal that is that float, so 0.1 stays 0.1. Set reports whether
// the file gave a value.
type Decimal struct {
	decimal.Decimal
	Set bool
}

// UnmarshalTOML implements the BurntSushi/toml Unmarshaler interface.
func (d *Decimal) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		return d.UnmarshalText([]byte(x))
	case int64:
		d.Decimal, d.Set = decimal.NewFromInt(x), true
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%v is not a number", x)
		}
		return d.UnmarshalText([]byte(strconv.FormatFloat(x, 'f', -1, 64)))
	}
	return fmt.Errorf("expected a number such as 0.5, found %T", v)
}

// UnmarshalText reads a decimal written with a '.'; empty text is zero.
func (d *Decimal) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		d.Decimal, d.Set = decimal.Zero, false
		return nil
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("%q is not a number such as 0.5", s)
	}
	d.Decimal, d.Set = v, true
	return nil
}

// KeyDoc documents one key of a config section, for config.toml.example
// and the tests that keep it complete.
type KeyDoc struct {
	Name    string // as written in config.toml
	Default string // "" when there is none
	Doc     string // one sentence
}
