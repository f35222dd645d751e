// Package kiosk holds what a locked terminal needs: the manager PIN, kept
// only as a salted slow hash, and a limit on wrong guesses.
package kiosk

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Iterations of PBKDF2-HMAC-SHA256 for new hashes: slow enough to make
// guessing a stolen hash costly, fast enough for a Raspberry Pi Zero to
// check a PIN in about a second.
const Iterations = 100_000

const scheme = "pbkdf2-sha256"

// PIN length limits, in digits.
const (
	MinPINLength = 4
	MaxPINLength = 12
)

// CheckFormat says in a sentence why pin cannot be a manager PIN.
func CheckFormat(pin string) error {
	if len(pin) < MinPINLength || len(pin) > MaxPINLength {
		return fmt.Errorf("the PIN must have %d to %d digits", MinPINLength, MaxPINLength)
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return errors.New("the PIN may hold digits only, so it can be typed on a keypad")
		}
	}
	return nil
}

// Hash returns the salted slow hash of pin for the config file:
// "pbkdf2-sha256$ITERATIONS$SALT$HASH" with base64 salt and hash.
func Hash(pin string) (string, error) {
	if err := CheckFormat(pin); err != nil {
		return "", err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("no randomness for the PIN's salt: %w", err)
	}
	sum, err := pbkdf2.Key(sha256.New, pin, salt, Iterations, 32)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("%s$%d$%s$%s", scheme, Iterations, enc.EncodeToString(salt), enc.EncodeToString(sum)), nil
}

// CheckHash reports whether hash is a PIN hash this package can check.
func CheckHash(hash string) error {
	_, _, _, err := parse(hash)
	return err
}

// Matches reports whether pin is the one hash was made from, comparing in
// constant time.
func Matches(hash, pin string) bool {
	iter, salt, want, err := parse(hash)
	if err != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pin, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

func parse(hash string) (iter int, salt, sum []byte, err error) {
	bad := errors.New("not a PIN hash made by `cryptopos pin`")
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != scheme {
		return 0, nil, nil, bad
	}
	iter, err = strconv.Atoi(parts[1])
	if err != nil || iter < 10_000 || iter > 10_000_000 {
		return 0, nil, nil, bad
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[2]); err != nil || len(salt) < 8 {
		return 0, nil, nil, bad
	}
	if sum, err = enc.DecodeString(parts[3]); err != nil || len(sum) < 16 {
		return 0, nil, nil, bad
	}
	return iter, salt, sum, nil
}
