package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/domdebugger"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"tokenscope/e2e/backend"
	"tokenscope/internal/testvectors"
	"tokenscope/tools/sitesrv"
	"tokenscope/web"
)

// The bookmarklet end to end: a host app (the user's Next.js app, played by
// a Go server) on one origin, the inspector on another, a real Django
// SimpleJWT backend on a third. The host app is served as http://localhost
// and everything else as http://127.0.0.1, so the host's cookies (which
// ignore ports) stay with the host, as they would for a real app.

// hostConfig shapes the host app.
type hostConfig struct {
	// header is added to the page's response (CSP, COOP).
	header http.Header
	// site, when set, is a site built with --prefix subPath, served by the
	// host itself under subPath: the self-hosted inspector.
	site string
}

// hostApp is the user's app: a page that sets a readable cookie and the
// HttpOnly NextAuth session cookie, and /api/auth/session answering with the
// session JSON when that cookie comes with the request.
type hostApp struct {
	URL    string // http://localhost:<port>/, the page
	Origin string // http://localhost:<port>

	cookie  string // the next-auth.session-token value
	mu      sync.Mutex
	session string // what /api/auth/session returns
}

func startHost(t *testing.T, cfg hostConfig) *hostApp {
	t.Helper()
	h := &hostApp{cookie: loadVectors(t).sessions["v4_valid"], session: "{}"}
	if h.cookie == "" {
		t.Fatal("no v4_valid session vector")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		for k, vs := range cfg.header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark", Path: "/", SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "next-auth.session-token", Value: h.cookie, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		fmt.Fprint(w, hostPage)
	})
	mux.HandleFunc("/api/auth/session", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		c, err := r.Cookie("next-auth.session-token")
		if err != nil || c.Value != h.cookie {
			fmt.Fprint(w, "{}") // what NextAuth answers without a session
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		fmt.Fprint(w, h.session)
	})
	if cfg.site != "" {
		site := sitesrv.Handler(cfg.site, subPath)
		mux.Handle(subPath, site)
		mux.Handle(subPath+"/", site)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h.Origin = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	h.URL = h.Origin + "/"
	return h
}

// The host page: no script of its own, no favicon request.
const hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title><link rel="icon" href="data:,"></head>
<body><h1>My app</h1><p>Signed in as Alice.</p></body></html>
`

// setSession makes /api/auth/session return a NextAuth session JSON whose
// user comes from the next-auth-minted v4_valid vector and whose backend
// tokens are the ones Django just minted.
func (h *hostApp) setSession(t *testing.T, access, refresh string) string {
	t.Helper()
	var payload struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Exp   int64  `json:"exp"`
	}
	if err := json.Unmarshal(testvectors.LoadSessions(t).Get(t, "v4_valid").Payload, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.Name == "" {
		t.Fatal("v4_valid has no payload")
	}
	b, err := json.Marshal(map[string]any{
		"user":           map[string]string{"name": payload.Name, "email": payload.Email},
		"expires":        time.Unix(payload.Exp, 0).UTC().Format("2006-01-02T15:04:05.000Z"),
		"backendAccess":  access,
		"backendRefresh": refresh,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	h.session = string(b)
	h.mu.Unlock()
	return string(b)
}

// bookmarkletHref opens the hosted inspector and returns a#bookmarklet's
// href, the link the user drags to the bookmarks bar, and the inspector tab.
func bookmarkletHref(t *testing.T, inspectorURL string) (string, *tab) {
	t.Helper()
	insp := newTab(t)
	insp.open(inspectorURL)
	href := insp.attr("a#bookmarklet", "href")
	if !strings.HasPrefix(href, "javascript:") {
		t.Fatalf("a#bookmarklet href %q", href)
	}
	if len(href) > web.MaxBookmarkletBytes {
		t.Errorf("bookmarklet is %d bytes, over %d", len(href), web.MaxBookmarkletBytes)
	}
	return href, insp
}

// newTabIn opens a second tab in profile's browser context: the same
// cookies and the same localStorage (so the same bridge key), as a second
// tab of one browser profile.
func newTabIn(t *testing.T, profile *tab) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(profile.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening tab: %v", err)
	}
	return attach(t, ctx)
}

// openHost opens the host app's page in profile's browser context (a fresh
// one when profile is nil: a browser that never opened the inspector) and
// accepts any dialog it opens (recording it), so an alert never hangs the
// test.
func openHost(t *testing.T, profile *tab, url string) (*tab, *dialogs) {
	t.Helper()
	var h *tab
	if profile == nil {
		h = newTab(t)
	} else {
		h = newTabIn(t, profile)
	}
	d := &dialogs{}
	if err := chromedp.Listen(h.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			d.add(e.Message)
			go func() {
				_, _ = chromedp.Call(h.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	h.do("navigating to the host app", chromedp.Navigate(url))
	h.waitJS("the host page", `document.readyState === "complete"`, 15*time.Second)
	return h, d
}

type dialogs struct {
	mu   sync.Mutex
	msgs []string
}

func (d *dialogs) add(m string) { d.mu.Lock(); d.msgs = append(d.msgs, m); d.mu.Unlock() }
func (d *dialogs) all() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.msgs)
}

// clickBookmarklet does what clicking the bookmark does: the browser
// percent-decodes the javascript: URL and runs it in the page, with a user
// gesture (so the popup is allowed) and outside the page's CSP. It returns
// the epoch time (ms, performance.timeOrigin + now) of the click.
func (h *tab) clickBookmarklet(href string) float64 {
	h.t.Helper()
	code := eval[string](h, fmt.Sprintf(`decodeURIComponent(%s.slice("javascript:".length))`, jsString(href)))
	expr := "(() => { const t0 = performance.timeOrigin + performance.now();\n" + code + "\nreturn t0; })()"
	gesture := true
	t0, err := chromedp.Run(h.ctx, chromedp.Evaluate[float64](expr, func(p *runtime.EvaluateParams) { p.UserGesture = &gesture }))
	if err != nil {
		h.t.Fatalf("running the bookmarklet: %v", err)
	}
	return t0
}

// pageTargets lists the ids of the browser's page targets.
func pageTargets(t *testing.T, ctx context.Context) map[target.ID]bool {
	t.Helper()
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		t.Fatalf("listing targets: %v", err)
	}
	ids := map[target.ID]bool{}
	for _, i := range infos {
		if i.Type == "page" {
			ids[i.TargetID] = true
		}
	}
	return ids
}

// popup waits for a page target that was not in before and whose URL is
// under inspectorURL, attaches to it and returns it as a tab. It polls the
// browser's target list instead of chromedp.WaitNewTarget, which only
// reports targets that still have an opener: the COOP case has none.
func (h *tab) popup(before map[target.ID]bool, inspectorURL string) (*tab, target.ID) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(h.ctx)
		if err != nil {
			h.t.Fatalf("listing targets: %v", err)
		}
		for _, i := range infos {
			if i.Type == "page" && !before[i.TargetID] && strings.HasPrefix(i.URL, inspectorURL) {
				ctx, cancel := chromedp.NewContext(h.ctx, chromedp.WithTargetID(i.TargetID))
				h.t.Cleanup(cancel)
				if err := chromedp.Do(ctx); err != nil {
					h.t.Fatalf("attaching to the inspector window: %v", err)
				}
				return attach(h.t, ctx), i.TargetID
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("no inspector window under %s opened; host console: %v", inspectorURL, h.log.all())
	return nil, ""
}

// closeTarget closes a window the way the user does.
func closeTarget(t *testing.T, ctx context.Context, id target.ID) {
	t.Helper()
	if _, err := chromedp.CallBrowser(ctx, target.CloseTarget, target.CloseTargetParams{TargetID: id}); err != nil {
		t.Fatalf("closing the inspector window: %v", err)
	}
}

// listeners lists the event listeners on the object expr evaluates to, as
// DevTools shows them (type, capture, handler location).
func (h *tab) listeners(expr string) []string {
	h.t.Helper()
	obj, err := chromedp.Run(h.ctx, chromedp.Evaluate[*runtime.RemoteObject](expr, chromedp.EvalObjectGroup("tsb-listeners")))
	if err != nil {
		h.t.Fatalf("evaluating %s: %v", expr, err)
	}
	defer chromedp.Call(h.ctx, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: "tsb-listeners"})
	res, err := chromedp.Call(h.ctx, domdebugger.GetEventListeners, domdebugger.GetEventListenersParams{ObjectID: obj.ObjectID})
	if err != nil {
		h.t.Fatalf("DOMDebugger.getEventListeners(%s): %v", expr, err)
	}
	var out []string
	for _, l := range res.Listeners {
		out = append(out, fmt.Sprintf("%s capture=%t script=%s:%d:%d", l.Type, l.UseCapture, l.ScriptID, l.LineNumber, l.ColumnNumber))
	}
	slices.Sort(out)
	return out
}

// hostState is what the bridge must not leave behind in the host page.
type hostState struct {
	Globals   []string
	Window    []string
	Document  []string
	Intervals int
}

// countIntervals wraps the host's setInterval/clearInterval so the test can
// count the timers still running; it runs before the state snapshot, so it
// is not itself counted as a change.
const countIntervals = `(() => {
	const si = window.setInterval, ci = window.clearInterval, live = new Set();
	window.setInterval = function (...a) { const id = si.apply(this, a); live.add(id); return id; };
	window.clearInterval = function (id) { live.delete(id); return ci.call(this, id); };
	window.clearInterval.live = live;
	return true;
})()`

func (h *tab) hostState() hostState {
	h.t.Helper()
	return hostState{
		Globals:   eval[[]string](h, `Object.getOwnPropertyNames(window).sort()`),
		Window:    h.listeners("window"),
		Document:  h.listeners("document"),
		Intervals: eval[int](h, `window.clearInterval.live ? window.clearInterval.live.size : -1`),
	}
}

// bookmarkletRig is the hosted inspector, the host app, a Django whose CORS
// allows only the host's origin, and the bookmarklet read from the page.
// The host is opened in the inspector tab's browser context: the browser
// profile the bookmarklet (and its key) came from.
type bookmarkletRig struct {
	inspURL, inspOrigin string
	host                *hostApp
	srv                 *backend.Server
	href                string
	insp                *tab // the plain hosted inspector (no bridge)
}

func newBookmarkletRig(t *testing.T, cfg hostConfig) *bookmarkletRig {
	t.Helper()
	_, inspURL := serveSite(t, rootSite, "")
	r := &bookmarkletRig{inspURL: inspURL, inspOrigin: strings.TrimSuffix(inspURL, "/")}
	r.host = startHost(t, cfg)
	r.srv = backend.Start(t, backend.Config{CORSAllowedOrigins: []string{r.host.Origin}})
	r.href, r.insp = bookmarkletHref(t, inspURL)
	if !strings.Contains(r.href, inspURL) {
		t.Errorf("the bookmarklet does not open %s: %.200s…", inspURL, r.href)
	}
	return r
}

// open opens the host page, clicks the bookmarklet and returns the host tab
// and the inspector window it opened.
func (r *bookmarkletRig) open(t *testing.T) (host *tab, insp *tab, id target.ID, d *dialogs) {
	t.Helper()
	host, d = openHost(t, r.insp, r.host.URL)
	before := pageTargets(t, host.ctx)
	host.clickBookmarklet(r.href)
	if msgs := d.all(); len(msgs) > 0 {
		t.Fatalf("the bookmarklet raised a dialog instead of opening the inspector: %q", msgs)
	}
	insp, id = host.popup(before, r.inspURL)
	insp.waitReady()
	return host, insp, id, d
}

// otherErrors drops the console lines Chromium writes for HTTP error
// statuses of requests to url (the 401 and 404 answers the probe provokes
// on purpose, which no page script can silence) and keeps the rest.
func otherErrors(entries []consoleEntry, url string) []consoleEntry {
	var out []consoleEntry
	for _, e := range entries {
		if strings.HasPrefix(e.text, "Failed to load resource: the server responded with a status of") && strings.Contains(e.text, " "+url+"/") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// TestBookmarkletProbeFromHostOrigin: through the bookmarklet the probe
// leaves from the host page, Django sees the host's Origin and CORS passes;
// the same probe from the hosted inspector alone is refused. The host's
// HttpOnly session cookie is explained, its readable cookie named (its
// value holds no token, so it stays in the page), and /api/auth/session
// read on request shows the backend tokens decoded.
func TestBookmarkletProbeFromHostOrigin(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	access, refresh := login(t, r.srv)
	r.host.setSession(t, access, refresh)
	host, insp, _, _ := r.open(t)

	if sev := insp.expect("bookmarklet.connected"); sev != "info" {
		t.Errorf("bookmarklet.connected severity %q", sev)
	}
	if o := insp.evidence("bookmarklet.connected", "host origin"); o != r.host.Origin {
		t.Errorf("connected: host origin %q, want %s", o, r.host.Origin)
	}
	if c := insp.evidence("bookmarklet.connected", "readable cookies"); c != "theme" {
		t.Errorf("connected: readable cookies %q, want theme (the session cookie is HttpOnly)", c)
	}
	insp.expect("bookmarklet.httponly_session")
	// theme=dark holds no token: the bridge sends its name, not its value.
	if in := eval[string](insp, `document.querySelector("textarea#input").value`); strings.Contains(in, "theme=dark") || strings.Contains(in, r.host.cookie) {
		t.Errorf("paste box after connecting: %q", in)
	}

	insp.typeInto("input#backend", r.srv.URL)
	insp.probe("probe.endpoint_ok")
	if from := insp.evidence("probe.endpoint_ok", "sent from origin"); from != r.host.Origin {
		t.Errorf("endpoint_ok: sent from origin %q, want %s", from, r.host.Origin)
	}
	if tb := insp.text(`.finding[data-code="probe.cors_blocked"]`); tb != "" {
		t.Errorf("cors_blocked through the bridge: %s", tb)
	}
	logs := r.srv.Logs()
	for _, want := range []string{
		"ORIGIN OPTIONS /api/token/refresh/ " + r.host.Origin,
		"ORIGIN POST /api/token/refresh/ " + r.host.Origin,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("Django never logged %q; logs:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, r.inspOrigin) {
		t.Errorf("a request reached Django with the inspector's Origin %s through the bridge:\n%s", r.inspOrigin, logs)
	}

	// /api/auth/session, read with the host's HttpOnly cookie on request.
	if w := insp.text("#session-warning"); !strings.Contains(w, "rotate") {
		t.Errorf("no rotation warning beside the session button: %q", w)
	}
	insp.click("button#read-session")
	insp.waitJS("the session's backend tokens", `document.querySelectorAll('[data-code="simplejwt.token"]').length >= 2`, 15*time.Second)
	titles := eval[[]string](insp, `[...document.querySelectorAll('[data-code="simplejwt.token"] .finding-title')].map(e => e.textContent)`)
	joined := strings.Join(titles, " | ")
	if !strings.Contains(joined, "SimpleJWT refresh token for user_id 1") || !strings.Contains(joined, "SimpleJWT access token for user_id 1") {
		t.Errorf("simplejwt facts after reading the session: %q", joined)
	}
	if in := eval[string](insp, `document.querySelector("textarea#input").value`); !strings.Contains(in, `"backendRefresh"`) || !strings.Contains(in, refresh) {
		t.Errorf("the session JSON is not in the paste box: %.300q", in)
	}
	if st := insp.text("#status"); !strings.Contains(st, "Read /api/auth/session: status 200") {
		t.Errorf("status after reading the session: %q", st)
	}

	// The host page logged nothing but Django's 401/404 answers to the probe.
	if errs := otherErrors(host.log.errors(), r.srv.URL); len(errs) > 0 {
		t.Errorf("host console errors: %v", errs)
	}

	// The same probe from the hosted inspector alone carries its own Origin,
	// which Django's CORS does not allow.
	mark := len(r.srv.Logs())
	r.insp.paste(refresh) // the page shows findings once something is pasted
	r.insp.typeInto("input#backend", r.srv.URL)
	r.insp.probe("probe.cors_blocked")
	if tail := r.srv.Logs()[mark:]; !strings.Contains(tail, "ORIGIN OPTIONS /api/token/refresh/ "+r.inspOrigin) {
		t.Errorf("Django did not see the hosted inspector's Origin %s:\n%s", r.inspOrigin, tail)
	}
}

// TestBookmarkletLeavesNothingBehind: connecting, reading the session and
// closing the inspector leave no console error, no global, no listener and
// no timer in the host page.
func TestBookmarkletLeavesNothingBehind(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	access, refresh := login(t, r.srv)
	r.host.setSession(t, access, refresh)

	host, d := openHost(t, r.insp, r.host.URL)
	eval[bool](host, countIntervals)
	before := host.hostState()
	targets := pageTargets(t, host.ctx)
	host.clickBookmarklet(r.href)
	if msgs := d.all(); len(msgs) > 0 {
		t.Fatalf("dialog: %q", msgs)
	}
	insp, id := host.popup(targets, r.inspURL)
	insp.waitReady()
	insp.expect("bookmarklet.connected")
	insp.click("button#read-session")
	insp.waitJS("the session's backend tokens", `document.querySelectorAll('[data-code="simplejwt.token"]').length >= 2`, 15*time.Second)

	during := host.hostState()
	if !slices.Contains(during.Globals, "__tsb") || during.Intervals != 1 || len(during.Window) != len(before.Window)+1 {
		t.Errorf("while connected the host should hold __tsb, one timer and one more window listener: %+v", during)
	}

	closeTarget(t, host.ctx, id)
	host.waitJS("the bridge to go", `!("__tsb" in window)`, 2*time.Second)
	after := host.hostState()
	if !slices.Equal(after.Globals, before.Globals) {
		t.Errorf("globals changed:\nbefore %v\nafter  %v", diff(before.Globals, after.Globals), diff(after.Globals, before.Globals))
	}
	if !slices.Equal(after.Window, before.Window) {
		t.Errorf("window listeners: before %v, after %v", before.Window, after.Window)
	}
	if !slices.Equal(after.Document, before.Document) {
		t.Errorf("document listeners: before %v, after %v", before.Document, after.Document)
	}
	if after.Intervals != 0 {
		t.Errorf("%d interval timer(s) still running in the host", after.Intervals)
	}
	if errs := host.log.errors(); len(errs) > 0 {
		t.Errorf("host console errors: %v", errs)
	}
	// The bookmarklet can be clicked again: the guard global is gone.
	targets = pageTargets(t, host.ctx)
	host.clickBookmarklet(r.href)
	insp2, _ := host.popup(targets, r.inspURL)
	insp2.waitReady()
	insp2.expect("bookmarklet.connected")
}

// evidence returns the value of one evidence row of the finding with code.
func (h *tab) evidence(code, name string) string {
	h.t.Helper()
	return eval[string](h, fmt.Sprintf(`(() => {
		for (const d of document.querySelectorAll(%s)) {
			if (d.querySelector("dt")?.textContent === %s) return d.querySelector("dd")?.textContent ?? "";
		}
		return "";
	})()`, jsString(`.finding[data-code="`+code+`"] .evidence > div`), jsString(name)))
}

// expect waits for the finding with code and returns its severity; on
// timeout it fails naming the findings the page shows instead.
func (h *tab) expect(code string) string {
	h.t.Helper()
	sel := fmt.Sprintf(`.finding[data-code=%s]`, jsString(code))
	_, err := chromedp.Run(h.ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector(%s)`, jsString(sel)),
		chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		codes := eval[[]string](h, `[...document.querySelectorAll("[data-code]")].map(e => e.dataset.code + ": " + (e.querySelector(".finding-title")?.textContent ?? ""))`)
		h.t.Fatalf("no %s: %v\nthe page shows: %q\nconsole: %v", code, err, codes, h.log.all())
	}
	return h.attr(sel, "data-severity")
}

// probe clicks the side-effect-free probe and waits for code.
func (h *tab) probe(code string) string {
	h.t.Helper()
	h.click("button#probe")
	return h.expect(code)
}

// diff lists what a has and b lacks.
func diff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// TestBookmarkletHostCSP: a host page whose CSP allows connections to itself
// only blocks the bridge's probe; the inspector says so and names
// connect-src, and nothing reaches Django.
func TestBookmarkletHostCSP(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{header: http.Header{"Content-Security-Policy": {"connect-src 'self'"}}})
	_, insp, _, _ := r.open(t)
	insp.expect("bookmarklet.connected")
	insp.typeInto("input#backend", r.srv.URL)
	if sev := insp.probe("bookmarklet.csp_blocked"); sev != "error" {
		t.Errorf("csp_blocked severity %q", sev)
	}
	if title := insp.text(`.finding[data-code="bookmarklet.csp_blocked"] .finding-title`); !strings.Contains(title, "connect-src") {
		t.Errorf("csp_blocked title does not name connect-src: %q", title)
	}
	if d := insp.evidence("bookmarklet.csp_blocked", "directive"); d != "connect-src" {
		t.Errorf("csp_blocked: directive %q, want connect-src", d)
	}
	if strings.Contains(r.srv.Logs(), "ORIGIN POST") || strings.Contains(r.srv.Logs(), "ORIGIN OPTIONS") {
		t.Errorf("a blocked probe reached Django:\n%s", r.srv.Logs())
	}
}

// TestBookmarkletHostCOOP: Cross-Origin-Opener-Policy: same-origin on the
// host page puts the inspector in another browsing context group. Chromium
// still opens it (window.open returns a proxy that reads as closed, so no
// "allow pop-ups" alert), the inspector has no opener and says so, and the
// host's bridge removes itself at its next check.
func TestBookmarkletHostCOOP(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{header: http.Header{"Cross-Origin-Opener-Policy": {"same-origin"}}})
	host, d := openHost(t, r.insp, r.host.URL)
	targets := pageTargets(t, host.ctx)
	host.clickBookmarklet(r.href)
	insp, _ := host.popup(targets, r.inspURL)
	if msgs := d.all(); len(msgs) > 0 {
		t.Fatalf("window.open returned null under COOP, so the bridge alerted %q instead of opening the inspector", msgs)
	}
	insp.waitReady()
	if sev := insp.expect("bookmarklet.opener_lost"); sev != "error" {
		t.Errorf("opener_lost severity %q", sev)
	}
	if fix := insp.text(`.finding[data-code="bookmarklet.opener_lost"]`); !strings.Contains(fix, "Cross-Origin-Opener-Policy") || !strings.Contains(fix, "public/") {
		t.Errorf("opener_lost does not say why or offer the self-hosted fallback: %q", fix)
	}
	if insp.text(`.finding[data-code="bookmarklet.connected"]`) != "" {
		t.Error("connected although the opener is gone")
	}
	host.waitJS("the host's bridge to remove itself", `!("__tsb" in window)`, 2*time.Second)
	if errs := host.log.errors(); len(errs) > 0 {
		t.Errorf("host console errors: %v", errs)
	}
}

// TestBookmarkletSelfHosted: the site built for a prefix and served by the
// app itself under that prefix is same-origin with the app, so the probe
// carries the app's Origin without any bridge.
func TestBookmarkletSelfHosted(t *testing.T) {
	host := startHost(t, hostConfig{site: mustPrefixSite(t)})
	srv := backend.Start(t, backend.Config{CORSAllowedOrigins: []string{host.Origin}})
	tb := newTab(t)
	tb.open(host.Origin + subPath + "/")
	if href := tb.attr("a#bookmarklet", "href"); !strings.Contains(href, host.Origin+subPath+"/") {
		t.Errorf("the self-hosted page offers a bookmarklet for another URL: %.200s…", href)
	}
	_, refresh := login(t, srv)
	tb.paste(refresh) // the page shows findings once something is pasted
	tb.typeInto("input#backend", srv.URL)
	tb.probe("probe.endpoint_ok")
	if from := tb.evidence("probe.endpoint_ok", "sent from origin"); from != host.Origin {
		t.Errorf("endpoint_ok: sent from origin %q, want %s", from, host.Origin)
	}
	if tb.text(`.finding[data-code^="bookmarklet."]`) != "" {
		t.Errorf("a bookmarklet finding on the self-hosted page: %s", tb.text(`.finding[data-code^="bookmarklet."]`))
	}
	if logs := srv.Logs(); !strings.Contains(logs, "ORIGIN POST /api/token/refresh/ "+host.Origin) {
		t.Errorf("Django did not see Origin %s:\n%s", host.Origin, logs)
	}
}
