package printer

import (
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"cryptopos/printer/escpos"
)

func TestConfigDefaults(t *testing.T) {
	var c Config
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Enabled() || c.Paper != "80mm" || c.CodePage != "cp858" || c.Timeout != 10*time.Second ||
		c.StatusCheck == nil || !*c.StatusCheck || c.AutoPrint {
		t.Errorf("defaults %+v", c)
	}
	if _, err := c.Open(); err == nil {
		t.Error("Open without a device")
	}
	f := c.Format(time.UTC)
	if f.Paper != Paper80 || f.CodePage != escpos.CP858 || f.Location != time.UTC {
		t.Errorf("format %+v", f)
	}
}

func TestConfigFromTOML(t *testing.T) {
	const text = `
device = "tcp://192.168.1.50"
paper = "58mm"
code_page = "CP437"
auto_print = true
header = ["1 Market Street", "VAT DE123"]
footer = ["Thank you!"]
timeout = "5s"
status_check = false
`
	var c Config
	md, err := toml.Decode(text, &c)
	if err != nil {
		t.Fatal(err)
	}
	if u := md.Undecoded(); len(u) != 0 {
		t.Fatalf("undecoded keys %v", u)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !c.Enabled() || c.Target() != (Device{Transport: TCP, Addr: "192.168.1.50:9100"}) || c.CodePage != "cp437" ||
		c.Timeout != 5*time.Second || *c.StatusCheck {
		t.Errorf("config %+v", c)
	}
	f := c.Format(nil)
	if f.Paper != Paper58 || f.CodePage != escpos.CP437 || f.Location != time.Local {
		t.Errorf("format %+v", f)
	}
	p, err := c.Open()
	if err != nil || p.Device() != c.Target() || !p.(*tcpPrinter).opts.NoStatusCheck {
		t.Errorf("Open: %v, %v", p, err)
	}
	if s := c.Shop("Corner Café"); s.Name != "Corner Café" || len(s.Header) != 2 || s.Footer[0] != "Thank you!" {
		t.Errorf("shop %+v", s)
	}
	if q := c.QueueOptions(); q.Timeout != 5*time.Second {
		t.Errorf("queue options %+v", q)
	}
}

func TestConfigRefuses(t *testing.T) {
	tests := []struct {
		c    Config
		want string
	}{
		{Config{Device: "printer"}, `printer.device: "printer" is not a printer device`},
		{Config{AutoPrint: true}, "printer.auto_print: is on but no device is set"},
		{Config{Paper: "A4"}, `printer.paper: "A4" is not a paper width cryptopos knows: write "58mm" or "80mm".`},
		{Config{CodePage: "utf-8"}, `printer.code_page: "utf-8" is not a code page cryptopos can print in; use one of cp437, cp850, cp1252, cp852, cp858`},
		{Config{Timeout: 100 * time.Millisecond}, "printer.timeout: 100ms is out of range; use 1s to 2m"},
		{Config{Timeout: time.Hour}, "printer.timeout: 1h0m0s is out of range"},
		{Config{Header: make([]string, 11)}, "printer.header: has 11 lines; at most 10 fit a receipt."},
		{Config{Footer: []string{"ok", "bad\x1b@"}}, "printer.footer: line 2 has a control character"},
		{Config{Device: "serial:/dev/ttyS0?baud=7"}, "printer.device: \"serial:/dev/ttyS0?baud=7\": 7 is not a baud rate"},
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.c, err, tt.want)
		}
	}
	// Every problem, one per line.
	c := Config{Paper: "A4", CodePage: "x", Timeout: time.Hour}
	if err := c.Validate(); err == nil || len(strings.Split(err.Error(), "\n")) != 3 {
		t.Errorf("%v, want three problems", err)
	}
}

// ConfigKeys documents every key the section decodes, and the example
// section shows each.
func TestConfigKeysDocumented(t *testing.T) {
	tags := []string{"device", "paper", "code_page", "auto_print", "header", "footer", "timeout", "status_check"}
	if len(ConfigKeys) != len(tags) {
		t.Fatalf("%d keys documented, %d decoded", len(ConfigKeys), len(tags))
	}
	example := ExampleSection()
	for i, k := range ConfigKeys {
		if k.Name != tags[i] || k.Doc == "" {
			t.Errorf("key %d: %+v", i, k)
		}
		if !strings.Contains(example, "\n"+k.Name+" =") && !strings.Contains(example, "# "+k.Name+" =") {
			t.Errorf("the example does not show %s", k.Name)
		}
	}
	// The example decodes and validates (with its device uncommented).
	var c Config
	text := strings.Replace(strings.TrimPrefix(example, "[printer]\n"), `# device = `, `device = `, 1)
	if _, err := toml.Decode(text, &c); err != nil {
		t.Fatalf("the example does not decode: %v\n%s", err, example)
	}
	if err := c.Validate(); err != nil || c.Target().Path != "/dev/usb/lp0" {
		t.Errorf("the example does not validate: %v", err)
	}
}
