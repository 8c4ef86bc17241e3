package e2e

import (
	"strings"
	"testing"
	"time"
)

// firstToken is the first decoded token card; the UI numbers them from 0.
const firstToken = `[data-token-index="0"]`

func TestPageLoadsCleanly(t *testing.T) {
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	tb.open(url)

	if got := eval[string](tb, `document.title`); !strings.HasPrefix(got, "tokenscope") {
		t.Errorf("title = %q, want it to start with tokenscope", got)
	}
	tb.waitNetworkIdle(300 * time.Millisecond)
	if errs := tb.log.errors(); len(errs) > 0 {
		t.Errorf("console errors on load: %v", errs)
	}
	// Privacy: every request of the page load goes to the site's own origin.
	for _, r := range tb.net.since(0) {
		if !strings.Contains(r, " "+strings.TrimSuffix(url, "/")) {
			t.Errorf("request to another origin: %s", r)
		}
	}
	// The app started and the loader's progress bar went with it.
	if got := eval[bool](tb, `!!document.getElementById("app-wasm-progress")`); got {
		t.Error("the loading progress bar is still on the page")
	}
}

func TestLoadingProgressIsReal(t *testing.T) {
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	tb.addInitScript(progressWatchJS)
	tb.open(url)

	seen := eval[[]int](tb, `window.__tsProgress || []`)
	if len(seen) == 0 {
		t.Fatal("no loading progress was recorded")
	}
	// The loader counts the bytes of web/app.wasm.gz against its size
	// known at build time: it ends at exactly 100 and never goes past it or
	// backwards.
	if last := seen[len(seen)-1]; last != 100 {
		t.Errorf("last progress = %d%%, want 100%% (seen: %v)", last, seen)
	}
	for i, p := range seen {
		if p < 0 || p > 100 || i > 0 && p < seen[i-1] {
			t.Errorf("progress went %v", seen)
			break
		}
	}
	if bar := eval[int](tb, `window.__tsBarMax || 0`); bar != 100 {
		t.Errorf("the progress bar reached %d, want 100", bar)
	}
}

// progressWatchJS runs before the page's scripts and records every
// percentage go-app's loader label shows, and the progress bar's highest value.
const progressWatchJS = `(() => {
	window.__tsProgress = [];
	window.__tsBarMax = 0;
	const look = () => {
		const label = document.getElementById("app-wasm-loader-label");
		const m = label && /(\d+)%/.exec(label.textContent);
		if (m) {
			const p = Number(m[1]);
			const seen = window.__tsProgress;
			if (seen[seen.length - 1] !== p) seen.push(p);
		}
		// After web/loader.js's own observer, which runs after this one.
		queueMicrotask(() => {
			const bar = document.getElementById("app-wasm-progress");
			if (bar) window.__tsBarMax = Math.max(window.__tsBarMax, bar.value);
		});
	};
	new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
})()`

// TestFindingAttributes checks the testability contract other tests and
// users' scripts rely on: findings carry data-code and data-severity.
func TestFindingAttributes(t *testing.T) {
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	tb.open(url)
	expired := newTestToken(t, time.Now().Add(-48*time.Hour))
	tb.paste(expired.raw)
	if sev := tb.finding("jwt.expired"); sev != "error" {
		t.Errorf("jwt.expired has data-severity %q, want error", sev)
	}
	if got := tb.attr(firstToken, "data-token-index"); got != "0" {
		t.Errorf("first token card has data-token-index %q", got)
	}
}

func TestNoNetworkDuringAnalysis(t *testing.T) {
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	tb.open(url)
	tb.waitNetworkIdle(500 * time.Millisecond)
	if tb.net.mark() == 0 {
		t.Fatal("the recorder saw no request at all during the page load; it is not recording")
	}

	tok := newTestToken(t, time.Now())
	before := tb.net.mark()
	tb.paste(tok.raw)
	tb.waitFor(firstToken)
	tb.paste(cookieHeader(tok.raw, 4096))
	tb.waitFor(firstToken)
	time.Sleep(300 * time.Millisecond) // anything analysis might send late
	if reqs := tb.net.since(before); len(reqs) > 0 {
		t.Errorf("analysis sent %d request(s): %v", len(reqs), reqs)
	}
}

func TestNothingPastedIsStored(t *testing.T) {
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	tb.open(url)
	tb.waitServiceWorker() // so Cache Storage holds the site and is checked too

	tok := newTestToken(t, time.Now())
	tb.paste(tok.raw)
	tb.waitFor(firstToken)
	time.Sleep(300 * time.Millisecond)

	dump := eval[string](tb, storageDumpJS)
	if !strings.Contains(dump, "cache:") {
		t.Errorf("storage dump shows no Cache Storage entry; is the service worker caching? dump: %.500s", dump)
	}
	for _, needle := range []string{tok.raw, tok.marker, strings.Split(tok.raw, ".")[1]} {
		if strings.Contains(dump, needle) {
			t.Errorf("browser storage holds the pasted token (%.20s…)", needle)
		}
	}
	for _, e := range tb.log.all() {
		if strings.Contains(e.text, tok.marker) || strings.Contains(e.text, tok.raw[:20]) {
			t.Errorf("console shows pasted data: %s", e)
		}
	}
	if u := eval[string](tb, `location.href`); strings.Contains(u, tok.marker) || strings.Contains(u, tok.raw[:20]) {
		t.Errorf("the URL holds pasted data: %s", u)
	}
}

// storageDumpJS returns everything the origin stored, as one string:
// localStorage, sessionStorage, cookies, every IndexedDB record and every
// Cache Storage response body.
const storageDumpJS = `(async () => {
	const out = [];
	for (const [name, store] of [["local", localStorage], ["session", sessionStorage]]) {
		for (let i = 0; i < store.length; i++) {
			const k = store.key(i);
			out.push(name + ":" + k + "=" + store.getItem(k));
		}
	}
	out.push("cookie:" + document.cookie);
	for (const info of (await indexedDB.databases())) {
		const db = await new Promise((ok, fail) => {
			const r = indexedDB.open(info.name);
			r.onsuccess = () => ok(r.result);
			r.onerror = () => fail(r.error);
		});
		for (const storeName of db.objectStoreNames) {
			const rows = await new Promise((ok, fail) => {
				const r = db.transaction(storeName).objectStore(storeName).getAll();
				r.onsuccess = () => ok(r.result);
				r.onerror = () => fail(r.error);
			});
			out.push("idb:" + info.name + "/" + storeName + "=" + JSON.stringify(rows));
		}
		db.close();
	}
	for (const name of await caches.keys()) {
		const cache = await caches.open(name);
		for (const req of await cache.keys()) {
			const res = await cache.match(req);
			out.push("cache:" + name + " " + req.url + "=" + (await res.text()));
		}
	}
	return out.join("\n");
})()`
