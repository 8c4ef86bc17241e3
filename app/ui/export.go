package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
)

func (in *Inspector) renderExport() app.UI {
	md := diagnose.Markdown(in.report)
	return app.Section().ID("export-panel").Class("export").Aria("label", "Exported report").Body(
		app.H2().Text("Report for a GitHub issue"),
		app.P().Class("help").Text("Signatures and encrypted payloads are removed; claims (user ids, emails) stay. Read it before you post it."),
		app.Label().For("export-markdown").Class("visually-hidden").Text("Markdown report"),
		app.Textarea().ID("export-markdown").ReadOnly(true).Rows(14).Text(md),
		app.Button().Type("button").ID("copy-export").Text("Copy Markdown").OnClick(in.copyText("the Markdown report", md)),
	)
}
