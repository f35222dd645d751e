package sandboxkit

import (
	"html/template"
	"net/http"
)

// NewPage parses a sandbox's payment page: the frame every sandbox's page
// has around the provider's own style (CSS) and body. The frame is the
// head, which reloads the page every 3 seconds until the invoice is final,
// the title "PROVIDER sandbox · TITLE", and the closing note that no real
// money moves. title and body are html/template text over the page's
// data, which must have a boolean Final; provider is plain text.
func NewPage(provider, style, title, body string) *template.Template {
	provider = template.HTMLEscapeString(provider)
	return template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
{{if not .Final}}<meta http-equiv="refresh" content="3">{{end}}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + provider + ` sandbox · ` + title + `</title>
<style>
` + style + `</style></head><body><main>
` + body + `<p class="note">A local stand-in for ` + provider + `: no real money moves. This page refreshes every few seconds.</p>
</main></body></html>
`))
}

// WriteHTML answers status with page executed on data.
func WriteHTML(w http.ResponseWriter, status int, page *template.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = page.Execute(w, data)
}

// NoSuchInvoice answers a page request for an invoice the sandbox does not
// have: 404 in plain text.
func NoSuchInvoice(w http.ResponseWriter) {
	http.Error(w, "No such invoice in this sandbox.", http.StatusNotFound)
}
