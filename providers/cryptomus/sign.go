package cryptomus

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
)

// Sign returns the request signature Cryptomus expects in the sign header:
// lower_hex(md5(base64_std(body) + paymentKey)), over the exact bytes sent.
func Sign(body []byte, paymentKey string) string {
	sum := md5.Sum([]byte(base64.StdEncoding.EncodeToString(body) + paymentKey))
	return hex.EncodeToString(sum[:])
}
