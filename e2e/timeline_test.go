package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tokenscope/e2e/harfixtures"
)

// The HAR timeline in the page: every recorded HAR uploaded through
// input#file with its secret typed, the 20 MB one with the page responsive
// throughout, a HAR pasted, a HAR dropped, and the rows by keyboard. No
// request may leave the page meanwhile.

// timelineExtraCodes are codes a fixture gives beyond its manifest's
// expectedCodes, as app/timeline's fixture test lists them.
var timelineExtraCodes = map[string][]string{
	"client-race-forked.har": {"timeline.refresh_forked"},
}

// largeHARPath writes the 20 MB HAR (built, not committed) once per run.
var largeHARPath = sync.OnceValues(func() (string, error) {
	data, err := harfixtures.LargeHAR()
	if err != nil {
		return "", err
	}
	path := filepath.Join(workDir, "nextauth-race.large.har")
	return path, os.WriteFile(path, data, 0o600)
})

func harManifest(t *testing.T) *harfixtures.Manifest {
	t.Helper()
	m, err := harfixtures.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// harPath is where the fixture's file is on disk, for the file chooser.
func harPath(t *testing.T, f harfixtures.Fixture) string {
	t.Helper()
	if f.File == "nextauth-race.large.har" {
		p, err := largeHARPath()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	return filepath.Join(harfixtures.Dir(), f.File)
}

// timelineCodes are the codes the HAR reader can give: every timeline.*
// code, and every code some fixture expects (simplejwt.* for a refused
// client-side refresh).
func timelineCodes(m *harfixtures.Manifest) map[string]bool {
	out := map[string]bool{}
	for _, f := range m.Fixtures {
		if f.Kind != "har" {
			continue
		}
		for _, c := range f.Codes {
			out[c] = true
		}
		for _, c := range f.Absent {
			out[c] = true
		}
	}
	for _, cs := range timelineExtraCodes {
		for _, c := range cs {
			out[c] = true
		}
	}
	return out
}

// pageCodes lists the distinct finding codes on the page, sorted.
func (tb *tab) pageCodes() []string {
	tb.t.Helper()
	codes := eval[[]string](tb, `[...new Set([...document.querySelectorAll(".finding[data-code]")].map(e => e.dataset.code))]`)
	sort.Strings(codes)
	return codes
}

// upload chooses a file in input#file, as the file dialog does.
//
// It returns once the page has taken the file: its progress bar showed, or
// #status or #file-summary names the file. A re-render between chromedp's
// query of input#file and DOM.setFileInputFiles can hand the file to a node
// go-app just replaced; no change event fires then, so the upload is retried.
// The watcher is installed before the file is set, so a run that is over
// before the next CDP call is still seen.
func (tb *tab) upload(path string) {
	tb.t.Helper()
	name := filepath.Base(path)
	for attempt := 1; ; attempt++ {
		eval[bool](tb, fmt.Sprintf(`(() => {
			const name = %s;
			const taken = () => !!document.querySelector("progress#timeline-progress") ||
				["#status", "#file-summary"].some((s) => (document.querySelector(s)?.textContent ?? "").includes(name));
			window.__tsUpload?.o.disconnect();
			const w = {};
			w.taken = new Promise((ok) => {
				w.o = new MutationObserver(() => { if (taken()) { w.o.disconnect(); ok(true); } });
				setTimeout(() => ok(false), 10000);
			});
			w.o.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
			window.__tsUpload = w;
			return true;
		})()`, jsString(name)))
		tb.do("choosing "+name, chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}))
		// Resolved from the observer's own callback: no timer or frame, which
		// a running analysis's scheduler.yield continuations would delay.
		if eval[bool](tb, `window.__tsUpload.taken`) {
			return
		}
		if attempt == 3 {
			tb.t.Fatalf("the page never took %s (3 attempts)", name)
		}
		tb.t.Logf("the page did not take %s; choosing it again", name)
	}
}

// waitTimeline waits until the HAR named name is analysed and shown: its
// summary is up, no run is in flight, timeline.loaded is listed and the
// view is drawn (it comes in a task after the findings', and a new file
// removes the previous view when its run starts).
func (tb *tab) waitTimeline(name string, timeout time.Duration) {
	tb.t.Helper()
	tb.waitJS("the timeline of "+name, fmt.Sprintf(`(() => {
		const s = document.querySelector("#file-summary");
		return !!s && s.textContent.includes(%s) && !document.querySelector("progress#timeline-progress") &&
			!!document.querySelector('.finding[data-code="timeline.loaded"]') && !!document.querySelector("section#timeline-view");
	})()`, jsString(name)), timeout)
}

func checkTimelineCodes(t *testing.T, tb *tab, f harfixtures.Fixture, known map[string]bool) {
	t.Helper()
	want := append(slices.Clone(f.Codes), timelineExtraCodes[f.File]...)
	sort.Strings(want)
	want = slices.Compact(want)
	var got []string
	for _, c := range tb.pageCodes() {
		if known[c] || strings.HasPrefix(c, "timeline.") {
			got = append(got, c)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("timeline codes\n got %v\nwant %v\n%s", got, want, tb.text("#findings"))
	}
	if strings.Contains(f.Scenario, "healthy") {
		if n := eval[int](tb, `document.querySelectorAll('.finding[data-severity="error"]').length`); n > 0 {
			t.Errorf("the healthy chain shows %d error(s):\n%s", n, tb.text("#findings"))
		}
	}
}

// TestTimelineFixtures uploads every recorded HAR through input#file, with
// the secret the manifest gives typed first, in one tab: each gives its
// expected codes and no other timeline code, and the page sends nothing.
func TestTimelineFixtures(t *testing.T) {
	m := harManifest(t)
	known := timelineCodes(m)
	tb := openInspector(t)
	tb.waitNetworkIdle(300 * time.Millisecond)
	before := tb.net.mark()
	for _, f := range m.Fixtures {
		if f.Kind != "har" || f.File == "nextauth-race.large.har" {
			continue // the large one has its own test
		}
		t.Run(f.File, func(t *testing.T) {
			tb.t = t
			tb.typeInto("textarea#secret", f.Secret)
			tb.upload(harPath(t, f))
			tb.waitTimeline(f.File, 30*time.Second)
			checkTimelineCodes(t, tb, f, known)
			rows := eval[int](tb, `document.querySelectorAll("#timeline-view li.timeline-entry").length`)
			if len(f.Facts.Entries) > 0 && rows == 0 {
				t.Error("no timeline row")
			}
			for _, e := range f.Facts.Entries {
				if n := eval[int](tb, fmt.Sprintf(`document.querySelectorAll('li.timeline-entry[data-entry="%d"]').length`, e.Index)); n != 1 {
					t.Errorf("entry %d (%s %s) has %d rows", e.Index, e.Method, e.Path, n)
				}
			}
			for _, r := range f.Facts.Rotations {
				sel := fmt.Sprintf(`#timeline-lineage li[data-entry="%d"][data-from=%s][data-to=%s]`, r.Index, jsString(r.From), jsString(r.To))
				if n := eval[int](tb, `document.querySelectorAll(`+jsString(sel)+`).length`); n != 1 {
					t.Errorf("lineage lacks #%d %s → %s", r.Index, r.From, r.To)
				}
			}
		})
	}
	tb.t = t
	if reqs := tb.net.since(before); len(reqs) > 0 {
		t.Errorf("the page sent %d request(s) while reading HARs: %v", len(reqs), reqs)
	}
	tb.assertNothingStored(m.Secrets.NextAuthSecret, m.Secrets.AuthSecret)
	if errs := tb.log.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// largeWatchJS records, from the moment input#file changes until
// timeline.loaded shows: the animation frames the browser ran, whether
// progress#timeline-progress showed and the highest value it reached, and
// the longest task.
const largeWatchJS = `(() => {
	const w = window.__tsLarge = {frames: 0, progress: false, progressMax: 0, longTask: 0, done: false, start: 0, end: 0};
	const input = document.querySelector("input#file");
	const po = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) if (!w.done) w.longTask = Math.max(w.longTask, e.duration);
	});
	po.observe({type: "longtask"});
	const frame = () => {
		if (w.done) return;
		w.frames++;
		requestAnimationFrame(frame);
	};
	const look = () => {
		const p = document.querySelector("progress#timeline-progress");
		if (p) {
			w.progress = true;
			w.progressMax = Math.max(w.progressMax, p.value || 0);
		}
		if (!w.done && document.querySelector('.finding[data-code="timeline.loaded"]') && document.querySelector("#timeline-view li.timeline-entry")) {
			w.done = true;
			w.end = performance.now();
			obs.disconnect();
			po.disconnect();
		}
	};
	const obs = new MutationObserver(look);
	input.addEventListener("change", () => {
		w.start = performance.now();
		obs.observe(document.body, {subtree: true, childList: true, attributes: true});
		requestAnimationFrame(frame);
	}, {capture: true, once: true});
	return true;
})()`

// TestTimelineLargeHAR: the 20 MB HAR (2,000 unrelated entries around the
// race) gives the race's codes, with progress shown and animation frames
// running during the analysis, and no request.
func TestTimelineLargeHAR(t *testing.T) {
	m := harManifest(t)
	var f harfixtures.Fixture
	for _, x := range m.Fixtures {
		if x.File == "nextauth-race.large.har" {
			f = x
		}
	}
	if f.File == "" {
		t.Fatal("the manifest has no large HAR")
	}
	path := harPath(t, f)
	tb := openInspector(t)
	tb.waitNetworkIdle(300 * time.Millisecond)
	before := tb.net.mark()
	tb.typeInto("textarea#secret", f.Secret)
	eval[bool](tb, largeWatchJS)
	tb.upload(path)
	tb.waitTimeline(f.File, 60*time.Second)
	checkTimelineCodes(t, tb, f, timelineCodes(m))
	type watch struct {
		Frames      int     `json:"frames"`
		Progress    bool    `json:"progress"`
		ProgressMax float64 `json:"progressMax"`
		LongTask    float64 `json:"longTask"`
		Done        bool    `json:"done"`
		Start       float64 `json:"start"`
		End         float64 `json:"end"`
	}
	w := eval[watch](tb, `window.__tsLarge`)
	if !w.Done {
		t.Fatal("the watch never saw the timeline")
	}
	if !w.Progress {
		t.Error("progress#timeline-progress never showed")
	}
	if w.ProgressMax <= 0 {
		t.Error("progress#timeline-progress never advanced: the analysis' progress does not reach the page")
	}
	if w.Frames <= 1 {
		t.Errorf("%d animation frame(s) ran during the analysis: the page was frozen", w.Frames)
	}
	t.Logf("20 MB HAR: %.0f ms to the timeline, %d frames, longest task %.0f ms (shared machine: not a budget figure)", w.End-w.Start, w.Frames, w.LongTask)
	if reqs := tb.net.since(before); len(reqs) > 0 {
		t.Errorf("the page sent %d request(s) during the analysis: %v", len(reqs), reqs)
	}
	if n := eval[int](tb, `document.querySelector("textarea#input").value.length`); n != 0 {
		t.Errorf("the HAR's text went into the paste box (%d chars)", n)
	}
}

// TestTimelinePastedHAR: a HAR pasted into the box is read as a HAR, with
// the same codes as the upload; typing over it brings the token analysis back.
func TestTimelinePastedHAR(t *testing.T) {
	m := harManifest(t)
	known := timelineCodes(m)
	var f harfixtures.Fixture
	for _, x := range m.Fixtures {
		if x.File == "nextauth-race.har" {
			f = x
		}
	}
	data, err := os.ReadFile(harPath(t, f))
	if err != nil {
		t.Fatal(err)
	}
	tb := openInspector(t)
	tb.waitNetworkIdle(300 * time.Millisecond)
	before := tb.net.mark()
	tb.typeInto("textarea#secret", f.Secret)
	tb.paste(string(data))
	tb.waitJS("the pasted HAR's timeline", `!!document.querySelector("#timeline-view li.timeline-entry") && !document.querySelector("progress#timeline-progress") && !!document.querySelector('.finding[data-code="timeline.concurrent_refresh"]')`, 30*time.Second)
	checkTimelineCodes(t, tb, f, known)
	if n := eval[int](tb, `document.querySelectorAll("[data-token-index]").length`); n != 0 {
		t.Errorf("the pasted HAR went through the token extraction too: %d token cards", n)
	}
	if reqs := tb.net.since(before); len(reqs) > 0 {
		t.Errorf("the page sent %d request(s): %v", len(reqs), reqs)
	}
	tb.paste("not a HAR any more")
	tb.waitJS("the timeline to go", `!document.querySelector("#timeline-view") && !document.querySelector('.finding[data-code="timeline.loaded"]')`, 15*time.Second)
}

// TestTimelineDrop drops a HAR on the page through a synthetic DragEvent
// holding a File: the drop target shows while dragging, then the timeline.
func TestTimelineDrop(t *testing.T) {
	m := harManifest(t)
	var f harfixtures.Fixture
	for _, x := range m.Fixtures {
		if x.File == "nextauth-healthy.har" {
			f = x
		}
	}
	data, err := os.ReadFile(harPath(t, f))
	if err != nil {
		t.Fatal(err)
	}
	tb := openInspector(t)
	tb.typeInto("textarea#secret", f.Secret)
	eval[bool](tb, fmt.Sprintf(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([%s], %s, {type: "application/json"}));
		window.__tsDrop = dt;
		const at = document.querySelector("#findings-title") || document.querySelector("textarea#input");
		for (const type of ["dragenter", "dragover"]) {
			at.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
		}
		return true;
	})()`, jsString(string(data)), jsString(f.File)))
	tb.waitFor("#drop-target")
	allowed := eval[bool](tb, `(() => {
		const ev = new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: window.__tsDrop});
		document.querySelector("footer").dispatchEvent(ev);
		return ev.defaultPrevented;
	})()`)
	if !allowed {
		t.Error("the page did not take the drop (the browser would open the file)")
	}
	tb.waitTimeline(f.File, 30*time.Second)
	checkTimelineCodes(t, tb, f, timelineCodes(m))
	if eval[bool](tb, `!!document.querySelector("#drop-target")`) {
		t.Error("the drop target stayed after the drop")
	}
}

// TestTimelineKeyboard: Tab reaches a timeline row, Enter opens its tokens,
// the arrow keys move between rows, and the focus is visible.
func TestTimelineKeyboard(t *testing.T) {
	m := harManifest(t)
	var f harfixtures.Fixture
	for _, x := range m.Fixtures {
		if x.File == "nextauth-race.har" {
			f = x
		}
	}
	tb := openInspector(t)
	tb.typeInto("textarea#secret", f.Secret)
	tb.upload(harPath(t, f))
	tb.waitTimeline(f.File, 30*time.Second)

	// Start from the paste box and Tab until a row's summary has focus.
	eval[bool](tb, `(document.querySelector("textarea#input").focus(), true)`)
	onRow := `document.activeElement?.matches("li.timeline-entry > details > summary") ?? false`
	for i := 0; i < 200 && !eval[bool](tb, onRow); i++ {
		tb.do("pressing Tab", chromedp.KeyEvent("\t"))
	}
	if !eval[bool](tb, onRow) {
		t.Fatalf("Tab never reached a timeline row; focus is on %s", eval[string](tb, `document.activeElement?.outerHTML.slice(0, 120) ?? ""`))
	}
	if outline := eval[string](tb, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
		t.Error("the focused row shows no outline")
	}
	first := eval[string](tb, `document.activeElement.closest("li").dataset.entry`)
	tb.do("pressing Enter", chromedp.KeyEvent("\r"))
	tb.waitJS("the row to open", `document.activeElement.closest("details").open`, 5*time.Second)
	tb.waitJS("the opened row's tokens", `!!document.activeElement.closest("details").querySelector(".te-tokens .te-sessions")`, 5*time.Second)
	tb.do("pressing ArrowDown", chromedp.KeyEvent(kb.ArrowDown))
	next := eval[string](tb, `document.activeElement.closest("li.timeline-entry")?.dataset.entry ?? ""`)
	if next == "" || next == first {
		t.Errorf("ArrowDown moved focus from entry %s to %q", first, next)
	}
	// The race's refused row opens to its tokens, with the refresh token
	// marked as replaced by the other response.
	race := f.Facts.Rotations[0]
	tb.do("pressing End", chromedp.KeyEvent(kb.End))
	tb.do("pressing Enter", chromedp.KeyEvent("\r"))
	tb.waitJS("the last row to open", `!!document.activeElement.closest("details[open]")?.querySelector(".te-tokens .te-sessions")`, 5*time.Second)
	text := eval[string](tb, `document.activeElement.closest("details").querySelector(".te-tokens").textContent`)
	if !strings.Contains(text, fmt.Sprintf("replaced by #%d", race.Index)) && !strings.Contains(text, fmt.Sprintf("replaced meanwhile by #%d", race.Index)) {
		t.Errorf("the last row's tokens do not say the refresh token was replaced by #%d: %q", race.Index, text)
	}
}

func fixtureNamed(t *testing.T, m *harfixtures.Manifest, file string) harfixtures.Fixture {
	t.Helper()
	for _, f := range m.Fixtures {
		if f.File == file {
			return f
		}
	}
	t.Fatalf("no fixture %s in the manifest", file)
	return harfixtures.Fixture{}
}

// TestTimelineSecretAfterFile: the file stays in memory, so the secret
// typed after it re-reads it: the sessions open and the race shows.
func TestTimelineSecretAfterFile(t *testing.T) {
	m := harManifest(t)
	f := fixtureNamed(t, m, "nextauth-race.har")
	tb := openInspector(t)
	tb.upload(harPath(t, f))
	tb.waitTimeline(f.File, 30*time.Second)
	tb.finding("timeline.sessions_locked")
	tb.noFinding("timeline.concurrent_refresh", "no secret typed yet")
	tb.typeInto("textarea#secret", f.Secret)
	tb.waitJS("the re-read with the secret", `!!document.querySelector('.finding[data-code="timeline.concurrent_refresh"]') && !document.querySelector('.finding[data-code="timeline.sessions_locked"]') && !document.querySelector("progress#timeline-progress")`, 30*time.Second)
	checkTimelineCodes(t, tb, f, timelineCodes(m))
}

// TestTimelineNewFileCancels: a file chosen while the 20 MB HAR is being
// analysed replaces it; the stale run's findings never show.
func TestTimelineNewFileCancels(t *testing.T) {
	m := harManifest(t)
	large := fixtureNamed(t, m, "nextauth-race.large.har")
	healthy := fixtureNamed(t, m, "nextauth-healthy.har")
	tb := openInspector(t)
	tb.typeInto("textarea#secret", large.Secret)
	// Whether a run was in flight when the next file's change event came:
	// recorded by the page itself, in the capture phase, before go-app's
	// handler sees the event.
	eval[bool](tb, `(document.addEventListener("change", (e) => {
		if (e.target.id === "file") (window.__tsChanges ||= []).push(!!document.querySelector("progress#timeline-progress"));
	}, true), true)`)
	tb.upload(harPath(t, large))
	// upload returns once the page took the file (its progress bar is up).
	// The change event of the next upload comes through DevTools and lands
	// mid-run: the 20 MB HAR takes seconds.
	tb.upload(harPath(t, healthy))
	if changes := eval[[]bool](tb, `window.__tsChanges ?? []`); len(changes) < 2 || !changes[len(changes)-1] {
		t.Fatalf("change events, each with whether a run was in flight: %v; want the last one mid-run", changes)
	}
	tb.waitTimeline(healthy.File, 60*time.Second)
	time.Sleep(time.Second) // a stale run that was not cancelled would land meanwhile
	checkTimelineCodes(t, tb, healthy, timelineCodes(m))
	if s := tb.text("#file-summary"); strings.Contains(s, large.File) {
		t.Errorf("the summary names the replaced file: %q", s)
	}
}
