//go:build bench

package e2e

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// benchBookmarklet times the bookmarklet click to the inspector window
// showing bookmarklet.connected with the host's data analysed (a JWT in the
// host's localStorage decoded into a token card), median of benchRuns, cold
// (a fresh browser profile each time: no service worker, no HTTP cache) and
// warm (the same host tab clicking again: the service worker serves the
// inspector). Times are epoch ms from performance.timeOrigin + now() on
// both sides, so no DevTools round trip is inside them. TestBenchBrowser
// calls it; it appends its lines to out.
func benchBookmarklet(t *testing.T, out string) {
	_, inspURL := serveSite(t, rootSite, "")
	host := startHost(t, hostConfig{})
	href, _ := bookmarkletHref(t, inspURL)
	tok := newTestToken(t, time.Now()).raw
	const ready = `!!document.querySelector('[data-code="bookmarklet.connected"]') && !!document.querySelector(` + "`" + firstToken + "`" + `)`
	click := func(h *tab) float64 {
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
	openWithToken := func() *tab {
		h, _ := openHost(t, host.URL)
		eval[bool](h, fmt.Sprintf(`(localStorage.setItem("accessToken", %s), true)`, jsString(tok)))
		return h
	}
	var cold, warm []float64
	for range benchRuns {
		cold = append(cold, click(openWithToken()))
	}
	h := openWithToken()
	click(h) // the first visit installs the service worker
	for range benchRuns {
		warm = append(warm, click(h))
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
