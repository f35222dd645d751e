package cryptomus

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
	"cryptopos/providers/cryptomus/sandbox"

	"github.com/shopspring/decimal"
)

// startSandbox serves a sandbox on its fake clock and returns a client for
// it that uses the same clock.
func startSandbox(t *testing.T, o sandbox.Options, change ...func(*Config, *Options)) (*Client, *sandbox.Server, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	o.Clock = clock
	o.PaymentKey = testKey
	o.Merchant = "merchant-uuid-1"
	srv, err := sandbox.Start(o, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	change = append([]func(*Config, *Options){func(_ *Config, opts *Options) { opts.Clock = clock }}, change...)
	c, _ := newTestClient(t, srv.APIBase(), change...)
	return c, srv, clock
}

var usdtTron = pos.PayOption{Code: "USDT", Network: "tron"}

func sale(orderID, amount, currency string, pay pos.PayOption) pos.Invoice {
	return pos.Invoice{OrderID: orderID, Provider: "cryptomus",
		Amount: pos.NewMoney(decimal.RequireFromString(amount), currency), Pay: pay, Status: pos.StatusCreating}
}

func TestSandboxCreateAndInfo(t *testing.T) {
	c, srv, clock := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	inv := sale("pos-0001", "12.50", "EUR", usdtTron)
	u, err := c.Create(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if u.ProviderID == "" || u.URL != srv.URL+"/pay/"+u.ProviderID || !strings.HasPrefix(u.Address, "T") {
		t.Errorf("create: %+v", u)
	}
	if !u.ExpiresAt.Equal(clock.Now().Add(15*time.Minute).Truncate(time.Second)) || u.Status != pos.StatusWaiting || u.ProviderStatus != "check" {
		t.Errorf("create: expires %v status %q", u.ExpiresAt, u.Status)
	}
	// 12.50 EUR at 0.92 EUR per USDT, nothing of the fee charged to the payer.
	if u.PayAmount.Currency != "USDT" || !u.PayAmount.Amount.Equal(decimal.RequireFromString("13.59")) {
		t.Errorf("PayAmount = %s", u.PayAmount)
	}
	state, ok := srv.Invoice("pos-0001")
	if !ok || state.AdditionalData != "terminal pos-1" || state.Lifetime != 15*time.Minute || !state.IsPaymentMultiple {
		t.Errorf("sandbox state %+v", state)
	}

	inv.Apply(u)
	got, err := c.Status(ctx, inv)
	if err != nil || got.Status != pos.StatusWaiting || got.ProviderID != u.ProviderID {
		t.Errorf("Status = %+v, %v", got, err)
	}
	inv.ProviderID = "" // as after a crash before the create's answer was journalled
	if got, err := c.Status(ctx, inv); err != nil || got.ProviderID != u.ProviderID {
		t.Errorf("Status by order id = %+v, %v", got, err)
	}
}

func TestSandboxDrivenStatuses(t *testing.T) {
	tests := []struct {
		name    string
		single  bool // is_payment_multiple false
		actions []sandbox.Action
		want    pos.Status
		word    string
		paid    string // "" when nothing was paid; "all" when the full amount
	}{
		{"pay", false, []sandbox.Action{sandbox.Pay}, pos.StatusPaid, "paid", "all"},
		{"overpay", false, []sandbox.Action{sandbox.PayOver}, pos.StatusOverpaid, "paid_over", ""},
		{"underpay, may top up", false, []sandbox.Action{sandbox.PayPartial}, pos.StatusPartial, "wrong_amount_waiting", ""},
		{"underpay, no top-ups", true, []sandbox.Action{sandbox.PayPartial}, pos.StatusUnderpaid, "wrong_amount", ""},
		{"top up", false, []sandbox.Action{sandbox.PayPartial, sandbox.TopUp}, pos.StatusPaid, "paid", "all"},
		{"wrong amount", false, []sandbox.Action{sandbox.WrongAmount}, pos.StatusUnderpaid, "wrong_amount", ""},
		{"payment seen", false, []sandbox.Action{sandbox.ConfirmCheck}, pos.StatusConfirming, "confirm_check", ""},
		{"seen, then paid", false, []sandbox.Action{sandbox.ConfirmCheck, sandbox.Pay}, pos.StatusPaid, "paid", "all"},
		{"process", false, []sandbox.Action{sandbox.Process}, pos.StatusWaiting, "process", ""},
		{"cancel", false, []sandbox.Action{sandbox.Cancel}, pos.StatusExpired, "cancel", ""},
		{"expire", false, []sandbox.Action{sandbox.Expire}, pos.StatusExpired, "cancel", ""},
		{"underpay, then expire", false, []sandbox.Action{sandbox.PayPartial, sandbox.Expire}, pos.StatusUnderpaid, "wrong_amount", ""},
		{"fail", false, []sandbox.Action{sandbox.Fail}, pos.StatusFailed, "fail", ""},
		{"system fail", false, []sandbox.Action{sandbox.SystemFail}, pos.StatusFailed, "system_fail", ""},
		{"lock", false, []sandbox.Action{sandbox.Lock}, pos.StatusOnHold, "locked", ""},
		{"refund", false, []sandbox.Action{sandbox.Pay, sandbox.Refund}, pos.StatusUnknown, "refund_paid", "all"},
		{"late payment", false, []sandbox.Action{sandbox.Expire, sandbox.Pay}, pos.StatusPaid, "paid", "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, _ := startSandbox(t, sandbox.Options{}, func(cfg *Config, _ *Options) {
				multiple := !tt.single
				cfg.IsPaymentMultiple = &multiple
			})
			ctx := context.Background()
			inv := sale("pos-drive-1", "20", "USD", usdtTron)
			u, err := c.Create(ctx, inv)
			if err != nil {
				t.Fatal(err)
			}
			inv.Apply(u)
			for _, a := range tt.actions {
				if err := srv.Drive(inv.ProviderID, a); err != nil {
					t.Fatalf("Drive(%s): %v", a, err)
				}
			}
			got, err := c.Status(ctx, inv)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want || got.ProviderStatus != tt.word {
				t.Errorf("status %q (%s), want %q (%s)", got.Status, got.ProviderStatus, tt.want, tt.word)
			}
			switch {
			case tt.paid == "all" && (got.Paid.Currency != "USDT" || !got.Paid.Amount.Equal(got.PayAmount.Amount)):
				t.Errorf("paid %s of %s", got.Paid, got.PayAmount)
			case tt.word == "wrong_amount_waiting" && (!got.Paid.Amount.IsPositive() || !got.Paid.Amount.LessThan(got.PayAmount.Amount)):
				t.Errorf("partly paid %s of %s", got.Paid, got.PayAmount)
			case tt.word == "paid_over" && !got.Paid.Amount.GreaterThan(got.PayAmount.Amount):
				t.Errorf("overpaid %s of %s", got.Paid, got.PayAmount)
			}
		})
	}
}

func TestSandboxCustomerChooses(t *testing.T) {
	c, srv, _ := startSandbox(t, sandbox.Options{}, func(cfg *Config, _ *Options) {
		cfg.Currencies = []string{"LTC", "USDT:tron"}
	})
	ctx := context.Background()
	inv := sale("pos-choose-1", "40", "USD", pos.PayOption{})
	u, err := c.Create(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if u.Address != "" || !u.PayAmount.IsZero() {
		t.Errorf("customer chooses, yet a coin was fixed: %+v", u)
	}
	if st, _ := srv.Invoice(u.ProviderID); len(st.Currencies) != 2 || st.Currencies[0].Currency != "LTC" {
		t.Errorf("allow-list %+v", st.Currencies)
	}
	inv.Apply(u)
	if err := srv.Drive(inv.OrderID, sandbox.Pay); err != nil {
		t.Fatal(err)
	}
	got, err := c.Status(ctx, inv)
	if err != nil || got.Status != pos.StatusPaid || got.Paid.Currency != "LTC" || !strings.HasPrefix(got.Address, "ltc1") {
		t.Errorf("Status = %+v, %v", got, err)
	}
	// 40 USD at 80 USD per LTC.
	if !got.PayAmount.Amount.Equal(decimal.RequireFromString("0.5")) {
		t.Errorf("PayAmount = %s", got.PayAmount)
	}
}

func TestSandboxIdempotentCreate(t *testing.T) {
	c, srv, _ := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	inv := sale("pos-same-1", "5", "USD", pos.PayOption{Code: "BTC"})
	first, err := c.Create(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Create(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if first.ProviderID != second.ProviderID || first.Address != second.Address || srv.Count() != 1 {
		t.Errorf("two creates: %s / %s, %d invoices", first.ProviderID, second.ProviderID, srv.Count())
	}
}

func TestSandboxExpiryAndReissue(t *testing.T) {
	c, srv, clock := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	inv := sale("pos-exp-1", "30", "EUR", usdtTron)
	u, err := c.Create(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	inv.Apply(u)

	clock.Advance(15*time.Minute - time.Second)
	if got, _ := c.Status(ctx, inv); got.Status != pos.StatusWaiting {
		t.Fatalf("a second before expiry: %q", got.Status)
	}
	clock.Advance(time.Second)
	got, err := c.Status(ctx, inv)
	if err != nil || got.Status != pos.StatusExpired || got.ProviderStatus != "cancel" {
		t.Fatalf("at expiry: %+v, %v", got, err)
	}
	inv.Apply(got)

	clock.Advance(time.Minute)
	r, err := c.Reissue(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	if r.ProviderID != u.ProviderID || r.Address == u.Address || r.Address == "" || r.Status != pos.StatusWaiting ||
		!r.ExpiresAt.Equal(clock.Now().Add(15*time.Minute)) {
		t.Errorf("reissued %+v (was %+v)", r, u)
	}
	if st, _ := srv.Invoice(inv.OrderID); srv.Count() != 1 || st.Refreshes != 1 {
		t.Errorf("%d invoices, %d refreshes", srv.Count(), st.Refreshes)
	}

	// Partly paid at expiry: underpaid, and not renewable.
	if err := srv.Drive(inv.OrderID, sandbox.PayPartial); err != nil {
		t.Fatal(err)
	}
	clock.Advance(16 * time.Minute)
	if got, _ := c.Status(ctx, inv); got.Status != pos.StatusUnderpaid {
		t.Errorf("partly paid at expiry: %q", got.Status)
	}
	if r, err := c.Reissue(ctx, inv); err != nil || r.Status != pos.StatusUnderpaid {
		t.Errorf("renewing an underpaid invoice: %+v, %v", r, err)
	}
}

func TestSandboxFaults(t *testing.T) {
	tests := []struct {
		name      string
		fault     sandbox.Fault
		status    bool // call Status rather than Create
		kind      pos.ErrorKind
		want      string
		createsOK bool // the invoice exists afterwards
	}{
		{"500 on info", sandbox.Status500("/v1/payment/info"), true, pos.ErrKindTemporary, "Server error, #1", true},
		{"500 on create", sandbox.Status500(""), false, pos.ErrKindTemporary, "internal problem", false},
		{"gateway page on create", sandbox.GatewayHTML("/v1/payment"), false, pos.ErrKindTemporary, "web page instead of data (HTTP 502)", false},
		{"gateway page on info", sandbox.GatewayHTML("/v1/payment/info"), true, pos.ErrKindTemporary, "HTTP 502", true},
		{"garbage on info", sandbox.Garbage("/v1/payment/info"), true, pos.ErrKindBadReply, "cut short", true},
		{"garbage on create", sandbox.Garbage("/v1/payment"), false, pos.ErrKindBadReply, "cut short", true},
		{"reset after create", sandbox.ResetAfterCreate(), false, pos.ErrKindTransport, "Cannot reach Cryptomus", true},
		{"latency", sandbox.Latency("", 20*time.Millisecond), false, 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, srv, _ := startSandbox(t, sandbox.Options{})
			ctx := context.Background()
			inv := sale("pos-fault-1", "10", "USD", usdtTron)
			if tt.status {
				u, err := c.Create(ctx, inv)
				if err != nil {
					t.Fatal(err)
				}
				inv.Apply(u)
			}
			srv.InjectFault(tt.fault)
			var err error
			if tt.status {
				_, err = c.Status(ctx, inv)
			} else {
				_, err = c.Create(ctx, inv)
			}
			if pos.KindOf(err) != tt.kind || (tt.want != "" && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("got %v (kind %d), want kind %d with %q", err, pos.KindOf(err), tt.kind, tt.want)
			}
			if _, exists := srv.Invoice(inv.OrderID); exists != tt.createsOK {
				t.Errorf("invoice exists: %t, want %t", exists, tt.createsOK)
			}
			if srv.PendingFaults() != 0 {
				t.Errorf("the fault is still queued")
			}
			// The fault was once: the next call works.
			if _, err := c.Create(ctx, inv); err != nil {
				t.Errorf("after the fault: %v", err)
			}
			if srv.Count() != 1 {
				t.Errorf("%d invoices for one sale", srv.Count())
			}
		})
	}
}

func TestSandboxResetAfterCreateThenRetry(t *testing.T) {
	c, srv, _ := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	inv := sale("pos-reset-1", "10", "USD", usdtTron)
	srv.InjectFault(sandbox.ResetAfterCreate())
	if _, err := c.Create(ctx, inv); pos.KindOf(err) != pos.ErrKindTransport {
		t.Fatalf("want a transport error, got %v", err)
	}
	made, ok := srv.Invoice(inv.OrderID)
	if !ok {
		t.Fatal("the create was not processed")
	}
	// After a restart the engine may look it up by order id ...
	if u, err := c.Status(ctx, inv); err != nil || u.ProviderID != made.UUID {
		t.Errorf("lookup by order id: %+v, %v", u, err)
	}
	// ... or simply send the create again.
	u, err := c.Create(ctx, inv)
	if err != nil || u.ProviderID != made.UUID || srv.Count() != 1 {
		t.Errorf("retry: %+v, %v; %d invoices", u, err, srv.Count())
	}
}

func TestSandboxRefusals(t *testing.T) {
	tests := []struct {
		name string
		inv  pos.Invoice
		kind pos.ErrorKind
		want string
	}{
		{"below minimum", sale("pos-r-1", "0.10", "USD", pos.PayOption{Code: "USDT", Network: "bsc"}), pos.ErrKindRejected, "Cryptomus refused the invoice: Minimum amount 0.5 USDT."},
		{"above maximum", sale("pos-r-2", "900000", "USD", pos.PayOption{Code: "BTC"}), pos.ErrKindRejected, "Maximum amount 10 BTC"},
		{"unknown coin", sale("pos-r-3", "10", "USD", pos.PayOption{Code: "XYZ"}), pos.ErrKindRejected, "The currency was not found"},
		{"unknown network", sale("pos-r-4", "10", "USD", pos.PayOption{Code: "USDT", Network: "solana"}), pos.ErrKindRejected, "The network was not found"},
		{"switched off", sale("pos-r-5", "10", "USD", pos.PayOption{Code: "USDC", Network: "eth"}), pos.ErrKindRejected, "Wallet not found"},
		{"unknown fiat", sale("pos-r-6", "10", "QQQ", pos.PayOption{}), pos.ErrKindRejected, "The currency was not found"},
		{"bad order id", sale("pos.r:7", "10", "USD", pos.PayOption{}), pos.ErrKindRejected, "order id may contain only letters, digits, - and _"},
		{"long order id", sale(strings.Repeat("a", 129), "10", "USD", pos.PayOption{}), pos.ErrKindRejected, "order id is too long"},
		{"no amount", sale("pos-r-9", "0", "USD", pos.PayOption{}), pos.ErrKindRejected, "amount is too small"},
	}
	services := sandbox.DefaultServices()
	for i := range services {
		if services[i].Currency == "USDC" && services[i].Network == "eth" {
			services[i].Disabled = true
		}
	}
	c, srv, _ := startSandbox(t, sandbox.Options{Services: services})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Create(context.Background(), tt.inv)
			if pos.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want kind %d with %q", err, tt.kind, tt.want)
			}
		})
	}
	if srv.Count() != 0 {
		t.Errorf("refused creates made %d invoices", srv.Count())
	}
	err := c.CheckPayOptions(context.Background(), []pos.PayOption{{Code: "BTC"}, usdtTron, {Code: "USDC", Network: "ETH"}, {Code: "USDC"}, {Code: "XMR"}})
	if err == nil || !strings.Contains(err.Error(), "USDC · Ethereum (switched off") || !strings.Contains(err.Error(), "XMR (not offered)") ||
		strings.Contains(err.Error(), "USDC (") {
		t.Errorf("CheckPayOptions = %v", err)
	}
}

func TestSandboxUnknownInvoiceAndBadCredentials(t *testing.T) {
	c, srv, _ := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := c.Status(ctx, sale("pos-never", "1", "USD", pos.PayOption{})); pos.KindOf(err) != pos.ErrKindNotFound {
		t.Errorf("unknown order id: %v", err)
	}
	inv := sale("pos-never", "1", "USD", pos.PayOption{})
	inv.ProviderID = "00000000-0000-4000-8000-000000000000"
	if _, err := c.Status(ctx, inv); pos.KindOf(err) != pos.ErrKindNotFound {
		t.Errorf("unknown uuid: %v", err)
	}
	for name, change := range map[string]func(*Config, *Options){
		"wrong key":      func(cfg *Config, _ *Options) { cfg.PaymentKey = "not-the-key" },
		"wrong merchant": func(cfg *Config, _ *Options) { cfg.Merchant = "someone-else" },
	} {
		bad, _ := newTestClient(t, srv.APIBase(), change)
		_, err := bad.Create(ctx, sale("pos-auth-1", "1", "USD", pos.PayOption{}))
		var pe *pos.ProviderError
		if pos.KindOf(err) != pos.ErrKindAuth || !strings.Contains(err.Error(), "check merchant and payment_key") {
			t.Errorf("%s: %v", name, err)
		} else if errors.As(err, &pe) && (pe.HTTPStatus != 401 || pe.ProviderMessage != "Invalid Sign.") {
			t.Errorf("%s: HTTP %d, %q", name, pe.HTTPStatus, pe.ProviderMessage)
		}
	}
	if srv.Count() != 0 {
		t.Errorf("refused creates made %d invoices", srv.Count())
	}
}
