package cryptoprocessing

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"cryptopos/pos"
	"cryptopos/providers/flexjson"
	"cryptopos/providers/wire"

	"github.com/shopspring/decimal"
)

// Currency is one entry of POST /currencies/list.
type Currency struct {
	Code string // the API code, e.g. "BTC", "USDTT"
	Type string // "crypto" or "fiat"
	// MinimumAmount is the smallest amount of the currency; zero when
	// not given.
	MinimumAmount decimal.Decimal
	Precision     int64
}

type currencyObject struct {
	ID            flexjson.String  `json:"id"`
	Type          flexjson.String  `json:"type"`
	Currency      flexjson.String  `json:"currency"`
	MinimumAmount flexjson.Decimal `json:"minimum_amount"`
	Precision     flexjson.Int     `json:"precision"`
}

// Currencies lists the account's visible currencies ({"visible":true}).
func (c *Client) Currencies(ctx context.Context) ([]Currency, error) {
	data, err := c.call(ctx, opCurrencies, struct {
		Visible bool `json:"visible"`
	}{true})
	if err != nil {
		return nil, err
	}
	var list []currencyObject
	if err := json.Unmarshal(data, &list); err != nil {
		c.log.Warn("cryptoprocessing: currency list unreadable", "err", err.Error())
		return nil, &pos.ProviderError{Kind: pos.ErrKindBadReply, HTTPStatus: http.StatusOK,
			Message: c.name + " answered the list of currencies request with something that is not a list."}
	}
	out := make([]Currency, 0, len(list))
	for _, o := range list {
		out = append(out, Currency{
			Code:          strings.ToUpper(string(o.Currency)),
			Type:          strings.ToLower(string(o.Type)),
			MinimumAmount: o.MinimumAmount.V,
			Precision:     o.Precision.V,
		})
	}
	return out, nil
}

// CheckPayOptions verifies that every pre-selectable coin is a crypto
// currency of the account; the error names each one that is not.
func (c *Client) CheckPayOptions(ctx context.Context, opts []pos.PayOption) error {
	list, err := c.Currencies(ctx)
	if err != nil {
		return err
	}
	offered := map[string]bool{}
	for _, cur := range list {
		if cur.Type == "" || cur.Type == "crypto" {
			offered[cur.Code] = true
		}
	}
	var missing []string
	for _, o := range opts {
		if o.CustomerChooses() {
			continue
		}
		code, ok := apiCode(o)
		switch {
		case !ok:
			missing = append(missing, o.Label()+" (no code)")
		case !offered[code]:
			name := o.Label()
			if name != code {
				name += " (" + code + ")"
			}
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	it := wire.ItOrThem(len(missing))
	return &pos.ProviderError{Kind: pos.ErrKindRejected,
		Message: c.name + " does not offer " + strings.Join(missing, ", ") + " to this account: remove " + it +
			" from cryptoprocessing.pay_currencies or turn " + it + " on in the dashboard."}
}
