package ui

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/timeline"
)

// A HAR (a file chosen in input#file, dropped on the page, or pasted) is
// read by timeline.Analyse instead of the token extraction. The analysis
// runs in a goroutine that hands the event loop back to the browser every
// yieldEvery, so the page paints its progress bar and answers input
// throughout; a new file, paste or secret cancels the run in flight.
const (
	// MaxFileBytes is the most of a chosen or dropped file the page reads:
	// timeline.MaxHARBytes. A bigger HAR is not analysed (timeline.too_large);
	// of a bigger text file the first MaxFileBytes are taken, of which the
	// analysis reads token.MaxInputBytes (input.too_large).
	MaxFileBytes = timeline.MaxHARBytes
	// TimelineRowsShown is how many timeline rows are drawn until "Show all"
	// is pressed; the export has them all (up to its own bound).
	TimelineRowsShown = 100
	// yieldEvery is how long the analysis runs between two hand-backs to the
	// browser: under the 50 ms that make a long task.
	yieldEvery = 30 * time.Millisecond
	// harSniffBytes is how much of a paste is looked at to tell a HAR.
	harSniffBytes = 4096
)

// timelineView is the HAR timeline's state: what is loaded, the run in
// flight and its result. Everything lives in memory only.
type timelineView struct {
	// source names what is loaded: the file's name, or "" for a pasted HAR.
	source string
	pasted bool
	// size is the file's whole size (len(data) unless it was over MaxFileBytes).
	size int
	// data is the HAR, kept so that new secrets re-read it. Never stored.
	data []byte
	// secrets are the secret values the current result (or run) used,
	// joined with NUL: a change of the secrets box starts a new run.
	secrets string
	// run counts runs; a run that finishes after a newer one started is
	// dropped.
	run    int
	cancel context.CancelFunc
	// running is set from the start of a run (or of reading the file) to
	// its result; done and total are its progress in bytes (0 total:
	// indeterminate).
	running     bool
	done, total int
	result      *timelineResult
	// readErr says why a chosen file could not be read.
	readErr string
	showAll bool
	// opened are the rows (by HAR index) whose tokens are drawn: a row's
	// token table is rendered when it is first opened, so the timeline's
	// first render stays small.
	opened map[int]bool
	// viewHeld keeps section#timeline-view out of the render that first
	// shows a result's findings.
	viewHeld bool
	// dragging is set while a file is dragged over the page.
	dragging bool
	// ctx is the context a load came with (a persistent element's), so a
	// change of secrets can start a run from analyse; async says the page
	// runs analyses off the UI goroutine (false natively).
	ctx   app.Context
	async bool
}

type timelineResult struct {
	tl       timeline.Timeline
	findings []diagnose.Finding
	took     time.Duration
}

// loaded says a HAR (or an attempt at one) is on the page.
func (h *timelineView) loaded() bool { return h.data != nil || h.result != nil || h.readErr != "" }

// stop cancels the run in flight, if any.
func (h *timelineView) stop() {
	if h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
	h.run++
	h.running = false
}

// clear forgets the loaded HAR.
func (h *timelineView) clear() {
	h.stop()
	*h = timelineView{run: h.run}
}

// LoadFile handles a file's bytes the way the page does once it has read
// them: a HAR goes to the timeline, anything else is analysed as if pasted.
// Natively (tests) the analysis runs at once.
func (in *Inspector) LoadFile(name string, data []byte) {
	in.takeFile(app.Context{}, false, name, data, len(data))
}

// takeFile routes a read file. size is the file's whole size; data holds at
// most MaxFileBytes of it.
func (in *Inspector) takeFile(ctx app.Context, async bool, name string, data []byte, size int) {
	in.har.clear()
	in.resetView()
	in.paste.generation++
	if timeline.LooksLikeHAR(data) {
		in.paste.held = nil
		in.paste.text = ""
		in.setBox(async, "")
		in.har.source, in.har.size, in.har.ctx, in.har.async = name, size, ctx, async
		if size > len(data) {
			in.har.result = &timelineResult{findings: []diagnose.Finding{timeline.TooLargeFinding(size)}}
			in.status = "The HAR " + name + " is too large to read (" + diagnose.ByteSize(size) + ")"
			in.analyse()
			return
		}
		in.har.data = data
		in.startTimeline()
		in.analyse()
		return
	}
	in.paste.text = string(data)
	in.setBox(async, in.boxText())
	in.status = "Read " + name + " (" + diagnose.ByteSize(size) + ") in this page, as text"
	if size > len(data) {
		in.status += "; only its first " + diagnose.ByteSize(len(data)) + " were read"
	}
	in.analyse()
}

// setBox shows text in the paste box (the page only: natively there is no box).
func (in *Inspector) setBox(async bool, text string) {
	if !async {
		return
	}
	if box := app.Window().GetElementByID("input"); box.Truthy() {
		box.Set("value", text)
	}
}

// routePastedHAR sends a pasted HAR to the timeline and reports whether the
// paste was one. A paste that is not a HAR drops a pasted HAR.
func (in *Inspector) routePastedHAR(ctx app.Context, async bool) bool {
	head := in.paste.text
	if len(head) > harSniffBytes {
		head = head[:harSniffBytes]
	}
	if !timeline.LooksLikeHAR([]byte(head)) {
		if in.har.pasted {
			in.har.clear()
		}
		return false
	}
	in.har.clear()
	in.har.pasted, in.har.size, in.har.ctx, in.har.async = true, len(in.paste.text), ctx, async
	in.har.data = []byte(in.paste.text)
	in.startTimeline()
	return true
}

// startTimeline runs timeline.Analyse on the loaded HAR with the secrets
// typed now: in a goroutine in the page, at once natively.
func (in *Inspector) startTimeline() {
	h := &in.har
	h.stop()
	run := h.run
	secrets := diagnose.SecretValues(in.secrets.text)
	h.secrets = strings.Join(secrets, "\x00")
	h.result, h.running, h.done, h.total, h.opened = nil, true, 0, len(h.data), nil
	data := h.data
	if !h.async {
		start := time.Now()
		tl, fs, _ := timeline.Analyse(context.Background(), data, timeline.Options{Secrets: secrets})
		h.finish(tl, fs, time.Since(start))
		return
	}
	ctx := h.ctx
	rctx, cancel := context.WithCancel(ctx)
	h.cancel = cancel
	yield := in.env.Yield
	ctx.Async(func() {
		last := time.Now()
		progress := func(done, total int) {
			if time.Since(last) < yieldEvery {
				return
			}
			showProgress(done, total)
			if yield != nil {
				// A cancelled run stops at Analyse's next ctx check.
				_ = yield(rctx)
			}
			last = time.Now()
		}
		start := time.Now()
		tl, fs, err := timeline.Analyse(rctx, data, timeline.Options{Secrets: secrets, Progress: progress})
		took := time.Since(start)
		if err == nil && yield != nil {
			// The analysis leaves megabytes of garbage; collected during
			// the next render, it made that render the run's longest task
			// (300 ms on a loaded machine). Collect it in a task of its own.
			_ = yield(rctx)
			runtime.GC()
			_ = yield(rctx)
		}
		ctx.Dispatch(func(app.Context) {
			if in.har.run != run || errors.Is(err, context.Canceled) {
				return
			}
			cancel()
			in.har.cancel = nil
			in.har.finish(tl, fs, took)
			// The findings and the verdict first; the timeline view in a
			// task of its own, so no one task renders both.
			in.har.viewHeld = true
			in.analyse()
			afterRender(ctx, yield, func() {
				if in.har.run == run {
					in.har.viewHeld = false
				}
			})
		})
	})
}

// showProgress moves progress#timeline-progress. It sets the element's
// value directly instead of dispatching a render: a render of the whole page
// at every hand-back was itself the page's longest task.
func showProgress(done, total int) {
	if p := app.Window().GetElementByID("timeline-progress"); p.Truthy() {
		p.Set("max", total)
		p.Set("value", done)
	}
}

func (h *timelineView) finish(tl timeline.Timeline, fs []diagnose.Finding, took time.Duration) {
	h.running = false
	h.done = h.total
	h.result = &timelineResult{tl: tl, findings: fs, took: took}
}

// timelineIntoReport is analyse's part for the timeline: new secrets start
// a new run; a finished run's findings join the report (so #verdict weighs
// them) and its rows go to the export.
func (in *Inspector) timelineIntoReport() {
	h := &in.har
	if h.data != nil && strings.Join(diagnose.SecretValues(in.secrets.text), "\x00") != h.secrets {
		in.startTimeline()
	}
	if h.result == nil {
		return
	}
	in.report.AddFindings(h.result.findings...)
	in.report.Timeline = h.result.tl.Rows()
	in.report.TimelineRotations = h.result.tl.Rotations
}

// analysisText is the text the token extraction reads: none while the
// paste is a HAR, which the timeline reads instead.
func (in *Inspector) analysisText() string {
	if in.har.pasted {
		return ""
	}
	return in.paste.text
}

// Timeline is the last finished timeline (zero when none).
func (in *Inspector) Timeline() timeline.Timeline {
	if in.har.result == nil {
		return timeline.Timeline{}
	}
	return in.har.result.tl
}

// onFile reads the file chosen in input#file.
func (in *Inspector) onFile(ctx app.Context, e app.Event) {
	files := ctx.JSSrc().Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	in.readFile(ctx, files.Index(0))
	// The same file chosen again must fire change again.
	ctx.JSSrc().Set("value", "")
}

// readFile reads a DOM File off the UI goroutine, then routes it.
func (in *Inspector) readFile(ctx app.Context, file app.Value) {
	reader := in.env.Files
	name := file.Get("name").String()
	if reader == nil {
		in.status = "Reading files is not available here"
		return
	}
	in.har.clear()
	in.har.source, in.har.running, in.har.ctx, in.har.async = name, true, ctx, true
	run := in.har.run
	in.status = "Reading " + name + "…"
	ctx.Async(func() {
		data, size, err := reader.ReadFile(ctx, file, MaxFileBytes)
		ctx.Dispatch(func(ctx app.Context) {
			if in.har.run != run {
				return // another file or paste came first
			}
			if err != nil {
				in.har.running = false
				in.har.readErr = err.Error()
				in.status = "Could not read " + name + ": " + err.Error()
				return
			}
			in.takeFile(ctx, true, name, data, size)
		})
	})
}

// hasFiles says a drag carries files (not text being dragged into a field).
func hasFiles(e app.Event) bool {
	dt := e.Get("dataTransfer")
	if !dt.Truthy() {
		return false
	}
	types := dt.Get("types")
	for i := 0; i < types.Length(); i++ {
		if types.Index(i).String() == "Files" {
			return true
		}
	}
	return false
}

func (in *Inspector) onDragOver(ctx app.Context, e app.Event) {
	if !hasFiles(e) {
		ctx.PreventUpdate()
		return
	}
	e.PreventDefault() // allows the drop
	if in.har.dragging {
		ctx.PreventUpdate()
		return
	}
	in.har.dragging = true
}

func (in *Inspector) onDragLeave(ctx app.Context, e app.Event) {
	// Leaving for a child element fires dragleave too; only leaving the
	// window (no related target) ends the drag.
	if rel := e.Get("relatedTarget"); rel.Truthy() || !in.har.dragging {
		ctx.PreventUpdate()
		return
	}
	in.har.dragging = false
}

func (in *Inspector) onDrop(ctx app.Context, e app.Event) {
	if !hasFiles(e) {
		return
	}
	e.PreventDefault() // the browser would open the file instead
	in.har.dragging = false
	files := e.Get("dataTransfer").Get("files")
	if files.Length() == 0 {
		return
	}
	in.readFile(ctx, files.Index(0))
}

func (in *Inspector) onClearFile(ctx app.Context, e app.Event) {
	in.har.clear()
	in.paste.generation++
	in.status = "Cleared the file"
	in.analyse()
}

// onRowToggle draws a row's tokens the first time it is opened.
func (in *Inspector) onRowToggle(index int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if !ctx.JSSrc().Get("open").Bool() || in.har.opened[index] {
			ctx.PreventUpdate()
			return
		}
		if in.har.opened == nil {
			in.har.opened = map[int]bool{}
		}
		in.har.opened[index] = true
	}
}

// OpenTimelineRow draws the tokens of the row of HAR entry index, as
// opening it in the page does.
func (in *Inspector) OpenTimelineRow(index int) {
	if in.har.opened == nil {
		in.har.opened = map[int]bool{}
	}
	in.har.opened[index] = true
}

func (in *Inspector) onShowAllRows(ctx app.Context, e app.Event) { in.har.showAll = true }

// onRowKey moves focus between timeline rows with the arrow keys, Home and
// End; Enter and Space open a row (the summary's own behaviour).
func (in *Inspector) onRowKey(ctx app.Context, e app.Event) {
	key := e.Get("key").String()
	target := e.Get("target")
	if !target.Truthy() || target.Get("tagName").String() != "SUMMARY" {
		return
	}
	li := target.Call("closest", "li.timeline-entry")
	if !li.Truthy() {
		return
	}
	var next app.Value
	switch key {
	case "ArrowDown":
		next = li.Get("nextElementSibling")
	case "ArrowUp":
		next = li.Get("previousElementSibling")
	case "Home":
		next = li.Get("parentElement").Get("firstElementChild")
	case "End":
		next = li.Get("parentElement").Get("lastElementChild")
	default:
		return
	}
	ctx.PreventUpdate()
	if !next.Truthy() {
		return
	}
	if s := next.Call("querySelector", "summary"); s.Truthy() {
		e.PreventDefault()
		s.Call("focus")
	}
}
