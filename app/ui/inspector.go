package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Inspector is the whole page: paste box, findings, token cards.
type Inspector struct {
	app.Compo
	env Env
}

// NewInspector returns the page component wired to env.
func NewInspector(env Env) *Inspector { return &Inspector{env: env} }

// Render implements app.Composer.
func (in *Inspector) Render() app.UI {
	return app.Main().Body(
		app.Label().For("input").Text("Paste a token, header, cookie or JSON"),
		app.Textarea().ID("input"),
	)
}
