//go:build bench

package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"tokenscope/tools/sitesrv"
)

// benchTimeout bounds one benchmark tab: many loads, throttled, on a
// machine other jobs share.
const benchTimeout = 15 * time.Minute

// benchLoadTimeout bounds one measured page load: a cold 10 MB compile on
// a machine other jobs share can take tens of seconds.
const benchLoadTimeout = 3 * time.Minute

// netProfile is a network Chromium emulates for a tab (CDP
// Network.emulateNetworkConditions); zero throughput is no throttling.
type netProfile struct {
	name        string
	latencyMS   float64 // added to every request: the round trip
	bytesPerSec float64
}

var benchNets = []netProfile{
	{name: "localhost"},
	{name: "20 Mbit/s, 40 ms", latencyMS: 40, bytesPerSec: 20e6 / 8},
}

type benchPage struct {
	name   string
	dir    string
	worker bool // the page installs a service worker
}

// hostRun is one page load: the first judged token, and what the first
// visit cost at the server (service worker install included).
type hostRun struct {
	shown float64
	bytes int64
	steps []resourceStep
	load  benchSample
}

// resourceStep is one Resource Timing entry, ms since navigation start.
type resourceStep struct {
	Name        string  `json:"name"`
	Initiator   string  `json:"initiator"`
	Start       float64 `json:"start"`
	End         float64 `json:"end"`
	Transfer    int64   `json:"transfer"`
	Encoded     int64   `json:"encoded"`
	Decoded     int64   `json:"decoded"`
	FromWorker  bool    `json:"fromWorker"`
	IsNavigated bool    `json:"isNavigation"`
}

const resourceStepsJS = `(() => {
	const row = (e, nav) => ({name: new URL(e.name).pathname, initiator: e.initiatorType || "", start: e.startTime, end: e.responseEnd,
		transfer: e.transferSize || 0, encoded: e.encodedBodySize || 0, decoded: e.decodedBodySize || 0, fromWorker: e.workerStart > 0, isNavigation: nav});
	return [...performance.getEntriesByType("navigation").map((e) => row(e, true)), ...performance.getEntriesByType("resource").map((e) => row(e, false))];
})()`

// TestBenchHosts measures a minimal JS decoder page (jose, bundled by
// ./build.sh bench into TOKENSCOPE_JSPAGE) and tokenscope side by side in
// the same Chromium: navigation to the first judged token on screen, cold
// (fresh browser context), warm in a new tab (tokenscope: served by its
// service worker; the JS page: the HTTP cache) and warm on reload, on
// localhost and throttled, from a plain host and a gzip host. It appends
// its table to TOKENSCOPE_BENCH_OUT. TOKENSCOPE_BENCH_SITE measures another
// built site (an older build, for a before/after) instead of this one's.
func TestBenchHosts(t *testing.T) {
	out := os.Getenv("TOKENSCOPE_BENCH_OUT")
	jsDir := os.Getenv("TOKENSCOPE_JSPAGE")
	if out == "" || jsDir == "" {
		t.Fatal("set TOKENSCOPE_BENCH_OUT (the table) and TOKENSCOPE_JSPAGE (the built JS page); ./build.sh bench does")
	}
	site := rootSite
	if s := os.Getenv("TOKENSCOPE_BENCH_SITE"); s != "" {
		site = s
	}
	runs := 3
	if n, err := strconv.Atoi(os.Getenv("TOKENSCOPE_BENCH_RUNS")); err == nil && n > 0 {
		runs = n
	}
	tok := newTestToken(t, time.Now()).raw
	pages := []benchPage{{"JS page (jose)", jsDir, false}, {"tokenscope", site, true}}

	var sb strings.Builder
	fmt.Fprintf(&sb, "\nfirst judged token on screen, ms from navigation, median of %d; %s, headless\n", runs, version(t))
	fmt.Fprintf(&sb, "(the machine is shared: 2 cores, other jobs running; ratio = tokenscope / JS page)\n\n")
	fmt.Fprintf(&sb, "%-17s %-6s %-15s %8s %7s %9s %7s %8s %7s %12s\n", "network", "host", "page", "cold", "ratio", "new tab", "ratio", "reload", "ratio", "first visit")
	var steps strings.Builder
	for _, n := range benchNets {
		for _, host := range []sitesrv.Host{sitesrv.Plain, sitesrv.Gzip} {
			var js [3]float64
			for _, p := range pages {
				cold, newTab, reload, bytes, median := benchPageRuns(t, p, host, n, tok, runs)
				ratio := func(i int, v float64) string {
					if p.worker && js[i] > 0 {
						return fmt.Sprintf("%6.1f×", v/js[i])
					}
					return ""
				}
				if !p.worker {
					js = [3]float64{cold, newTab, reload}
				}
				fmt.Fprintf(&sb, "%-17s %-6s %-15s %8.0f %7s %9.0f %7s %8.0f %7s %10.2f MB\n", n.name, host, p.name,
					cold, ratio(0, cold), newTab, ratio(1, newTab), reload, ratio(2, reload), float64(bytes)/1e6)
				fmt.Fprintf(&steps, "\n%s, %s host, %s, cold (the median run): Resource Timing, ms since navigation\n", p.name, host, n.name)
				steps.WriteString(formatSteps(median.steps, n))
				steps.WriteString(formatPhases(median.load, median.steps))
			}
		}
	}
	sb.WriteString(steps.String())
	fmt.Print(sb.String())
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(sb.String()); err != nil {
		t.Fatal(err)
	}
}

// benchPageRuns loads p runs times cold, each in a fresh browser context
// (no cache, no worker), then, in the last one's context, runs times in a
// new tab and runs times on reload. It returns the medians, the median
// first-visit bytes, and the median cold run.
func benchPageRuns(t *testing.T, p benchPage, host sitesrv.Host, n netProfile, tok string, runs int) (cold, newTab, reload float64, bytes int64, median hostRun) {
	t.Helper()
	var colds []hostRun
	var last *tab
	closeLast := func() {}
	defer func() { closeLast() }()
	var url string
	for range runs {
		counter := &byteCounter{files: sitesrv.HostHandler(p.dir, "", host)}
		srv := httptest.NewServer(counter)
		t.Cleanup(srv.Close)
		closeLast() // one tab at a time: the machine is small
		tb, closeTab := openBenchTab(t, browserCtx, true)
		tb.emulate(n)
		url = srv.URL + "/"
		t.Logf("%s, %s host, %s: cold", p.name, host, n.name)
		s := tb.benchLoad(url, tok)
		steps := eval[[]resourceStep](tb, resourceStepsJS)
		if p.worker {
			tb.waitServiceWorker()
		}
		tb.waitNetworkIdle(500 * time.Millisecond)
		total, _ := counter.report()
		colds = append(colds, hostRun{shown: s.Shown, bytes: total, steps: steps, load: s})
		last, closeLast = tb, closeTab
	}
	slices.SortFunc(colds, func(a, b hostRun) int { return int(a.shown - b.shown) })
	median = colds[len(colds)/2]
	byBytes := slices.Clone(colds)
	slices.SortFunc(byBytes, func(a, b hostRun) int { return int(a.bytes - b.bytes) })

	// Reloads first, while the tab is the newest and so visible: a hidden
	// tab gets no animation frames, which the measurement waits for.
	var tabs, reloads []float64
	for range runs {
		last.front()
		t.Logf("%s, %s host, %s: reload", p.name, host, n.name)
		reloads = append(reloads, last.benchLoad(url, tok).Shown)
	}
	// The measured tab is the only page of the site in the browser context:
	// a second live copy of the app in the same renderer stalls the new tab.
	last.do("leaving the page", chromedp.Navigate("about:blank"))
	for range runs {
		nt, closeTab := openBenchTab(t, last.ctx, false) // same browser context: its worker and caches
		nt.emulate(n)
		t.Logf("%s, %s host, %s: new tab", p.name, host, n.name)
		tabs = append(tabs, nt.benchLoad(url, tok).Shown)
		closeTab()
	}
	id := func(f float64) float64 { return f }
	return median.shown, medianOf(tabs, id), medianOf(reloads, id), byBytes[len(byBytes)/2].bytes, median
}

func medianOf(xs []float64, f func(float64) float64) float64 { return median(xs, f) }

// newBenchTab opens a tab bounded by benchTimeout: in a new browser context
// (a first-time visitor), or as another tab of parent's context.
func newBenchTab(t *testing.T, parent context.Context, fresh bool) *tab {
	t.Helper()
	tb, _ := openBenchTab(t, parent, fresh)
	return tb
}

// openBenchTab is newBenchTab that also returns a function closing the tab.
func openBenchTab(t *testing.T, parent context.Context, fresh bool) (*tab, func()) {
	t.Helper()
	var opts []chromedp.ContextOption
	if fresh {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(parent, opts...)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening tab: %v", err)
	}
	return attachFor(t, ctx, benchTimeout), cancel
}

// front makes the tab the visible one.
func (tb *tab) front() {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, page.BringToFront, cdp.Empty{}); err != nil {
		tb.t.Fatalf("bringing the tab to the front: %v", err)
	}
}

// emulate throttles the tab's network (or lifts the throttle). Like
// goOffline it sends the CDP method by name: cdproto's typed call lacks the
// "offline" field Chromium requires.
func (tb *tab) emulate(n netProfile) {
	tb.t.Helper()
	if n.bytesPerSec == 0 && n.latencyMS == 0 {
		return // localhost: a fresh tab has no emulation to lift
	}
	down, up := -1.0, -1.0
	if n.bytesPerSec > 0 {
		down, up = n.bytesPerSec, n.bytesPerSec
	}
	params := map[string]any{"offline": false, "latency": n.latencyMS, "downloadThroughput": down, "uploadThroughput": up}
	if err := chromedp.FromContext(tb.ctx).Target.Call(tb.ctx, "Network.emulateNetworkConditions", params, nil); err != nil {
		tb.t.Fatalf("emulating %s: %v", n.name, err)
	}
}

// formatSteps prints the Resource Timing entries and, throttled, the time
// the largest download would take at the emulated bandwidth: when the two
// agree, the emulation applied to it.
func formatSteps(steps []resourceStep, n netProfile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %-26s %-11s %8s %8s %11s %11s %11s\n", "resource", "initiator", "start", "end", "transfer", "encoded", "decoded")
	var transfer int64
	var big resourceStep
	for _, s := range steps {
		name := s.Name
		if s.IsNavigated {
			name += " (page)"
		}
		fmt.Fprintf(&b, "  %-26s %-11s %8.0f %8.0f %11d %11d %11d\n", name, s.Initiator, s.Start, s.End, s.Transfer, s.Encoded, s.Decoded)
		transfer += s.Transfer
		if s.Encoded > big.Encoded {
			big = s
		}
	}
	fmt.Fprintf(&b, "  transferred as the page saw it: %.2f MB\n", float64(transfer)/1e6)
	if n.bytesPerSec > 0 && big.Encoded > 0 {
		fmt.Fprintf(&b, "  %s took %.0f ms; %d bytes at %.0f Mbit/s take %.0f ms\n", big.Name, big.End-big.Start, big.Encoded, n.bytesPerSec*8/1e6, float64(big.Encoded)/n.bytesPerSec*1000)
	}
	return b.String()
}

// formatPhases splits a cold start into its phases: the wasm's download
// (Resource Timing), the compile that the streaming loader overlaps with it,
// Go's start (run until main first blocks), the mount, and the first token.
// Nothing for a page without wasm.
func formatPhases(l benchSample, steps []resourceStep) string {
	if l.Compiled == 0 {
		return ""
	}
	var wasm resourceStep
	for _, s := range steps {
		if strings.Contains(s.Name, ".wasm") {
			wasm = s
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  phases: wasm request %.0f, downloaded %.0f, ", wasm.Start, wasm.End)
	if l.Module > 0 {
		fmt.Fprintf(&b, "module compiled %.0f, ", l.Module)
	}
	fmt.Fprintf(&b, "page parsed %.0f, instantiated %.0f (+%.0f after the download), Go started %.0f (+%.0f), app mounted %.0f, token on screen %.0f\n",
		l.Parsed, l.Compiled, l.Compiled-wasm.End, l.Ran, l.Ran-l.Compiled, l.Ready, l.Shown)
	return b.String()
}
