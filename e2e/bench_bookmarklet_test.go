//go:build bench

package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// benchBookmarklet times the bookmarklet click to the inspector window
// showing bookmarklet.connected with the host's data analysed (a JWT in the
// host's localStorage decoded into a token card), median of benchRuns, cold
// and warm. A bookmarklet works only in the browser profile it was made in
// (it carries that profile's key), so cold is a fresh profile that opened
// the inspector once, to make its key and bookmarklet, and then had the
// inspector's service worker, Cache Storage and HTTP cache cleared; warm is
// the same host tab clicking again (the service worker serves the
// inspector). Times are epoch ms from performance.timeOrigin + now() on
// both sides, so no DevTools round trip is inside them. TestBenchBrowser
// calls it; it appends its lines to out.
func benchBookmarklet(t *testing.T, out string) {
	_, inspURL := serveSite(t, rootSite, "")
	inspOrigin := strings.TrimSuffix(inspURL, "/")
	host := startHost(t, hostConfig{})
	tok := newTestToken(t, time.Now()).raw
	const ready = `!!document.querySelector('[data-code="bookmarklet.connected"]') && !!document.querySelector(` + "`" + firstToken + "`" + `)`
	click := func(h *tab, href string) float64 {
		targets := pageTargets(t, h.ctx)
		t0 := h.clickBookmarklet(href)
		insp, id := h.popup(targets, inspURL)
		insp.waitJS("the inspector connected with the host's token", `(() => {
			if (!(`+ready+`)) return false;
			window.__tsReadyAt ??= performance.timeOrigin + performance.now();
			return true;
		})()`, 60*time.Second)
		t1 := eval[float64](insp, `window.__tsReadyAt`)
		closeTarget(t, h.ctx, id)
		h.waitJS("the bridge to go", `!("__tsb" in window)`, 5*time.Second)
		return t1 - t0
	}
	openWithToken := func(profile *tab) *tab {
		h, _ := openHost(t, profile, host.URL)
		eval[bool](h, fmt.Sprintf(`(localStorage.setItem("accessToken", %s), true)`, jsString(tok)))
		return h
	}
	var cold, warm []float64
	for range benchRuns {
		href, profile := bookmarkletHref(t, inspURL)
		profile.do("leaving the inspector", chromedp.Navigate("about:blank"))
		clearOriginData(t, profile, inspOrigin, "service_workers,cache_storage")
		if _, err := chromedp.Call(profile.ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
			t.Fatalf("Network.clearBrowserCache: %v", err)
		}
		cold = append(cold, click(openWithToken(profile), href))
	}
	href, profile := bookmarkletHref(t, inspURL)
	h := openWithToken(profile)
	click(h, href) // the bridge window's first run after the visit
	for range benchRuns {
		warm = append(warm, click(h, href))
	}
	t.Logf("bookmarklet click -> ready (ms): cold %.0f, warm %.0f", cold, warm)
	id := func(f float64) float64 { return f }
	// Same columns as the probe line that TestBenchProbe appends.
	lines := fmt.Sprintf("%-34s %12s %13.0f ms %10s\n", "bookmarklet click -> ready, cold", "", median(cold, id), "-") +
		fmt.Sprintf("%-34s %12s %13.0f ms %10s\n", "bookmarklet click -> ready, warm", "", median(warm, id), "-")
	fmt.Print(lines)
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(lines); err != nil {
		t.Fatal(err)
	}
}
