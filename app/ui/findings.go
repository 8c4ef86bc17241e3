package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
)

// renderFindings lists every finding, worst first. Each carries
// data-code and data-severity: outside tests and users' scripts rely on them.
func (in *Inspector) renderFindings() app.UI {
	r := in.report
	s := app.Section().ID("findings").Aria("labelledby", "findings-title")
	if in.env.ShowTiming {
		s = s.DataSet("analysis-us", in.stats.took.Microseconds()).DataSet("analyses", in.stats.count).
			DataSet("yields", in.stats.yields).DataSet("yielded-us", in.stats.yielded.Microseconds()).
			DataSet("longest-slice-us", in.stats.longestSlice.Microseconds()).DataSet("longest-slice-at", in.stats.longestSliceAt)
	}
	shown := in.reveal.shownFindings(r)
	if len(shown) < len(r.Findings) {
		s = s.Aria("busy", "true") // the rest follow, a batch a task (revealResult)
	}
	return s.Body(
		app.H2().ID("findings-title").Text(findingsTitle(r)),
		app.If(len(r.Findings) == 0, func() app.UI {
			return app.P().Class("empty").Text("Nothing to report.")
		}),
		app.Ul().Class("findings").Body(
			app.Range(shown).Slice(func(i int) app.UI {
				return in.renderFinding(i, shown[i], r)
			}),
		),
	)
}

func findingsTitle(r diagnose.Report) string {
	counts := map[diagnose.Severity]int{}
	for _, f := range r.Findings {
		counts[f.Severity]++
	}
	title := "Findings"
	if n := counts[diagnose.SeverityError]; n > 0 {
		title += " · " + plural(n, "error")
	}
	if n := counts[diagnose.SeverityWarn]; n > 0 {
		title += " · " + plural(n, "warning")
	}
	return title
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// FindingsShownWhole is how many findings (worst first) show their
// evidence at once; past it a finding shows its head, title, detail and fix,
// and a button that renders its evidence. A flood of malformed tokens gave
// 67 findings with 646 evidence rows, whose first render was one task of
// 410 to 450 ms in the page; the export still has every row.
const FindingsShownWhole = 16

// evidenceKey is the expanded key of a finding whose evidence was asked for.
func evidenceKey(i int) string { return "evidence-" + strconv.Itoa(i) }

func (in *Inspector) renderFinding(i int, f diagnose.Finding, r diagnose.Report) app.UI {
	return app.Li().
		ID("finding-"+strconv.Itoa(i)).
		Class("finding", "sev-"+string(f.Severity)).
		DataSet("code", string(f.Code)).
		DataSet("severity", string(f.Severity)).
		Body(
			app.Div().Class("finding-head").Body(
				app.Span().Class("badge", "sev-"+string(f.Severity)).Text(severityLabel(f.Severity)),
				app.Code().Class("code").Text(string(f.Code)),
				app.If(f.Token >= 0, func() app.UI {
					return app.A().Class("token-ref").Href("#token-" + strconv.Itoa(f.Token)).Text(r.TokenLabel(f.Token))
				}),
			),
			app.P().Class("finding-title").Text(f.Title),
			app.If(f.Detail != "", func() app.UI { return app.P().Class("detail").Text(f.Detail) }),
			app.If(f.Fix != "", func() app.UI {
				return app.P().Class("fix").Body(app.Strong().Text("Fix: "), app.Span().Text(f.Fix))
			}),
			app.If(len(f.Evidence) > 0, func() app.UI { return in.renderFindingEvidence(i, f.Evidence) }),
		)
}

// renderFindingEvidence is a finding's evidence, or past FindingsShownWhole
// the button that shows it.
func (in *Inspector) renderFindingEvidence(i int, ev []diagnose.Evidence) app.UI {
	if i < FindingsShownWhole || in.paste.expanded[evidenceKey(i)] {
		return renderEvidence(ev)
	}
	return app.Button().ID("show-" + evidenceKey(i)).Class("show-all").Type("button").
		Text("Show the evidence (" + plural(len(ev), "item") + ")").
		OnClick(in.onShowAll(evidenceKey(i)))
}

func renderEvidence(ev []diagnose.Evidence) app.UI {
	return app.Dl().Class("evidence").Body(
		app.Range(ev).Slice(func(i int) app.UI {
			return app.Div().Body(
				app.Dt().Text(ev[i].Name),
				app.Dd().Body(app.Code().Text(ev[i].Value)),
			)
		}),
	)
}

func severityLabel(s diagnose.Severity) string {
	switch s {
	case diagnose.SeverityError:
		return "Error"
	case diagnose.SeverityWarn:
		return "Warning"
	case diagnose.SeverityInfo:
		return "Info"
	default:
		return "OK"
	}
}
