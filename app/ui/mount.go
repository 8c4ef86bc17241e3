package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// EarlyInput is what the user typed into the prerendered page before the
// app took over: the paste box and the secrets box.
type EarlyInput struct {
	Input, Secrets string
}

// takeEarlyInput keeps a paste (and secrets) made while app.wasm was still
// downloading. go-app replaces the prerendered DOM when it mounts, which
// would otherwise drop them without a word; on a slow network the page is
// visible a second or more before the app runs.
func (in *Inspector) takeEarlyInput() {
	if in.env.EarlyInput == nil {
		return
	}
	early := in.env.EarlyInput()
	if early.Input == "" && early.Secrets == "" {
		return
	}
	if early.Secrets != "" {
		in.secrets.text = early.Secrets
		setFieldValue("secret", early.Secrets)
	}
	if early.Input != "" {
		in.paste.text = early.Input
	}
	in.analyse()
	in.showInput()
}

// setFieldValue writes text back into a form field the page does not
// render a value for (uncontrolled fields: the secrets never appear in an
// attribute).
func setFieldValue(id, text string) {
	if !app.IsClient {
		return
	}
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", text)
	}
}
