package sandboxkit

import "crypto/rand"

// Alphabets for the look of addresses and transaction ids.
const (
	// Base58 is Bitcoin's alphabet (no 0, O, I or l): legacy addresses,
	// Tron, Solana.
	Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	// HexDigits are the lower-case hexadecimal digits.
	HexDigits = "0123456789abcdef"
)

// RandomFrom returns n characters drawn at random from alphabet (ASCII,
// at most 256 characters). It is for sandbox data that must look real, not
// for secrets: the draw is not quite uniform.
func RandomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// RandomHexDigits returns n random lower-case hex digits: 64 for a
// transaction id, 40 for an Ethereum address.
func RandomHexDigits(n int) string { return RandomFrom(HexDigits, n) }
