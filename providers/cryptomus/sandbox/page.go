package sandbox

import (
	"fmt"
	"net/http"
	"time"

	"cryptopos/providers/sandboxkit"
)

// pageActions are the buttons of the payment page, in order.
var pageActions = []struct {
	Path, Label string
	Action      Action
}{
	{"pay", "Pay in full", Pay},
	{"underpay", "Pay half (underpay)", PayPartial},
	{"overpay", "Pay 10 % more (overpay)", PayOver},
	{"expire", "Let it expire now", Expire},
}

var statusText = map[string]string{
	"check":                "Waiting for payment",
	"process":              "Processing",
	"confirm_check":        "Payment seen, waiting for confirmations",
	"wrong_amount_waiting": "Partly paid: send the rest",
	"paid":                 "Paid",
	"paid_over":            "Paid (overpaid)",
	"wrong_amount":         "Underpaid: closed",
	"cancel":               "Expired",
	"fail":                 "Payment failed",
	"system_fail":          "System error",
	"locked":               "On hold (compliance check)",
	"refund_process":       "Refund in progress",
	"refund_fail":          "Refund failed",
	"refund_paid":          "Refunded",
}

// page is the payment page: pageStyle and pageBody in the frame every
// sandbox's page has (sandboxkit.NewPage).
var page = sandboxkit.NewPage("Cryptomus", pageStyle, `{{.Amount}} {{.Currency}}`, pageBody)

const pageStyle = `body{font-family:system-ui,sans-serif;background:#f3f4f8;margin:0;padding:2rem;color:#1d1d27}
main{max-width:28rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 10px #0002}
h1{font-size:1rem;color:#6b6b80;margin:0 0 1rem}.amount{font-size:2rem;font-weight:700}
.status{display:inline-block;padding:.3rem .7rem;border-radius:999px;background:#e8e8f3;margin:.8rem 0}
.final.good{background:#d5f5df}.final.bad{background:#fbdcdc}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem;font-size:.9rem}dt{color:#6b6b80}
dd{margin:0;word-break:break-all}form{display:inline}
button{margin:.3rem .3rem 0 0;padding:.6rem 1rem;border:0;border-radius:8px;background:#4b4bd6;color:#fff;font-size:1rem;cursor:pointer}
button.alt{background:#8888a0}.note{font-size:.8rem;color:#6b6b80;margin-top:1.2rem}
`

const pageBody = `<h1>Cryptomus sandbox · payment page</h1>
<div class="amount">{{.Amount}} {{.Currency}}</div>
{{if .PayerAmount}}<div>Send <b>{{.PayerAmount}} {{.PayerCurrency}}</b>{{if .Network}} on {{.Network}}{{end}}</div>{{end}}
<div class="status{{if .Final}} final {{if .Good}}good{{else}}bad{{end}}{{end}}" id="status">{{.StatusText}} ({{.Status}})</div>
<dl>
<dt>Order</dt><dd>{{.OrderID}}</dd>
{{if .Address}}<dt>Address</dt><dd>{{.Address}}</dd>{{end}}
{{if .Paid}}<dt>Received</dt><dd>{{.Paid}} {{.PayerCurrency}}</dd>{{end}}
<dt>Expires</dt><dd>{{.Expires}}{{if .Left}} ({{.Left}} left){{end}}</dd>
</dl>
{{if not .Final}}{{range .Actions}}<form method="post" action="/pay/{{$.UUID}}/{{.Path}}"><button{{if eq .Path "expire"}} class="alt"{{end}}>{{.Label}}</button></form>
{{end}}{{end}}
{{if .Error}}<p class="note"><b>{{.Error}}</b></p>{{end}}
`

type pageData struct {
	UUID, OrderID, Amount, Currency     string
	PayerAmount, PayerCurrency, Network string
	Address, Paid, Status, StatusText   string
	Expires, Left, Error                string
	Final, Good                         bool
	Actions                             any
}

func (s *Sandbox) servePage(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r.PathValue("uuid"), "", http.StatusOK)
}

func (s *Sandbox) servePageAction(w http.ResponseWriter, r *http.Request) {
	id, name := r.PathValue("uuid"), r.PathValue("action")
	for _, a := range pageActions {
		if a.Path != name {
			continue
		}
		if err := s.Drive(id, a.Action); err != nil {
			s.renderPage(w, id, err.Error(), http.StatusConflict)
			return
		}
		http.Redirect(w, r, "/pay/"+id, http.StatusSeeOther)
		return
	}
	http.NotFound(w, r)
}

func (s *Sandbox) renderPage(w http.ResponseWriter, id, errText string, code int) {
	s.mu.Lock()
	inv, found := s.invoices[id]
	var d pageData
	if found {
		now := s.now()
		inv.expireIfDue(now)
		d = pageData{
			UUID: inv.UUID, OrderID: inv.OrderID,
			Amount: inv.Amount.StringFixed(currencyDecimals(inv.Currency)), Currency: inv.Currency,
			PayerCurrency: inv.PayerCurrency, Network: inv.Network, Address: inv.Address,
			Status: inv.Status, StatusText: statusText[inv.Status], Final: inv.IsFinal,
			Good:    inv.Status == "paid" || inv.Status == "paid_over",
			Expires: inv.ExpiresAt.In(msk).Format("2006-01-02 15:04:05 -07:00"),
			Error:   errText, Actions: pageActions,
		}
		if inv.coinFixed() {
			d.PayerAmount = inv.PayerAmount.String()
		}
		if inv.paid() {
			d.Paid = inv.PaymentAmount.String()
		}
		if left := inv.ExpiresAt.Sub(now); left > 0 && !inv.IsFinal {
			d.Left = fmt.Sprintf("%d:%02d", int(left/time.Minute), int(left%time.Minute/time.Second))
		}
	}
	s.mu.Unlock()
	if !found {
		sandboxkit.NoSuchInvoice(w)
		return
	}
	sandboxkit.WriteHTML(w, code, page, d)
}
