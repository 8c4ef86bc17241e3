package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// testTimeout bounds one test's browser work; a hung page fails, not hangs.
const testTimeout = 90 * time.Second

// tab is one browser tab in its own browser context, with everything it
// logged and requested recorded from the moment it opened.
type tab struct {
	t   *testing.T
	ctx context.Context
	net *netRecorder
	log *consoleRecorder

	initScripts map[string]bool // added with addInitScript, to add each once
}

// newTab opens a tab in a fresh browser context: its own cookies, storage,
// HTTP cache and service workers, as a first-time visitor has.
func newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening tab: %v", err)
	}
	return attach(t, ctx)
}

// attach records a tab's traffic and console and bounds it with testTimeout.
func attach(t *testing.T, ctx context.Context) *tab {
	t.Helper()
	return attachFor(t, ctx, testTimeout)
}

// attachFor is attach with another bound (the benchmarks load pages many
// times in one tab, on a loaded machine).
func attachFor(t *testing.T, ctx context.Context, timeout time.Duration) *tab {
	t.Helper()
	tb := &tab{t: t, net: &netRecorder{}, log: &consoleRecorder{}}
	if err := chromedp.Listen(ctx, func(ev any) {
		tb.net.observe(ev)
		tb.log.observe(ev)
	}); err != nil {
		t.Fatalf("listening to tab: %v", err)
	}
	// chromedp enables Network and Log on attach; enabling again is harmless
	// and makes the recorder's dependency explicit.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("network.enable: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("log.enable: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	tb.ctx = tctx
	return tb
}

// do runs actions and fails the test on error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JS expression (awaiting it if it is a promise) into T.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", firstLine(expr), err)
	}
	return v
}

// waitJS polls a JS predicate until it is truthy.
func (tb *tab) waitJS(what, predicate string, timeout time.Duration) {
	tb.t.Helper()
	_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](predicate,
		chromedp.WithPollingInterval(10*time.Millisecond),
		chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		dump, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`JSON.stringify({backend: document.querySelector("input#backend")?.value, probeDisabled: document.querySelector("button#probe")?.disabled, steps: [...document.querySelectorAll("ol#timeline li")].map(e=>e.textContent.slice(0,200)), form: document.querySelector("#backend-form")?.textContent, findings: [...document.querySelectorAll(".finding")].map(e=>e.dataset.code)})`))
		tb.t.Fatalf("waiting for %s: %v\nconsole: %v\nDEBUG %s", what, err, tb.log.all(), dump)
	}
}

// appReady is true once go-app has mounted the page: the prerendered HTML
// already has textarea#input, and the loader leaves before the mount is
// certain, so #inspector's data-app="running" (only the wasm app renders
// it) is what counts.
const appReady = `document.querySelector('#inspector[data-app="running"] textarea#input') !== null && !document.getElementById("app-wasm-loader")`

// open navigates to url and waits until the wasm app runs.
func (tb *tab) open(url string) {
	tb.t.Helper()
	tb.do("navigating to "+url, chromedp.Navigate(url))
	tb.waitReady()
}

// reload reloads and waits until the wasm app runs again.
func (tb *tab) reload() {
	tb.t.Helper()
	tb.do("reloading", chromedp.Reload())
	tb.waitReady()
}

func (tb *tab) waitReady() {
	tb.t.Helper()
	tb.waitJS("the wasm app to start", appReady, 60*time.Second)
}

// paste puts text into the paste box the way a paste does: the value
// changes at once and one input event with inputType insertFromPaste fires.
func (tb *tab) paste(text string) {
	tb.t.Helper()
	js := fmt.Sprintf(`(() => {
		const ta = document.querySelector("textarea#input");
		ta.focus();
		ta.value = %s;
		ta.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste"}));
		return true;
	})()`, jsString(text))
	eval[bool](tb, js)
}

// addInitScript runs js in every document the tab loads, before the page's
// own scripts. Adding the same script twice is a no-op.
func (tb *tab) addInitScript(js string) {
	tb.t.Helper()
	if tb.initScripts[js] {
		return
	}
	if tb.initScripts == nil {
		tb.initScripts = map[string]bool{}
	}
	tb.initScripts[js] = true
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: js}); err != nil {
		tb.t.Fatalf("adding init script: %v", err)
	}
}

// waitFor waits until a CSS selector matches.
func (tb *tab) waitFor(selector string) {
	tb.t.Helper()
	tb.waitJS(selector, fmt.Sprintf(`!!document.querySelector(%s)`, jsString(selector)), 15*time.Second)
}

// finding waits for the finding with this code and returns its severity.
func (tb *tab) finding(code string) string {
	tb.t.Helper()
	sel := fmt.Sprintf(`.finding[data-code=%s]`, jsString(code))
	tb.waitFor(sel)
	tb.waitCards()
	return tb.attr(sel, "data-severity")
}

// waitCards waits until the token cards are drawn: a long analysis or a
// large result shows its verdict and findings first and its cards in later
// tasks, with section#tokens aria-busy meanwhile (ui.Inspector.revealResult).
func (tb *tab) waitCards() {
	tb.t.Helper()
	tb.waitJS("the token cards", `!document.querySelector("section#tokens[aria-busy]")`, testTimeout)
}

// attr reads an attribute of the first element matching selector.
func (tb *tab) attr(selector, name string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(document.querySelector(%s)?.getAttribute(%s)) ?? ""`, jsString(selector), jsString(name)))
}

// waitNetworkIdle waits until the tab has sent no request for quiet, so a
// measurement window does not catch the tail of the page load (icons,
// manifest, the service worker script).
func (tb *tab) waitNetworkIdle(quiet time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n := tb.net.mark()
		time.Sleep(quiet)
		if tb.net.mark() == n {
			return
		}
	}
	tb.t.Fatalf("network never went quiet: %v", tb.net.since(0))
}

// waitServiceWorker waits until a service worker is active and controls the
// page, which with our worker means the whole site is in Cache Storage.
func (tb *tab) waitServiceWorker() {
	tb.t.Helper()
	eval[bool](tb, `navigator.serviceWorker.ready.then(() => true)`)
	tb.waitJS("the service worker to control the page", `!!navigator.serviceWorker.controller`, 30*time.Second)
}

// netRecorder counts the requests a tab sends, from the DevTools protocol's
// point of view: anything the page fetches, including requests a service
// worker answers from its cache.
type netRecorder struct {
	mu   sync.Mutex
	reqs []string
}

func (r *netRecorder) observe(ev any) {
	if e, ok := ev.(*network.EventRequestWillBeSent); ok {
		r.mu.Lock()
		r.reqs = append(r.reqs, e.Request.Method+" "+e.Request.URL)
		r.mu.Unlock()
	}
}

// mark returns a point in time to compare with since.
func (r *netRecorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// since lists the requests sent after mark.
func (r *netRecorder) since(mark int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.reqs[mark:]...)
}

// consoleRecorder keeps console calls, uncaught exceptions and browser log
// entries (failed loads, CSP, deprecations).
type consoleRecorder struct {
	mu      sync.Mutex
	entries []consoleEntry
}

type consoleEntry struct {
	level string // "error", "warning", "log", ...
	text  string
}

func (e consoleEntry) String() string { return e.level + ": " + e.text }

func (r *consoleRecorder) observe(ev any) {
	var e consoleEntry
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, remoteText(a))
		}
		e = consoleEntry{level: string(ev.Type), text: strings.Join(parts, " ")}
	case *runtime.EventExceptionThrown:
		e = consoleEntry{level: "error", text: exceptionText(ev.ExceptionDetails)}
	case *cdplog.EventEntryAdded:
		e = consoleEntry{level: string(ev.Entry.Level), text: ev.Entry.Text + " " + ev.Entry.URL}
	default:
		return
	}
	r.mu.Lock()
	r.entries = append(r.entries, e)
	r.mu.Unlock()
}

func (r *consoleRecorder) all() []consoleEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]consoleEntry(nil), r.entries...)
}

func (r *consoleRecorder) errors() []consoleEntry {
	var out []consoleEntry
	for _, e := range r.all() {
		if e.level == "error" || e.level == "assert" {
			out = append(out, e)
		}
	}
	return out
}

func remoteText(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	}
	return o.Description
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

// jsString quotes s as a JavaScript string literal (JSON is a subset).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
