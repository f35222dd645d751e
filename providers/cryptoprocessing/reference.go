package cryptoprocessing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"cryptopos/pos"
)

// referenceLabel separates the key of end_user_reference from every other
// use of the secret key.
const referenceLabel = "cryptopos end_user_reference v1"

// referenceKey derives the key of end_user_reference from the secret key:
// HMAC-SHA256(secret_key, referenceLabel).
func referenceKey(secretKey string) []byte {
	m := hmac.New(sha256.New, []byte(secretKey))
	m.Write([]byte(referenceLabel))
	return m.Sum(nil)
}

// EndUserReference returns the pseudonymous end_user_reference of a sale
// (spec §5.1: required, no personal data): 32 hex characters of
// HMAC-SHA256 under a key derived from the secret key, over the customer's
// normalized identity, so that the same customer gets the same reference
// at every terminal sharing the secret, and nobody without the secret can
// tell who it is. The e-mail address is not identity. A walk-in customer
// (no identity) gets a reference derived from the order id: fresh for each
// sale and the same on every retry of it.
func EndUserReference(secretKey, orderID string, cust *pos.Customer) string {
	return endUserReference(referenceKey(secretKey), orderID, cust)
}

func endUserReference(key []byte, orderID string, cust *pos.Customer) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(identity(orderID, cust)))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// identity is the text the reference is made of: the kind and the
// normalized names (blanks collapsed, lower case), or the order id.
func identity(orderID string, cust *pos.Customer) string {
	if cust == nil || !cust.Identified() {
		return "walk-in|" + orderID
	}
	switch cust.Kind {
	case pos.CustomerLegal:
		return "legal|" + norm(cust.LegalName) + "|" + strings.ToUpper(strings.TrimSpace(cust.Country))
	default:
		return string(cust.Kind) + "|" + norm(cust.FirstName) + "|" + norm(cust.LastName) + "|" + strings.TrimSpace(cust.DateOfBirth)
	}
}

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
