package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
)

func (in *Inspector) renderExport() app.UI {
	// The typed secrets and key are cut out of the export wherever they
	// appear, on top of the credential rules.
	md := diagnose.Markdown(in.report, append(diagnose.SecretValues(in.secrets.text), in.secrets.text, in.secrets.keyText)...)
	return app.Section().ID("export-panel").Class("export").Aria("label", "Exported report").Body(
		app.H2().Text("Report for a GitHub issue"),
		app.P().Class("help").Text("Removed: every token's signature, encrypted parts and base64 text; string claims other than sub, email, name, user_id, token_type, jti, iss, aud, azp, scope, error, provider and type (shown as their kind and length); and anything that looks like a credential under any name: JWTs (also inside Bearer or a URL), GitHub, Google, Slack, AWS, Stripe and similar tokens, long random strings, and the secrets you typed. Kept: times, numbers, user ids, emails and names. Read it before you post it."),
		app.Label().For("export-markdown").Class("visually-hidden").Text("Markdown report"),
		app.Textarea().ID("export-markdown").ReadOnly(true).Rows(14).Text(md),
		app.Button().Type("button").ID("copy-export").Text("Copy Markdown").OnClick(in.copyText("the Markdown report", md)),
	)
}
