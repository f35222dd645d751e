package sandbox

import (
	"fmt"
	"net/http"
	"time"

	"cryptopos/providers/sandboxkit"
)

// pageActions are the buttons of the payment page, in order.
var pageActions = []struct {
	Action Action
	Label  string
}{
	{Pay, "Pay in full"},
	{PayPart, "Pay part (instalment)"},
	{Underpay, "Pay too little"},
	{Mempool, "Send to the mempool"},
	{Confirm, "Confirm (blocks)"},
	{Expire, "Let it expire now"},
}

var statusText = map[string]string{
	"created":    "Choose a coin to pay with",
	"pending":    "Waiting for payment",
	"processing": "Payment in the mempool, waiting for confirmation",
	"confirmed":  "Paid",
	"failed":     "Failed",
}

// page is the payment page: pageStyle and pageBody in the frame every
// sandbox's page has (sandboxkit.NewPage).
var page = sandboxkit.NewPage("Cryptoprocessing", pageStyle, `{{.Title}}`, pageBody)

const pageStyle = `body{font-family:system-ui,sans-serif;background:#eef2f7;margin:0;padding:2rem;color:#17202c}
main{max-width:30rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 10px #0002}
h1{font-size:1rem;color:#5b6b80;margin:0 0 1rem}.amount{font-size:2rem;font-weight:700}
.status{display:inline-block;padding:.3rem .7rem;border-radius:999px;background:#e3e9f3;margin:.8rem 0}
.final.good{background:#d5f5df}.final.bad{background:#fbdcdc}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem;font-size:.9rem}dt{color:#5b6b80}
dd{margin:0;word-break:break-all}form{display:inline}
button,select{margin:.3rem .3rem 0 0;padding:.6rem 1rem;border:0;border-radius:8px;font-size:1rem}
button{background:#1f6feb;color:#fff;cursor:pointer}button.alt{background:#7d8aa0}
.note{font-size:.8rem;color:#5b6b80;margin-top:1.2rem}
`

const pageBody = `<h1>Cryptoprocessing sandbox · {{.Title}}</h1>
<div class="amount">{{.Amount}} {{.Currency}}</div>
{{if .SenderAmount}}<div>Send <b>{{.SenderAmount}} {{.SenderCurrency}}</b></div>{{end}}
<div class="status{{if .Final}} final {{if .Good}}good{{else}}bad{{end}}{{end}}" id="status">{{.StatusText}} ({{.Status}}){{if .Error}}: {{.Error}}{{end}}</div>
<dl>
<dt>Order</dt><dd>{{.ForeignID}}</dd>
{{if .Address}}<dt>Address</dt><dd>{{.Address}}</dd>{{end}}
{{if .Paid}}<dt>Paid</dt><dd>{{.Paid}} {{.SenderCurrency}}</dd><dt>Remaining</dt><dd>{{.Remaining}} {{.SenderCurrency}}</dd>{{end}}
<dt>Type</dt><dd>{{.Type}}</dd>
<dt>Time left</dt><dd>{{if .Left}}{{.Left}}{{else}}no timer{{end}}</dd>
</dl>
{{if not .Final}}
{{if not .SenderCurrency}}<form method="post" action="/invoice/{{.Code}}/choose"><select name="coin">{{range .Coins}}<option>{{.}}</option>{{end}}</select><button>Choose coin</button></form><br>{{end}}
{{range .Actions}}<form method="post" action="/invoice/{{$.Code}}/{{.Action}}"><button{{if eq .Action "expire"}} class="alt"{{end}}>{{.Label}}</button></form>
{{end}}{{end}}
{{if .Problem}}<p class="note"><b>{{.Problem}}</b></p>{{end}}
`

type pageData struct {
	Code, ForeignID, Title, Amount, Currency   string
	SenderAmount, SenderCurrency, Address      string
	Paid, Remaining, Status, StatusText, Error string
	Type, Left, Problem                        string
	Final, Good                                bool
	Coins                                      []string
	Actions                                    any
}

func (s *Sandbox) servePage(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r.PathValue("code"), "", http.StatusOK)
}

func (s *Sandbox) servePageAction(w http.ResponseWriter, r *http.Request) {
	code, name := r.PathValue("code"), Action(r.PathValue("action"))
	if name != Choose {
		found := false
		for _, a := range pageActions {
			found = found || a.Action == name
		}
		if !found {
			http.NotFound(w, r)
			return
		}
	}
	if err := s.DriveCoin(code, name, r.FormValue("coin")); err != nil {
		s.renderPage(w, code, err.Error(), http.StatusConflict)
		return
	}
	http.Redirect(w, r, "/invoice/"+code, http.StatusSeeOther)
}

func (s *Sandbox) renderPage(w http.ResponseWriter, code, problem string, status int) {
	inv, found := s.Invoice(code)
	if !found {
		sandboxkit.NoSuchInvoice(w)
		return
	}
	d := pageData{
		Code: code, ForeignID: inv.ForeignID, Title: inv.Title, Amount: inv.Amount.String(), Currency: inv.Currency,
		SenderCurrency: inv.SenderCurrency, Address: inv.Address, Status: inv.Status,
		StatusText: statusText[inv.Status], Error: inv.Error, Type: inv.Type, Problem: problem,
		Final: inv.Final(), Good: inv.Status == "confirmed", Actions: pageActions,
	}
	if inv.coinFixed() {
		d.SenderAmount = inv.SenderAmount.String()
		if inv.Paid().IsPositive() {
			d.Paid, d.Remaining = inv.Paid().String(), inv.Remaining().String()
		}
	}
	if left := inv.ExpiresAt.Sub(s.now()); !inv.ExpiresAt.IsZero() && left > 0 && !inv.Final() {
		d.Left = fmt.Sprintf("%d:%02d:%02d", int(left/time.Hour), int(left%time.Hour/time.Minute), int(left%time.Minute/time.Second))
	}
	for _, c := range s.opts.Currencies {
		if c.Type == "crypto" && !c.Hidden {
			d.Coins = append(d.Coins, c.Code)
		}
	}
	sandboxkit.WriteHTML(w, status, page, d)
}
