package cryptoprocessing

import (
	"context"
	"strings"
	"testing"

	"cryptopos/pos"
)

const currenciesReply = `{"data":[
 {"id":1,"type":"crypto","currency":"BTC","minimum_amount":"0.00010000","deposit_fee_percent":"0.0100","withdrawal_fee_percent":"0.0000","precision":8},
 {"id":2,"type":"crypto","currency":"USDTT","minimum_amount":"1.00000000","precision":"6"},
 {"id":3,"type":"fiat","currency":"EUR","minimum_amount":"10.00000000","precision":2},
 {"id":4,"type":"fiat","currency":"LTC","minimum_amount":null,"precision":null}]}`

func TestCurrencies(t *testing.T) {
	rs := newRecordingServer(t, 200, currenciesReply)
	c, _, _ := newTestClient(t, rs.URL+"/api/v2")
	list, err := c.Currencies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := rs.last(t)
	if got.path != "/api/v2/currencies/list" || string(got.body) != `{"visible":true}` || got.signature != Sign(got.body, testSecretKey) {
		t.Errorf("request %+v", got)
	}
	if len(list) != 4 || list[1].Code != "USDTT" || list[1].Precision != 6 || !list[0].MinimumAmount.Equal(dec("0.0001")) || list[2].Type != "fiat" {
		t.Errorf("list %+v", list)
	}
}

func TestCheckPayOptions(t *testing.T) {
	rs := newRecordingServer(t, 200, currenciesReply)
	c, _, _ := newTestClient(t, rs.URL+"/api/v2")
	ok := []pos.PayOption{{}, {Code: "BTC"}, {Code: "USDT", Network: "tron"}}
	if err := c.CheckPayOptions(context.Background(), ok); err != nil {
		t.Errorf("CheckPayOptions(%v): %v", ok, err)
	}
	err := c.CheckPayOptions(context.Background(), []pos.PayOption{{Code: "BTC"}, {Code: "ETH"}, {Code: "USDT", Network: "eth"}, {Code: "LTC"}})
	want := "Cryptoprocessing does not offer ETH, USDT · Ethereum (USDTE), LTC to this account: remove them from cryptoprocessing.pay_currencies or turn them on in the dashboard."
	if pos.KindOf(err) != pos.ErrKindRejected || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	rs.answer(200, "application/json", `{"data":{"BTC":1}}`)
	if err := c.CheckPayOptions(context.Background(), ok); pos.KindOf(err) != pos.ErrKindBadReply || !strings.Contains(err.Error(), "not a list") {
		t.Errorf("not a list: %v", err)
	}
}
