package browser

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hack-pad/safejs"

	"tokenscope/app/probe"
)

// These tests run in Node 20: it has fetch, Request, Headers, Response,
// AbortController, EventTarget and performance, but no document and no
// location. Where a test needs a browser behaviour Node cannot produce (a
// request that hangs, an opaque response, a CSP report) it swaps in a fake
// global for the duration of the test.

// setGlobal replaces globalThis[name] with the value of expr until the test
// ends.
func setGlobal(t *testing.T, name, expr string) {
	t.Helper()
	g := safejs.Global()
	old, err := g.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Set(name, eval(t, expr)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if old.IsUndefined() {
			_ = g.Delete(name)
			return
		}
		_ = g.Set(name, old)
	})
}

func global(t *testing.T, expr string) safejs.Value {
	t.Helper()
	return eval(t, expr)
}

func globalString(t *testing.T, expr string) string {
	t.Helper()
	v := eval(t, expr)
	s, err := v.String()
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

func globalInt(t *testing.T, expr string) int {
	t.Helper()
	n, err := eval(t, expr).Int()
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return n
}

// hangingFetch never answers until its signal aborts, and records that.
const hangingFetch = `(req) => {
	globalThis.__fetchCalls = (globalThis.__fetchCalls || 0) + 1;
	globalThis.__aborted = false;
	return new Promise((_, reject) => req.signal.addEventListener("abort", () => {
		globalThis.__aborted = true;
		reject(req.signal.reason);
	}));
}`

func resetCounters(t *testing.T) {
	t.Helper()
	eval(t, `(globalThis.__fetchCalls = 0, globalThis.__aborted = false, globalThis.__seen = undefined)`)
}

func TestNodeHasWhatFetchNeeds(t *testing.T) {
	for _, name := range []string{"fetch", "Request", "Headers", "Response", "AbortController", "EventTarget", "performance"} {
		v, err := safejs.Global().Get(name)
		if err != nil || v.IsUndefined() {
			t.Errorf("Node lacks globalThis.%s", name)
		}
	}
	// And, as the tests assume, no DOM.
	for _, name := range []string{"document", "location"} {
		v, _ := safejs.Global().Get(name)
		if !v.IsUndefined() {
			t.Errorf("globalThis.%s is defined in Node; the tests expect it not to be", name)
		}
	}
}

func TestFetchClosedPort(t *testing.T) {
	// Port 1 is on fetch's "bad port" list, so fetch fails without dialling
	// anything: a deterministic TypeError, as a refused connection gives.
	_, err := Fetch{}.Do(context.Background(), probe.Request{Method: "GET", URL: "http://127.0.0.1:1/", Timeout: 5 * time.Second})
	if !errors.Is(err, probe.ErrNetwork) {
		t.Fatalf("got %v, want probe.ErrNetwork", err)
	}
	var csp *probe.CSPError
	if errors.As(err, &csp) || errors.Is(err, probe.ErrTimeout) {
		t.Fatalf("got %v: not a CSP error or a timeout", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error %q does not name the URL", err)
	}
}

func TestFetchDataURL(t *testing.T) {
	resp, err := Fetch{}.Do(context.Background(), probe.Request{
		Method:  "GET",
		URL:     `data:application/json,{"a":1}`,
		Mode:    probe.ModeCORS,
		Body:    "ignored for GET",
		Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.Opaque {
		t.Errorf("status %d opaque %v, want 200 false", resp.Status, resp.Opaque)
	}
	if resp.Body != `{"a":1}` {
		t.Errorf("body %q", resp.Body)
	}
	if got := resp.Headers["content-type"]; got != "application/json" {
		t.Errorf("content-type %q", got)
	}
	if resp.Type != "basic" {
		t.Errorf("Type %q, want basic", resp.Type)
	}
	if _, ok := resp.Headers["x-response-type"]; ok {
		t.Error("the response type leaked into the headers")
	}
	if resp.Elapsed <= 0 || resp.Elapsed > 5*time.Second {
		t.Errorf("elapsed %v", resp.Elapsed)
	}
}

func TestFetchTimeout(t *testing.T) {
	t.Run("1ns on a real fetch", func(t *testing.T) {
		_, err := Fetch{}.Do(context.Background(), probe.Request{URL: `data:text/plain,hello`, Timeout: time.Nanosecond})
		if !errors.Is(err, probe.ErrTimeout) {
			t.Fatalf("got %v, want probe.ErrTimeout", err)
		}
		time.Sleep(20 * time.Millisecond) // let the aborted promise settle
	})
	t.Run("hanging server", func(t *testing.T) {
		setGlobal(t, "fetch", hangingFetch)
		resetCounters(t)
		start := time.Now()
		_, err := Fetch{}.Do(context.Background(), probe.Request{Method: "POST", URL: "http://127.0.0.1:8000/api/token/refresh/", Body: "{}", Timeout: 50 * time.Millisecond})
		if !errors.Is(err, probe.ErrTimeout) {
			t.Fatalf("got %v, want probe.ErrTimeout", err)
		}
		if errors.Is(err, probe.ErrNetwork) {
			t.Errorf("a timeout is not a network error: %v", err)
		}
		if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
			t.Errorf("returned after %v", d)
		}
		time.Sleep(10 * time.Millisecond)
		if aborted, _ := global(t, "globalThis.__aborted").Bool(); !aborted {
			t.Error("the request's signal was not aborted")
		}
	})
}

func TestFetchContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		setGlobal(t, "fetch", hangingFetch)
		resetCounters(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Fetch{}.Do(ctx, probe.Request{URL: "http://127.0.0.1:8000/", Timeout: time.Second})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if n := globalInt(t, "globalThis.__fetchCalls"); n != 0 {
			t.Errorf("fetch called %d times", n)
		}
	})
	t.Run("cancelled during", func(t *testing.T) {
		setGlobal(t, "fetch", hangingFetch)
		resetCounters(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		_, err := Fetch{}.Do(ctx, probe.Request{URL: "http://127.0.0.1:8000/", Timeout: 5 * time.Second})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want context.DeadlineExceeded", err)
		}
		if errors.Is(err, probe.ErrTimeout) {
			t.Errorf("ctx's deadline is not the request timeout: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
		if aborted, _ := global(t, "globalThis.__aborted").Bool(); !aborted {
			t.Error("the request's signal was not aborted")
		}
	})
}

// recordingFetch keeps what it was asked to send and answers 401 with a
// SimpleJWT body.
const recordingFetch = `async (req) => {
	globalThis.__seen = {
		method: req.method, url: req.url, mode: req.mode, credentials: req.credentials,
		cache: req.cache, redirect: req.redirect, aborted: req.signal.aborted,
		contentType: req.headers.get("content-type"), body: await req.text(),
	};
	return new Response('{"detail":"Token is invalid or expired","code":"token_not_valid"}', {
		status: 401,
		headers: {"Content-Type": "application/json", "X-Extra": "1", "Date": "Mon, 01 Jan 2024 00:00:00 GMT"},
	});
}`

func TestFetchRequestShape(t *testing.T) {
	setGlobal(t, "fetch", recordingFetch)
	for _, tc := range []struct {
		name                  string
		req                   probe.Request
		method, mode, cred    string
		redirect, body, ctype string
	}{
		{
			name:   "cors POST",
			req:    probe.Request{Method: "POST", URL: "http://127.0.0.1:8000/api/token/refresh/", Mode: probe.ModeCORS, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"refresh":"x"}`},
			method: "POST", mode: "cors", cred: "omit", redirect: "manual", body: `{"refresh":"x"}`, ctype: "application/json",
		},
		{
			name:   "defaults",
			req:    probe.Request{URL: "http://127.0.0.1:8000/", Body: "dropped"},
			method: "GET", mode: "cors", cred: "omit", redirect: "manual", body: "",
		},
		{
			name:   "no-cors POST with credentials",
			req:    probe.Request{Method: "POST", URL: "http://127.0.0.1:8000/api/token/refresh/", Mode: probe.ModeNoCORS, Credentials: "include", Headers: map[string]string{"Content-Type": "text/plain"}, Body: "x"},
			method: "POST", mode: "no-cors", cred: "include", redirect: "follow", body: "x", ctype: "text/plain",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resetCounters(t)
			resp, err := Fetch{}.Do(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			seen := func(k string) string {
				v := global(t, "globalThis.__seen."+k)
				if v.IsNull() {
					return ""
				}
				s, _ := v.String()
				return s
			}
			for k, want := range map[string]string{
				"method": tc.method, "url": tc.req.URL, "mode": tc.mode, "credentials": tc.cred,
				"cache": "no-store", "redirect": tc.redirect, "body": tc.body, "contentType": tc.ctype,
			} {
				if got := seen(k); got != want {
					t.Errorf("request %s = %q, want %q", k, got, want)
				}
			}
			if resp.Status != 401 || !strings.Contains(resp.Body, "token_not_valid") {
				t.Errorf("response %d %q", resp.Status, resp.Body)
			}
			if resp.Type != "default" {
				t.Errorf("Type %q, want default (the stand-in Response's type)", resp.Type)
			}
			for k, want := range map[string]string{
				"content-type": "application/json", "x-extra": "1",
				"date": "Mon, 01 Jan 2024 00:00:00 GMT",
			} {
				if got := resp.Headers[k]; got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// Node cannot make opaque responses; a plain object stands in for one.
func TestFetchOpaque(t *testing.T) {
	for _, typ := range []string{"opaque", "opaqueredirect"} {
		t.Run(typ, func(t *testing.T) {
			setGlobal(t, "fetch", `async () => ({type: "`+typ+`", status: 0, headers: new Headers(), body: null})`)
			resp, err := Fetch{}.Do(context.Background(), probe.Request{Method: "POST", URL: "http://127.0.0.1:8000/api/token/refresh", Mode: probe.ModeCORS})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != 0 || !resp.Opaque || resp.Body != "" {
				t.Errorf("got %+v", resp)
			}
			if resp.Type != typ {
				t.Errorf("Type = %q", resp.Type)
			}
			if len(resp.Headers) != 0 {
				t.Errorf("headers %v", resp.Headers)
			}
		})
	}
}

func TestFetchBodyLimit(t *testing.T) {
	// One ASCII byte, then two-byte characters: the limit (even) cuts one
	// in half, which must be dropped rather than turned into U+FFFD.
	setGlobal(t, "fetch", `async () => new Response("x" + "é".repeat(50000))`)
	resp, err := Fetch{}.Do(context.Background(), probe.Request{URL: "http://127.0.0.1:8000/big"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body) != MaxBodyBytes-1 {
		t.Errorf("body is %d bytes, want %d", len(resp.Body), MaxBodyBytes-1)
	}
	if !utf8.ValidString(resp.Body) || strings.ContainsRune(resp.Body, utf8.RuneError) {
		t.Error("body is not clean UTF-8")
	}
	if !strings.HasPrefix(resp.Body, "xéé") {
		t.Errorf("body starts %q", resp.Body[:8])
	}
	time.Sleep(10 * time.Millisecond) // let reader.cancel() settle
}

func TestFetchBadRequestIsNotANetworkError(t *testing.T) {
	for name, req := range map[string]probe.Request{
		"PUT in no-cors":  {Method: "PUT", URL: "http://127.0.0.1:8000/", Mode: probe.ModeNoCORS},
		"bad header name": {URL: "http://127.0.0.1:8000/", Headers: map[string]string{"bad name": "x"}},
		"bad URL":         {URL: "http://[::1"},
		"bad mode":        {URL: "http://127.0.0.1:8000/", Mode: "sideways"},
	} {
		_, err := Fetch{}.Do(context.Background(), req)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if errors.Is(err, probe.ErrNetwork) || errors.Is(err, probe.ErrTimeout) {
			t.Errorf("%s: %v must not read as a network error or timeout", name, err)
		}
	}
}

// fakeDocument is an EventTarget that counts its securitypolicyviolation
// listeners, and a fetch that rejects like Chromium under CSP: first the
// TypeError, then, a few ms later, the violation event.
func fakeCSP(t *testing.T, event string) {
	t.Helper()
	setGlobal(t, "document", `(() => {
		const et = new EventTarget();
		et.listeners = 0;
		const add = et.addEventListener.bind(et), remove = et.removeEventListener.bind(et);
		et.addEventListener = (type, fn) => { if (type === "securitypolicyviolation") et.listeners++; add(type, fn); };
		et.removeEventListener = (type, fn) => { if (type === "securitypolicyviolation") et.listeners--; remove(type, fn); };
		return et;
	})()`)
	setGlobal(t, "fetch", `(req) => {
		setTimeout(() => document.dispatchEvent(Object.assign(new Event("securitypolicyviolation"), `+event+`)), 5);
		return Promise.reject(new TypeError("Failed to fetch"));
	}`)
}

func TestFetchCSP(t *testing.T) {
	const target = "http://127.0.0.1:8000/api/token/refresh/"
	for _, tc := range []struct {
		name, event, directive, blocked string
	}{
		{"full URL", `{blockedURI: "` + target + `", effectiveDirective: "connect-src", violatedDirective: "connect-src", disposition: "enforce"}`, "connect-src", target},
		{"origin only", `{blockedURI: "http://127.0.0.1:8000", effectiveDirective: "", violatedDirective: "default-src"}`, "default-src", "http://127.0.0.1:8000"},
		{"report-only", `{blockedURI: "` + target + `", effectiveDirective: "connect-src", disposition: "report"}`, "", ""},
		{"another origin", `{blockedURI: "http://127.0.0.1:9000/x", effectiveDirective: "connect-src"}`, "", ""},
		{"inline", `{blockedURI: "inline", effectiveDirective: "script-src-elem"}`, "", ""},
		// An unrelated violation (a style attribute, an inline handler) can
		// come with an empty blockedURI: "".startsWith-style matching would
		// take it for this request.
		{"empty blockedURI", `{blockedURI: "", effectiveDirective: "style-src-attr", disposition: "enforce"}`, "", ""},
		{"no blockedURI", `{effectiveDirective: "connect-src", disposition: "enforce"}`, "", ""},
		{"a prefix of the URL", `{blockedURI: "http://127.0.0.1:8", effectiveDirective: "connect-src"}`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeCSP(t, tc.event)
			_, err := Fetch{}.Do(context.Background(), probe.Request{Method: "POST", URL: target, Body: "{}", Timeout: time.Second})
			var csp *probe.CSPError
			if tc.directive == "" {
				if !errors.Is(err, probe.ErrNetwork) || errors.As(err, &csp) {
					t.Fatalf("got %v, want probe.ErrNetwork only", err)
				}
			} else {
				if !errors.As(err, &csp) {
					t.Fatalf("got %v, want a *probe.CSPError", err)
				}
				if csp.Directive != tc.directive || csp.Blocked != tc.blocked {
					t.Errorf("got %+v, want directive %q blocked %q", *csp, tc.directive, tc.blocked)
				}
				if errors.Is(err, probe.ErrNetwork) {
					t.Errorf("a CSP block should not also be ErrNetwork: %v", err)
				}
			}
			if n := globalInt(t, "document.listeners"); n != 0 {
				t.Errorf("%d securitypolicyviolation listeners left on document", n)
			}
			time.Sleep(20 * time.Millisecond) // let the late event fire with nobody listening
		})
	}
}

// A violation during a request that succeeded (report-only, or some other
// request) is not this request's error, and the listener still goes.
func TestFetchCSPIgnoredOnSuccess(t *testing.T) {
	fakeCSP(t, `{blockedURI: "http://127.0.0.1:8000/", effectiveDirective: "connect-src"}`)
	setGlobal(t, "fetch", `async () => {
		document.dispatchEvent(Object.assign(new Event("securitypolicyviolation"), {blockedURI: "http://127.0.0.1:8000/", effectiveDirective: "connect-src"}));
		return new Response("ok");
	}`)
	resp, err := Fetch{}.Do(context.Background(), probe.Request{URL: "http://127.0.0.1:8000/"})
	if err != nil || resp.Body != "ok" {
		t.Fatalf("got %+v, %v", resp, err)
	}
	if n := globalInt(t, "document.listeners"); n != 0 {
		t.Errorf("%d listeners left", n)
	}
}

func TestFetchOrigin(t *testing.T) {
	if got := (Fetch{}).Origin(); got != "" {
		t.Errorf("Node: Origin() = %q, want empty", got)
	}
	setGlobal(t, "location", `({origin: "http://localhost:3000", href: "http://localhost:3000/x"})`)
	if got := (Fetch{}).Origin(); got != "http://localhost:3000" {
		t.Errorf("Origin() = %q", got)
	}
	if got := globalString(t, `typeof location`); got != "object" {
		t.Fatal(got)
	}
}

func TestCSPMatches(t *testing.T) {
	tg := target{href: "http://127.0.0.1:8000/api/token/refresh/", origin: "http://127.0.0.1:8000"}
	for blocked, want := range map[string]bool{
		"http://127.0.0.1:8000/api/token/refresh/":      true,
		"http://127.0.0.1:8000/api/token/refresh/#frag": true,
		"http://127.0.0.1:8000":                         true,
		"http://127.0.0.1:8000/":                        true,
		"HTTP://127.0.0.1:8000/other":                   true,
		"http://127.0.0.1:8001/api/token/refresh/":      false,
		"https://127.0.0.1:8000/api/token/refresh/":     false,
		"inline": false,
		"eval":   false,
		"":       false,
		"data":   false,
		"http://localhost:8000/api/token/refresh/": false,
	} {
		if got := cspMatches(blocked, tg); got != want {
			t.Errorf("cspMatches(%q) = %v, want %v", blocked, got, want)
		}
	}
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		in        string
		truncated bool
		want      string
	}{
		{"\xEF\xBB\xBF{}", false, "{}"},
		{"ab\xC3", true, "ab"},
		{"ab\xE2\x82", true, "ab"},
		{"ab\xC3", false, "ab\uFFFD"},
		{"a\xFFb", false, "a\uFFFDb"},
		{"é", true, "é"},
	} {
		if got := decodeText([]byte(tc.in), tc.truncated); got != tc.want {
			t.Errorf("decodeText(%q, %v) = %q, want %q", tc.in, tc.truncated, got, tc.want)
		}
	}
}

// TestFetchSnippetRunsAsTyped runs the timeline's fetch() snippet as
// JavaScript (Node's parser, a recording fetch) for URLs and bodies holding
// quotes, backticks, ${...}, </script>, newlines and U+2028: each must reach
// fetch as exactly the value the step holds, and nothing else may run.
func TestFetchSnippetRunsAsTyped(t *testing.T) {
	setGlobal(t, "fetch", `(url, init) => { globalThis.__seen = {url, init}; return Promise.resolve("sent"); }`)
	urls := []string{
		"http://127.0.0.1:8000/api/token/refresh/",
		"http://127.0.0.1:8000/it's/\"x\"/",
		"http://127.0.0.1:8000/`${globalThis.__xss = 1}`/",
		"http://127.0.0.1:8000/a b\nc\u2028d/</script><script>globalThis.__xss=2</script>",
	}
	for _, u := range urls {
		req := probe.Request{
			Method: "POST", URL: u, Mode: probe.ModeCORS, Credentials: "omit",
			Headers: map[string]string{"Content-Type": "application/json", "X-Odd": "`${globalThis.__xss = 3}`"},
			Body:    `{"refresh":"it's \"q\" ${globalThis.__xss = 4} ` + "`" + `\u2028 </script>"}`,
		}
		resetCounters(t)
		v, err := Await(context.Background(), eval(t, "(async () => "+req.Fetch()+")()"))
		if err != nil {
			t.Fatalf("running the snippet for %q: %v\n%s", u, err, req.Fetch())
		}
		if got, _ := v.String(); got != "sent" {
			t.Fatalf("snippet returned %q", got)
		}
		if got := globalString(t, "globalThis.__seen.url"); got != u {
			t.Errorf("fetch got URL %q, want %q", got, u)
		}
		if got := globalString(t, "globalThis.__seen.init.method + ' ' + globalThis.__seen.init.headers['X-Odd']"); got != "POST "+req.Headers["X-Odd"] {
			t.Errorf("method and header %q", got)
		}
		if got := globalString(t, "globalThis.__seen.init.body"); !sameJSON(t, got, req.Body) {
			t.Errorf("fetch got body %q, want %q", got, req.Body)
		}
		if got := globalString(t, "String(globalThis.__xss)"); got != "undefined" {
			t.Errorf("the snippet for %q ran code: __xss = %s", u, got)
		}
	}
}

func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
