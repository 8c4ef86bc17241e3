package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tokenscope/tools/sitesrv"
)

// integrityMessage is what the worker answers instead of a file that fails
// its SHA-256 check (failClosed in wasm/app-worker.js).
const integrityMessage = "this build's SHA-256"

// countingSite serves a built site like sitesrv, counts requests per path,
// and can be told to serve other bytes for a path, as a tampered or
// half-deployed server would.
type countingSite struct {
	mu       sync.Mutex
	hits     map[string]int
	replaced map[string]string
}

func serveCounting(t *testing.T, dir, prefix string) (*countingSite, *httptest.Server, string) {
	t.Helper()
	s := &countingSite{hits: map[string]int{}, replaced: map[string]string{}}
	files := sitesrv.Handler(dir, prefix)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		body, bad := s.replaced[r.URL.Path]
		s.mu.Unlock()
		if bad {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(body))
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return s, srv, srv.URL + prefix + "/"
}

func (s *countingSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *countingSite) replace(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replaced[path] = body
}

func (s *countingSite) restore(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.replaced, path)
}

// tamperCache overwrites the worker's cached copy of path (relative to the
// page) with body, as any script on the origin can.
func (tb *tab) tamperCache(path, body string) {
	tb.t.Helper()
	ok := eval[bool](tb, `(async () => {
		const name = (await caches.keys()).find((k) => k.startsWith("tokenscope:"));
		const cache = await caches.open(name);
		const url = new URL(`+jsString(path)+`, location.href).href;
		if (!(await cache.match(url))) return false;
		await cache.put(url, new Response(`+jsString(body)+`, {headers: {"Content-Type": "text/css"}}));
		return true;
	})()`)
	if !ok {
		tb.t.Fatalf("%s is not in the worker's cache", path)
	}
}

// cachedText is the worker's cached copy of path.
func (tb *tab) cachedText(path string) string {
	tb.t.Helper()
	return eval[string](tb, `(async () => {
		const name = (await caches.keys()).find((k) => k.startsWith("tokenscope:"));
		const r = await (await caches.open(name)).match(new URL(`+jsString(path)+`, location.href).href);
		return r ? r.text() : "(missing)";
	})()`)
}

// TestWorkerRefetchesATamperedFile: a cached file whose bytes changed is
// not used; the worker fetches it from the server once, checks it, serves
// it and puts the good copy back. The files that verified are not fetched.
func TestWorkerRefetchesATamperedFile(t *testing.T) {
	for _, tc := range []struct{ name, prefix string }{{"root", ""}, {"subpath", subPath}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := rootSite
			if tc.prefix != "" {
				dir = mustPrefixSite(t)
			}
			site, _, url := serveCounting(t, dir, tc.prefix)
			tb := newTab(t)
			tb.open(url)
			tb.waitServiceWorker()
			tb.waitNetworkIdle(300 * time.Millisecond)

			css := tc.prefix + "/web/tokenscope.css"
			js := tc.prefix + "/app.js"
			cssBefore, jsBefore := site.count(css), site.count(js)
			tb.tamperCache("web/tokenscope.css", "body { display: none }")
			tb.reload()
			if got := site.count(css) - cssBefore; got != 1 {
				t.Errorf("the tampered file was fetched %d times from the server, want once", got)
			}
			if got := site.count(js) - jsBefore; got != 0 {
				t.Errorf("app.js, intact in the cache, was fetched %d times", got)
			}
			want, err := os.ReadFile(filepath.Join(dir, "web", "tokenscope.css"))
			if err != nil {
				t.Fatal(err)
			}
			if got := tb.cachedText("web/tokenscope.css"); got != string(want) {
				t.Errorf("the cache holds %.60q, want the build's file back", got)
			}
			if d := eval[string](tb, `getComputedStyle(document.body).display`); d == "none" {
				t.Error("the tampered stylesheet was applied")
			}
			tb.paste(newTestToken(t, time.Now()).raw)
			tb.waitFor(firstToken)

			// A path outside the manifest goes to the network as it is and is
			// not cached.
			extra := tc.prefix + "/not-in-the-build.txt"
			status := eval[int](tb, `fetch("not-in-the-build.txt").then((r) => r.status)`)
			if status != http.StatusNotFound || site.count(extra) != 1 {
				t.Errorf("a path outside the manifest: status %d, %d server hits; want the server's 404, once", status, site.count(extra))
			}
			if got := tb.cachedText("not-in-the-build.txt"); got != "(missing)" {
				t.Errorf("a path outside the manifest was cached: %.60q", got)
			}
		})
	}
}

// TestWorkerFailsClosed: when the cached copy and the server's both differ
// from the build's hash, the worker serves neither. The page is replaced by
// a plain message naming the file; the file itself answers 500. Offline, a
// tampered file fails the same way.
func TestWorkerFailsClosed(t *testing.T) {
	site, srv, url := serveCounting(t, rootSite, "")
	tb := newTab(t)
	tb.open(url)
	tb.waitServiceWorker()

	const evil = `<script>window.__tampered = 1</script>`
	tb.tamperCache("web/loader.js", evil)
	site.replace("/web/loader.js", evil)
	tb.do("reloading", chromedp.Reload())
	tb.waitJS("the integrity message", `document.body && document.body.innerText.includes(`+jsString(integrityMessage)+`)`, 20*time.Second)
	if text := eval[string](tb, `document.body.innerText`); !strings.Contains(text, "web/loader.js does not match "+integrityMessage+", neither in the cache nor on the server") {
		t.Errorf("the message does not name the file: %q", text)
	}
	if eval[bool](tb, `!!document.querySelector("textarea#input")`) {
		t.Error("the page was served although one of its files failed")
	}
	status := eval[string](tb, `fetch("web/loader.js").then(async (r) => r.status + " " + r.headers.get("X-Tokenscope-Integrity") + " " + (await r.text()).includes(`+jsString(integrityMessage)+`))`)
	if status != "500 failed true" {
		t.Errorf("web/loader.js answered %q, want 500 with the message", status)
	}

	// Once the server has the right file again, a reload heals the cache.
	site.restore("/web/loader.js")
	tb.reload()
	tb.paste(newTestToken(t, time.Now()).raw)
	tb.waitFor(firstToken)

	// app.wasm.gz is checked when it is fetched; the page (verified) shows
	// the worker's refusal in go-app's loading label.
	tb.tamperCache("web/app.wasm.gz", "\x00asm tampered")
	site.replace("/web/app.wasm.gz", "\x00asm tampered")
	tb.do("reloading", chromedp.Reload())
	tb.waitJS("the refusal in the loading label", `(document.getElementById("app-wasm-loader-label")?.textContent ?? "").includes("web/app.wasm.gz does not match `+integrityMessage+`")`, 20*time.Second)
	site.restore("/web/app.wasm.gz")
	tb.reload()

	// Offline, a tampered file cannot be refetched: the page fails closed.
	tb.tamperCache("app.js", "window.__tampered = 1")
	srv.Close()
	tb.goOffline()
	tb.do("reloading offline", chromedp.Reload())
	tb.waitJS("the integrity message offline", `document.body && document.body.innerText.includes("app.js is missing from the cache or does not match `+integrityMessage+`")`, 20*time.Second)
	if eval[string](tb, `String(window.__tampered)`) != "undefined" {
		t.Error("the tampered app.js ran")
	}
}
