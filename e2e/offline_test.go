package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOffline visits once, waits for the service worker, then takes the
// network away twice over (the server is shut down and DevTools emulates
// offline for the page and the worker) and reloads: the app must start and
// decode from Cache Storage alone. It runs at "/" and under a sub-path.
func TestOffline(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prefix string
	}{
		{"root", ""},
		{"subpath", subPath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := rootSite
			if tc.prefix != "" {
				dir = mustPrefixSite(t)
			}
			tb := newTab(t)
			srv, url := serveSite(t, dir, tc.prefix)
			tb.open(url)
			tb.waitServiceWorker()

			srv.Close()
			tb.goOffline()
			tb.reload()
			if got := eval[string](tb, `location.href`); got != url {
				t.Errorf("after reload the page is %s, want %s", got, url)
			}
			tb.paste(newTestToken(t, time.Now()).raw)
			tb.waitFor(firstToken)
			if errs := tb.log.errors(); len(errs) > 0 {
				t.Errorf("console errors offline: %v", errs)
			}
		})
	}
}

// goOffline makes the tab's requests fail and navigator.onLine false.
//
// It sends the deprecated Network.emulateNetworkConditions by name: cdproto
// v0.159.0 only has Network.emulateNetworkConditionsByRule, and its
// parameter struct lacks the top-level "offline" field that Chromium 148
// requires, so the typed call fails with "Invalid parameters". The test also
// shuts the server down, which is the offline that really matters.
func (tb *tab) goOffline() {
	tb.t.Helper()
	params := map[string]any{"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
	if err := chromedp.FromContext(tb.ctx).Target.Call(tb.ctx, "Network.emulateNetworkConditions", params, nil); err != nil {
		tb.t.Fatalf("emulating offline: %v", err)
	}
	if online := eval[bool](tb, `navigator.onLine`); online {
		tb.t.Fatal("navigator.onLine is still true after going offline")
	}
}

func mustPrefixSite(t *testing.T) string {
	t.Helper()
	dir, err := prefixSite()
	if err != nil {
		t.Fatalf("building the sub-path site: %v", err)
	}
	return dir
}

// TestSubPath serves a site built with --prefix under that prefix, as on a
// shared host: every request must stay inside the prefix and succeed, the
// worker's scope must be the prefix, and the bare prefix redirects in.
func TestSubPath(t *testing.T) {
	dir := mustPrefixSite(t)
	tb := newTab(t)
	srv, url := serveSite(t, dir, subPath)
	tb.open(srv.URL + subPath) // no trailing slash: the server redirects
	if got := eval[string](tb, `location.href`); got != url {
		t.Errorf("landed on %s, want %s", got, url)
	}
	tb.waitServiceWorker()
	tb.waitNetworkIdle(300 * time.Millisecond)

	for _, r := range tb.net.since(0) {
		if !strings.Contains(r, " "+srv.URL+subPath) {
			t.Errorf("request outside %s: %s", subPath, r)
		}
	}
	if errs := tb.log.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	if scope := eval[string](tb, `navigator.serviceWorker.ready.then(r => r.scope)`); scope != url {
		t.Errorf("service worker scope = %s, want %s", scope, url)
	}
	tb.paste(newTestToken(t, time.Now()).raw)
	tb.waitFor(firstToken)
}
