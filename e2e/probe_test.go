package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tokenscope/e2e/backend"
)

// probeSetup opens the inspector on its own origin and starts a real Django
// SimpleJWT backend whose CORS allows that origin (unless cfg says otherwise).
func probeSetup(t *testing.T, cfg backend.Config, allowInspector bool) (*tab, *backend.Server, string) {
	t.Helper()
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	origin := strings.TrimSuffix(url, "/")
	if allowInspector {
		cfg.CORSAllowedOrigins = append(cfg.CORSAllowedOrigins, origin)
	}
	srv := backend.Start(t, cfg)
	tb.open(url)
	tb.typeInto("input#backend", srv.URL)
	return tb, srv, origin
}

// waitStill waits until the element matching selector stays where it is for
// two samples 25 ms apart, at most a second. chromedp.Click reads the
// element's box, then sends the mouse to its centre: a render still in
// flight (go-app draws on its next frame after an input event) that moves
// the element in between makes the click land elsewhere. Seen in CI: the
// backend field's form message changed a line after typing, and the probe
// button's click went nowhere.
func (tb *tab) waitStill(selector string) {
	tb.t.Helper()
	eval[bool](tb, fmt.Sprintf(`(async () => {
		const box = () => { const el = document.querySelector(%s); if (!el) return ""; const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join(); };
		const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
		let last = box(), same = 0;
		for (let i = 0; i < 40 && same < 2; i++) {
			await sleep(25);
			const now = box();
			same = now === last ? same + 1 : 0;
			last = now;
		}
		return true;
	})()`, jsString(selector)))
}

// click waits for selector and clicks it.
//
// go-app may re-render between chromedp's query and its click, which
// detaches the node it found ("Could not find node with given id"). A
// person's click lands on whatever node is there, so the query is retried.
func (tb *tab) click(selector string) {
	tb.t.Helper()
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		tb.waitFor(selector)
		tb.waitStill(selector)
		if err = chromedp.Do(tb.ctx, chromedp.Click(selector)); err == nil || !isDetachedNode(err) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		tb.t.Fatalf("clicking %s: %v", selector, err)
	}
}

// isDetachedNode reports CDP's answer for a node that a re-render replaced.
func isDetachedNode(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Could not find node with given id") || strings.Contains(msg, "Node is detached") || strings.Contains(msg, "No node with given id")
}

// runProbe clicks the side-effect-free probe and waits for its verdict.
func (tb *tab) runProbe(code string) {
	tb.t.Helper()
	tb.click("button#probe")
	tb.finding(code)
}

func login(t *testing.T, srv *backend.Server) (access, refresh string) {
	t.Helper()
	access, refresh, _, err := srv.Login(backend.User, backend.Password)
	if err != nil {
		t.Fatalf("logging in to Django: %v", err)
	}
	return access, refresh
}

// TestProbeThenRefresh: the side-effect-free probe finds the endpoint, and
// afterwards the real refresh with the same token still succeeds, so the
// probe consumed nothing.
func TestProbeThenRefresh(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{}, true)
	_, refresh := login(t, srv)
	tb.paste(refresh)
	tb.runProbe("probe.endpoint_ok")
	if ev := tb.text(`.finding[data-code="probe.endpoint_ok"] .evidence`); !strings.Contains(ev, "/api/token/refresh/") || !strings.Contains(ev, "sent from origin") {
		t.Errorf("endpoint evidence %q", ev)
	}
	if !strings.Contains(tb.text("#refresh-warning"), "BLACKLIST_AFTER_ROTATION") {
		t.Error("no consent warning beside the send button")
	}
	tb.click("button#send-refresh")
	if sev := tb.finding("probe.refresh_ok"); sev != "ok" {
		t.Errorf("refresh_ok severity %q", sev)
	}
	if n := eval[int](tb, `document.querySelectorAll("ol#timeline li.step").length`); n < 2 {
		t.Errorf("timeline has %d steps", n)
	}
	curl := tb.text("ol#timeline li.step:last-child pre.snippet")
	if strings.Contains(curl, refresh) || !strings.Contains(curl, "<REFRESH_TOKEN>") || !strings.Contains(curl, "Origin: http://127.0.0.1:") {
		t.Errorf("curl snippet:\n%s", curl)
	}
}

// TestRotationAndBlacklist: with rotation and blacklisting, the first real
// refresh rotates, the same token again is blacklisted.
func TestRotationAndBlacklist(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{Rotate: true, Blacklist: true}, true)
	_, refresh := login(t, srv)
	tb.paste(refresh)
	tb.runProbe("probe.endpoint_ok")
	tb.click("button#send-refresh")
	tb.finding("probe.rotated")
	// The rotated pair, decoded beside the token that was sent.
	tb.click(`ol#timeline li.step[data-step-code="probe.rotated"] button`)
	tb.waitJS("the new tokens decoded", `document.querySelectorAll("article.token").length >= 3`, 10*time.Second)
	tb.click("button#send-refresh")
	if sev := tb.finding("simplejwt.blacklisted"); sev != "error" {
		t.Errorf("blacklisted severity %q", sev)
	}
}

// TestAccessTokenSentAsRefresh pastes an access token as backendRefresh.
func TestAccessTokenSentAsRefresh(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{}, true)
	access, _ := login(t, srv)
	tb.paste(`{"backendRefresh":"` + access + `"}`)
	tb.runProbe("probe.endpoint_ok")
	tb.click("button#send-refresh")
	tb.waitFor(`ol#timeline li.step[data-step-code="simplejwt.wrong_token_type"]`)
}

// TestExpiredRefreshToken uses a backend minting 2-second refresh tokens.
func TestExpiredRefreshToken(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{RefreshLifetime: 2 * time.Second}, true)
	_, refresh := login(t, srv)
	time.Sleep(3 * time.Second)
	tb.paste(refresh)
	tb.finding("jwt.expired")
	tb.runProbe("probe.endpoint_ok")
	tb.click("button#send-refresh")
	tb.finding("simplejwt.token_invalid")
	if title := tb.text(`.finding[data-code="simplejwt.token_invalid"] .finding-title`); !strings.Contains(title, "expired") {
		t.Errorf("title %q", title)
	}
}

// TestTokenFromAnotherKey sends a refresh token minted by a Django with a
// different SECRET_KEY: unexpired, so the verdict is the signing key.
func TestTokenFromAnotherKey(t *testing.T) {
	other := backend.Start(t, backend.Config{SecretKey: "another-django-secret-key-for-the-e2e-test"})
	_, foreign := login(t, other)
	tb, _, _ := probeSetup(t, backend.Config{}, true)
	tb.paste(foreign)
	tb.runProbe("probe.endpoint_ok")
	tb.click("button#send-refresh")
	tb.finding("simplejwt.token_invalid")
	if title := tb.text(`.finding[data-code="simplejwt.token_invalid"] .finding-title`); !strings.Contains(title, "SIGNING_KEY / ALGORITHM mismatch") {
		t.Errorf("title %q", title)
	}
}

// TestWrongPathFindsTheRightOne probes a custom path that does not exist.
func TestWrongPathFindsTheRightOne(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{}, true)
	_, refresh := login(t, srv)
	tb.paste(refresh)
	tb.typeInto("select#refresh-path", "custom")
	tb.waitFor("input#custom-path")
	tb.typeInto("input#custom-path", "/api/auth/refresh/")
	tb.runProbe("probe.endpoint_not_found")
	title := tb.text(`.finding[data-code="probe.endpoint_not_found"] .finding-title`)
	if !strings.Contains(title, srv.URL+"/api/token/refresh/") {
		t.Errorf("right candidate not named: %q", title)
	}
	tb.finding("probe.endpoint_ok")
}

// TestCORSBlocked: the backend allows another origin, not the inspector's.
func TestCORSBlocked(t *testing.T) {
	tb, srv, origin := probeSetup(t, backend.Config{CORSAllowedOrigins: []string{"http://localhost:3000"}}, false)
	_, refresh := login(t, srv)
	tb.paste(refresh)
	tb.runProbe("probe.cors_blocked")
	fix := tb.text(`.finding[data-code="probe.cors_blocked"] .fix`)
	if !strings.Contains(fix, `CORS_ALLOWED_ORIGINS = ["`+origin+`"]`) {
		t.Errorf("fix %q lacks the settings line for %s", fix, origin)
	}
}

// TestBackendStopped: nothing answers.
func TestBackendStopped(t *testing.T) {
	tb, srv, _ := probeSetup(t, backend.Config{}, true)
	_, refresh := login(t, srv)
	srv.Stop()
	tb.paste(refresh)
	tb.runProbe("probe.unreachable")
	if tb.text(`.finding[data-code="probe.cors_blocked"]`) != "" {
		t.Error("a stopped server was reported as a CORS refusal")
	}
}
