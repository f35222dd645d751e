package cryptoprocessing

import (
	"context"
	"errors"
	"strings"

	"cryptopos/pos"
	"cryptopos/providers/wire"
	"cryptopos/relay"
)

// The error texts of failed invoices (spec §7, exact strings from the
// documentation).
const (
	ErrorNotPaid        = "Timer expired. User not paid."
	ErrorPaidLess       = "Timer expired. User paid less than requested."
	ErrorProcessingLong = "Timer expired. Transactions were in status processing too long."
)

// Where a status came from, for the status line.
const (
	SourceRelay      = "relay"
	SourceNoCallback = "relay (no callback yet)"
)

// statusInfo is how one status word maps onto the sale before the amounts
// and the error text refine it.
type statusInfo struct {
	status pos.Status
	final  bool
	rank   int // created < pending < processing < confirmed, failed
}

// statusWords are the invoice statuses (spec §7).
var statusWords = map[string]statusInfo{
	"created":    {pos.StatusWaiting, false, 1},
	"pending":    {pos.StatusWaiting, false, 2},
	"processing": {pos.StatusConfirming, false, 3},
	"confirmed":  {pos.StatusPaid, true, 4},
	"failed":     {pos.StatusFailed, true, 4},
}

// Status reads the invoice's newest callback from the relay, never the
// API (which has no status endpoint, spec §4), and maps it (see the
// package doc). No callback yet is no news: an Update with only Source set
// (SourceNoCallback). Relay trouble is ErrKindTransport, a refused token
// ErrKindAuth.
//
// An invoice the terminal never showed (no ProviderID or URL: the answer
// to its create was lost) that the relay knows nothing of, or only as
// unpaid and open, is cancelled at Cryptoprocessing by its foreign_id
// (see cancelUnshown): the sale is then CANCELLED, or ErrKindNotFound
// when Cryptoprocessing never made it. One with money on the way is left
// to its callbacks. After this client's own successful Cancel, an invoice
// the relay still shows unpaid and open is CANCELLED at once.
func (c *Client) Status(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	if c.relay == nil {
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindRejected,
			Message: "No relay is configured, so the terminal cannot learn " + c.name + " statuses: set cryptoprocessing.relay_url."}
	}
	rec, err := c.relay.Invoice(ctx, inv.OrderID)
	switch {
	case errors.Is(err, relay.ErrNoCallback):
		return c.noCallback(ctx, inv)
	case errors.Is(err, relay.ErrUnauthorized):
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindAuth, Err: err, ProviderMessage: err.Error(),
			Message: "The relay refused the token: check cryptoprocessing.relay_token."}
	case err != nil:
		c.log.Warn("cryptoprocessing: relay unreachable", "order_id", inv.OrderID, "err", err.Error())
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindTransport, Err: err, ProviderMessage: err.Error(),
			Message: "Cannot reach the relay" + at(c.relayWhere) + "; the terminal will keep trying."}
	}
	bad := func(what string) (pos.Update, error) {
		c.log.Warn("cryptoprocessing: unusable relay record", "order_id", inv.OrderID, "problem", what)
		return pos.Update{}, &pos.ProviderError{Kind: pos.ErrKindBadReply, Message: "The relay" + at(c.relayWhere) + " " + what + "."}
	}
	if rec.Provider != "" && rec.Provider != Key {
		return bad("holds this order id for another provider (" + rec.Provider + ")")
	}
	p, ok := parseCallback(rec.Payload)
	if !ok {
		return bad("holds a callback for this invoice that cannot be read")
	}
	if id := string(p.ForeignID); id != "" && id != inv.OrderID {
		return bad("answered with the callback of another invoice (" + id + ")")
	}
	u := c.callbackUpdate(p, inv)
	u.Source, u.At = SourceRelay, rec.ReceivedAt
	if !inv.Created() && !u.Status.Final() && u.Status != pos.StatusConfirming && !u.Paid.Amount.IsPositive() && !c.wasCancelled(inv.OrderID) {
		// Alive, unpaid, and the terminal cannot show it: cancel it too.
		return c.cancelUnshown(ctx, inv, u)
	}
	if c.wasCancelled(inv.OrderID) && !u.Status.Final() && u.Status != pos.StatusConfirming && !u.Paid.Amount.IsPositive() {
		// The cancel was accepted; its failed callback is on its way.
		u.Status, u.Reason = pos.StatusCancelled, c.cancelReason(inv)
	}
	return u, nil
}

// noCallback answers Status when the relay has heard nothing.
func (c *Client) noCallback(ctx context.Context, inv pos.Invoice) (pos.Update, error) {
	noNews := pos.Update{Source: SourceNoCallback}
	if c.wasCancelled(inv.OrderID) {
		return pos.Update{Status: pos.StatusCancelled, Reason: c.cancelReason(inv), Source: c.name + " API"}, nil
	}
	if inv.Created() {
		return noNews, nil
	}
	return c.cancelUnshown(ctx, inv, noNews)
}

// cancelUnshown cancels, by its foreign_id, an invoice the terminal never
// showed (the answer to its create was lost): nobody can pay it, and the
// sale must not have two live invoices. A cancel accepted is the outcome;
// "not found" means the create never arrived (ErrKindNotFound); an invoice
// closed already (confirmed or failed) answers with fallback until its
// callback tells which, asking again at most once a minute.
func (c *Client) cancelUnshown(ctx context.Context, inv pos.Invoice, fallback pos.Update) (pos.Update, error) {
	c.mu.Lock()
	last, tried := c.closedAt[inv.OrderID]
	c.mu.Unlock()
	if tried && c.clock.Now().Sub(last) < recheckCancel {
		return fallback, nil
	}
	err := c.Cancel(ctx, inv)
	switch {
	case err == nil:
		reason := "The invoice was cancelled at " + c.name + " because the terminal never showed it (the answer to the create request was lost)."
		if inv.Dismissed {
			reason = "Cancelled on the terminal; " + c.name + " confirmed the cancel."
		}
		return pos.Update{Status: pos.StatusCancelled, ProviderStatus: "failed", Reason: reason, Source: c.name + " API"}, nil
	case errors.Is(err, errInvalidState):
		c.mu.Lock()
		c.closedAt[inv.OrderID] = c.clock.Now()
		c.mu.Unlock()
		c.log.Info("cryptoprocessing: unshown invoice is closed already; waiting for its callback", "order_id", inv.OrderID)
		return fallback, nil
	}
	return pos.Update{}, err
}

// callbackUpdate maps a callback onto the sale (spec §7, §8.3).
func (c *Client) callbackUpdate(p callbackPayload, inv pos.Invoice) pos.Update {
	word := p.statusWord()
	k := coinOf(p.coin())
	u := pos.Update{ProviderStatus: word, ExpiresAt: p.expiresAt(), Network: k.Network}
	if p.CryptoAddress != nil {
		u.Address = string(p.CryptoAddress.Address)
	}
	for _, tx := range p.deposits() {
		if tx.TxID != "" {
			u.TxID = string(tx.TxID) // the last deposit's, for the receipt
		}
	}
	due, paid := p.due(), p.paid()
	if k.Ticker != "" {
		if due.IsPositive() {
			u.PayAmount = pos.NewMoney(due, k.Ticker)
		}
		if paid.IsPositive() {
			u.Paid = pos.NewMoney(paid, k.Ticker)
		}
	}
	rest, restKnown := p.remaining()
	partly := paid.IsPositive() && ((restKnown && rest.IsPositive()) || (!restKnown && paid.LessThan(due)))
	switch word {
	case "created":
		u.Status = pos.StatusWaiting
	case "pending":
		u.Status = pos.StatusWaiting
		if partly {
			u.Status = pos.StatusPartial
		}
	case "processing":
		u.Status = pos.StatusConfirming
		if partly {
			u.Status = pos.StatusPartial
		}
	case "confirmed":
		u.Status = pos.StatusPaid
		if due.IsPositive() && paid.GreaterThan(due) {
			u.Status = pos.StatusOverpaid
		}
	case "failed":
		u.Status, u.Reason = c.failure(p.errorText(), inv)
	default:
		c.log.Warn("cryptoprocessing: unknown invoice status; keeping the last known outcome",
			"order_id", inv.OrderID, "status", word)
	}
	return u
}

// failure maps a failed invoice's error text (spec §7). After a cancel by
// this terminal (inv.Dismissed) the outcome is CANCELLED, unless the
// customer underpaid: money moved, and the cashier should know that a
// refund is on its way to the customer.
func (c *Client) failure(text string, inv pos.Invoice) (pos.Status, string) {
	low := strings.ToLower(text)
	switch {
	case strings.Contains(low, "paid less"):
		return pos.StatusUnderpaid, "The customer paid less than the invoice asked; " + c.name + " refunds the customer in full (it e-mails them how)."
	case inv.Dismissed || c.wasCancelled(inv.OrderID):
		return pos.StatusCancelled, c.cancelReason(inv)
	case strings.Contains(low, "cancel"):
		return pos.StatusCancelled, "Cancelled at " + c.name + "."
	case strings.Contains(low, "not paid"):
		return pos.StatusExpired, "The payment window ran out before the customer paid."
	case strings.Contains(low, "processing too long"):
		return pos.StatusFailed, "The payment stayed unconfirmed for more than 24 hours; " + c.name + " closed the invoice."
	case text == "":
		return pos.StatusFailed, c.name + " reports that the invoice failed, without saying why."
	}
	return pos.StatusFailed, c.name + " reports that the invoice failed: " + wire.Sentence(wire.Shorten(text, 200))
}

func (c *Client) cancelReason(inv pos.Invoice) string {
	if inv.Dismissed {
		return "" // pos fills "Cancelled on the terminal."
	}
	return "Cancelled at " + c.name + "."
}

func (c *Client) wasCancelled(orderID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cancelled[orderID]
}

// Cancel voids the unpaid invoice: POST invoices/{foreign_id}/cancel/ with
// the body {} (spec §6). Cryptoprocessing then fails it and sends a
// callback. A confirmed or failed invoice cannot be cancelled:
// ErrKindRejected.
func (c *Client) Cancel(ctx context.Context, inv pos.Invoice) error {
	if _, err := c.call(ctx, opCancel(inv.OrderID), struct{}{}); err != nil {
		return err
	}
	c.mu.Lock()
	c.cancelled[inv.OrderID] = true
	c.mu.Unlock()
	c.log.Info("cryptoprocessing: invoice cancelled", "order_id", inv.OrderID)
	return nil
}

func at(where string) string {
	if where == "" {
		return ""
	}
	return " at " + where
}
