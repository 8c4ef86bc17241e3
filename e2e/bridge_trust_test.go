package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"tokenscope/app/bridgeproto"
)

// The bridge's authenticity, end to end: the inspector trusts only the
// bookmarklet it gave this browser profile (its key), names the host by
// the MessageEvent origin, tells an old bookmarklet to be replaced, and the
// bridge sends probes only to the declared backend.

// bridgeKey reads this profile's bridge key from an inspector tab.
func bridgeKey(tb *tab) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`localStorage.getItem(%s) ?? ""`, jsString(bridgeproto.KeyStorageName)))
}

// clearOriginData clears storage types ("local_storage", "service_workers",
// "cache_storage", ...) of origin in tb's browser context, as DevTools'
// "Clear site data" does.
func clearOriginData(t *testing.T, tb *tab, origin, types string) {
	t.Helper()
	if _, err := chromedp.Call(tb.ctx, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: origin, StorageTypes: types}); err != nil {
		t.Fatalf("Storage.clearDataForOrigin(%s, %s): %v", origin, types, err)
	}
}

// hostCanaries puts readable data into the host page that must never reach
// an inspector that refused the bridge: a readable cookie and a JWT in
// localStorage, with names found nowhere else.
const hostCanaries = `(() => {
	document.cookie = "canary_cookie=canaryvalue; path=/";
	localStorage.setItem("canary_storage", "eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOjF9.c2lnbmF0dXJl");
	return true;
})()`

// noHostData fails if the inspector shows anything of the host's: the
// paste box must be empty, and no cookie or storage name may be on the page.
func noHostData(t *testing.T, insp *tab) {
	t.Helper()
	if in := eval[string](insp, `document.querySelector("textarea#input").value`); in != "" {
		t.Errorf("the paste box holds host data: %.200q", in)
	}
	text := eval[string](insp, `document.body.innerText + " " + document.body.innerHTML`)
	for _, leak := range []string{"canary_cookie", "canaryvalue", "canary_storage", "eyJjYW5hcnkiOjF9", "theme=dark", "Connected to", `id="read-session"`} {
		if strings.Contains(text, leak) {
			t.Errorf("the inspector shows host data: %q", leak)
		}
	}
	if c := insp.text(`.finding[data-code="bookmarklet.connected"]`); c != "" {
		t.Errorf("connected: %s", c)
	}
}

// clickInto opens the host in profile (nil: a fresh browser), plants the
// canaries, clicks href and returns the inspector window it opened.
func (r *bookmarkletRig) clickInto(t *testing.T, profile *tab, href string) (host, insp *tab) {
	t.Helper()
	host, d := openHost(t, profile, r.host.URL)
	eval[bool](host, hostCanaries)
	before := pageTargets(t, host.ctx)
	host.clickBookmarklet(href)
	if msgs := d.all(); len(msgs) > 0 {
		t.Fatalf("dialog: %q", msgs)
	}
	insp, _ = host.popup(before, r.inspURL)
	insp.waitReady()
	return host, insp
}

// TestBookmarkletFromAnotherProfile: a genuine bookmarklet copied from
// another browser profile carries that profile's key. Clicked in a browser
// that has its own key, that never opened the inspector, or whose
// inspector storage was cleared, it gets untrusted_opener and nothing of
// the host is shown.
func TestBookmarkletFromAnotherProfile(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	foreignHref := r.href // made in r.insp's profile
	foreignKey := bridgeKey(r.insp)
	if !bridgeproto.ValidKey(foreignKey) {
		t.Fatalf("the inspector made no key: %q", foreignKey)
	}
	if !strings.Contains(foreignHref, foreignKey) {
		t.Fatal("the bookmarklet does not carry the profile's key")
	}

	t.Run("this profile has its own key", func(t *testing.T) {
		mine := newTab(t)
		mine.open(r.inspURL)
		if k := bridgeKey(mine); !bridgeproto.ValidKey(k) || k == foreignKey {
			t.Fatalf("this profile's key %q (the other's %q)", k, foreignKey)
		}
		host, insp := r.clickInto(t, mine, foreignHref)
		if sev := insp.expect("bookmarklet.untrusted_opener"); sev != "error" {
			t.Errorf("untrusted_opener severity %q", sev)
		}
		if from := insp.evidence("bookmarklet.untrusted_opener", "page that tried"); from != r.host.Origin {
			t.Errorf("page that tried %q, want the event origin %s", from, r.host.Origin)
		}
		if fix := insp.text(`.finding[data-code="bookmarklet.untrusted_opener"]`); !strings.Contains(fix, r.inspURL) {
			t.Errorf("the fix does not say where to get this browser's bookmarklet: %q", fix)
		}
		noHostData(t, insp)
		if errs := host.log.errors(); len(errs) > 0 {
			t.Errorf("host console errors: %v", errs)
		}
	})

	t.Run("this browser never opened the inspector", func(t *testing.T) {
		_, insp := r.clickInto(t, nil, foreignHref)
		insp.expect("bookmarklet.untrusted_opener")
		if title := insp.text(`.finding[data-code="bookmarklet.untrusted_opener"] .finding-title`); !strings.Contains(title, "not opened tokenscope directly") {
			t.Errorf("no-key title %q", title)
		}
		if fix := insp.text(`.finding[data-code="bookmarklet.untrusted_opener"]`); !strings.Contains(fix, "directly once") || !strings.Contains(fix, r.inspURL) {
			t.Errorf("no-key fix %q", fix)
		}
		noHostData(t, insp)
		// A window opened for a bridge never makes a key: this browser still
		// has none, so the next bridge is refused too.
		if k := bridgeKey(insp); k != "" {
			t.Errorf("the bridge window made a key: %q", k)
		}
		if insp.attr("a#bookmarklet", "href") != "" {
			t.Error("a bookmarklet offered without a key")
		}
	})

	t.Run("the inspector's storage was cleared", func(t *testing.T) {
		mine := newTab(t)
		mine.open(r.inspURL)
		ownHref := mine.attr("a#bookmarklet", "href")
		clearOriginData(t, mine, r.inspOrigin, "local_storage")
		_, insp := r.clickInto(t, mine, ownHref)
		insp.expect("bookmarklet.untrusted_opener")
		noHostData(t, insp)
	})
}

// hostileOpener is a page's own script (no bookmarklet) that opens the
// inspector for a bridge and answers every message with reply(q): it keeps
// what it was sent in window.__asked.
func hostileOpener(inspURL, reply string) string {
	return fmt.Sprintf(`(() => {
	window.__asked = [];
	const w = open(%s + "#bridge", "tokenscope");
	addEventListener("message", (e) => {
		if (e.source !== w) return;
		const q = e.data;
		window.__asked.push(JSON.stringify(q));
		w.postMessage((%s)(q), "*");
	});
	return true;
})()`, jsString(inspURL), reply)
}

// TestBookmarkletHostileOpener: a page that opens inspector#bridge itself
// and answers with a made-up origin and host data, in each shape a forger
// could try, gets untrusted_opener; it learns nothing from what the
// inspector sent it (no key).
func TestBookmarkletHostileOpener(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	key := bridgeKey(r.insp)
	const fake, untrusted = `"https://bank.example"`, "bookmarklet.untrusted_opener"
	for _, c := range []struct{ name, reply, code string }{
		{"v2 with a forged key", `(q) => ({tsb: 1, v: 2, k: "AAAAAAAAAAAAAAAAAAAAAA", id: q.id, ok: {o: ` + fake + `, t: [["cookie", "canary_cookie", "eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOjF9.c2lnbmF0dXJl"]], n: [], x: 0}})`, untrusted},
		{"v2 without a key", `(q) => ({tsb: 1, v: 2, id: q.id, ok: {o: ` + fake + `, t: [], n: [["cookie", "canary_cookie"]], x: 0}})`, untrusted},
		{"the first protocol's info answer", `(q) => ({tsb: 1, id: q.id, ok: {origin: ` + fake + `, cookie: "canary_cookie=canaryvalue", storage: []}})`, untrusted},
		{"the key guessed as the reply's own origin", `(q) => ({tsb: 1, v: 2, k: location.origin, id: q.id, ok: {o: location.origin, t: [], n: [["cookie", "canary_cookie"]], x: 0}})`, untrusted},
		// Refused unread, before its key could be looked at.
		{"an answer over the size limit", `(q) => ({tsb: 1, v: 2, k: "AAAAAAAAAAAAAAAAAAAAAA", id: q.id, ok: {o: ` + fake + `, t: [], n: [["cookie", "canary_cookie"]], x: 0, pad: "a".repeat(` + fmt.Sprint(bridgeproto.MaxReplyBytes) + `)}})`, "bookmarklet.reply_too_large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			host, d := openHost(t, r.insp, r.host.URL)
			eval[bool](host, hostCanaries)
			before := pageTargets(t, host.ctx)
			gesture := true
			if _, err := chromedp.Run(host.ctx, chromedp.Evaluate[bool](hostileOpener(r.inspURL, c.reply), func(p *runtime.EvaluateParams) { p.UserGesture = &gesture })); err != nil {
				t.Fatalf("running the hostile page's script: %v", err)
			}
			insp, _ := host.popup(before, r.inspURL)
			insp.waitReady()
			if msgs := d.all(); len(msgs) > 0 {
				t.Errorf("dialog: %q", msgs)
			}
			insp.expect(c.code)
			if c.code == untrusted {
				if from := insp.evidence(untrusted, "page that tried"); from != r.host.Origin {
					t.Errorf("page that tried %q, want the event origin %s", from, r.host.Origin)
				}
			}
			if strings.Contains(eval[string](insp, `document.body.innerText`), "bank.example") {
				t.Error("the claimed origin is on the page")
			}
			noHostData(t, insp)
			asked := eval[[]string](host, `window.__asked`)
			if len(asked) != 1 || !strings.Contains(asked[0], `"op":"hello"`) {
				t.Errorf("the inspector sent the hostile page %q, want one hello", asked)
			}
			for _, m := range asked {
				if strings.Contains(m, key) || strings.Contains(m, `"k"`) {
					t.Errorf("the inspector sent its key to the page that opened it: %s", m)
				}
			}
		})
	}
}

// TestBookmarkletOutdated: the first bookmarklet (protocol 1, no key; kept
// minified in testdata) gets bookmarklet.outdated, sends no host data, and
// the finding says where to drag the new one from.
func TestBookmarkletOutdated(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	raw, err := os.ReadFile("testdata/bookmarklet-v1.txt")
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(strings.TrimSpace(string(raw)), "__I__", r.inspURL, 1)
	if !strings.HasPrefix(old, "javascript:") || !strings.Contains(old, "tsb:1,id:q.id") {
		t.Fatalf("testdata/bookmarklet-v1.txt is not the first bookmarklet: %.80s", old)
	}
	host, insp := r.clickInto(t, r.insp, old)
	if sev := insp.expect("bookmarklet.outdated"); sev != "warn" {
		t.Errorf("outdated severity %q", sev)
	}
	if fix := insp.text(`.finding[data-code="bookmarklet.outdated"]`); !strings.Contains(fix, "new bookmarklet from "+r.inspURL) {
		t.Errorf("outdated fix %q", fix)
	}
	if insp.text(`.finding[data-code="bookmarklet.untrusted_opener"]`) != "" {
		t.Error("an old bookmarklet reported as untrusted")
	}
	noHostData(t, insp)
	if errs := host.log.errors(); len(errs) > 0 {
		t.Errorf("host console errors: %v", errs)
	}
}

// bridgeAsk posts one request to the bridge from the inspector window (the
// only window and origin the bridge answers) and returns the answer as JSON.
func bridgeAsk(insp *tab, hostOrigin string, req map[string]any) string {
	insp.t.Helper()
	return eval[string](insp, fmt.Sprintf(`new Promise((resolve) => {
		const q = Object.assign({tsb: 1, v: 2, id: 900000 + Math.floor(Math.random() * 99999)}, %s);
		const on = (e) => {
			if (e.source !== opener || !e.data || e.data.id !== q.id) return;
			removeEventListener("message", on);
			resolve(JSON.stringify(e.data));
		};
		addEventListener("message", on);
		opener.postMessage(q, %s);
		setTimeout(() => resolve("no answer"), 10000);
	})`, toJSON(insp.t, req), jsString(hostOrigin)))
}

// TestBridgeFetchesOnlyTheDeclaredBackend: the bridge refuses a fetch to
// any origin but the backend the inspector declared, to its own host's
// origin, and to a URL that is not http(s); it refuses to declare its own
// origin; and it never sends the refused requests. The probe panel says
// so when the typed backend is the app's own origin.
func TestBridgeFetchesOnlyTheDeclaredBackend(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		otherHits.Add(1)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fmt.Fprint(w, "other")
	}))
	t.Cleanup(other.Close)
	_, insp, _, _ := r.open(t)
	insp.expect("bookmarklet.connected")
	refresh := r.srv.URL + "/api/token/refresh/"
	post := map[string]any{"op": "fetch", "method": "POST", "mode": "cors", "timeout": 5000,
		"headers": map[string]string{"Content-Type": "application/json"}, "body": `{"refresh":"x"}`}
	with := func(m map[string]any, kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	steps := []struct {
		name string
		req  map[string]any
		want string // a substring of the answer
	}{
		{"fetch before any backend is declared", with(post, "url", refresh), `"err":"refused"`},
		{"declare the host's own origin", map[string]any{"op": "be", "b": r.host.Origin + "/api/"}, `"err":"backend"`},
		{"declare a javascript: URL", map[string]any{"op": "be", "b": "javascript:alert(1)"}, `"err":"backend"`},
		{"declare the backend", map[string]any{"op": "be", "b": r.srv.URL}, `"ok":{"b":"` + r.srv.URL + `"}`},
		{"fetch another origin", with(post, "url", other.URL+"/api/token/refresh/"), `"err":"refused"`},
		{"fetch another origin, no-cors GET", with(post, "url", other.URL+"/", "method", "GET", "mode", "no-cors", "body", nil), `"err":"refused"`},
		{"fetch the host's own origin", with(post, "url", r.host.Origin+"/api/auth/session", "method", "GET"), `"err":"refused"`},
		{"fetch a data: URL", with(post, "url", "data:text/plain,x", "method", "GET"), `"err":"refused"`},
		{"fetch the backend with PUT", with(post, "url", refresh, "method", "PUT"), `"err":"refused"`},
		{"fetch the backend", with(post, "url", refresh), `"status":401`},
	}
	for _, s := range steps {
		got := bridgeAsk(insp, r.host.Origin, s.req)
		if !strings.Contains(got, s.want) {
			t.Errorf("%s: answer %s, want %s", s.name, got, s.want)
		}
		if !strings.Contains(got, `"k":"`+bridgeKey(r.insp)+`"`) && got != "no answer" {
			t.Errorf("%s: the answer does not carry the key", s.name)
		}
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the refused requests reached the other server %d time(s)", n)
	}

	// Through the page: typing the app's own origin as the backend.
	insp.typeInto("input#backend", r.host.Origin)
	if sev := insp.probe("bookmarklet.backend_refused"); sev != "error" {
		t.Errorf("backend_refused severity %q", sev)
	}
}

// TestBookmarkletSendsOnlyTokens: the bridge sends cookies and storage
// entries that hold a token, and only the names of the rest.
func TestBookmarkletSendsOnlyTokens(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	host, d := openHost(t, r.insp, r.host.URL)
	eval[bool](host, `(() => {
		document.cookie = "csrftoken=plainvalue123; path=/";
		document.cookie = "access=eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2ln; path=/";
		localStorage.setItem("prefs", "{\"theme\":\"dark-secret-pref\"}");
		sessionStorage.setItem("auth", "{\"token\":\"eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uIjoxfQ.c2ln\"}");
		return true;
	})()`)
	before := pageTargets(t, host.ctx)
	host.clickBookmarklet(r.href)
	if msgs := d.all(); len(msgs) > 0 {
		t.Fatalf("dialog: %q", msgs)
	}
	insp, _ := host.popup(before, r.inspURL)
	insp.waitReady()
	insp.expect("bookmarklet.connected")
	in := eval[string](insp, `document.querySelector("textarea#input").value`)
	for _, want := range []string{"access=eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2ln", "eyJzZXNzaW9uIjoxfQ"} {
		if !strings.Contains(in, want) {
			t.Errorf("token %q not in the paste box: %q", want, in)
		}
	}
	for _, leak := range []string{"plainvalue123", "dark-secret-pref", "theme=dark"} {
		if strings.Contains(in, leak) || strings.Contains(eval[string](insp, `document.body.innerText`), leak) {
			t.Errorf("a non-token value reached the inspector: %q", leak)
		}
	}
	if c := insp.evidence("bookmarklet.connected", "readable cookies"); !strings.Contains(c, "csrftoken") || !strings.Contains(c, "theme") || !strings.Contains(c, "access") {
		t.Errorf("readable cookies %q: every name should be listed", c)
	}
	insp.expect("bookmarklet.httponly_session")
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
