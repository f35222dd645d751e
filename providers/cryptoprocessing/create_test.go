package cryptoprocessing

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
)

// createdReply is the create reply of spec §5.2 (customer chooses, no
// timer), with the foreign_id of the test invoice.
const createdReply = `{"data":{"id":826900,"url":"https://invoices.sandbox.cryptoprocessing.com/invoice/Jyf1cQ",
 "foreign_id":"pos-01hzx3k9q2","end_user_reference":"12345","address":null,
 "title":"Invoice Title","status":"created","currency":"EUR","amount":"100.00000000",
 "sender_currency":null,"sender_amount":null,"fixed_at":null,"release_at":null,"seconds_left":null}}`

func TestCreateRequestBodies(t *testing.T) {
	anna := &pos.Customer{Kind: pos.CustomerNatural, FirstName: " Anna ", LastName: "Müller", DateOfBirth: "1985-04-23", Email: "anna@example.com"}
	acme := &pos.Customer{Kind: pos.CustomerLegal, LegalName: "ACME GmbH", Country: "deu"}
	ref := func(c *pos.Customer) string { return EndUserReference(testSecretKey, testOrderID, c) }
	no, yes := false, true
	tests := []struct {
		name   string
		config func(*Config, *Options)
		inv    func(*pos.Invoice)
		want   string
	}{
		{name: "customer chooses, no timer", config: func(c *Config, _ *Options) { c.Timer = &no },
			want: `{"timer":false,"title":"Corner Café · pos-01hzx3k9q2","currency":"EUR","amount":12.50,"foreign_id":"pos-01hzx3k9q2","end_user_reference":"` + ref(nil) + `","type":"fill_or_kill"}`},
		{name: "customer chooses, timer, instalments, every option",
			config: func(c *Config, _ *Options) {
				c.Timer, c.PartialPayments, c.Description = &yes, true, "Thank you for shopping with us."
				c.URLSuccess, c.URLFailed = "https://shop.example/ok", "https://shop.example/failed"
			},
			inv: func(inv *pos.Invoice) { inv.Customer = &pos.Customer{Email: "anna@example.com"} },
			want: `{"timer":true,"title":"Corner Café · pos-01hzx3k9q2","description":"Thank you for shopping with us.","currency":"EUR","amount":12.50,"foreign_id":"pos-01hzx3k9q2","end_user_reference":"` + ref(nil) +
				`","type":"good_until_expired","url_success":"https://shop.example/ok","url_failed":"https://shop.example/failed","email_user":"anna@example.com"}`},
		{name: "pre-selected coin, natural person (timer forced on)", config: func(c *Config, _ *Options) { c.Timer = &no },
			inv: func(inv *pos.Invoice) { inv.Pay, inv.Customer = pos.PayOption{Code: "USDT", Network: "tron"}, anna },
			want: `{"timer":true,"title":"Corner Café · pos-01hzx3k9q2","currency":"EUR","amount":12.50,"foreign_id":"pos-01hzx3k9q2","end_user_reference":"` + ref(anna) +
				`","type":"fill_or_kill","email_user":"anna@example.com","sender_currency":"USDTT","sender_type":"natural","sender_data":{"first_name":"Anna","last_name":"Müller","date_of_birth":"1985-04-23"}}`},
		{name: "pre-selected coin, company",
			inv: func(inv *pos.Invoice) { inv.Pay, inv.Customer = pos.PayOption{Code: "BTC"}, acme },
			want: `{"timer":true,"title":"Corner Café · pos-01hzx3k9q2","currency":"EUR","amount":12.50,"foreign_id":"pos-01hzx3k9q2","end_user_reference":"` + ref(acme) +
				`","type":"fill_or_kill","sender_currency":"BTC","sender_type":"legal","sender_data":{"legal_name":"ACME GmbH","country_of_registration":"DEU"}}`},
		{name: "customer chooses with identity given anyway",
			inv: func(inv *pos.Invoice) { inv.Customer = acme },
			want: `{"timer":true,"title":"Corner Café · pos-01hzx3k9q2","currency":"EUR","amount":12.50,"foreign_id":"pos-01hzx3k9q2","end_user_reference":"` + ref(acme) +
				`","type":"fill_or_kill","sender_type":"legal","sender_data":{"legal_name":"ACME GmbH","country_of_registration":"DEU"}}`},
		{name: "no shop name, yen", config: func(_ *Config, o *Options) { o.ShopName = "" },
			inv:  func(inv *pos.Invoice) { inv.Amount = pos.NewMoney(dec("1500"), "JPY") },
			want: `{"timer":true,"title":"pos-01hzx3k9q2","currency":"JPY","amount":1500,"foreign_id":"pos-01hzx3k9q2","end_user_reference":"` + ref(nil) + `","type":"fill_or_kill"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := newRecordingServer(t, http.StatusCreated, createdReply)
			change := []func(*Config, *Options){}
			if tt.config != nil {
				change = append(change, tt.config)
			}
			c, logs, _ := newTestClient(t, rs.URL+"/api/v2", change...)
			inv := testInvoice("12.50", "EUR", pos.PayOption{})
			if tt.inv != nil {
				tt.inv(&inv)
			}
			if _, err := c.Create(context.Background(), inv); err != nil {
				t.Fatalf("Create: %v", err)
			}
			got := rs.last(t)
			if string(got.body) != tt.want {
				t.Errorf("body\n got %s\nwant %s", got.body, tt.want)
			}
			if got.method != http.MethodPost || got.path != "/api/v2/invoices/create" {
				t.Errorf("request %s %s, want POST /api/v2/invoices/create", got.method, got.path)
			}
			if got.key != testAPIKey || got.contentType != "application/json" {
				t.Errorf("headers: key %q, content type %q", got.key, got.contentType)
			}
			if want := Sign(got.body, testSecretKey); got.signature != want {
				t.Errorf("signature %s does not sign the bytes sent (%s)", got.signature, want)
			}
			if inv.Customer != nil {
				secretsAbsent(t, "the log", logs.String(), "Anna", "Müller", "1985-04-23", "anna@example.com", "ACME")
			}
		})
	}
}

func TestCreateRefusesBeforeSending(t *testing.T) {
	rs := newRecordingServer(t, http.StatusCreated, createdReply)
	c, _, _ := newTestClient(t, rs.URL+"/api/v2")
	tests := []struct {
		name string
		inv  func(*pos.Invoice)
		want string
	}{
		{"pre-selected coin without the customer", func(inv *pos.Invoice) { inv.Pay = pos.PayOption{Code: "BTC"} },
			"needs to know who pays"},
		{"pre-selected coin with an e-mail only", func(inv *pos.Invoice) {
			inv.Pay, inv.Customer = pos.PayOption{Code: "BTC"}, &pos.Customer{Email: "a@example.com"}
		}, "needs to know who pays"},
		{"a network without a code", func(inv *pos.Invoice) {
			inv.Pay, inv.Customer = pos.PayOption{Code: "USDT", Network: "polygon"}, &pos.Customer{Kind: pos.CustomerLegal, LegalName: "X", Country: "DEU"}
		}, "has no currency code for USDT · Polygon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := testInvoice("12.50", "EUR", pos.PayOption{})
			tt.inv(&inv)
			_, err := c.Create(context.Background(), inv)
			if pos.KindOf(err) != pos.ErrKindRejected || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrKindRejected with %q", err, tt.want)
			}
		})
	}
	if n := rs.count(); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestCreateReplies(t *testing.T) {
	release := testNow.Add(15 * time.Minute).Unix()
	tests := []struct {
		name   string
		status int
		reply  string
		check  func(t *testing.T, u pos.Update)
	}{
		{name: "spec §5.2, no timer, 201", status: 201, reply: createdReply, check: func(t *testing.T, u pos.Update) {
			want := pos.Update{ProviderID: "826900", URL: "https://invoices.sandbox.cryptoprocessing.com/invoice/Jyf1cQ",
				Status: pos.StatusWaiting, ProviderStatus: "created", Source: "Cryptoprocessing API"}
			if !equalUpdate(u, want) {
				t.Errorf("update %+v\nwant %+v", u, want)
			}
		}},
		{name: "timer, release_at, 200, numbers as strings and ids as numbers", status: 200,
			reply: `{"data":{"id":"826901","url":"https://x.example/invoice/a","foreign_id":"pos-01hzx3k9q2","end_user_reference":12345,
			"address":null,"title":"T","status":"pending","currency":"EUR","amount":12.5,"sender_currency":null,"sender_amount":null,
			"fixed_at":"` + itoa(testNow.Unix()) + `","release_at":` + itoa(release) + `,"seconds_left":"900"}}`,
			check: func(t *testing.T, u pos.Update) {
				if u.ProviderID != "826901" || u.Status != pos.StatusWaiting || u.ProviderStatus != "pending" ||
					!u.ExpiresAt.Equal(time.Unix(release, 0)) {
					t.Errorf("update %+v", u)
				}
			}},
		{name: "seconds_left only: countdown from the clock", status: 201,
			reply: `{"data":{"id":1,"url":"https://x.example/invoice/b","status":"pending","seconds_left":600,"release_at":null}}`,
			check: func(t *testing.T, u pos.Update) {
				if want := testNow.Add(10 * time.Minute); !u.ExpiresAt.Equal(want) {
					t.Errorf("ExpiresAt %v, want %v", u.ExpiresAt, want)
				}
			}},
		{name: "huge release_at and seconds_left are no expiry (never wrapped to 1970 or a second)", status: 201,
			reply: `{"data":{"id":1,"url":"https://x.example/invoice/b","status":"pending","seconds_left":"18446744073709551617","release_at":"18446744073709551617"}}`,
			check: func(t *testing.T, u pos.Update) {
				if !u.ExpiresAt.IsZero() {
					t.Errorf("ExpiresAt %v, want none", u.ExpiresAt)
				}
			}},
		{name: "huge release_at, seconds_left counts", status: 201,
			reply: `{"data":{"id":1,"url":"https://x.example/invoice/b","status":"pending","seconds_left":600,"release_at":253402300800}}`,
			check: func(t *testing.T, u pos.Update) {
				if want := testNow.Add(10 * time.Minute); !u.ExpiresAt.Equal(want) {
					t.Errorf("ExpiresAt %v, want %v", u.ExpiresAt, want)
				}
			}},
		{name: "pre-selected: address, amount and network", status: 201,
			reply: `{"data":{"id":131,"url":"https://x.example/invoice/8ppbsV","foreign_id":"pos-01hzx3k9q2","address":"TXYZ123",
			"name":"Invoice Title","status":"pending","currency":"EUR","amount":"12.50000000","sender_currency":"USDTT",
			"sender_amount":"13.590000","fixed_at":1582815352,"release_at":1582816252,"seconds_left":899}}`,
			check: func(t *testing.T, u pos.Update) {
				if u.Address != "TXYZ123" || u.PayAmount.String() != "13.59 USDT" || u.Network != "tron" ||
					!u.ExpiresAt.Equal(time.Unix(1582816252, 0)) {
					t.Errorf("update %+v (pay %s)", u, u.PayAmount)
				}
			}},
		{name: "no data wrapper", status: 200,
			reply: `{"id":7,"url":"https://x.example/invoice/c","foreign_id":"pos-01hzx3k9q2","status":"created"}`,
			check: func(t *testing.T, u pos.Update) {
				if u.ProviderID != "7" || u.URL != "https://x.example/invoice/c" {
					t.Errorf("update %+v", u)
				}
			}},
		{name: "odd amount text is tolerated", status: 201,
			reply: `{"data":{"id":8,"url":"https://x.example/invoice/d","status":"pending","sender_currency":"BTC","sender_amount":"0.106.75000000"}}`,
			check: func(t *testing.T, u pos.Update) {
				if !u.PayAmount.IsZero() || u.Network != "btc" {
					t.Errorf("update %+v", u)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := newRecordingServer(t, tt.status, tt.reply)
			c, _, _ := newTestClient(t, rs.URL+"/api/v2")
			u, err := c.Create(context.Background(), testInvoice("12.50", "EUR", pos.PayOption{}))
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			tt.check(t, u)
		})
	}
}

func TestCreateBadReplies(t *testing.T) {
	tests := []struct{ name, reply, want string }{
		{"no url", `{"data":{"id":1,"status":"created"}}`, "without the invoice's payment page"},
		{"another invoice", `{"data":{"id":1,"url":"https://x.example/i/1","foreign_id":"pos-other"}}`, "a different invoice (order id pos-other)"},
		{"data is a list", `{"data":[]}`, "without the invoice's payment page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := newRecordingServer(t, 201, tt.reply)
			c, _, _ := newTestClient(t, rs.URL+"/api/v2")
			_, err := c.Create(context.Background(), testInvoice("12.50", "EUR", pos.PayOption{}))
			if pos.KindOf(err) != pos.ErrKindBadReply || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrKindBadReply with %q", err, tt.want)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	tests := []struct{ shop, order, want string }{
		{"Corner Café", "pos-01hzx3k9q2", "Corner Café · pos-01hzx3k9q2"},
		{"", "pos-1", "pos-1"},
		{"  The   Very  Long Name of a Shop on the High Street  ", "pos-01hzx3k9q2", "The Very Long Name of a Shop on… · pos-01hzx3k9q2"},
		{"Shop", strings.Repeat("x", 60), strings.Repeat("x", 50)},
		{"Shop", strings.Repeat("x", 46), strings.Repeat("x", 46)},
		{"Ünïcødé Shöp Ünïcødé Shöp Ünïcødé Shöp", "pos-0123456789", "Ünïcødé Shöp Ünïcødé Shöp Ünïcød… · pos-0123456789"},
	}
	for _, tt := range tests {
		got := Title(tt.shop, tt.order)
		if got != tt.want {
			t.Errorf("Title(%q, %q) = %q, want %q", tt.shop, tt.order, got, tt.want)
		}
		if n := len([]rune(got)); n > MaxTitle {
			t.Errorf("Title(%q, %q) has %d characters", tt.shop, tt.order, n)
		}
	}
}

func TestAmountNumber(t *testing.T) {
	tests := []struct{ amount, currency, want string }{
		{"12.5", "EUR", "12.50"}, {"1500", "JPY", "1500"}, {"3.1", "KWD", "3.100"},
		{"0.0002", "BTC", "0.00020000"}, {"12.345", "EUR", "12.345"}, {"7", "XYZ", "7.00"},
		{"1.5", "USDTT", "1.50000000"},
	}
	for _, tt := range tests {
		got := amountNumber(pos.NewMoney(dec(tt.amount), tt.currency))
		if string(got) != tt.want {
			t.Errorf("amountNumber(%s %s) = %s, want %s", tt.amount, tt.currency, got, tt.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("%s is not a JSON number", got)
		}
	}
}

func TestEndUserReference(t *testing.T) {
	anna := &pos.Customer{Kind: pos.CustomerNatural, FirstName: "Anna", LastName: "Müller", DateOfBirth: "1985-04-23", Email: "anna@example.com"}
	annaAgain := &pos.Customer{Kind: pos.CustomerNatural, FirstName: "  ANNA ", LastName: "müller", DateOfBirth: "1985-04-23", Email: "other@example.com"}
	annaTwin := &pos.Customer{Kind: pos.CustomerNatural, FirstName: "Anna", LastName: "Müller", DateOfBirth: "1985-04-24"}
	acme := &pos.Customer{Kind: pos.CustomerLegal, LegalName: "ACME  GmbH", Country: "DEU"}
	acmeFR := &pos.Customer{Kind: pos.CustomerLegal, LegalName: "acme gmbh", Country: "FRA"}
	emailOnly := &pos.Customer{Email: "anna@example.com"}

	ref := func(order string, c *pos.Customer) string { return EndUserReference(testSecretKey, order, c) }
	a := ref("pos-1", anna)
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Fatalf("reference %q is not 32 hex characters", a)
	}
	same := []struct {
		name string
		x, y string
	}{
		{"same customer, other sale", a, ref("pos-2", anna)},
		{"same customer, other spelling and e-mail", a, ref("pos-1", annaAgain)},
		{"walk-in, retry of the same sale", ref("pos-1", nil), ref("pos-1", emailOnly)},
		{"company, other spelling", ref("pos-1", acme), ref("pos-9", &pos.Customer{Kind: pos.CustomerLegal, LegalName: "acme gmbh", Country: "deu"})},
	}
	for _, s := range same {
		if s.x != s.y {
			t.Errorf("%s: %s != %s", s.name, s.x, s.y)
		}
	}
	distinct := map[string]string{
		"anna": a, "twin": ref("pos-1", annaTwin), "acme": ref("pos-1", acme), "acme FR": ref("pos-1", acmeFR),
		"walk-in 1": ref("pos-1", nil), "walk-in 2": ref("pos-2", nil),
		"other secret": EndUserReference("another-secret", "pos-1", anna),
	}
	seen := map[string]string{}
	for name, r := range distinct {
		if other, dup := seen[r]; dup {
			t.Errorf("%s and %s share the reference %s", name, other, r)
		}
		seen[r] = name
		for _, pii := range []string{"anna", "müller", "1985", "acme", "deu", "pos-"} {
			if strings.Contains(strings.ToLower(r), pii) {
				t.Errorf("%s: reference %s contains %q", name, r, pii)
			}
		}
	}
}

func TestCustomerNeeds(t *testing.T) {
	no := false
	c, _, _ := newTestClient(t, "https://app.cryptoprocessing.com/api/v2")
	quiet, _, _ := newTestClient(t, "https://app.cryptoprocessing.com/api/v2", func(cfg *Config, _ *Options) { cfg.AskEmail = &no })
	tests := []struct {
		c    *Client
		pay  pos.PayOption
		want pos.CustomerNeeds
	}{
		{c, pos.PayOption{}, pos.CustomerNeeds{Email: true}},
		{c, pos.PayOption{Code: "BTC"}, pos.CustomerNeeds{Identity: true, Email: true}},
		{quiet, pos.PayOption{}, pos.CustomerNeeds{}},
		{quiet, pos.PayOption{Code: "USDT", Network: "tron"}, pos.CustomerNeeds{Identity: true}},
	}
	for _, tt := range tests {
		if got := tt.c.CustomerNeeds(tt.pay); got != tt.want {
			t.Errorf("CustomerNeeds(%v) = %+v, want %+v", tt.pay, got, tt.want)
		}
	}
}

func equalUpdate(a, b pos.Update) bool {
	return a.ProviderID == b.ProviderID && a.URL == b.URL && a.Address == b.Address && a.ExpiresAt.Equal(b.ExpiresAt) &&
		a.PayAmount.String() == b.PayAmount.String() && a.Paid.String() == b.Paid.String() && a.Network == b.Network &&
		a.Status == b.Status && a.ProviderStatus == b.ProviderStatus && a.Reason == b.Reason && a.Source == b.Source &&
		a.At.Equal(b.At)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
