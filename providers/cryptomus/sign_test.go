package cryptomus

import "testing"

// The vectors of the provider spec, §3.
func TestSignVectors(t *testing.T) {
	tests := []struct {
		name, key, body, want string
	}{
		{"chaindead/go-cryptomus", "bcda", `{"amount":10,"currency":"usd","order_id":"OrDeRiD"}`, "0f66e9e002a45d4285cc77a227dadfeb"},
		{"empty body, key bcda", "bcda", "", "078c4e73146ba90c3e4e9daa1facac28"},
		{"empty body", "test-payment-key", "", "0f471ea3d804a8999b0b45e578e8b652"},
		{"empty object", "test-payment-key", "{}", "8e79fed066ca39c2ab37fe3fe6eb0905"},
		{"empty array", "test-payment-key", "[]", "33a8da7ff0a44d7c4f1ccf94c74b9271"},
		{"create body", "test-payment-key",
			`{"amount":"15","currency":"USD","order_id":"pos-1","url_callback":"https://pos.example/cb"}`,
			"db320a12b428646520728abac0f012da"},
		{"create body, escaped slashes", "test-payment-key",
			`{"amount":"15","currency":"USD","order_id":"pos-1","url_callback":"https:\/\/pos.example\/cb"}`,
			"b4a685efa7a45d089b59fb1ec2385d22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign([]byte(tt.body), tt.key); got != tt.want {
				t.Errorf("Sign = %s, want %s", got, tt.want)
			}
		})
	}
}
