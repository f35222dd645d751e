package cryptoprocessing

import (
	"strings"
	"testing"
)

// thirdPartyCallback is the 883-byte body of spec §3.2 (serjvanilla/
// coinspaid-go, key test_key, secret test_secret).
const thirdPartyCallback = `{"id":3576,"type":"deposit_exchange","crypto_address":{"id":7419,"currency":"BTC","convert_to":"USD","address":"2N1QTWoPZ6Z7rQue3KS5YAMUQhKabrN4nHn","tag":null,"foreign_id":"test"},"currency_sent":{"currency":"BTC","amount":"0.00100000"},"currency_received":{"currency":"USD","amount":"11.40406820","amount_minus_fee":"10.81135268"},"transactions":[{"id":4418,"currency":"BTC","transaction_type":"blockchain","type":"deposit","address":"2N1QTWoPZ6Z7rQue3KS5YAMUQhKabrN4nHn","tag":null,"amount":"0.00100000","txid":"daeb0cfb14a2c6d425906f75f14fb4b6b55221a0586a0c890436dd1a9bd9005d","riskscore":null,"confirmations":"1"},{"id":4419,"currency":"BTC","currency_to":"USD","transaction_type":"exchange","type":"exchange","amount":"0.00100000","amount_to":"11.40406820"}],"fees":[{"type":"fee_crypto_deposit_to_fiat","currency":"USD","amount":"0.59271552"}],"error":"","status":"confirmed"}`

const thirdPartySignature = "3a031e16649f5120e4f08d462578681f8b6842815dbf5fc1e209445585cf91957b0555bc68ef48d95cee4349441404511198a0a5accd8aac396c029b4665c88b"

func TestSignVectors(t *testing.T) {
	tests := []struct {
		name, secret, body, want string
	}{
		{"official §3.1", "AbCdEfG123456", `{"currency":"BTC","foreign_id":"123456"}`,
			"03c25fcf7cd35e7d995e402cd5d51edd72d48e1471e865907967809a0c189ba55b90815f20e2bb10f82c7a9e9d865546fda58989c2ae9e8e2ff7bc29195fa1ec"},
		{"third-party callback §3.2", "test_secret", thirdPartyCallback, thirdPartySignature},
		{"empty object", "AbCdEfG123456", `{}`,
			"89ff570683bfcd9e2c8911332e07e3ff196ca50f91faef98126fb0eb76df90d7ccddc4372a99ba67ec072fd3aac5d0b7eac44652e2b29ce36dbcf5ee50b6fa05"},
		{"empty array", "AbCdEfG123456", `[]`,
			"2da807ab86f47091ca3f7f45aba4c2bd3072fff6f2ef4f88c1ebece372be14ff9800d1e8ffca4b2733f837bcb2ee8dfb23f56c09e4dc7a0143127820bcba88a8"},
		{"empty body", "AbCdEfG123456", ``,
			"0104da715ed5bb364eba7167a71316e194f5ca21629884dca6c368cfd411d2b8404d0cccf928a76ef5b8d170eae711d9a9ef4d9c74cd23693869c96fd64c335f"},
		{"slash", "AbCdEfG123456", `{"foreign_id":"pos-1","url_success":"https://pos.example/ok"}`,
			"81eaf18f53e02b5f90121374c13a7ca586c119932d9159137118e08416150c0348af5e007665e9577de64bc947d8c99a0d4354e31fcf204fe5b6bd2ccf8cc4ba"},
		{"escaped slash", "AbCdEfG123456", `{"foreign_id":"pos-1","url_success":"https:\/\/pos.example\/ok"}`,
			"11d2b5159f815ad24e84422d83b3509772c29ff8469c0b6b2538c02588b22500e184fa513c502a099da70e8bee44237e44fd5f0cec5dc6bfa7a74bb649a659af"},
	}
	if n := len(thirdPartyCallback); n != 883 {
		t.Fatalf("the §3.2 body is %d bytes, want 883", n)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign([]byte(tt.body), tt.secret); got != tt.want {
				t.Errorf("Sign = %s\nwant   %s", got, tt.want)
			}
			for _, sig := range []string{tt.want, strings.ToUpper(tt.want), " " + tt.want + "\n"} {
				if !VerifySignature([]byte(tt.body), sig, tt.secret) {
					t.Errorf("VerifySignature(%.12q…) = false", sig)
				}
			}
			if VerifySignature([]byte(tt.body+" "), tt.want, tt.secret) {
				t.Error("a changed body verifies")
			}
			if VerifySignature([]byte(tt.body), tt.want, tt.secret+"x") {
				t.Error("another secret verifies")
			}
			if VerifySignature([]byte(tt.body), tt.want[:64], tt.secret) {
				t.Error("a truncated signature verifies")
			}
			if VerifySignature([]byte(tt.body), "zz"+tt.want[2:], tt.secret) {
				t.Error("a signature that is not hex verifies")
			}
		})
	}
}
