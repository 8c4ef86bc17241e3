package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
)

// renderVerdict is the one line shown first: which known cause the
// leading finding points at, linked to that finding. The choice is
// diagnose's (Report.Verdict); this only renders it. data-cause and
// data-code are for outside tests and users' scripts.
func (in *Inspector) renderVerdict() app.UI {
	r := in.report
	v := r.Verdict()
	s := app.Section().ID("verdict").
		Class("verdict", "cause-"+string(v.Cause)).
		Aria("labelledby", "verdict-title").
		DataSet("cause", string(v.Cause))
	if v.Lead < 0 {
		return s.DataSet("code", "").Body(
			app.H2().ID("verdict-title").Class("verdict-label").Text(causeLabel(v.Cause)),
			app.P().Class("verdict-sentence").Text(v.Sentence()),
		)
	}
	f := r.Findings[v.Lead]
	s = s.Class("sev-"+string(f.Severity)).DataSet("code", string(f.Code))
	return s.Body(
		app.H2().ID("verdict-title").Class("verdict-label").Text(causeLabel(v.Cause)),
		app.P().Class("verdict-sentence").Body(
			app.Text(v.Sentence()+" "),
			app.A().ID("verdict-link").Href("#finding-"+strconv.Itoa(v.Lead)).Body(
				app.Text(f.Title+" "),
				app.Code().Class("code").Text(string(f.Code)),
			),
		),
	)
}

// causeLabel names a cause as the verdict's heading.
func causeLabel(c diagnose.Cause) string {
	switch c {
	case diagnose.CauseEndpointMismatch:
		return "Verdict: wrong endpoint"
	case diagnose.CauseInvalidRefreshToken:
		return "Verdict: invalid refresh token"
	case diagnose.CauseRefreshRequestFormat:
		return "Verdict: request format"
	case diagnose.CauseLoginMissingRefresh:
		return "Verdict: login returned no refresh token"
	case diagnose.CauseCORSOrNetwork:
		return "Verdict: CORS or network"
	case diagnose.CauseSessionSecret:
		return "Verdict: session secret"
	case diagnose.CauseOther:
		return "Verdict: another problem"
	}
	return "Verdict: nothing wrong found"
}
