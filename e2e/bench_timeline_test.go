//go:build bench

package e2e

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// timelineRun is one measured upload of the 20 MB HAR: from input#file's
// change event (the file chosen) to the timeline rows and timeline.loaded
// on screen, and every long task meanwhile.
type timelineRun struct {
	Shown     float64     `json:"shown"`     // ms from the change event to the timeline on screen
	LongTasks [][]float64 `json:"longTasks"` // [start ms after the change event, duration ms]
	Frames    int         `json:"frames"`
}

// benchTimelineJS arms the watch for one upload; the caller then chooses
// the file and waits for window.__tsBench.done.
const benchTimelineJS = `(() => {
	const w = window.__tsBench = {shown: -1, longTasks: [], frames: 0, done: false, start: 0};
	const po = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) w.longTasks.push([e.startTime - w.start, e.duration]);
	});
	const frame = () => { if (!w.done) { w.frames++; requestAnimationFrame(frame); } };
	const shown = () => document.querySelector("#file-summary") && !document.querySelector("progress#timeline-progress") &&
		document.querySelector('.finding[data-code="timeline.loaded"]') && document.querySelector("#timeline-view li.timeline-entry");
	const obs = new MutationObserver(() => {
		if (w.start && !w.done && shown()) {
			w.shown = performance.now() - w.start;
			obs.disconnect();
			// Long tasks are reported after they end: give the last one a frame.
			requestAnimationFrame(() => setTimeout(() => { po.disconnect(); w.done = true; }, 50));
		}
	});
	document.querySelector("input#file").addEventListener("change", () => {
		w.start = performance.now();
		po.observe({type: "longtask"});
		obs.observe(document.body, {subtree: true, childList: true, attributes: true});
		requestAnimationFrame(frame);
	}, {capture: true, once: true});
	return true;
})()`

// TestBenchTimeline uploads the 20 MB HAR (2,000 static-asset entries
// around a recorded race) benchRuns times, each in a fresh page, and prints
// the median time from choosing the file to the timeline on screen and the
// longest main-thread task. TOKENSCOPE_BENCH_OUT, when set, receives the line too.
func TestBenchTimeline(t *testing.T) {
	m := harManifest(t)
	var secret string
	for _, f := range m.Fixtures {
		if f.File == "nextauth-race.large.har" {
			secret = f.Secret
		}
	}
	path, err := largeHARPath()
	if err != nil {
		t.Fatal(err)
	}
	var shown, longest []float64
	for range benchRuns {
		tb := openInspector(t)
		tb.typeInto("textarea#secret", secret)
		time.Sleep(300 * time.Millisecond) // the debounced secret analysis
		eval[bool](tb, benchTimelineJS)
		tb.upload(path)
		tb.waitJS("the timeline", `window.__tsBench.done`, 2*time.Minute)
		r := eval[timelineRun](tb, `window.__tsBench`)
		worst := 0.0
		var tasks []string
		for _, lt := range r.LongTasks {
			worst = max(worst, lt[1])
			tasks = append(tasks, fmt.Sprintf("%.0f@%.0f", lt[1], lt[0]))
		}
		t.Logf("shown %.0f ms, %d frames, long tasks (ms@start): %s", r.Shown, r.Frames, strings.Join(tasks, " "))
		shown = append(shown, r.Shown)
		longest = append(longest, worst)
	}
	slices.Sort(longest)
	line := fmt.Sprintf("%-34s %12s %13.0f ms %10s   longest task: median %.0f ms, max %.0f ms\n", "20 MB HAR: file chosen → timeline", "",
		median(shown, func(f float64) float64 { return f }), "-", median(longest, func(f float64) float64 { return f }), longest[len(longest)-1])
	if out := os.Getenv("TOKENSCOPE_BENCH_OUT"); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(line); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Print(line)
}
