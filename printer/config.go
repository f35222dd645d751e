package printer

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"cryptopos/config"
	"cryptopos/printer/escpos"
)

// Defaults for the [printer] keys.
const (
	DefaultPaper    = Paper80
	DefaultCodePage = "cp858"
	DefaultTimeout  = 10 * time.Second
	// MinTimeout and MaxTimeout bound the timeout key.
	MinTimeout = time.Second
	MaxTimeout = 2 * time.Minute
	// MaxLines bounds the header and footer, each.
	MaxLines = 10
)

// Config is the [printer] section of config.toml. An empty device turns
// printing off. Validate fills the defaults; ConfigKeys documents every
// key.
type Config struct {
	// Device is where jobs go; see ParseDevice for the syntax.
	Device string `toml:"device"`
	// Paper is the roll width, "58mm" or "80mm".
	Paper string `toml:"paper"`
	// CodePage is the printer's character set: cp858 (with €), cp850,
	// cp437, cp852 or cp1252.
	CodePage string `toml:"code_page"`
	// AutoPrint prints the receipt as soon as a sale is paid.
	AutoPrint bool `toml:"auto_print"`
	// Header lines are printed under the shop's name, Footer lines at the
	// end of receipts.
	Header []string `toml:"header"`
	Footer []string `toml:"footer"`
	// Timeout bounds one attempt at printing a job.
	Timeout time.Duration `toml:"timeout"`
	// StatusCheck asks the printer for its paper and cover before each
	// job (default true).
	StatusCheck *bool `toml:"status_check"`

	device   Device
	paper    Paper
	codePage *escpos.CodePage
}

// ConfigKeys lists every key of the [printer] section, in the order
// config.toml.example should show them.
var ConfigKeys = []config.KeyDoc{
	{Name: "device", Default: "", Doc: `Where to print: "/dev/usb/lp0" (USB), "serial:/dev/ttyUSB0?baud=19200" (serial port; flow=rtscts or flow=xonxoff may follow), "tcp://192.168.1.50:9100" (network printer, port 9100 by default) or "file:/var/lib/cryptopos/receipts.bin" (append to a file); empty turns printing off.`},
	{Name: "paper", Default: "80mm", Doc: `Paper roll width: "80mm" (48 characters a line) or "58mm" (32).`},
	{Name: "code_page", Default: DefaultCodePage, Doc: `The printer's character set: "cp858" (Western Europe with €), "cp850", "cp437", "cp852" (Central Europe) or "cp1252"; characters it lacks are printed as their nearest ASCII.`},
	{Name: "auto_print", Default: "false", Doc: "Print the receipt as soon as a sale is paid."},
	{Name: "header", Default: "[]", Doc: `Lines printed under the shop's name, e.g. ["1 Market Street", "VAT DE123456789"].`},
	{Name: "footer", Default: "[]", Doc: `Lines printed at the end of receipts, e.g. ["Thank you!"].`},
	{Name: "timeout", Default: "10s", Doc: "How long one attempt at printing may take, 1s to 2m; a job that fails is kept for a retry."},
	{Name: "status_check", Default: "true", Doc: "Ask the printer for its paper and cover before each job; turn off for a printer that prints garbage or answers slowly."},
}

// Validate fills the defaults and checks every key. The error lists each
// problem on its own line as "printer.KEY: sentence".
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("printer.%s: %s", key, fmt.Sprintf(format, args...)))
	}

	c.Device = strings.TrimSpace(c.Device)
	c.device = Device{}
	if c.Device != "" {
		d, err := ParseDevice(c.Device)
		switch {
		case err != nil:
			bad("device", "%s.", strings.TrimSuffix(err.Error(), "."))
		default:
			if _, err := OpenDevice(d, Options{}); err != nil {
				bad("device", "%s.", strings.TrimSuffix(err.Error(), "."))
			}
			c.device = d
		}
	} else if c.AutoPrint {
		bad("auto_print", "is on but no device is set: set device, e.g. device = \"/dev/usb/lp0\", or turn auto_print off.")
	}

	if strings.TrimSpace(c.Paper) == "" {
		c.Paper = string(DefaultPaper)
	}
	if p, err := ParsePaper(c.Paper); err != nil {
		bad("paper", "%s.", err)
	} else {
		c.Paper, c.paper = string(p), p
	}

	if strings.TrimSpace(c.CodePage) == "" {
		c.CodePage = DefaultCodePage
	}
	if page, ok := escpos.LookupCodePage(c.CodePage); ok {
		c.CodePage, c.codePage = page.Name, page
	} else {
		bad("code_page", "%q is not a code page cryptopos can print in; use one of %s (the printer's self-test page lists what it has).",
			c.CodePage, strings.Join(escpos.CodePageNames(), ", "))
	}

	for _, l := range []struct {
		key   string
		lines []string
	}{{"header", c.Header}, {"footer", c.Footer}} {
		if len(l.lines) > MaxLines {
			bad(l.key, "has %d lines; at most %d fit a receipt.", len(l.lines), MaxLines)
		}
		for i, line := range l.lines {
			if strings.IndexFunc(line, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) >= 0 {
				bad(l.key, "line %d has a control character; write plain text.", i+1)
			}
			if len([]rune(line)) > 200 {
				bad(l.key, "line %d is longer than 200 characters.", i+1)
			}
		}
	}

	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Timeout < MinTimeout || c.Timeout > MaxTimeout {
		bad("timeout", "%s is out of range; use 1s to 2m, like \"10s\".", c.Timeout)
	}
	if c.StatusCheck == nil {
		yes := true
		c.StatusCheck = &yes
	}
	return errors.Join(errs...)
}

// Enabled reports whether a printer is configured. Call Validate first.
func (c *Config) Enabled() bool { return c.device.Transport != "" }

// Target returns the parsed device. Call Validate first.
func (c *Config) Target() Device { return c.device }

// Open returns the configured printer. Call Validate first.
func (c *Config) Open() (Printer, error) {
	if !c.Enabled() {
		return nil, errors.New("printer.device: not set; printing is off")
	}
	return OpenDevice(c.device, Options{NoStatusCheck: c.StatusCheck != nil && !*c.StatusCheck})
}

// Format returns the layout settings: the paper, the code page, and the
// time zone times are printed in. Call Validate first.
func (c *Config) Format(loc *time.Location) Format {
	return Format{Paper: c.paper, CodePage: c.codePage, Location: loc}.withDefaults()
}

// Shop returns the shop's name with the configured header and footer.
func (c *Config) Shop(name string) Shop {
	return Shop{Name: name, Header: c.Header, Footer: c.Footer}
}

// QueueOptions returns queue options with the configured timeout.
func (c *Config) QueueOptions() QueueOptions {
	return QueueOptions{Timeout: c.Timeout}
}

// ExampleSection is the [printer] section for config.toml.example, every
// key commented with its documentation.
func ExampleSection() string {
	var b strings.Builder
	b.WriteString("[printer]\n")
	intro := "A receipt printer (ESC/POS: Epson TM and compatibles). Printing runs in the background: " +
		"a printer that is off or out of paper never holds up a sale, and a job that failed is kept for a retry."
	for _, l := range wrapComment(intro, 78) {
		b.WriteString("# " + l + "\n")
	}
	examples := map[string]string{
		"device": `# device = "/dev/usb/lp0"`, "paper": `paper = "80mm"`, "code_page": `code_page = "cp858"`,
		"auto_print": "auto_print = false", "header": `# header = ["1 Market Street, Springfield", "VAT DE123456789"]`,
		"footer": `footer = ["Thank you!"]`, "timeout": `timeout = "10s"`, "status_check": "status_check = true",
	}
	for _, k := range ConfigKeys {
		for _, l := range wrapComment(k.Doc, 78) {
			b.WriteString("# " + l + "\n")
		}
		b.WriteString(examples[k.Name] + "\n")
	}
	return b.String()
}

func wrapComment(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width-2 {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
