package ui

import (
	"strconv"
	"strings"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// secretsState is the secrets panel's state. Secrets and keys live only
// here, in memory: never rendered back into the page, stored, logged or
// exported.
type secretsState struct {
	text  string // the secrets box as typed
	shown bool   // "show the secrets" is ticked
	// cookieName is the chosen name of a bare session token's cookie; ""
	// is automatic.
	cookieName string
	keyText    string // the separate verification-key field
	keyBase64  bool
	keyShown   bool
}

// SetSecrets fills the secrets box, one secret (or .env line) per argument,
// and re-analyses.
func (in *Inspector) SetSecrets(lines ...string) {
	in.secrets.text = strings.Join(lines, "\n")
	in.analyse()
}

// SetKey sets the signature verification key and re-analyses.
func (in *Inspector) SetKey(text string, base64 bool) {
	in.secrets.keyText, in.secrets.keyBase64 = text, base64
	in.analyse()
}

// SetSessionCookie chooses the cookie name for a bare session token.
func (in *Inspector) SetSessionCookie(name string) {
	in.secrets.cookieName = name
	in.analyse()
}

func (in *Inspector) onSecret(ctx app.Context, e app.Event) {
	in.secrets.text = ctx.JSSrc().Get("value").String()
	in.analyseSoon(ctx)
}

func (in *Inspector) onSecretShown(ctx app.Context, e app.Event) {
	in.secrets.shown = ctx.JSSrc().Get("checked").Bool()
}

func (in *Inspector) onKey(ctx app.Context, e app.Event) {
	in.secrets.keyText = ctx.JSSrc().Get("value").String()
	in.analyseSoon(ctx)
}

func (in *Inspector) onKeyBase64(ctx app.Context, e app.Event) {
	in.secrets.keyBase64 = ctx.JSSrc().Get("checked").Bool()
	in.analyse()
}

func (in *Inspector) onKeyShown(ctx app.Context, e app.Event) {
	in.secrets.keyShown = ctx.JSSrc().Get("checked").Bool()
}

func (in *Inspector) onCookieName(ctx app.Context, e app.Event) {
	in.secrets.cookieName = ctx.JSSrc().Get("value").String()
	in.analyse()
}

// renderCookieName is the rarely needed choice of cookie name for a bare
// session token; it sits in the settings fold.
func (in *Inspector) renderCookieName() app.UI {
	names := token.SessionCookieNames()
	return app.Div().Class("setting").Body(
		app.Label().For("cookie-name").Text("Cookie name for a bare session token"),
		app.Select().ID("cookie-name").Aria("describedby", "cookie-name-help").OnChange(in.onCookieName).Body(
			app.Option().Value("").Selected(in.secrets.cookieName == "").Text("automatic (from the cookie, else the format's default)"),
			app.Range(names).Slice(func(i int) app.UI {
				return app.Option().Value(names[i]).Selected(in.secrets.cookieName == names[i]).Text(names[i])
			}),
		),
		app.Span().ID("cookie-name-help").Class("help").Text("Auth.js derives the key from the cookie name; the __Secure- prefix is used on https."),
	)
}

// renderSecrets is the fieldset for secrets and keys. Inputs are uncontrolled
// (no value is rendered back), so a secret never appears in the DOM's
// attributes or in a prerendered page.
func (in *Inspector) renderSecrets() app.UI {
	return app.FieldSet().Class("secrets").Body(
		app.Legend().Text("Secrets and keys — used only in this page, never stored or sent"),
		in.renderSecretBox(),
		app.Label().For("verify-key").Text("Or a verification key on its own: a public key to read, or a base64 secret"),
		app.Textarea().ID("verify-key").Rows(3).Spellcheck(false).
			Class(keyClasses(in.secrets.keyShown)...).
			Attr("autocomplete", "off").
			Placeholder("SIMPLE_JWT SIGNING_KEY (default: Django SECRET_KEY), a PEM public key, a JWK or a JWKS").
			Aria("describedby", "verify-key-help").
			OnInput(in.onKey).
			OnChange(in.analyseNow),
		app.Div().Class("checks").Body(
			app.Label().Class("inline").Body(
				app.Input().ID("verify-key-base64").Type("checkbox").OnChange(in.onKeyBase64),
				app.Text(" the secret is base64"),
			),
			app.Label().Class("inline").Body(
				app.Input().ID("verify-key-show").Type("checkbox").OnChange(in.onKeyShown),
				app.Text(" show the key"),
			),
		),
		app.P().ID("verify-key-help").Class("help").Text("HS256/384/512 take the secret; RS*, PS*, ES* and EdDSA take a public key. Checked with golang-jwt, locally."),
	)
}

// renderSecretBox is the one secrets box: a masked multi-line text field,
// with a line under it naming (never showing) what it read.
func (in *Inspector) renderSecretBox() app.UI {
	return app.Div().Class("setting secret").Body(
		app.Label().For("secret").Text("Secrets: one per line, or paste your .env"),
		// A masked text field, not a password input: browsers offer to save
		// anything typed into a password field (Chromium ignores
		// autocomplete=off there, and "new-password" invites it to generate
		// and store one). A secret typed here must never land in a password
		// manager or its sync. The masking is CSS (.masked); autocapitalize
		// and autocorrect off keep the keyboard from learning it, and the
		// data-*-ignore attributes tell password-manager extensions (which
		// disregard autocomplete) to leave the field alone.
		app.Textarea().ID("secret").Rows(4).
			Class(maskedUnless(in.secrets.shown)...).
			Attr("autocomplete", "off").
			Attr("autocapitalize", "off").
			Attr("autocorrect", "off").
			Attr("data-1p-ignore", "true").
			Attr("data-lpignore", "true").
			Spellcheck(false).
			Placeholder("NEXTAUTH_SECRET=…  AUTH_SECRET=…  SECRET_KEY=…  or one secret per line; PEM and JWK blocks too").
			Aria("describedby", "secret-help secret-read").
			OnInput(in.onSecret).
			OnChange(in.analyseNow),
		app.Label().Class("inline").Body(
			app.Input().ID("secret-show").Type("checkbox").OnChange(in.onSecretShown),
			app.Text(" show the secrets"),
		),
		in.renderSecretsRead(),
	)
}

// renderSecretsRead says which lines of the box are used and which were
// ignored, by variable name and line number only.
func (in *Inspector) renderSecretsRead() app.UI {
	box := diagnose.ParseSecrets(in.secrets.text)
	if len(box.Secrets) == 0 && len(box.Ignored) == 0 {
		return app.P().ID("secret-read").Class("help")
	}
	used := make([]string, len(box.Secrets))
	for i, s := range box.Secrets {
		used[i] = s.Label()
	}
	text := "Using " + strconv.Itoa(len(used)) + ": " + strings.Join(used, ", ")
	if len(used) == 0 {
		text = "No secret found"
	}
	if len(box.Ignored) > 0 {
		text += ". Ignored (not secrets): " + strings.Join(box.Ignored, ", ")
	}
	if box.Dropped > 0 {
		text += ". " + strconv.Itoa(box.Dropped) + " more left out (limit " + strconv.Itoa(diagnose.MaxSecrets) + ")"
	}
	return app.P().ID("secret-read").Class("help").Text(text + ".")
}

// maskedUnless masks the secrets box unless the user asked to see it.
func maskedUnless(shown bool) []string {
	if shown {
		return nil
	}
	return []string{"masked"}
}

// keyClasses masks the key field unless the user asked to see it, so a
// screen share or a shoulder does not catch the secret.
func keyClasses(shown bool) []string {
	if shown {
		return []string{"key"}
	}
	return []string{"key", "masked"}
}
