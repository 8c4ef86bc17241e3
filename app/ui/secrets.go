package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// sessionCookieChoices are the names a bare pasted session token may have
// come from; Auth.js derives its key from the name.
var sessionCookieChoices = []string{
	"next-auth.session-token", "__Secure-next-auth.session-token",
	"authjs.session-token", "__Secure-authjs.session-token",
}

// SetSecrets sets the session secrets (one per rotation slot) and re-analyses.
func (in *Inspector) SetSecrets(secrets ...string) {
	in.secrets = secrets
	in.analyse()
}

// SetKey sets the signature verification key and re-analyses.
func (in *Inspector) SetKey(text string, base64 bool) {
	in.keyText, in.keyBase64 = text, base64
	in.analyse()
}

// SetSessionCookie chooses the cookie name for a bare session token.
func (in *Inspector) SetSessionCookie(name string) {
	in.cookieName = name
	in.analyse()
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (in *Inspector) onSecret(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		for len(in.secrets) <= i {
			in.secrets = append(in.secrets, "")
		}
		in.secrets[i] = ctx.JSSrc().Get("value").String()
		in.analyseSoon(ctx)
	}
}

func (in *Inspector) onAddSecret(ctx app.Context, e app.Event) {
	for len(in.secrets) < 1 {
		in.secrets = append(in.secrets, "")
	}
	if len(in.secrets) < 8 {
		in.secrets = append(in.secrets, "")
	}
}

func (in *Inspector) onKey(ctx app.Context, e app.Event) {
	in.keyText = ctx.JSSrc().Get("value").String()
	in.analyseSoon(ctx)
}

func (in *Inspector) onKeyBase64(ctx app.Context, e app.Event) {
	in.keyBase64 = ctx.JSSrc().Get("checked").Bool()
	in.analyse()
}

func (in *Inspector) onKeyShown(ctx app.Context, e app.Event) {
	in.keyShown = ctx.JSSrc().Get("checked").Bool()
}

func (in *Inspector) onCookieName(ctx app.Context, e app.Event) {
	in.cookieName = ctx.JSSrc().Get("value").String()
	in.analyse()
}

// renderSecrets is the fieldset for secrets and keys. Inputs are uncontrolled
// (no value is rendered back), so a secret never appears in the DOM's
// attributes or in a prerendered page.
func (in *Inspector) renderSecrets() app.UI {
	slots := max(1, len(in.secrets))
	return app.FieldSet().Class("secrets").Body(
		app.Legend().Text("Secrets and keys — used only in this page, never stored or sent"),
		app.Div().Class("secret-list").Body(
			app.Range(make([]struct{}, slots)).Slice(func(i int) app.UI { return in.renderSecretInput(i) }),
			app.Button().ID("add-secret").Type("button").Text("Add a secret (rotation: AUTH_SECRET_1 …)").OnClick(in.onAddSecret),
		),
		app.P().ID("secret-help").Class("help").Text("NEXTAUTH_SECRET (v4) or AUTH_SECRET (Auth.js) opens the session cookie; several are tried in order, as Auth.js does with AUTH_SECRET_1..3. They also verify a signed (JWS) session."),
		app.Div().Class("setting").Body(
			app.Label().For("cookie-name").Text("Cookie name for a bare session token"),
			app.Select().ID("cookie-name").Aria("describedby", "cookie-name-help").OnChange(in.onCookieName).Body(
				app.Option().Value("").Selected(in.cookieName == "").Text("automatic (from the cookie, else the format's default)"),
				app.Range(sessionCookieChoices).Slice(func(i int) app.UI {
					n := sessionCookieChoices[i]
					return app.Option().Value(n).Selected(in.cookieName == n).Text(n)
				}),
			),
			app.Span().ID("cookie-name-help").Class("help").Text("Auth.js derives the key from the cookie name; the __Secure- prefix is used on https."),
		),
		app.Label().For("verify-key").Text("Signing key to verify signatures"),
		app.Textarea().ID("verify-key").Rows(3).Spellcheck(false).
			Class(keyClasses(in.keyShown)...).
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

func (in *Inspector) renderSecretInput(i int) app.UI {
	id := "secret"
	label := "Session secret"
	if i > 0 {
		id = "secret-" + strconv.Itoa(i+1)
		label = "Session secret #" + strconv.Itoa(i+1)
	}
	return app.Div().Class("setting secret").Body(
		app.Label().For(id).Text(label),
		// A masked text field, not type=password: browsers offer to save
		// anything typed into a password field (Chromium ignores
		// autocomplete=off there, and "new-password" invites it to generate
		// and store one). A secret typed here must never land in a password
		// manager or its sync. The masking is CSS (.masked); autocapitalize
		// and autocorrect off keep the keyboard from learning it, and the
		// data-*-ignore attributes tell password-manager extensions (which
		// disregard autocomplete) to leave the field alone.
		app.Input().ID(id).Type("text").Class("masked").
			Attr("autocomplete", "off").
			Attr("autocapitalize", "off").
			Attr("autocorrect", "off").
			Attr("data-1p-ignore", "true").
			Attr("data-lpignore", "true").
			Spellcheck(false).
			Aria("describedby", "secret-help").
			OnInput(in.onSecret(i)).
			OnChange(in.analyseNow),
	)
}

// keyClasses masks the key field unless the user asked to see it, so a
// screen share or a shoulder does not catch the secret.
func keyClasses(shown bool) []string {
	if shown {
		return []string{"key"}
	}
	return []string{"key", "masked"}
}
