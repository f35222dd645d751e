package wire

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckServiceURL returns what is wrong with s, the address of a service
// the terminal calls (a provider's API root, a relay), in plain words for
// the config's error, or "" when it is fine: an absolute https address
// without a user name, query or fragment. Plain http is refused unless the
// host is this machine or a private network (LocalHost: a sandbox, a relay
// in the shop), since keys and signatures travel in its headers. example
// is a good address to show, such as the provider's default.
func CheckServiceURL(s, example string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("%q is not a web address like %s.", s, example)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("write the address without a user name, query or #, like %s.", example)
	}
	if u.Scheme == "http" && !LocalHost(u.Hostname()) {
		return fmt.Sprintf("%q is not encrypted: use https:// (plain http is only for this machine or the shop's own network).", s)
	}
	return ""
}

// LocalHost reports whether host (a name or an IP address, without a
// port) is this machine (localhost, *.localhost, a loopback address) or on
// a private network (10/8, 172.16/12, 192.168/16, fc00::/7).
func LocalHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate())
}
