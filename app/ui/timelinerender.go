package ui

import (
	"math"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/timeline"
)

// fileAccept lists what input#file offers first; any file can still be chosen.
const fileAccept = ".har,.json,.log,.txt,application/json,text/plain,text/*"

// renderFileInput is input#file with what was loaded through it (or pasted
// as a HAR) and the timeline's progress.
func (in *Inspector) renderFileInput() app.UI {
	h := &in.har
	file := app.Input().ID("file").Type("file").Accept(fileAccept).
		Aria("describedby", "file-help").
		OnChange(in.onFile)
	if in.env.Files == nil {
		// Only ever set to true (see renderExportButton).
		file = file.Disabled(true)
	}
	return app.Div().Class("file-pick").Body(
		app.Label().For("file").Text("Or open a file: a HAR, a JSON document, a log or any text file"),
		file,
		app.P().ID("file-help").Class("help").Text("Or drop it anywhere on the page. A HAR (DevTools → Network → Export HAR, with sensitive data) becomes a timeline of the auth requests and the refresh-token lineage; other files are analysed as if pasted. The file is read in this page only: never uploaded, never stored."),
		app.If(h.running, func() app.UI { return in.renderTimelineProgress() }),
		app.If(!h.running && h.loaded(), func() app.UI { return in.renderFileSummary() }),
	)
}

func (in *Inspector) renderTimelineProgress() app.UI {
	h := &in.har
	label := "Reading " + h.source + "…"
	p := app.Progress().ID("timeline-progress").Class("timeline-progress").Aria("labelledby", "timeline-progress-label")
	if h.total > 0 {
		p = p.Max(h.total).Value(h.done)
		label = "Analysing the HAR (" + diagnose.ByteSize(h.total) + ")…"
	}
	return app.Div().Class("timeline-running").Body(
		app.Span().ID("timeline-progress-label").Text(label),
		p,
	)
}

func (in *Inspector) renderFileSummary() app.UI {
	h := &in.har
	what := "The pasted HAR"
	if !h.pasted {
		what = "HAR " + h.source
	}
	text := what + " (" + diagnose.ByteSize(h.size) + ") was read in this page and is not stored."
	if h.readErr != "" {
		text = "Could not read " + h.source + ": " + h.readErr
	} else if h.result != nil && h.result.took > 0 && in.env.ShowTiming {
		text += " Analysed in " + strconv.FormatFloat(float64(h.result.took.Microseconds())/1000, 'f', 1, 64) + " ms."
	}
	s := app.P().ID("file-summary").Class("paste-summary").DataSet("bytes", h.size)
	if h.result != nil && in.env.ShowTiming {
		s = s.DataSet("analysis-us", h.result.took.Microseconds())
	}
	return s.Body(
		app.Span().Text(text+" "),
		app.If(!h.pasted, func() app.UI {
			return app.Button().ID("file-clear").Type("button").Text("Clear the file").OnClick(in.onClearFile)
		}),
	)
}

// renderDropTarget is shown while a file is dragged over the page.
func (in *Inspector) renderDropTarget() app.UI {
	return app.If(in.har.dragging, func() app.UI {
		return app.Div().ID("drop-target").Class("drop-target").Aria("hidden", "true").Body(
			app.P().Text("Drop the file to read it in this page: a HAR, JSON, log or text file"),
		)
	})
}

// renderHARTimeline is section#timeline-view: one row per kept entry on a time
// axis (bars from start to end, so overlap shows), the refresh-token
// lineage, and each row opening to its tokens.
func (in *Inspector) renderHARTimeline() app.UI {
	h := &in.har
	if h.result == nil || h.result.tl.Total == 0 || h.viewHeld {
		return nil
	}
	tl := h.result.tl
	if len(tl.Entries) == 0 {
		return app.Section().ID("timeline-view").Class("timeline-view").Aria("labelledby", "timeline-title").Body(
			app.H2().ID("timeline-title").Text("Timeline · no auth request among "+plural(tl.Total, "entry")),
			app.P().Class("empty").Text("None of the HAR's requests is on NextAuth's routes or a token endpoint, or carries a token. Record the failing sequence with the app's own requests (the Network panel's filter off)."),
		)
	}
	rows := tl.Entries
	if !h.showAll && len(rows) > TimelineRowsShown {
		rows = rows[:TimelineRowsShown]
	}
	ax := newAxis(tl)
	lin := newLineageIndex(tl)
	return app.Section().ID("timeline-view").Class("timeline-view").Aria("labelledby", "timeline-title").Body(
		app.H2().ID("timeline-title").Text("Timeline · "+plural(len(tl.Entries), "request")+" of "+strconv.Itoa(tl.Total)+" · "+spanLabel(tl.End.Sub(tl.Start))),
		app.P().Class("help").Text("Each bar runs from the request's start to its response's end, on one axis from "+clock(tl.Start)+" to "+clock(tl.End)+" UTC: bars side by side overlapped in time. Open a row (Enter, or the arrow keys to move) for the tokens it sent and received, each judged at the time of the request."),
		in.renderLineage(tl, lin),
		app.Ol().ID("timeline-entries").Class("timeline-entries").Aria("label", "Requests, by start time").OnKeyDown(in.onRowKey).Body(
			app.Range(rows).Slice(func(i int) app.UI { return in.renderEntry(rows[i], ax, lin) }),
		),
		app.If(len(rows) < len(tl.Entries), func() app.UI {
			return app.Button().ID("timeline-show-all").Type("button").Text("Show all " + strconv.Itoa(len(tl.Entries)) + " rows").OnClick(in.onShowAllRows)
		}),
	)
}

// renderLineage lists which response replaced which refresh token, and when.
func (in *Inspector) renderLineage(tl timeline.Timeline, lin lineageIndex) app.UI {
	if len(tl.Rotations) == 0 {
		return app.P().ID("timeline-lineage").Class("timeline-lineage empty").Text("Refresh-token lineage: no response replaced a refresh token.")
	}
	return app.Div().Class("timeline-lineage-box").Body(
		app.H3().ID("timeline-lineage-title").Text("Refresh-token lineage"),
		app.Ol().ID("timeline-lineage").Class("timeline-lineage").Aria("labelledby", "timeline-lineage-title").Body(
			app.Range(tl.Rotations).Slice(func(i int) app.UI {
				r := tl.Rotations[i]
				e := tl.Entries[r.Step]
				li := app.Li().Class("rotation").
					DataSet("entry", e.Index).DataSet("from", r.From).DataSet("to", r.To).
					DataSet("delivered", yesNo(r.Delivered))
				if !r.Delivered {
					li = li.Class("dropped")
				}
				return li.Body(
					app.Span().Text(e.Label()+" at "+clock(e.End)+" replaced refresh "),
					renderTokenID(r.From),
					app.Span().Text(" with "),
					renderTokenID(r.To),
					app.If(!r.Delivered, func() app.UI {
						return app.Strong().Text(" — not stored: the next requests still carry the old one")
					}),
					app.If(len(lin.reusedAfter[r.From]) > 0, func() app.UI {
						return app.Span().Class("reused").Text(" · the old one was sent again by " + indexList(lin.reusedAfter[r.From]))
					}),
				)
			}),
		),
	)
}

func (in *Inspector) renderEntry(e timeline.Entry, ax axis, lin lineageIndex) app.UI {
	at, width := ax.place(e.Start, e.End)
	li := app.Li().ID("te-"+strconv.Itoa(e.Index)).Class("timeline-entry").
		DataSet("entry", e.Index).
		DataSet("method", e.Method).
		DataSet("path", e.Path).
		DataSet("status", e.Status).
		DataSet("start", stamp(e.Start)).
		DataSet("end", stamp(e.End))
	if e.SessionError != "" || e.Backend != nil {
		li = li.Class("failed")
	}
	if len(e.Overlaps) > 0 {
		li = li.Class("overlaps")
	}
	return li.Body(
		app.Details().Class("te-row").On("toggle", in.onRowToggle(e.Index), app.EventScope(e.Index)).Body(
			app.Summary().Class("te-summary").Body(
				app.Span().Class("te-time").Text(clock(e.Start)),
				app.Span().Class("te-req").Body(
					app.Code().Class("te-method").Text(e.Method),
					app.Span().Class("te-path").Text(" "+e.Path),
				),
				app.Span().Class("te-status", statusClass(e.Status)).Text(statusText(e.Status)),
				app.Span().Class("te-axis").Aria("hidden", "true").Body(
					app.Span().Class("te-bar", "at-"+strconv.Itoa(at), "w-"+strconv.Itoa(width)),
				),
				app.Span().Class("te-marks").Body(renderMarks(e, lin)...),
			),
			app.If(in.har.opened[e.Index], func() app.UI { return renderEntryTokens(e, lin) }).
				Else(func() app.UI { return app.Div().Class("te-tokens pending") }),
		),
	)
}

// renderMarks are the row's short notes: a rotation it made, an error it
// carried, the entries it overlapped.
func renderMarks(e timeline.Entry, lin lineageIndex) []app.UI {
	var out []app.UI
	for _, r := range lin.byEntry[e.Index] {
		cls := "mark rotated"
		text := "rotated"
		if !r.Delivered {
			cls, text = "mark dropped", "rotation not stored"
		}
		out = append(out, app.Span().Class(cls).Text(text))
	}
	if e.SessionError != "" {
		out = append(out, app.Span().Class("mark error").Text("error "+e.SessionError))
	}
	if e.Backend != nil {
		out = append(out, app.Span().Class("mark error").Text(string(e.Backend.Code)))
	}
	if len(e.Overlaps) > 0 {
		out = append(out, app.Span().Class("mark overlap").Text("overlaps "+indexList(e.Overlaps)))
	}
	return out
}

func renderEntryTokens(e timeline.Entry, lin lineageIndex) app.UI {
	type row struct {
		dir string
		t   timeline.Token
	}
	var rows []row
	for _, t := range e.Sent {
		rows = append(rows, row{"sent", t})
	}
	for _, t := range e.Received {
		rows = append(rows, row{"received", t})
	}
	return app.Div().Class("te-tokens").Body(
		app.P().Class("te-sessions").Text(sessionText("Session cookie sent", e.SentSession)+" · "+sessionText("set", e.ReceivedSession)+" · "+e.Host),
		app.If(len(rows) == 0, func() app.UI {
			return app.P().Class("empty").Text("No backend token in this request or its response.")
		}),
		app.If(len(rows) > 0, func() app.UI {
			return app.Table().Class("te-token-table").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Direction"),
					app.Th().Scope("col").Text("Type"),
					app.Th().Scope("col").Text("jti (or hash)"),
					app.Th().Scope("col").Text("Where"),
					app.Th().Scope("col").Text("At the request's time"),
				)),
				app.TBody().Body(app.Range(rows).Slice(func(i int) app.UI {
					r := rows[i]
					return app.Tr().Class("te-token", r.dir).DataSet("direction", r.dir).DataSet("type", r.t.Type).DataSet("jti", r.t.ID).Body(
						app.Td().Text(r.dir),
						app.Td().Text(r.t.Type),
						app.Td().Body(renderTokenID(r.t.ID)),
						app.Td().Text(r.t.Where),
						app.Td().Text(judgeAtEntry(r.t, e, r.dir, lin)),
					)
				})),
			)
		}),
	)
}

// judgeAtEntry says what the token was when the request was made, not now.
func judgeAtEntry(t timeline.Token, e timeline.Entry, dir string, lin lineageIndex) string {
	var s string
	switch {
	case t.Exp.IsZero():
		s = "no exp"
	case t.ExpiredAtEntry:
		s = "expired " + spanLabel(t.ExpiredFor) + " before"
	default:
		s = "valid, " + spanLabel(t.Exp.Sub(e.Start)) + " left"
	}
	if dir == "sent" && t.Type == "refresh" {
		if r, ok := lin.replacedBy[t.ID]; ok && r.entry != e.Index {
			if e.Start.Before(r.at) {
				s += "; replaced meanwhile by #" + strconv.Itoa(r.entry) + "'s response (" + clock(r.at) + ")"
			} else {
				s += "; already replaced by #" + strconv.Itoa(r.entry) + "'s response (" + clock(r.at) + ")"
			}
		}
	}
	return s
}

// renderTokenID shows a jti shortened, whole in the title and data-jti.
func renderTokenID(id string) app.UI {
	short := id
	if len(short) > 12 {
		short = short[:8] + "…"
	}
	return app.Code().Class("jti").Title(id).DataSet("jti", id).Text(short)
}

func sessionText(what string, s timeline.SessionState) string {
	if s == timeline.SessionNone {
		return what + ": none"
	}
	return what + ": " + string(s)
}

// lineageIndex looks the rotations up by entry and by replaced token.
type lineageIndex struct {
	byEntry    map[int][]diagnose.Rotation
	replacedBy map[string]replacement
	// reusedAfter lists the entries that sent a refresh token after (or
	// while) another response replaced it.
	reusedAfter map[string][]int
}

type replacement struct {
	entry int
	at    time.Time
}

func newLineageIndex(tl timeline.Timeline) lineageIndex {
	l := lineageIndex{byEntry: map[int][]diagnose.Rotation{}, replacedBy: map[string]replacement{}, reusedAfter: map[string][]int{}}
	for _, r := range tl.Rotations {
		if r.Step < 0 || r.Step >= len(tl.Entries) {
			continue
		}
		e := tl.Entries[r.Step]
		l.byEntry[e.Index] = append(l.byEntry[e.Index], r)
		if _, seen := l.replacedBy[r.From]; !seen {
			l.replacedBy[r.From] = replacement{entry: e.Index, at: e.End}
		}
	}
	for _, e := range tl.Entries {
		for _, t := range e.Sent {
			if r, ok := l.replacedBy[t.ID]; ok && t.Type == "refresh" && r.entry != e.Index {
				l.reusedAfter[t.ID] = appendOnce(l.reusedAfter[t.ID], e.Index)
			}
		}
	}
	return l
}

func appendOnce(xs []int, x int) []int {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// axis maps instants to whole percents of the timeline's span: the bars'
// classes (at-N, w-N in tokenscope.css; the page's CSP allows no style
// attribute, so positions are classes).
type axis struct {
	start time.Time
	span  time.Duration
}

func newAxis(tl timeline.Timeline) axis { return axis{start: tl.Start, span: tl.End.Sub(tl.Start)} }

// place returns the bar's start (0..99) and width (1..100), in percent.
func (a axis) place(start, end time.Time) (at, width int) {
	if a.span <= 0 || start.IsZero() {
		return 0, 100
	}
	at = int(math.Floor(float64(start.Sub(a.start)) / float64(a.span) * 100))
	stop := int(math.Ceil(float64(end.Sub(a.start)) / float64(a.span) * 100))
	at = min(max(at, 0), 99)
	stop = min(max(stop, at+1), 100)
	return at, stop - at
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("15:04:05.000")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func spanLabel(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Millisecond).String()
	}
	return diagnose.Span(d)
}

func statusText(s int) string {
	if s == 0 {
		return "no response"
	}
	return strconv.Itoa(s)
}

func statusClass(s int) string {
	switch {
	case s >= 200 && s < 400:
		return "status-ok"
	case s >= 400:
		return "status-error"
	default:
		return "status-none"
	}
}

func indexList(xs []int) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += "#" + strconv.Itoa(x)
	}
	return out
}

// yesNo is a data attribute's value: go-app writes "true" as a bare
// attribute.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
