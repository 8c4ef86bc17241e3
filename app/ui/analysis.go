package ui

import (
	"cmp"
	"context"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
)

// analysisStats measure the last analysis shown.
type analysisStats struct {
	// took is its wall time (the real clock, not Env.Now, which tests pin);
	// it was cut into slices by yields, which waited yielded in all for the
	// page's own work.
	took                  time.Duration
	yields                int
	yielded, longestSlice time.Duration
	// longestSliceAt is where the longest slice ended (Pacer.LongestAt).
	longestSliceAt string
	// count is how many analyses ran, shown as #findings' data-analyses so
	// the browser tests can tell a debounced burst of keystrokes from one
	// analysis per keystroke.
	count int
}

// Long work (the analysis of a big paste, a HAR's timeline) runs off the UI
// goroutine, in slices: the job calls a pause at bounded intervals of work
// (diagnose.Options.Pause), and the pause hands the event loop back to the
// browser (Env.Yield) once a slice's time is used up, so the page paints,
// scrolls and takes input between slices. Go on wasm returns to the event
// loop only when every goroutine blocks; Yield is that block.
//
// Why slices and not a Web Worker. go-app cannot start in a worker (it
// takes over document.body), so a worker would need a second wasm binary
// holding token/ and diagnose/ without go-app: a second download and
// compile of a few MB (the size budget is 2.2 MB gzip for the page as it
// is), a second Go heap, the paste copied into the worker (50 MB through
// postMessage, or encoded on the main thread first: a long task itself)
// and the Report serialised back; the service worker and the bookmarklet's
// window would have to carry it too. Slicing costs one yield per
// sliceBudget: a scheduler.yield round trip is well under a millisecond, so
// the overhead is the page's own work between slices (painting, the
// progress bar), which is the point. Measured (./build.sh bench, "big
// paste"): a 10 MiB paste shows its token after about 1.7 s in 21 slices on
// a 2-core machine at load 6, with 11 frames painted meanwhile; before, the
// page was frozen for the whole run. What slicing cannot cut is one piece
// of work between two pauses, a Go GC cycle (no preemption on wasm), and
// the render of the result (CardsShownWhole bounds it).

const (
	// sliceBudget is how long a job works before it yields to the browser:
	// short enough for about 30 frames a second and for input to feel
	// immediate, long enough that yielding costs a few per cent.
	sliceBudget = 30 * time.Millisecond
	// progressDelay is how long a run goes before it shows its progress and
	// the cancel button: quicker runs would only make them flicker.
	progressDelay = 100 * time.Millisecond
	// progressEvery is how often a long run re-renders its progress; each
	// render of the page is work on the main thread too.
	progressEvery = 150 * time.Millisecond
)

// Job is the work of one run. It calls p.Pause between bounded units of
// work and stops with Pause's error; on success it returns the function that
// publishes its result, called on the UI goroutine only while the run is
// still the current one (never after a newer run started or a cancel).
type Job func(p *Pacer) (publish func(), err error)

// runner runs one Job at a time. Starting a run cancels the one in flight;
// the superseded run stops at its next pause and never publishes. The
// inspector has one for the analysis; a panel with long work of its own (the
// HAR timeline) can own another.
//
// Before Attach, and always when yield is nil (native tests, prerendering),
// Start runs the job to the end at once, so tests stay synchronous and
// deterministic.
type runner struct {
	yield func(context.Context) error
	ui    app.Context
	// attached is set once Attach gave the runner the page's context.
	attached bool
	// active is the run in flight; nil when idle.
	active *Pacer
	// runs counts the runs started.
	runs int
	// slice is how long a run works between yields; zero is sliceBudget.
	// Tests set it to a nanosecond so a run yields at its first pause,
	// whatever the machine's speed.
	slice time.Duration
}

// Pacer is one run's pause hook and its progress. The job's goroutine calls
// Pause and Phase; the UI goroutine reads Progress.
type Pacer struct {
	ctx    context.Context
	cancel context.CancelFunc
	yield  func(context.Context) error
	slice  time.Duration // the runner's slice budget
	// show asks the UI goroutine to render the progress (nil when the run
	// is synchronous).
	show func()

	started, lastYield, lastShown time.Time
	done, total                   atomic.Int64
	phase                         atomic.Pointer[string]
	// shown is set (on the UI goroutine) once the run went on long enough
	// to show its progress.
	shown bool
	// yields counts the times the run handed the event loop back, and
	// yielded how long it waited for it (the page's own work meanwhile).
	yields  int
	yielded time.Duration
	// longest is the longest slice the run worked without yielding, and
	// longestAt where it ended (where).
	longest   time.Duration
	longestAt string
}

// Attach makes later runs go off the UI goroutine of the page ctx belongs
// to. The component calls it from OnMount.
func (r *runner) Attach(ctx app.Context) {
	r.ui, r.attached = ctx, true
}

// Start cancels the run in flight and starts job.
func (r *runner) Start(job Job) {
	r.Cancel()
	r.runs++
	ctx, cancel := context.WithCancel(context.Background())
	now := time.Now()
	p := &Pacer{ctx: ctx, cancel: cancel, started: now, lastYield: now, slice: cmp.Or(r.slice, sliceBudget)}
	p.SetPhase("Analysing")
	if !r.attached || r.yield == nil {
		publish, err := job(p)
		cancel()
		if err == nil {
			publish()
		}
		return
	}
	p.yield = r.yield
	r.active = p
	ui := r.ui
	p.show = func() {
		ui.Dispatch(func(app.Context) {
			if r.active == p {
				p.shown = true
			}
		})
	}
	ui.Async(func() {
		publish, err := job(p)
		if err == nil && p.yields > 0 {
			p.collect()
		}
		ui.Dispatch(func(app.Context) {
			if r.active != p {
				return // superseded or cancelled: a newer state is shown
			}
			r.active = nil
			cancel()
			if err == nil {
				publish()
			}
		})
	})
}

// collect runs Go's garbage collector in a task of its own, between two
// yields, once a long run is done. A big paste leaves megabytes of garbage
// (the text copied in slices, the extraction's scratch), and Go on wasm
// collects without preemption: left to itself, the cycle fell into the
// render of the result and made it the run's longest task. Short runs skip
// it: their garbage is small.
func (p *Pacer) collect() {
	if p.yieldAt(time.Now()) != nil {
		return
	}
	p.SetPhase("Collecting garbage")
	runtime.GC()
	_ = p.yieldAt(time.Now())
}

// afterRender runs then on the UI goroutine in a task of its own, after the
// render that is pending now: go-app renders once for all pending
// dispatches, so a part held out of this render (a long run's token cards,
// a HAR's timeline view) is released only once that render is done, and
// the two never share a task. A nil yield (natively) skips the hand-back.
func afterRender(ui app.Context, yield func(context.Context) error, then func()) {
	ui.Defer(func(ctx app.Context) {
		ctx.Async(func() {
			if yield != nil {
				_ = yield(ctx)
			}
			ctx.Dispatch(func(app.Context) { then() })
		})
	})
}

// Cancel stops the run in flight, if any, and reports whether there was
// one. The run stops at its next pause and publishes nothing.
func (r *runner) Cancel() bool {
	p := r.active
	if p == nil {
		return false
	}
	r.active = nil
	p.cancel()
	return true
}

// Running returns the run in flight and whether its progress is shown.
func (r *runner) Running() (*Pacer, bool) {
	if r.active == nil {
		return nil, false
	}
	return r.active, r.active.shown
}

// Pause records progress (done of total units, bytes for an analysis) and,
// once sliceBudget has passed since the last yield, yields to the browser.
// It returns the context's error when the run was cancelled or superseded:
// the job must then stop and return it.
func (p *Pacer) Pause(done, total int) error {
	if err := p.ctx.Err(); err != nil {
		return err
	}
	p.done.Store(int64(done))
	p.total.Store(int64(total))
	if p.yield == nil {
		return nil
	}
	now := time.Now()
	if now.Sub(p.lastYield) < p.slice {
		return nil
	}
	if now.Sub(p.started) >= progressDelay && now.Sub(p.lastShown) >= progressEvery {
		p.lastShown = now
		p.show()
	}
	return p.yieldAt(now)
}

// Yield hands the event loop back now, whatever the time used so far.
func (p *Pacer) Yield() error {
	if err := p.ctx.Err(); err != nil || p.yield == nil {
		return err
	}
	return p.yieldAt(time.Now())
}

func (p *Pacer) yieldAt(now time.Time) error {
	if d := now.Sub(p.lastYield); d > p.longest {
		p.longest, p.longestAt = d, p.where()
	}
	err := p.yield(p.ctx)
	p.yields++
	p.lastYield = time.Now()
	p.yielded += p.lastYield.Sub(now)
	return err
}

// SetPhase names what the run is doing ("Reading the paste", "Analysing").
func (p *Pacer) SetPhase(name string) { p.phase.Store(&name) }

// Progress is how far the run got: done of total, and what it is doing.
func (p *Pacer) Progress() (done, total int64, phase string) {
	return p.done.Load(), p.total.Load(), *p.phase.Load()
}

// Slices says how the run was cut: how many times it handed the event loop
// back, how long it waited there in all, and the longest it worked without
// yielding. Read it once the job returned.
func (p *Pacer) Slices() (yields int, yielded, longest time.Duration) {
	return p.yields, p.yielded, max(p.longest, time.Since(p.lastYield))
}

// LongestAt says where the longest slice ended: the phase and the progress
// ("Analysing 524288/1048576"), or "end" when it was the run's last stretch.
// The bench prints it, to tell which step of a run outgrew its slice.
func (p *Pacer) LongestAt() string {
	if time.Since(p.lastYield) > p.longest {
		return "end"
	}
	return p.longestAt
}

func (p *Pacer) where() string {
	return *p.phase.Load() + " " + strconv.FormatInt(p.done.Load(), 10) + "/" + strconv.FormatInt(p.total.Load(), 10)
}

// renderProgress is the running analysis's progress bar and cancel button,
// shown in the results column once a run goes on past progressDelay.
func (in *Inspector) renderProgress() app.UI {
	p, _ := in.analysis.Running()
	done, total, phase := p.Progress()
	pct := 0
	if total > 0 {
		pct = int(min(done*100/total, 100))
	}
	return app.Div().ID("analysis-running").Class("analysis-running").Body(
		app.Label().For("analysis-progress").Text(phase+"… "+strconv.Itoa(pct)+" %"),
		app.Progress().ID("analysis-progress").
			Attr("max", max(total, 1)).
			Attr("value", min(done, max(total, 1))),
		app.Button().ID("cancel-analysis").Type("button").Text("Cancel").OnClick(in.onCancelAnalysis),
	)
}

// progressShown reports whether a run went on long enough to show its
// progress.
func (in *Inspector) progressShown() bool {
	_, shown := in.analysis.Running()
	return shown
}

func (in *Inspector) onCancelAnalysis(ctx app.Context, e app.Event) { in.CancelAnalysis() }

// CancelAnalysis stops the analysis in flight, as the cancel button does.
func (in *Inspector) CancelAnalysis() {
	if !in.analysis.Cancel() {
		return
	}
	if in.paste.held != nil && in.paste.held.reading {
		in.paste.held = nil // the box's preview is all that was read
	}
	// The findings shown are of an older paste: drop them rather than let
	// them pass for this one's.
	in.report = diagnose.Report{Now: in.env.Now()}
	in.analysed = false
	in.setAnalysisStatus("Analysis cancelled: no finding shown is from this paste. Settings → Re-check now runs it again.")
}

// setAnalysisStatus writes what the analysis has to say into #status,
// unless something else (a copy, a probe, the bridge) spoke since the
// analysis last did: a run that ends later must not talk over it.
func (in *Inspector) setAnalysisStatus(msg string) {
	if in.status == "" || in.status == in.analysisStatus {
		in.status = msg
	}
	in.analysisStatus = msg
}
