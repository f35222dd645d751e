package config_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"cryptopos/config"
	"cryptopos/providers/cryptomus"
	"cryptopos/providers/cryptoprocessing"
)

// fuzzSecrets mark secret values in the seed corpus (payment_key =
// "S3CR3T-…", token = 867530986753…, a key pasted without quotes); they are
// no part of any key name. They are compared in lower case.
var fuzzSecrets = []string{"s3cr3t", "867530986753"}

// secretLine matches a line that sets a secret: the relay's token, the
// kiosk's PIN hash, the providers' keys and relay token, also as a dotted
// key (relay.token = …).
var secretLine = regexp.MustCompile(`(?mi)^[ \t]*(?:[A-Za-z0-9_."' -]*\.)?[ \t]*["']?(?:token|pin_hash|payment_key|api_key|secret_key|relay_token)["']?[ \t]*=.*$`)

// FuzzParse checks config.Parse on any text:
//   - it never panics, and neither do Unknown nor decoding and validating
//     the [cryptomus] and [cryptoprocessing] sections;
//   - Parse's and Unknown's errors are one line (a provider's Validate
//     puts each problem on its own line; each of those is one line too);
//   - no error shows a secret value: when the text holds one of
//     fuzzSecrets only in the values of secret keys (token, pin_hash,
//     payment_key, api_key, secret_key, relay_token), no error contains it,
//     in any letter case, even when the value is not valid TOML (a long
//     number pasted without quotes);
//   - a parsed config passes its own Check again, unchanged (Check is
//     idempotent).
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		// May an error show a secret? Only when the text has it outside
		// the secrets (a shop name, a table name), where quoting it is fine.
		rest := strings.ToLower(secretLine.ReplaceAllString(text, ""))
		shows := func(s string) bool {
			for _, secret := range fuzzSecrets {
				if strings.Contains(strings.ToLower(s), secret) && !strings.Contains(rest, secret) {
					return true
				}
			}
			return false
		}
		check := func(what string, err error, lines bool) {
			t.Helper()
			if err == nil {
				return
			}
			msg := err.Error()
			if shows(msg) {
				t.Fatalf("%s error shows a secret value: %q\ntext:\n%s", what, msg, text)
			}
			for _, line := range strings.Split(msg, "\n") {
				if strings.TrimSpace(line) == "" || strings.Contains(line, "\r") {
					t.Fatalf("%s error has an empty or broken line: %q", what, msg)
				}
			}
			if !lines && strings.Contains(msg, "\n") {
				t.Fatalf("%s error is not one line: %q", what, msg)
			}
		}

		c, err := config.Parse("config.toml", text)
		check("Parse", err, false)
		if err != nil {
			return
		}
		again := c.File
		if err := again.Check(); err != nil {
			t.Fatalf("a parsed config fails its own Check: %v", err)
		}
		if !reflect.DeepEqual(again, c.File) {
			t.Fatalf("Check changed a checked config:\n%+v\n%+v", c.File, again)
		}

		var cm cryptomus.Config
		if err := c.Section("cryptomus", &cm); err != nil {
			check("[cryptomus]", err, false)
		} else {
			check("cryptomus Validate", cm.Validate(), true)
			if s := cm.String() + cm.GoString(); shows(s) {
				t.Fatalf("cryptomus.Config.String shows a secret: %s", s)
			}
		}
		var cp cryptoprocessing.Config
		if err := c.Section("cryptoprocessing", &cp); err != nil {
			check("[cryptoprocessing]", err, false)
		} else {
			check("cryptoprocessing Validate", cp.Validate(), true)
			if s := cp.String() + cp.GoString(); shows(s) {
				t.Fatalf("cryptoprocessing.Config.String shows a secret: %s", s)
			}
		}
		check("Unknown", c.Unknown(), false)
	})
}
