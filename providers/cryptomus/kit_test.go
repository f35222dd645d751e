package cryptomus

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"cryptopos/pos"
	"cryptopos/providers"

	"github.com/BurntSushi/toml"
	"github.com/shopspring/decimal"
)

func TestKitOpen(t *testing.T) {
	section := func(text string) func(any) error {
		return func(v any) error { _, err := toml.Decode(text, v); return err }
	}
	env := providers.Env{
		Section: section(`merchant = "m"
payment_key = "from-file"
pay_currencies = ["BTC", "USDT:tron"]`),
		Getenv: func(k string) string {
			if k == EnvPaymentKey {
				return testKey
			}
			return ""
		},
		Shop: providers.Shop{TerminalID: "till-2"},
	}
	opened, err := Kit.Open(env)
	if err != nil {
		t.Fatal(err)
	}
	c := opened.Provider.(*Client)
	if c.cfg.PaymentKey != testKey || c.note != "terminal till-2" || len(opened.PayOptions) != 2 || opened.Simulator != nil {
		t.Errorf("opened %+v", opened)
	}
	env.Section = section(`merchant = "m"`)
	env.Getenv = func(string) string { return "" }
	if _, err := Kit.Open(env); err == nil || !strings.Contains(err.Error(), "cryptomus.payment_key: missing") {
		t.Errorf("no key: %v", err)
	}
}

func TestKitDemo(t *testing.T) {
	opened, err := Kit.Demo(providers.Env{Shop: providers.Shop{Currency: "EUR", TerminalID: "demo"}})
	if err != nil {
		t.Fatal(err)
	}
	defer opened.Close()
	ctx := context.Background()
	if err := opened.Provider.CheckPayOptions(ctx, opened.PayOptions); err != nil {
		t.Fatalf("the demo's coins: %v", err)
	}
	inv := pos.Invoice{OrderID: "demo-0001", Amount: pos.NewMoney(decimal.RequireFromString("4.20"), "EUR"), Pay: opened.PayOptions[0]}
	u, err := opened.Provider.Create(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	inv.Apply(u)
	if err := opened.Simulator.Simulate(ctx, inv, opened.Simulator.Actions()[0]); err != nil {
		t.Fatal(err)
	}
	if u, err := opened.Provider.Status(ctx, inv); err != nil || u.Status != pos.StatusPaid {
		t.Errorf("after the demo customer paid: %+v, %v", u, err)
	}
}

func TestKitSandboxCommand(t *testing.T) {
	r, w := io.Pipe()
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Kit.Sandbox([]string{"--listen", "127.0.0.1:0"}, w, stop)
		w.Close()
	}()
	lines := bufio.NewScanner(r)
	var out []string
	for lines.Scan() {
		out = append(out, lines.Text())
		if strings.Contains(lines.Text(), "Stop with Ctrl-C") {
			break
		}
	}
	close(stop)
	go func() { _, _ = io.Copy(io.Discard, r) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the sandbox did not stop")
	}
	text := strings.Join(out, "\n")
	for _, want := range []string{"Cryptomus sandbox listening on http://127.0.0.1:", `base_url = "http://127.0.0.1:`, "merchant = ", "payment_key = "} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if err := Kit.Sandbox([]string{"extra"}, io.Discard, stop); err == nil {
		t.Error("a stray argument was accepted")
	}
}
