package ui

import (
	"fmt"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
)

// debounce is how long typing must pause before the paste is re-analysed.
// A paste (a jump of many characters) is analysed at once.
const debounce = 150 * time.Millisecond

// pasteJump is the change in length that counts as a paste, not typing.
const pasteJump = 16

// Inspector is the whole page: paste box, settings, findings, token cards.
// Everything it holds lives in memory only: nothing pasted is written to
// storage, the URL or the console.
type Inspector struct {
	app.Compo
	env Env

	// paste is the paste box's text and view (paste.go).
	paste      pasteBox
	leeway     time.Duration
	report     diagnose.Report
	analysed   bool
	exportOpen bool
	status     string
	// analysis runs the analyses (analysis.go): off the UI goroutine in the
	// page, at once in tests.
	analysis runner
	// analysisStatus is the last thing the analysis wrote into status.
	analysisStatus string
	// stats measure the last analysis, for the status line and the bench.
	stats analysisStats
	// reveal is how much of the report the page draws while a large
	// result is drawn over several tasks (reveal.go).
	reveal resultReveal

	// Each panel keeps its own state: the secrets box (secrets.go), the
	// refresh probe (probe.go), the bookmarklet's bridge (bridge.go).
	secrets secretsState
	probe   probeState
	host    hostBridge

	// har is the HAR timeline: the loaded file or pasted HAR, its run and
	// its result (timelineview.go).
	har timelineView
}

// NewInspector returns the page component wired to env.
func NewInspector(env Env) *Inspector {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Zone == nil {
		env.Zone = FixedZone{ZoneName: "UTC", Loc: time.UTC}
	}
	in := &Inspector{env: env}
	in.analysis.yield = env.Yield
	in.loadBridgeKey()
	return in
}

// SetInput analyses text at once, as if it had been pasted. The page and the
// golden tests share this path.
func (in *Inspector) SetInput(text string) {
	in.resetView()
	in.paste.held = nil
	in.paste.text = text
	in.routePastedHAR(app.Context{}, false)
	in.analyse()
}

// resetView forgets what was expanded for the previous paste.
func (in *Inspector) resetView() { in.paste.expanded = nil }

// SetLeeway changes the clock tolerance and re-analyses.
func (in *Inspector) SetLeeway(d time.Duration) {
	in.leeway = d
	in.analyse()
}

// Report is the current analysis.
func (in *Inspector) Report() diagnose.Report { return in.report }

// Analyse runs the analysis of the current input now. The page calls it
// after a big paste (PasteText only takes the text).
func (in *Inspector) Analyse() { in.analyse() }

func (in *Inspector) analyse() { in.analyseThen(nil) }

// analyseThen starts an analysis of the current input with the current
// settings, superseding any still running, and calls then (if not nil) once
// its report is shown. In the page it runs off the UI goroutine, in slices
// (analysis.go); a superseded or cancelled run shows nothing.
func (in *Inspector) analyseThen(then func()) {
	text := in.analysisText()
	opts := in.analysisOptions()
	in.analysis.Start(func(p *Pacer) (func(), error) {
		start := time.Now()
		opts.Pause = p.Pause
		report, err := diagnose.RunPaused(text, opts)
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		return func() {
			in.showReport(report, len(text), took, p)
			if then != nil {
				then()
			}
		}, nil
	})
}

// analysisOptions are the current settings, secrets and keys, read on the
// UI goroutine before a run starts (the run must not read the Inspector).
func (in *Inspector) analysisOptions() diagnose.Options {
	return diagnose.Options{
		Now:           in.env.Now(),
		Leeway:        in.leeway,
		SecretText:    in.secrets.text,
		SessionCookie: in.secrets.cookieName,
		KeyText:       in.secrets.keyText,
		KeyBase64:     in.secrets.keyBase64,
	}
}

// showReport makes report the page's: the probe's and the bridge's
// findings join it.
func (in *Inspector) showReport(report diagnose.Report, inputBytes int, took time.Duration, p *Pacer) {
	in.report = report
	in.stats.took = took
	in.stats.yields, in.stats.yielded, in.stats.longestSlice = p.Slices()
	in.stats.longestSliceAt = p.LongestAt()
	in.stats.count++
	in.report.AddFindings(in.probe.findings...)
	in.report.AddFindings(in.host.findings...)
	in.timelineIntoReport()
	in.analysed = inputBytes > 0 || len(in.host.findings) > 0 || len(in.probe.findings) > 0 || in.har.loaded()
	msg := ""
	if in.env.ShowTiming && in.analysed {
		msg = fmt.Sprintf("Analysed %d bytes in %.2f ms, locally.", inputBytes, float64(took.Microseconds())/1000)
		// Slices are worth a word only for an analysis long enough to show
		// its progress; a short one yields at most once or twice.
		if in.stats.yields > 0 && took >= progressDelay {
			msg += fmt.Sprintf(" The page ran %s in between (%.0f ms of it); the longest slice of analysis took %.0f ms.", times(in.stats.yields), float64(in.stats.yielded.Microseconds())/1000, float64(in.stats.longestSlice.Microseconds())/1000)
		}
	}
	in.setAnalysisStatus(msg)
	// Every report ends the reveal of the previous one. A run long enough
	// to have shown its progress holds its cards for a task at least.
	in.revealResult(p.shown)
}

// times is "once", "twice" or "N times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}

// onInput analyses what the box holds. Typing after a big paste replaces the
// held text with the box's own (the summary says so).
func (in *Inspector) onInput(ctx app.Context, e app.Event) {
	value := jsString(ctx.JSSrc().Get("value"))
	if units := value.Length(); units >= PasteInMemoryBytes {
		// Set by a script, an undo or a drop the page did not see: the box
		// holds megabytes. Hold them instead before the browser lays them
		// out (it does so only when the event has returned).
		in.paste.generation++
		in.pasteBig(ctx.JSSrc(), value, units)
		return
	}
	text := value.Call("toString").String()
	jump := len(text) - len(in.paste.text)
	if in.paste.held != nil {
		in.paste.held = nil
		jump = len(text) // a new text altogether: analyse at once
	}
	if jump != 0 {
		in.resetView()
	}
	in.paste.text = text
	if in.routePastedHAR(ctx, true) {
		in.paste.generation++
		in.analyse()
		return
	}
	if jump > pasteJump || jump < -pasteJump {
		in.paste.generation++
		in.analyse()
		return
	}
	in.analyseSoon(ctx)
}

// analyseSoon analyses once typing pauses for debounce: each keystroke (in
// the paste box, a secret or the key field) supersedes the pending analysis,
// so a burst of keystrokes costs one analysis, not one HKDF and decryption
// per character.
func (in *Inspector) analyseSoon(ctx app.Context) {
	in.paste.generation++
	gen := in.paste.generation
	ctx.After(debounce, func(ctx app.Context) {
		if gen == in.paste.generation {
			in.analyse()
		}
	})
}

// analyseNow runs a pending analysis at once (a field was committed).
func (in *Inspector) analyseNow(ctx app.Context, e app.Event) {
	in.paste.generation++
	in.analyse()
}

func (in *Inspector) onLeeway(ctx app.Context, e app.Event) {
	secs, err := strconv.Atoi(ctx.JSSrc().Get("value").String())
	if err != nil || secs < 0 {
		secs = 0
	}
	in.SetLeeway(time.Duration(secs) * time.Second)
}

func (in *Inspector) onRecheck(ctx app.Context, e app.Event) {
	in.analyseThen(func() {
		in.status = "Re-checked at " + diagnose.UTC(in.report.Now)
		in.analysisStatus = in.status
	})
}

func (in *Inspector) onToggleExport(ctx app.Context, e app.Event) {
	in.exportOpen = !in.exportOpen
}

// copyText writes to the clipboard off the UI goroutine and announces the
// result in the live region, so screen-reader users hear it too.
func (in *Inspector) copyText(what, text string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		clip := in.env.Clipboard
		ctx.Async(func() {
			msg := "Copied " + what
			if clip == nil {
				msg = "Clipboard is not available here"
			} else if err := clip.WriteText(text); err != nil {
				msg = "Copy failed: " + err.Error()
			}
			ctx.Dispatch(func(ctx app.Context) { in.status = msg })
		})
	}
}

// Render implements app.Composer. Two columns on wide screens: what you
// type (paste, secrets, settings, probe) on the left, what it means
// (verdict, findings, tokens) on the right. On narrow screens the columns
// dissolve (CSS display: contents) and the verdict is ordered right after
// the paste box.
func (in *Inspector) Render() app.UI {
	return app.Div().ID("inspector").DataSet("app", mountState()).
		OnDragEnter(in.onDragOver).
		OnDragOver(in.onDragOver).
		OnDragLeave(in.onDragLeave).
		OnDrop(in.onDrop).
		Body(
			in.renderHeader(),
			app.Main().Class("layout").Body(
				app.Div().Class("col-input").Body(
					in.renderPaste(),
					in.renderSecrets(),
					in.renderSettings(),
					in.renderBridge(),
					in.renderProbe(),
				),
				app.Div().Class("col-results").Aria("label", "Results").Body(
					app.If(in.progressShown(), func() app.UI { return in.renderProgress() }),
					app.If(in.analysed, func() app.UI { return in.renderVerdict() }),
					app.P().ID("status").Class("status").Aria("live", "polite").Text(in.status),
					app.If(in.analysed, func() app.UI { return in.renderResults() }),
				),
			),
			in.renderBookmarklet(),
			renderFooter(),
			in.renderDropTarget(),
		)
}

// mountState is #inspector's data-app: "running" once the wasm app has
// rendered the page, "prerendered" in the static HTML it replaces. Tests
// and the bench wait on it: the loader leaving the page does not mean the
// app has mounted yet.
func mountState() string {
	if app.IsClient {
		return "running"
	}
	return "prerendered"
}

func (in *Inspector) renderHeader() app.UI {
	return app.Header().Class("masthead").Body(
		app.H1().Text("tokenscope"),
		app.P().Class("tagline").Text("Decode and diagnose JWTs, NextAuth / Auth.js sessions and Django SimpleJWT tokens. Everything runs in this page: nothing you paste leaves it."),
	)
}

func (in *Inspector) renderPaste() app.UI {
	return app.Section().Class("paste").Body(
		app.Label().For("input").Text("Paste a token, an Authorization or Cookie header, a Set-Cookie line, or a JSON response"),
		app.Textarea().
			ID("input").
			Rows(7).
			Spellcheck(false).
			AutoFocus(true).
			Attr("autocomplete", "off").
			Attr("autocapitalize", "off").
			Placeholder("eyJhbGciOi…   or   Cookie: next-auth.session-token=…   or   a JSON body").
			Aria("describedby", "input-help").
			OnInput(in.onInput).
			OnPaste(in.onPaste).
			OnDrop(in.onTextDrop),
		app.If(in.paste.held != nil, func() app.UI { return in.renderHeldPaste() }),
		app.P().ID("input-help").Class("help").Text("Analysed as you type. Accepts raw JWTs (quoted or wrapped), Bearer headers, Cookie headers with chunked session cookies, DevTools cookie rows, /api/auth/session and Django login JSON, URLs with tokens, server logs and HAR files."),
		in.renderFileInput(),
	)
}

// renderSettings folds the rarely touched settings (leeway, clock, the
// cookie name of a bare session token) away;
// the summary shows their values, so nothing hidden goes unnoticed.
func (in *Inspector) renderSettings() app.UI {
	now := in.report.Now
	if now.IsZero() {
		now = in.env.Now()
	}
	leeway := int(in.leeway / time.Second)
	return app.Div().Class("settings-bar").Body(
		app.Details().ID("settings").Class("settings-fold").Body(
			app.Summary().Text("Settings · leeway "+strconv.Itoa(leeway)+" s · clock "+diagnose.UTC(now)),
			app.Section().Class("settings").Aria("label", "Analysis settings").Body(
				app.Div().Class("setting").Body(
					app.Label().For("leeway").Text("Leeway (seconds)"),
					app.Input().ID("leeway").Type("number").Min(0).Max(86400).Step(1).
						Value(strconv.Itoa(leeway)).
						Aria("describedby", "leeway-help").
						OnChange(in.onLeeway),
					app.Span().ID("leeway-help").Class("help").Text("SimpleJWT's default LEEWAY is 0 s; NextAuth decodes sessions with 15 s."),
				),
				app.Div().Class("setting clock").Body(
					app.Span().Text("Clock used: "),
					app.Time().ID("clock").DateTime(now.UTC().Format(time.RFC3339)).Text(diagnose.UTC(now)),
					app.Span().Class("local").Text(" · "+formatLocal(now, in.env.Zone)),
					app.Button().ID("recheck").Type("button").Text("Re-check now").OnClick(in.onRecheck),
				),
				in.renderCookieName(),
			),
		),
		app.Div().Class("setting").Body(in.renderExportButton()),
	)
}

func (in *Inspector) renderResults() app.UI {
	return app.Div().Class("results").Body(
		app.If(in.exportOpen, func() app.UI { return in.renderExport() }),
		in.renderFindings(),
		in.renderHARTimeline(),
		in.renderTokens(),
	)
}

func renderFooter() app.UI {
	return app.Footer().Class("footer").Body(
		app.P().Text("tokenscope makes no network request while decoding and stores nothing you paste. Works offline after the first visit."),
	)
}

func (in *Inspector) renderExportButton() app.UI {
	b := app.Button().ID("export").Type("button").
		Aria("expanded", strconv.FormatBool(in.exportOpen)).
		Aria("controls", "export-panel").
		Text("Export report (Markdown)").
		OnClick(in.onToggleExport)
	if !in.analysed {
		// Only ever set to true: Disabled(false) prerenders as
		// disabled="false", which HTML reads as disabled.
		b = b.Disabled(true)
	}
	return b
}
