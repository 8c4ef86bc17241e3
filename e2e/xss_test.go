package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// xssTemplates are markup and script injections, each with ACT where the
// payload's action goes. They cover HTML elements with handlers, script in
// SVG and MathML, javascript: and data: URLs, attribute breakouts with ", '
// and Go-style \" (go-app's encoder quotes attributes like Go strings),
// template literals, closing tags of raw-text elements, escaped markup a
// double decode would revive, CSS expressions, srcdoc, and a polyglot.
var xssTemplates = []string{
	`<script>ACT</script>`,
	`<img src=x onerror="ACT">`,
	`<svg onload="ACT">`,
	`<svg><script>ACT</script></svg>`,
	`javascript:ACT`,
	`"><img src=x onerror="ACT">`,
	`'><img src=x onerror='ACT'>`,
	`\"><img src=x onerror=\"ACT\">`,
	"`${ACT}`",
	"${ACT}",
	`</textarea><script>ACT</script>`,
	`</title><script>ACT</script>`,
	`</code></pre><img src=x onerror=ACT>`,
	`\u003cimg src=x onerror=ACT\u003e`,
	`&lt;img src=x onerror=ACT&gt;`,
	`<a href="javascript:ACT">click</a>`,
	`<iframe src="javascript:ACT"></iframe>`,
	`<iframe srcdoc="<script>ACT</script>"></iframe>`,
	`data:text/html,<script>ACT</script>`,
	`<object data="data:text/html,<script>ACT</script>"></object>`,
	`<div style="width:expression(ACT)">`,
	`<style>@import 'javascript:ACT';</style>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=ACT>`,
	`<details open ontoggle="ACT">`,
	`<input autofocus onfocus="ACT">`,
	`<body onload="ACT">`,
	`<meta http-equiv="refresh" content="0;url=javascript:ACT">`,
	`<base href="javascript:ACT//">`,
	`--><script>ACT</script><!--`,
	`{{constructor.constructor('ACT')()}}`,
	"jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=ACT )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=ACT//>\\x3e",
}

// xssPayloads are the templates with ACT filled in: payload n sets
// window.__xss_n, logs XSS-n and alerts XSS-n. The action has no quotes
// (regex literals make the strings), so every breakout shape stays valid.
func xssPayloads() []string {
	out := make([]string, len(xssTemplates))
	for i, tpl := range xssTemplates {
		act := fmt.Sprintf("window.__xss_%d=1,console.log(/XSS-%d/.source),alert(/XSS-%d/.source)", i, i, i)
		out[i] = strings.ReplaceAll(tpl, "ACT", act)
	}
	return out
}

// unsignedJWT encodes header and claims as a JWS with a made-up signature.
func unsignedJWT(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return enc(h) + "." + enc(c) + "." + enc([]byte("not-a-signature"))
}

// xssWatch records what a payload that ran would leave behind: dialogs
// (dismissed, so none can hang the tab) and console lines.
type xssWatch struct {
	mu      sync.Mutex
	dialogs []string
	// console holds console API calls and uncaught exceptions, not the
	// browser's own log (whose failed-load lines quote the URLs the probe
	// tried, payloads included).
	console []string
}

func watchXSS(tb *tab) *xssWatch {
	w := &xssWatch{}
	if err := chromedp.Listen(tb.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			w.mu.Lock()
			w.dialogs = append(w.dialogs, e.Message)
			w.mu.Unlock()
			go func() {
				_, _ = chromedp.Call(tb.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
		var line string
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			for _, a := range e.Args {
				line += remoteText(a) + " "
			}
		case *runtime.EventExceptionThrown:
			line = "exception: " + exceptionText(e.ExceptionDetails)
		default:
			return
		}
		w.mu.Lock()
		w.console = append(w.console, line)
		w.mu.Unlock()
	}); err != nil {
		tb.t.Fatal(err)
	}
	tb.addInitScript(recordViolations)
	return w
}

// check fails the test if anything of a payload ran, or if markup from the
// input became live DOM: no dialog, no console line, no __xss_ global, no
// CSP violation (nothing even tried to run), no element with an inline
// handler, no inline script, no frame or object.
func (w *xssWatch) check(tb *tab, stage string) {
	tb.t.Helper()
	time.Sleep(300 * time.Millisecond) // image errors, autofocus and toggles fire late
	w.mu.Lock()
	dialogs := append([]string(nil), w.dialogs...)
	console := append([]string(nil), w.console...)
	w.mu.Unlock()
	if len(dialogs) > 0 {
		tb.t.Errorf("%s: dialogs opened: %q", stage, dialogs)
	}
	for _, line := range console {
		if strings.Contains(line, "XSS-") || strings.HasPrefix(line, "exception: ") {
			tb.t.Errorf("%s: console: %s", stage, line)
		}
	}
	if got := eval[[]string](tb, `Object.keys(window).filter((k) => k.startsWith("__xss"))`); len(got) > 0 {
		tb.t.Errorf("%s: payload globals set: %v", stage, got)
	}
	if v := tb.violations(); len(v) > 0 {
		tb.t.Errorf("%s: CSP violations (something tried to run): %v", stage, v)
	}
	live := eval[[]string](tb, `(() => {
		const bad = [];
		for (const el of document.querySelectorAll("*")) {
			for (const a of el.attributes) {
				if (a.name.startsWith("on")) bad.push(el.tagName + " " + a.name);
			}
			const tag = el.tagName.toLowerCase();
			if (tag === "script" && !el.src) bad.push("inline script");
			if (["iframe", "object", "embed", "frame", "base", "math", "svg"].includes(tag)) bad.push(tag);
			if (tag === "meta" && el.httpEquiv && el.httpEquiv.toLowerCase() === "refresh") bad.push("meta refresh");
			if ((tag === "a" || tag === "area") && /^\s*javascript:/i.test(el.getAttribute("href") || "") && el.id !== "bookmarklet") bad.push("javascript: link");
		}
		return bad;
	})()`)
	if len(live) > 0 {
		tb.t.Errorf("%s: input became live markup: %v", stage, live)
	}
}

// TestXSSCorpus runs every payload through every place input reaches the
// page: claim names and values in a JWT's header and payload, the alg, a
// cookie's name, JSON keys and values around a token, the backend URL and
// refresh path (rendered back in probe findings), the secret and key
// fields, and the exported Markdown. Nothing may run.
func TestXSSCorpus(t *testing.T) {
	payloads := xssPayloads()
	if len(payloads) < 20 {
		t.Fatalf("only %d payloads", len(payloads))
	}
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	w := watchXSS(tb)
	tb.open(url)
	w.check(tb, "page load")

	now := time.Now()
	header := map[string]any{"alg": "HS256", "typ": "JWT"}
	claims := map[string]any{"token_type": "refresh", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": payloads[0], "user_id": 7}
	for i, p := range payloads {
		header["x"+strconv.Itoa(i)] = p
		header[p] = i
		claims["c"+strconv.Itoa(i)] = p
		claims[p] = p
	}
	claims["name"], claims["email"], claims["sub"], claims["iss"] = payloads[1], payloads[5], payloads[4], payloads[18]
	jwt := unsignedJWT(t, header, claims)

	// One token whose alg itself is the payload, per payload.
	var algTokens []string
	for _, p := range payloads {
		algTokens = append(algTokens, unsignedJWT(t, map[string]any{"alg": p, "typ": p, "kid": p}, map[string]any{"sub": p}))
	}

	var cookie, jsonKeys []string
	for i, p := range payloads {
		cookie = append(cookie, p+"="+algTokens[i])
		jsonKeys = append(jsonKeys, strconv.Quote(p)+":"+strconv.Quote(algTokens[i]))
	}
	stages := []struct{ name, text string }{
		{"claims", jwt},
		{"alg, typ and kid", strings.Join(algTokens, "\n")},
		{"cookie names", "Cookie: " + strings.Join(cookie, "; ")},
		{"JSON keys", "{" + strings.Join(jsonKeys, ",") + `,"user":{"name":` + strconv.Quote(payloads[2]) + `},"backendRefresh":` + strconv.Quote(jwt) + "}"},
		{"plain text", strings.Join(payloads, "\n") + "\n" + jwt},
	}
	for _, s := range stages {
		tb.paste(s.text)
		tb.waitFor(firstToken)
		w.check(tb, s.name)
	}

	// The export renders every claim as Markdown text.
	tb.paste(jwt)
	tb.waitFor(firstToken)
	tb.click("button#export")
	tb.waitFor("textarea#export-markdown")
	w.check(tb, "export")

	// The secret and key fields are never rendered back, but they drive
	// decryption and verification whose findings are.
	for i, p := range payloads {
		tb.typeInto("#secret", p)
		tb.typeInto("textarea#verify-key", p)
		if i%8 == 0 {
			w.check(tb, "secret and key "+strconv.Itoa(i))
		}
	}
	w.check(tb, "secret and key")

	// The backend URL and the refresh path come back in findings, the
	// timeline and the curl and fetch() lines. Port 1 is on fetch's
	// bad-port list: any request fails at once, and no server sees it.
	for i, p := range payloads {
		tb.typeInto("input#backend", p)
		tb.click("button#probe")
		tb.waitJS("the probe to finish", `!document.querySelector("button#probe").disabled`, 15*time.Second)
		if i%8 == 0 {
			w.check(tb, "backend "+strconv.Itoa(i))
		}
	}
	tb.typeInto("input#backend", "http://127.0.0.1:1")
	// The path choice is shown for a base URL only: wait for the re-render
	// after the hostile payloads.
	tb.waitFor("select#refresh-path")
	tb.typeInto("select#refresh-path", "custom")
	tb.waitFor("input#custom-path")
	for i, p := range payloads {
		tb.typeInto("input#custom-path", p)
		tb.click("button#probe")
		tb.waitJS("the probe to finish", `!document.querySelector("button#probe").disabled`, 15*time.Second)
		if i%8 == 0 {
			w.check(tb, "refresh path "+strconv.Itoa(i))
		}
	}
	tb.waitFor("ol#timeline li.step")
	eval[bool](tb, `(document.querySelectorAll("ol#timeline details").forEach((d) => d.open = true), true)`)
	w.check(tb, "backend, path and timeline")
}
