package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tokenscope/internal/sitepolicy"
)

// recordViolations collects every securitypolicyviolation in the document
// into window.__violations, from before the page's own scripts run. (A
// DevTools init script is not subject to the page's CSP.)
const recordViolations = `window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
	window.__violations.push(e.effectiveDirective + " " + (e.blockedURI || "(empty)") + " " + (e.sample || ""));
}, true);`

func (tb *tab) violations() []string {
	tb.t.Helper()
	return eval[[]string](tb, `window.__violations || ["no recorder: the init script did not run"]`)
}

// TestCSP: the page loads and works under its own policy (go-app, wasm,
// the worker, a paste) without a single violation, the server sends the
// policy as a header, and the policy really blocks an inline script, an
// inline handler, eval and a style attribute that got into the page.
func TestCSP(t *testing.T) {
	tb := newTab(t)
	srv, url := serveSite(t, rootSite, "")
	tb.addInitScript(recordViolations)
	tb.open(url)
	tb.waitServiceWorker()
	tb.paste(newTestToken(t, time.Now()).raw)
	tb.waitFor(firstToken)
	tb.reload() // now from the worker
	tb.paste(newTestToken(t, time.Now()).raw)
	tb.waitFor(firstToken)
	if v := tb.violations(); len(v) > 0 {
		t.Errorf("the page violates its own policy: %v", v)
	}
	if errs := tb.log.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}

	if got := eval[string](tb, `document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? ""`); got != sitepolicy.CSP {
		t.Errorf("CSP meta %q, want %q", got, sitepolicy.CSP)
	}
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for name, want := range map[string]string{
		"Content-Security-Policy": sitepolicy.Header,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}

	// Positive control: markup that did get in runs nothing.
	eval[bool](tb, `(() => {
		const s = document.createElement("script");
		s.textContent = "window.__inline = 1";
		document.head.append(s);
		const d = document.createElement("div");
		d.innerHTML = '<img src="data:," onload="window.__handler = 1" onerror="window.__handler = 2">';
		document.body.append(d);
		const p = document.createElement("p");
		p.setAttribute("style", "color: red");
		document.body.append(p);
		return true;
	})()`)
	tb.waitJS("the violations to be reported", `window.__violations.length >= 3`, 5*time.Second)
	if got := eval[string](tb, `String(window.__inline) + " " + String(window.__handler)`); got != "undefined undefined" {
		t.Errorf("injected script ran: %s", got)
	}
	// DevTools evaluations may eval by default; ask for the page's rules.
	// (Sent by name: cdproto omits the false flag.)
	var res struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	params := map[string]any{
		"expression":                  `(() => { try { eval("1"); return "eval ran"; } catch (e) { return e.name; } })()`,
		"allowUnsafeEvalBlockedByCSP": false,
		"returnByValue":               true,
	}
	if err := chromedp.FromContext(tb.ctx).Target.Call(tb.ctx, "Runtime.evaluate", params, &res); err != nil {
		t.Fatalf("evaluating eval: %v", err)
	}
	if res.Result.Value != "EvalError" {
		t.Errorf("eval under the page's CSP: %q, want EvalError", res.Result.Value)
	}
	want := []string{"script-src-elem inline", "script-src-attr inline", "style-src-attr inline"}
	got := strings.Join(tb.violations(), "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("no %q violation in:\n%s", w, got)
		}
	}
}
