package printer

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Transport is how a printer is reached.
type Transport string

// The transports.
const (
	// USB is a printer device file written raw: the Linux usblp driver's
	// /dev/usb/lp0, or a parallel port's /dev/lp0.
	USB Transport = "usb"
	// Serial is a serial port: RS-232, a USB serial adapter, Bluetooth
	// rfcomm.
	Serial Transport = "serial"
	// TCP is a network printer's raw port, 9100 (what Epson calls
	// "TCP/IP raw", HP "JetDirect").
	TCP Transport = "tcp"
	// File appends every job to a file: an archive, or tests.
	File Transport = "file"
)

// DefaultPort is the raw printing port of network receipt printers.
const DefaultPort = 9100

// DefaultBaud is the speed of a serial port whose device does not say.
const DefaultBaud = 9600

// Bauds are the serial speeds cryptopos can set.
var Bauds = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400}

// Flow control of a serial port.
const (
	FlowNone    = "none"
	FlowRTSCTS  = "rtscts"
	FlowXONXOFF = "xonxoff"
)

// Device is a parsed [printer] device value.
type Device struct {
	Transport Transport
	// Path is the device or file (USB, Serial, File).
	Path string
	// Addr is host:port (TCP).
	Addr string
	// Baud and Flow configure a serial port.
	Baud int
	Flow string
}

// DeviceSyntax says how to write the device value, for messages.
const DeviceSyntax = `"/dev/usb/lp0" (USB), "serial:/dev/ttyUSB0?baud=19200" (serial port), ` +
	`"tcp://192.168.1.50:9100" (network) or "file:/var/lib/cryptopos/receipts.bin" (a file)`

// ParseDevice reads the device value:
//
//	/dev/usb/lp0, /dev/lp0, usb:/dev/usb/lp1   a USB (or parallel) printer device
//	serial:/dev/ttyUSB0?baud=19200             a serial port at 19200 baud; the query
//	                                           may add flow=rtscts or flow=xonxoff
//	/dev/ttyUSB0, /dev/ttyS0, /dev/ttyACM0,    a serial port at 9600 baud, no flow control
//	/dev/rfcomm0, /dev/serial/by-id/...
//	tcp://192.168.1.50:9100, tcp://printer.lan a network printer (port 9100 by default)
//	192.168.1.50:9100, 192.168.1.50            the same, written short
//	file:/var/lib/cryptopos/receipts.bin       append every job to the file
//
// Any other path under /dev/ is written like a USB device.
func ParseDevice(s string) (Device, error) {
	s = strings.TrimSpace(s)
	scheme, rest, hasScheme := strings.Cut(s, ":")
	if hasScheme && strings.HasPrefix(rest, "//") && scheme != "tcp" || s == "" {
		return Device{}, fmt.Errorf("%q is not a printer device: write %s", s, DeviceSyntax)
	}
	switch {
	case hasScheme && scheme == "tcp":
		return parseTCP(s, strings.TrimPrefix(rest, "//"))
	case hasScheme && scheme == "file":
		if rest == "" {
			return Device{}, fmt.Errorf("%q names no file: write it like file:/var/lib/cryptopos/receipts.bin", s)
		}
		return Device{Transport: File, Path: filepath.Clean(rest)}, nil
	case hasScheme && scheme == "usb":
		if !strings.HasPrefix(rest, "/") {
			return Device{}, fmt.Errorf("%q: write the device's full path, like usb:/dev/usb/lp0", s)
		}
		return Device{Transport: USB, Path: filepath.Clean(rest)}, nil
	case hasScheme && scheme == "serial":
		return parseSerial(s, rest)
	case strings.HasPrefix(s, "/dev/"):
		if serialPath(s) {
			return Device{Transport: Serial, Path: filepath.Clean(s), Baud: DefaultBaud, Flow: FlowNone}, nil
		}
		return Device{Transport: USB, Path: filepath.Clean(s)}, nil
	case strings.HasPrefix(s, "/"):
		return Device{}, fmt.Errorf("%q is not a device under /dev: to keep receipts in a file, write file:%s", s, s)
	}
	if host, _, err := net.SplitHostPort(s); err == nil && host != "" || net.ParseIP(s) != nil {
		return parseTCP(s, s)
	}
	return Device{}, fmt.Errorf("%q is not a printer device: write %s", s, DeviceSyntax)
}

func serialPath(p string) bool {
	base := filepath.Base(p)
	return strings.HasPrefix(p, "/dev/serial/") || strings.HasPrefix(base, "tty") ||
		strings.HasPrefix(base, "rfcomm") || strings.HasPrefix(base, "cu.")
}

func parseTCP(orig, hostport string) (Device, error) {
	hostport = strings.TrimSuffix(hostport, "/")
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), strconv.Itoa(DefaultPort)
	}
	n, err := strconv.Atoi(port)
	if host == "" || strings.ContainsAny(host, "/?#@ ") || err != nil || n < 1 || n > 65535 {
		return Device{}, fmt.Errorf("%q is not a network printer's address: write it like tcp://192.168.1.50:9100", orig)
	}
	return Device{Transport: TCP, Addr: net.JoinHostPort(host, strconv.Itoa(n))}, nil
}

func parseSerial(orig, rest string) (Device, error) {
	path, query, _ := strings.Cut(rest, "?")
	if !strings.HasPrefix(path, "/dev/") {
		return Device{}, fmt.Errorf("%q: write the port's full path, like serial:/dev/ttyUSB0?baud=19200", orig)
	}
	d := Device{Transport: Serial, Path: filepath.Clean(path), Baud: DefaultBaud, Flow: FlowNone}
	q, err := url.ParseQuery(query)
	if err != nil {
		return Device{}, fmt.Errorf("%q: write the options like serial:/dev/ttyUSB0?baud=19200&flow=rtscts", orig)
	}
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch key {
		case "baud":
			n, err := strconv.Atoi(v)
			if err != nil || !slices.Contains(Bauds, n) {
				return Device{}, fmt.Errorf("%q: %s is not a baud rate cryptopos can set; use one of %s", orig, v, joinInts(Bauds))
			}
			d.Baud = n
		case "flow":
			switch v = strings.ToLower(v); v {
			case FlowNone, FlowRTSCTS, FlowXONXOFF:
				d.Flow = v
			default:
				return Device{}, fmt.Errorf("%q: flow=%s is not a flow control; use none, rtscts or xonxoff", orig, v)
			}
		default:
			return Device{}, fmt.Errorf("%q: unknown option %q; a serial port takes baud and flow", orig, key)
		}
	}
	return d, nil
}

func joinInts(ns []int) string {
	var s []string
	for _, n := range ns {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ", ")
}

// String is the device in the config's syntax.
func (d Device) String() string {
	switch d.Transport {
	case TCP:
		return "tcp://" + d.Addr
	case File:
		return "file:" + d.Path
	case Serial:
		s := fmt.Sprintf("serial:%s?baud=%d", d.Path, d.Baud)
		if d.Flow != "" && d.Flow != FlowNone {
			s += "&flow=" + d.Flow
		}
		return s
	}
	return d.Path
}

// Name is the device as sentences name it: "the printer at
// 192.168.1.50:9100", "the USB printer /dev/usb/lp0".
func (d Device) Name() string {
	switch d.Transport {
	case TCP:
		return "the printer at " + d.Addr
	case File:
		return "the file " + d.Path
	case Serial:
		return fmt.Sprintf("the serial printer on %s", d.Path)
	}
	return "the USB printer " + d.Path
}
