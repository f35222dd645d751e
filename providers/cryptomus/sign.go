package cryptomus

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
)

// Sign returns the request signature Cryptomus expects in the sign header:
// lower_hex(md5(base64_std(body) + paymentKey)), over the exact bytes sent.
func Sign(body []byte, paymentKey string) string {
	sum := signature(body, paymentKey)
	return hex.EncodeToString(sum[:])
}

// signature is md5(base64_std(data) + key): Sign's bytes before hex, and
// what a webhook's sign is checked against.
func signature(data []byte, key string) [md5.Size]byte {
	return md5.Sum([]byte(base64.StdEncoding.EncodeToString(data) + key))
}
