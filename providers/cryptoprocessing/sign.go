package cryptoprocessing

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"strings"
)

// Sign returns the X-Processing-Signature of body: the lower-case hex
// HMAC-SHA512 of the exact bytes, keyed with the secret key (spec §2).
func Sign(body []byte, secretKey string) string {
	m := hmac.New(sha512.New, []byte(secretKey))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether signature (hex, either case, surrounding
// blanks ignored) is the HMAC-SHA512 of the raw body under secretKey. It
// compares in constant time and never re-encodes the body.
func VerifySignature(body []byte, signature, secretKey string) bool {
	given, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(given) != sha512.Size {
		return false
	}
	m := hmac.New(sha512.New, []byte(secretKey))
	m.Write(body)
	return hmac.Equal(m.Sum(nil), given)
}
