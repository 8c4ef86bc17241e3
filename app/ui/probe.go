package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
)

// probeState is the refresh probe panel's state; its steps live in memory
// only.
type probeState struct {
	backend string
	// backendSet is set once the backend field was edited, so that an
	// emptied field stays empty instead of refilling with the default.
	backendSet bool
	// backendVars are the values typed for a template's variable
	// (BACKEND_URL), by name: asked once, kept in memory only.
	backendVars map[string]string
	refreshPath string
	customPath  string
	running     bool
	endpoint    string
	steps       []probe.Step
	findings    []diagnose.Finding
	reveal      bool
}

// customPathChoice is the select value that reveals the custom path field.
const customPathChoice = "custom"

// backendField is what the backend field shows: the runserver default
// until the user edits it.
func (in *Inspector) backendField() string {
	if !in.probe.backendSet && in.probe.backend == "" {
		return probe.DefaultBackend
	}
	return in.probe.backend
}

// chosenPath is the refresh path picked for a base URL.
func (in *Inspector) chosenPath() string {
	if in.probe.refreshPath == customPathChoice {
		return strings.TrimSpace(in.probe.customPath)
	}
	return in.probe.refreshPath
}

// probePlan reads the backend field; app/probe decides what is sent in
// which order.
func (in *Inspector) probePlan() (probe.Plan, error) {
	t, err := probe.ParseBackend(in.backendField())
	if err != nil {
		return probe.Plan{}, err
	}
	return t.Plan(in.chosenPath(), in.probe.backendVars)
}

func (in *Inspector) prober() probe.Prober {
	return probe.Prober{Transport: in.env.Transport, Now: in.env.Now, PageURL: in.env.PageURL, ViaBridge: in.host.conn != nil}
}

// onProbe runs the side-effect-free probe off the UI goroutine.
func (in *Inspector) onProbe(ctx app.Context, e app.Event) {
	if in.env.Transport == nil || in.probe.running {
		return
	}
	plan, err := in.probePlan()
	if err != nil {
		in.applyProbe(probe.Result{Findings: []diagnose.Finding{probe.BackendFinding(err)}}, true)
		return
	}
	in.probe.running = true
	p, b := in.prober(), in.host.conn
	ctx.Async(func() {
		if b != nil {
			if f, ok := allowBackend(context.Background(), b, plan.Base); !ok {
				ctx.Dispatch(func(ctx app.Context) { in.applyProbe(probe.Result{Findings: []diagnose.Finding{f}}, true) })
				return
			}
		}
		res := p.Probe(context.Background(), plan)
		ctx.Dispatch(func(ctx app.Context) { in.applyProbe(res, true) })
	})
}

// onSendRefresh sends the user's real refresh token: only this button does.
// Which token, and whether it is expired, app/probe decides from the report.
func (in *Inspector) onSendRefresh(ctx app.Context, e app.Event) {
	tr, local, ok := probe.RefreshToSend(in.report, in.env.Now())
	if in.env.Transport == nil || in.probe.running || in.probe.endpoint == "" || !ok {
		return
	}
	in.probe.running = true
	p, endpoint := in.prober(), in.probe.endpoint
	raw, b := tr.Raw, in.host.conn
	ctx.Async(func() {
		if b != nil {
			if f, ok := allowBackend(context.Background(), b, endpoint); !ok {
				ctx.Dispatch(func(ctx app.Context) { in.applyProbe(probe.Result{Findings: []diagnose.Finding{f}}, false) })
				return
			}
		}
		res := p.Refresh(context.Background(), endpoint, raw, local)
		ctx.Dispatch(func(ctx app.Context) { in.applyProbe(res, false) })
	})
}

func (in *Inspector) applyProbe(res probe.Result, fresh bool) {
	in.probe.running = false
	in.probe.steps = append(in.probe.steps, res.Steps...)
	if fresh {
		in.probe.findings = nil
		in.probe.endpoint = res.Endpoint
	}
	in.probe.findings = append(in.probe.findings, res.Findings...)
	in.analyse()
	in.status = "Probe finished: " + strconv.Itoa(len(res.Steps)) + " request(s) sent."
}

func (in *Inspector) renderProbe() app.UI {
	disabled := in.env.Transport == nil
	target, parseErr := probe.ParseBackend(in.backendField())
	return app.Section().ID("probe-panel").Class("probe").Aria("labelledby", "probe-title").Body(
		app.H2().ID("probe-title").Text("Refresh probe"),
		app.P().Class("help").Text("Asks the backend what it does with a refresh token, from this page's origin ("+in.origin()+"). First an obviously invalid token — no side effects; your token only when you say so."),
		app.Div().Class("settings").Body(
			app.Div().Class("setting", "backend").Body(
				app.Label().For("backend").Text("Backend: base URL, refresh URL, curl line, fetch() call or ${BACKEND_URL}/… template"),
				app.Input().ID("backend").Type("text").Attr("inputmode", "url").Value(in.backendField()).
					Placeholder(probe.DefaultBackend+probe.CandidatePaths[0]).
					Attr("autocomplete", "off").Spellcheck(false).Aria("describedby", "backend-form").
					OnInput(func(ctx app.Context, e app.Event) {
						in.probe.backend, in.probe.backendSet = ctx.JSSrc().Get("value").String(), true
					}),
				in.renderBackendForm(target, parseErr),
			),
			app.If(parseErr == nil && target.Variable != "", func() app.UI { return in.renderBackendVar(target.Variable) }),
			app.If(parseErr == nil && !target.Endpoint, func() app.UI { return in.renderPathChoice() }),
			app.If(parseErr == nil && !target.Endpoint && in.probe.refreshPath == customPathChoice, func() app.UI { return in.renderCustomPath() }),
			in.renderProbeButton(disabled),
		),
		app.If(disabled, func() app.UI {
			return app.P().Class("help").Text("Probing needs the page running in a browser.")
		}),
		app.If(in.probe.endpoint != "", func() app.UI { return in.renderConsent() }),
		app.If(len(in.probe.steps) > 0, func() app.UI { return in.renderTimeline() }),
	)
}

// renderBackendForm says how the field was read, or why it cannot be; it
// never repeats a token a curl or fetch body held.
func (in *Inspector) renderBackendForm(t probe.Target, err error) app.UI {
	if err != nil {
		return app.P().ID("backend-form").Class("help", "error").DataSet("form", "").Text(probe.BackendFinding(err).Title + ".")
	}
	text := "Read as " + t.Describe() + "."
	if t.MissingSlash() {
		text += " No trailing slash: Django's APPEND_SLASH answers a POST there with a 301 redirect (DEBUG off; browsers and Node re-send it as a GET, which gets 405) or a 500 RuntimeError (DEBUG on). The probe sends it as typed, then with the slash."
	}
	if t.Endpoint {
		text += " Probed exactly; the usual paths only if it answers 404."
	}
	return app.P().ID("backend-form").Class("help").DataSet("form", string(t.Form)).Text(text)
}

// renderBackendVar asks once for the value of the template's variable.
func (in *Inspector) renderBackendVar(name string) app.UI {
	return app.Div().Class("setting").Body(
		app.Label().For("backend-var").Text(name+" ="),
		app.Input().ID("backend-var").Type("text").Attr("inputmode", "url").DataSet("variable", name).
			Value(in.probe.backendVars[name]).Placeholder(probe.DefaultBackend).
			Attr("autocomplete", "off").Spellcheck(false).
			OnInput(func(ctx app.Context, e app.Event) {
				if in.probe.backendVars == nil {
					in.probe.backendVars = map[string]string{}
				}
				in.probe.backendVars[name] = ctx.JSSrc().Get("value").String()
			}),
		app.P().Class("help").Text("The value of "+name+" in your .env, asked once and kept in this page's memory only."),
	)
}

// renderPathChoice picks the refresh path below a base URL.
func (in *Inspector) renderPathChoice() app.UI {
	return app.Div().Class("setting").Body(
		app.Label().For("refresh-path").Text("Refresh path"),
		app.Select().ID("refresh-path").OnChange(func(ctx app.Context, e app.Event) {
			in.probe.refreshPath = ctx.JSSrc().Get("value").String()
		}).Body(
			app.Range(probe.CandidatePaths).Slice(func(i int) app.UI {
				p := probe.CandidatePaths[i]
				return app.Option().Value(p).Selected(in.probe.refreshPath == p || (in.probe.refreshPath == "" && i == 0)).Text(p)
			}),
			app.Option().Value(customPathChoice).Selected(in.probe.refreshPath == customPathChoice).Text("custom…"),
		),
	)
}

func (in *Inspector) renderCustomPath() app.UI {
	return app.Div().Class("setting").Body(
		app.Label().For("custom-path").Text("Custom path"),
		app.Input().ID("custom-path").Type("text").Placeholder("/api/v1/auth/refresh/").Value(in.probe.customPath).
			OnChange(func(ctx app.Context, e app.Event) { in.probe.customPath = ctx.JSSrc().Get("value").String() }),
	)
}

func (in *Inspector) renderProbeButton(disabled bool) app.UI {
	b := app.Button().ID("probe").Type("button").Text("Probe the endpoint (no side effects)").OnClick(in.onProbe)
	if disabled || in.probe.running {
		b = b.Disabled(true)
	}
	return app.Div().Class("setting").Body(b)
}

func (in *Inspector) origin() string {
	if in.env.Transport == nil {
		return "not running in a browser"
	}
	return in.env.Transport.Origin()
}

// renderConsent shows the warning and, beside it, the only button that
// sends the user's real refresh token.
func (in *Inspector) renderConsent() app.UI {
	tr, _, ok := probe.RefreshToSend(in.report, in.env.Now())
	return app.Div().ID("consent").Class("consent").Body(
		app.P().ID("refresh-warning").Class("warning").Text("Sending your real refresh token is not free: with ROTATE_REFRESH_TOKENS + BLACKLIST_AFTER_ROTATION this consumes the refresh token your app holds; the app's next refresh will 401 until you sign in again."),
		app.If(!ok, func() app.UI {
			return app.P().Class("help").Text("Paste the refresh token (or the session holding it) above to send it to " + in.probe.endpoint + ".")
		}),
		app.If(ok, func() app.UI {
			label := "Send my refresh token to " + in.probe.endpoint
			if tr.Parent >= 0 {
				label += " (" + tr.Source.Name + " from the session)"
			}
			b := app.Button().ID("send-refresh").Type("button").Aria("describedby", "refresh-warning").Text(label).OnClick(in.onSendRefresh)
			if in.probe.running {
				b = b.Disabled(true)
			}
			return b
		}),
	)
}

// renderTimeline shows each step as it was stored when sent: the snippets
// come from the step (token redacted, or revealed from the step's own
// memory), never from the current paste, which may have changed since.
func (in *Inspector) renderTimeline() app.UI {
	return app.Div().Class("timeline").Body(
		app.H3().Text("Timeline (this page only; gone on reload)"),
		app.Label().Class("inline").Body(
			app.Input().ID("reveal").Type("checkbox").OnChange(func(ctx app.Context, e app.Event) {
				in.probe.reveal = ctx.JSSrc().Get("checked").Bool()
			}),
			app.Text(" show the token in the curl and fetch snippets"),
		),
		app.Ol().ID("timeline").Body(
			app.Range(in.probe.steps).Slice(func(i int) app.UI { return in.renderStep(i, in.probe.steps[i]) }),
		),
	)
}

// onDecodeResponse adds a refresh response (the new access and, with
// rotation, refresh token) to the paste, so its tokens are decoded and
// judged like any other. It stays in this page.
func (in *Inspector) onDecodeResponse(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if i >= len(in.probe.steps) || in.probe.steps[i].Response == nil {
			return
		}
		in.paste.text = strings.TrimRight(in.paste.text, "\n") + "\n" + in.probe.steps[i].Response.Body + "\n"
		in.analyse()
		in.showInput()
	}
}

func (in *Inspector) renderStep(i int, s probe.Step) app.UI {
	status := "no response"
	if s.Response != nil {
		status = "status " + strconv.Itoa(s.Response.Status)
		if s.Response.Opaque {
			status = "opaque response"
		}
	}
	return app.Li().Class("step", "sev-"+string(s.Finding.Severity)).DataSet("step-code", string(s.Finding.Code)).Body(
		app.P().Body(
			app.Time().DateTime(s.At.UTC().Format(time.RFC3339)).Text(s.At.UTC().Format("15:04:05")),
			app.Text(" · "+string(s.Purpose)+" · "+s.Request.Method+" "+s.Request.URL+" → "+status+" · "),
			app.Code().Text(string(s.Finding.Code)),
		),
		app.P().Class("finding-title").Text(s.Finding.Title),
		app.If(s.Finding.Code == diagnose.CodeProbeRotated || s.Finding.Code == diagnose.CodeProbeRefreshOK, func() app.UI {
			return app.Button().ID("decode-response-" + strconv.Itoa(i)).Type("button").
				Text("Decode the new tokens").OnClick(in.onDecodeResponse(i))
		}),
		app.Details().Body(
			app.Summary().Text("Reproduce: curl and fetch()"),
			app.Pre().Class("snippet").Body(app.Code().Text(s.Curl(in.probe.reveal))),
			app.Pre().Class("snippet").Body(app.Code().Text(s.Fetch(in.probe.reveal))),
		),
	)
}
