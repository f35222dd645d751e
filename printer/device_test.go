package printer

import (
	"strings"
	"testing"
)

func TestParseDevice(t *testing.T) {
	tests := []struct {
		in   string
		want Device
	}{
		{"/dev/usb/lp0", Device{Transport: USB, Path: "/dev/usb/lp0"}},
		{" /dev/lp0 ", Device{Transport: USB, Path: "/dev/lp0"}},
		{"usb:/dev/usb/lp1", Device{Transport: USB, Path: "/dev/usb/lp1"}},
		{"serial:/dev/ttyUSB0?baud=19200", Device{Transport: Serial, Path: "/dev/ttyUSB0", Baud: 19200, Flow: FlowNone}},
		{"serial:/dev/ttyS0?baud=115200&flow=rtscts", Device{Transport: Serial, Path: "/dev/ttyS0", Baud: 115200, Flow: FlowRTSCTS}},
		{"serial:/dev/ttyS0?flow=XONXOFF", Device{Transport: Serial, Path: "/dev/ttyS0", Baud: DefaultBaud, Flow: FlowXONXOFF}},
		{"serial:/dev/ttyACM0", Device{Transport: Serial, Path: "/dev/ttyACM0", Baud: 9600, Flow: FlowNone}},
		{"/dev/ttyUSB0", Device{Transport: Serial, Path: "/dev/ttyUSB0", Baud: 9600, Flow: FlowNone}},
		{"/dev/rfcomm0", Device{Transport: Serial, Path: "/dev/rfcomm0", Baud: 9600, Flow: FlowNone}},
		{"/dev/serial/by-id/usb-Prolific-if00-port0", Device{Transport: Serial, Path: "/dev/serial/by-id/usb-Prolific-if00-port0", Baud: 9600, Flow: FlowNone}},
		{"tcp://192.168.1.50:9100", Device{Transport: TCP, Addr: "192.168.1.50:9100"}},
		{"tcp://192.168.1.50", Device{Transport: TCP, Addr: "192.168.1.50:9100"}},
		{"tcp://printer.lan:9101/", Device{Transport: TCP, Addr: "printer.lan:9101"}},
		{"tcp://[fe80::1]:9100", Device{Transport: TCP, Addr: "[fe80::1]:9100"}},
		{"192.168.1.50:9100", Device{Transport: TCP, Addr: "192.168.1.50:9100"}},
		{"192.168.1.50", Device{Transport: TCP, Addr: "192.168.1.50:9100"}},
		{"printer.lan:9100", Device{Transport: TCP, Addr: "printer.lan:9100"}},
		{"file:/var/lib/cryptopos/receipts.bin", Device{Transport: File, Path: "/var/lib/cryptopos/receipts.bin"}},
		{"file:receipts.bin", Device{Transport: File, Path: "receipts.bin"}},
	}
	for _, tt := range tests {
		got, err := ParseDevice(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDevice(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		// The canonical form reads back the same.
		if again, err := ParseDevice(got.String()); err != nil || again != got {
			t.Errorf("ParseDevice(%q) = %+v, %v; want %+v", got.String(), again, err, got)
		}
	}
}

func TestParseDeviceRefuses(t *testing.T) {
	tests := map[string]string{
		"":                                "is not a printer device",
		"printer":                         "is not a printer device",
		"http://192.168.1.50:9100":        "is not a printer device",
		"/tmp/receipts.bin":               "file:/tmp/receipts.bin",
		"tcp://":                          "tcp://192.168.1.50:9100",
		"tcp://host:99999":                "tcp://192.168.1.50:9100",
		"tcp://host:port":                 "tcp://192.168.1.50:9100",
		"serial:ttyUSB0":                  "full path",
		"serial:/dev/ttyUSB0?baud=12345":  "12345 is not a baud rate",
		"serial:/dev/ttyUSB0?flow=dtrdsr": "flow=dtrdsr is not a flow control",
		"serial:/dev/ttyUSB0?parity=even": `unknown option "parity"`,
		"usb:lp0":                         "full path",
		"file:":                           "names no file",
	}
	for in, want := range tests {
		_, err := ParseDevice(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDevice(%q): %v, want an error saying %q", in, err, want)
		}
	}
}

func TestDeviceName(t *testing.T) {
	for in, want := range map[string]string{
		"/dev/usb/lp0":                 "the USB printer /dev/usb/lp0",
		"tcp://10.0.0.9":               "the printer at 10.0.0.9:9100",
		"serial:/dev/ttyS0?baud=38400": "the serial printer on /dev/ttyS0",
		"file:/tmp/r.bin":              "the file /tmp/r.bin",
	} {
		d, _ := ParseDevice(in)
		if d.Name() != want {
			t.Errorf("%q: %q, want %q", in, d.Name(), want)
		}
	}
}
