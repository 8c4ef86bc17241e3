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

// customPathChoice is the select value that reveals the custom path field.
const customPathChoice = "custom"

func (in *Inspector) backendURL() string {
	if strings.TrimSpace(in.backend) == "" {
		return probe.DefaultBackend
	}
	return strings.TrimSpace(in.backend)
}

// probePaths puts the chosen path first, then the other candidates, so one
// run both tests the user's path and finds the right one if it is wrong.
func (in *Inspector) probePaths() []string {
	first := in.refreshPath
	if first == "" {
		first = probe.CandidatePaths[0]
	}
	if first == customPathChoice {
		first = strings.TrimSpace(in.customPath)
	}
	paths := []string{}
	if first != "" {
		paths = append(paths, first)
	}
	for _, p := range probe.CandidatePaths {
		if p != first {
			paths = append(paths, p)
		}
	}
	return paths
}

func (in *Inspector) prober() probe.Prober {
	return probe.Prober{Transport: in.env.Transport, Now: in.env.Now, PageURL: in.env.PageURL, ViaBridge: in.bridge != nil}
}

// runProbe runs the side-effect-free probe off the UI goroutine.
func (in *Inspector) onProbe(ctx app.Context, e app.Event) {
	if in.env.Transport == nil || in.probing {
		return
	}
	in.probing = true
	p, backend, paths, b := in.prober(), in.backendURL(), in.probePaths(), in.bridge
	ctx.Async(func() {
		if b != nil {
			if f, ok := allowBackend(context.Background(), b, backend); !ok {
				ctx.Dispatch(func(ctx app.Context) { in.applyProbe(probe.Result{Findings: []diagnose.Finding{f}}, true) })
				return
			}
		}
		res := p.SafeProbe(context.Background(), backend, paths)
		ctx.Dispatch(func(ctx app.Context) { in.applyProbe(res, true) })
	})
}

// onSendRefresh sends the user's real refresh token: only this button does.
func (in *Inspector) onSendRefresh(ctx app.Context, e app.Event) {
	tr, ok := in.refreshToken()
	if in.env.Transport == nil || in.probing || in.endpoint == "" || !ok {
		return
	}
	in.probing = true
	p, endpoint := in.prober(), in.endpoint
	local := probe.Local{Known: tr.Exp != nil, Type: tr.SimpleJWT.TokenType, Index: tr.Index}
	if tr.Exp != nil {
		local.Exp = tr.Exp.Time
		local.Expired = !tr.Exp.Time.After(in.env.Now())
	}
	raw, b := tr.Raw, in.bridge
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
	in.probing = false
	in.timeline = append(in.timeline, res.Steps...)
	if fresh {
		in.probeFindings = nil
		in.endpoint = res.Endpoint
	}
	in.probeFindings = append(in.probeFindings, res.Findings...)
	in.analyse()
	in.status = "Probe finished: " + strconv.Itoa(len(res.Steps)) + " request(s) sent."
}

// refreshToken is the token a real refresh would send: the first one whose
// token_type is refresh, else the first found under a refresh name.
func (in *Inspector) refreshToken() (diagnose.TokenReport, bool) {
	for _, t := range in.report.Tokens {
		if t.SimpleJWT.TokenType == "refresh" && !t.Malformed() {
			return t, true
		}
	}
	for _, t := range in.report.Tokens {
		if t.Role == "refresh" && !t.Malformed() {
			return t, true
		}
	}
	return diagnose.TokenReport{}, false
}

func (in *Inspector) renderProbe() app.UI {
	disabled := in.env.Transport == nil
	return app.Section().ID("probe-panel").Class("probe").Aria("labelledby", "probe-title").Body(
		app.H2().ID("probe-title").Text("Refresh probe"),
		app.P().Class("help").Text("Asks the backend what it does with a refresh token, from this page's origin ("+in.origin()+"). First an obviously invalid token — no side effects; your token only when you say so."),
		app.Div().Class("settings").Body(
			app.Div().Class("setting").Body(
				app.Label().For("backend").Text("Backend URL"),
				app.Input().ID("backend").Type("url").Value(in.backendURL()).
					Attr("autocomplete", "off").Spellcheck(false).
					OnChange(func(ctx app.Context, e app.Event) { in.backend = ctx.JSSrc().Get("value").String() }),
			),
			app.Div().Class("setting").Body(
				app.Label().For("refresh-path").Text("Refresh path"),
				app.Select().ID("refresh-path").OnChange(func(ctx app.Context, e app.Event) {
					in.refreshPath = ctx.JSSrc().Get("value").String()
				}).Body(
					app.Range(probe.CandidatePaths).Slice(func(i int) app.UI {
						p := probe.CandidatePaths[i]
						return app.Option().Value(p).Selected(in.refreshPath == p || (in.refreshPath == "" && i == 0)).Text(p)
					}),
					app.Option().Value(customPathChoice).Selected(in.refreshPath == customPathChoice).Text("custom…"),
				),
			),
			app.If(in.refreshPath == customPathChoice, func() app.UI {
				return app.Div().Class("setting").Body(
					app.Label().For("custom-path").Text("Custom path"),
					app.Input().ID("custom-path").Type("text").Placeholder("/api/v1/auth/refresh/").
						OnChange(func(ctx app.Context, e app.Event) { in.customPath = ctx.JSSrc().Get("value").String() }),
				)
			}),
			in.renderProbeButton(disabled),
		),
		app.If(disabled, func() app.UI {
			return app.P().Class("help").Text("Probing needs the page running in a browser.")
		}),
		app.If(in.endpoint != "", func() app.UI { return in.renderConsent() }),
		app.If(len(in.timeline) > 0, func() app.UI { return in.renderTimeline() }),
	)
}

func (in *Inspector) renderProbeButton(disabled bool) app.UI {
	b := app.Button().ID("probe").Type("button").Text("Probe the endpoint (no side effects)").OnClick(in.onProbe)
	if disabled || in.probing {
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
	tr, ok := in.refreshToken()
	return app.Div().ID("consent").Class("consent").Body(
		app.P().ID("refresh-warning").Class("warning").Text("Sending your real refresh token is not free: with ROTATE_REFRESH_TOKENS + BLACKLIST_AFTER_ROTATION this consumes the refresh token your app holds; the app's next refresh will 401 until you sign in again."),
		app.If(!ok, func() app.UI {
			return app.P().Class("help").Text("Paste the refresh token (or the session holding it) above to send it to " + in.endpoint + ".")
		}),
		app.If(ok, func() app.UI {
			label := "Send my refresh token to " + in.endpoint
			if tr.Parent >= 0 {
				label += " (" + tr.Source.Name + " from the session)"
			}
			b := app.Button().ID("send-refresh").Type("button").Aria("describedby", "refresh-warning").Text(label).OnClick(in.onSendRefresh)
			if in.probing {
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
				in.reveal = ctx.JSSrc().Get("checked").Bool()
			}),
			app.Text(" show the token in the curl and fetch snippets"),
		),
		app.Ol().ID("timeline").Body(
			app.Range(in.timeline).Slice(func(i int) app.UI { return in.renderStep(i, in.timeline[i]) }),
		),
	)
}

// onDecodeResponse adds a refresh response (the new access and, with
// rotation, refresh token) to the paste, so its tokens are decoded and
// judged like any other. It stays in this page.
func (in *Inspector) onDecodeResponse(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if i >= len(in.timeline) || in.timeline[i].Response == nil {
			return
		}
		in.input = strings.TrimRight(in.input, "\n") + "\n" + in.timeline[i].Response.Body + "\n"
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
			app.Pre().Class("snippet").Body(app.Code().Text(s.Curl(in.reveal))),
			app.Pre().Class("snippet").Body(app.Code().Text(s.Fetch(in.reveal))),
		),
	)
}
