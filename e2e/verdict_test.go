package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"tokenscope/e2e/backend"
)

// The verdict: #verdict right under the paste box names which known cause
// the leading finding points at (data-cause) and which finding that is
// (data-code), with a link to it.

// verdict waits until #verdict says cause and returns its data-code.
func (tb *tab) verdict(cause string) string {
	tb.t.Helper()
	sel := fmt.Sprintf(`#verdict[data-cause=%s]`, jsString(cause))
	_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`!!document.querySelector(%s)`, jsString(sel)),
		chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		got := eval[string](tb, `(() => { const v = document.querySelector("#verdict"); return v ? v.dataset.cause + " / " + v.dataset.code + ": " + v.textContent : "no #verdict"; })()`)
		codes := eval[[]string](tb, `[...document.querySelectorAll("#findings [data-code]")].map(e => e.dataset.code)`)
		tb.t.Fatalf("verdict is not %s: %s\nfindings %v", cause, got, codes)
	}
	code := tb.attr("#verdict", "data-code")
	// The link goes to the finding the verdict names.
	target := eval[string](tb, `(() => {
		const a = document.querySelector("#verdict a");
		if (!a) return "";
		const f = document.querySelector(a.getAttribute("href"));
		return f ? f.dataset.code : "missing " + a.getAttribute("href");
	})()`)
	if cause != "none" && target != code {
		tb.t.Errorf("verdict %s names %s but links to %q", cause, code, target)
	}
	return code
}

// TestVerdictPasteOnly: one paste per cause that needs no backend.
func TestVerdictPasteOnly(t *testing.T) {
	v := loadVectors(t)
	srv := backend.Start(t, backend.Config{})
	access, refresh := login(t, srv)
	tests := []struct {
		name, paste, secret, cause, code string
	}{
		{"healthy refresh token", refresh, "", "none", ""},
		{"access token in a refresh field", `{"backendRefresh":"` + access + `"}`, "", "invalid_refresh_token", "simplejwt.wrong_token_type"},
		{"login JSON without refresh", `{"access":"` + access + `"}`, "", "login_missing_refresh", "session.refresh_missing"},
		{"dj-rest-auth login with an empty refresh", `{"access":"` + access + `","refresh":"","user":{"pk":1}}`, "", "login_missing_refresh", "session.refresh_missing"},
		{"v4 cookie, wrong secret", v.session["v4_valid"], v.secrets["other"], "session_secret", "nextauth.secret_mismatch"},
	}
	tb := openInspector(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb.t = t
			if tc.secret != "" {
				tb.typeInto("#secret", tc.secret)
			}
			tb.paste(tc.paste)
			if code := tb.verdict(tc.cause); code != tc.code {
				t.Errorf("data-code %q, want %q", code, tc.code)
			}
			if tc.secret != "" {
				tb.typeInto("#secret", "")
			}
		})
	}
}

// TestVerdictFromProbes: the causes only the real backend can show.
func TestVerdictFromProbes(t *testing.T) {
	t.Run("endpoint mismatch", func(t *testing.T) {
		tb, srv, _ := probeSetup(t, backend.Config{}, true)
		_, refresh := login(t, srv)
		tb.typeInto("input#backend", srv.URL+"/api/nope/")
		tb.paste(refresh)
		tb.verdict("none")
		tb.runProbe("probe.endpoint_not_found")
		if code := tb.verdict("endpoint_mismatch"); code != "probe.endpoint_not_found" {
			t.Errorf("data-code %q", code)
		}
	})
	t.Run("CORS refusal", func(t *testing.T) {
		tb, srv, _ := probeSetup(t, backend.Config{CORSAllowedOrigins: []string{"http://localhost:3000"}}, false)
		_, refresh := login(t, srv)
		tb.paste(refresh)
		tb.runProbe("probe.cors_blocked")
		if code := tb.verdict("cors_or_network"); code != "probe.cors_blocked" {
			t.Errorf("data-code %q", code)
		}
	})
	t.Run("unreachable port", func(t *testing.T) {
		tb, srv, _ := probeSetup(t, backend.Config{}, true)
		_, refresh := login(t, srv)
		srv.Stop()
		tb.paste(refresh)
		tb.runProbe("probe.unreachable")
		if code := tb.verdict("cors_or_network"); code != "probe.unreachable" {
			t.Errorf("data-code %q", code)
		}
	})
	t.Run("expired refresh token, refused by the backend", func(t *testing.T) {
		tb, srv, _ := probeSetup(t, backend.Config{RefreshLifetime: 2 * time.Second}, true)
		_, refresh := login(t, srv)
		time.Sleep(3 * time.Second)
		tb.paste(refresh)
		tb.verdict("invalid_refresh_token")
		tb.runProbe("probe.endpoint_ok")
		tb.click("button#send-refresh")
		tb.finding("simplejwt.token_invalid")
		if code := tb.verdict("invalid_refresh_token"); code != "simplejwt.token_invalid" {
			t.Errorf("data-code %q: the backend's answer should lead over the static expiry", code)
		}
	})
}

// setViewport emulates a screen of w×h CSS pixels (scale 1; mobile for
// phones) and waits for the layout to follow.
func (tb *tab) setViewport(w, h int64, mobile bool) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 1, Mobile: mobile}); err != nil {
		tb.t.Fatalf("emulating %dx%d: %v", w, h, err)
	}
	tb.waitJS(fmt.Sprintf("a %dx%d viewport", w, h), fmt.Sprintf(`innerWidth === %d && innerHeight === %d`, w, h), 5*time.Second)
}

// rect is an element's bounding box in viewport pixels.
type rect struct{ Top, Bottom, Left, Right float64 }

func (tb *tab) rect(selector string) rect {
	tb.t.Helper()
	return eval[rect](tb, fmt.Sprintf(`(() => { const r = document.querySelector(%s).getBoundingClientRect(); return {Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right}; })()`, jsString(selector)))
}

// layoutPaste is a session whose refresh token is the access token: an
// error with evidence, so the first finding is a full one.
func layoutPaste(t *testing.T) string {
	srv := backend.Start(t, backend.Config{})
	access, refresh := login(t, srv)
	return `{"user":{"name":"a"},"expires":"2099-01-01T00:00:00Z","backendAccess":"` + refresh + `","backendRefresh":"` + access + `"}`
}

// TestVerdictInFirstViewport: at 1280×800, after a paste and without
// scrolling, the verdict and the first finding are on screen, in the right
// column beside the paste box.
func TestVerdictInFirstViewport(t *testing.T) {
	paste := layoutPaste(t)
	tb := openInspector(t)
	tb.setViewport(1280, 800, false)
	tb.paste(paste)
	tb.verdict("invalid_refresh_token")
	if y := eval[float64](tb, `scrollY`); y != 0 {
		t.Fatalf("the page scrolled to %v", y)
	}
	h := eval[float64](tb, `innerHeight`)
	v := tb.rect("#verdict")
	first := tb.rect("#finding-0 .finding-title")
	head := tb.rect("#finding-0 .finding-head")
	for name, r := range map[string]rect{"#verdict": v, "first finding's heading": head, "first finding's title": first} {
		if r.Top < 0 || r.Bottom > h {
			t.Errorf("%s at %v..%v, outside the %v px viewport", name, r.Top, r.Bottom, h)
		}
	}
	paste2 := tb.rect("textarea#input")
	if v.Left < paste2.Right {
		t.Errorf("no two columns at 1280 px: the verdict (left %v) is not right of the paste box (right %v)", v.Left, paste2.Right)
	}
	if open := eval[bool](tb, `document.querySelector("details#settings").open`); open {
		t.Error("the settings are not folded away")
	}
}

// overflowing lists the elements whose right edge is past the viewport, and
// the page's scroll width.
const overflowing = `(() => {
	const w = innerWidth, out = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.right > w + 0.5) out.push((el.id ? "#" + el.id : el.tagName.toLowerCase() + "." + [...el.classList].join(".")) + " right=" + Math.round(r.right));
	}
	return {ScrollWidth: document.documentElement.scrollWidth, Width: w, Over: out.slice(0, 20)};
})()`

type overflow struct {
	ScrollWidth, Width float64
	Over               []string
}

// TestPhoneLayout: at 390×844 nothing overflows sideways, before and after a
// paste, with the settings unfolded, and the verdict comes right after the
// paste box.
func TestPhoneLayout(t *testing.T) {
	v := loadVectors(t)
	paste := layoutPaste(t)
	tb := openInspector(t)
	tb.setViewport(390, 844, true)
	check := func(when string) {
		t.Helper()
		o := eval[overflow](tb, overflowing)
		if o.ScrollWidth > o.Width || len(o.Over) > 0 {
			t.Errorf("%s: scrollWidth %v > innerWidth %v or elements past the right edge: %v", when, o.ScrollWidth, o.Width, o.Over)
		}
	}
	check("empty page")
	tb.paste(paste)
	tb.verdict("invalid_refresh_token")
	check("after a paste")
	pasteBox, verdict, secrets := tb.rect("textarea#input"), tb.rect("#verdict"), tb.rect("fieldset.secrets")
	if !(verdict.Top >= pasteBox.Bottom && verdict.Bottom <= secrets.Top) {
		t.Errorf("on a phone the verdict (%v..%v) is not between the paste box (bottom %v) and the secrets (top %v)", verdict.Top, verdict.Bottom, pasteBox.Bottom, secrets.Top)
	}
	eval[bool](tb, `(document.querySelector("details#settings").open = true)`)
	tb.typeInto("#secret", v.secrets["main"])
	tb.paste("Cookie: " + v.session["v4_valid"])
	tb.finding("nextauth.decrypted")
	check("a decrypted session, settings open")
}

// TestOpenerLostWhenAppTabCloses: connected through the bookmarklet, the
// inspector notices the app's tab closing, or its page navigating away,
// and says how to reconnect instead of "connected".
func TestOpenerLostWhenAppTabCloses(t *testing.T) {
	r := newBookmarkletRig(t, hostConfig{})
	for _, tc := range []struct {
		name  string
		leave func(t *testing.T, host *tab)
		title string
	}{
		{"tab closed", func(t *testing.T, host *tab) {
			closeTarget(t, host.ctx, chromedp.FromContext(host.ctx).Target.TargetID)
		}, "was closed"},
		{"navigated away", func(t *testing.T, host *tab) {
			host.do("navigating the app away", chromedp.Navigate("about:blank"))
		}, "went away"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host, insp, _, _ := r.open(t)
			insp.expect("bookmarklet.connected")
			insp.waitFor("#bridge-panel")
			start := time.Now()
			tc.leave(t, host)
			if sev := insp.expect("bookmarklet.opener_lost"); sev != "error" {
				t.Errorf("opener_lost severity %q", sev)
			}
			took := time.Since(start)
			f := insp.text(`.finding[data-code="bookmarklet.opener_lost"]`)
			for _, want := range []string{tc.title, "Go back to your app's tab", "click the tokenscope bookmarklet there"} {
				if !strings.Contains(f, want) {
					t.Errorf("opener_lost lacks %q: %q", want, f)
				}
			}
			if insp.text(`.finding[data-code="bookmarklet.connected"]`) != "" || insp.text("#bridge-panel") != "" {
				t.Error("still says connected")
			}
			if strings.Contains(insp.text("#inspector"), "Connected to") {
				t.Error(`"Connected to" still on the page`)
			}
			t.Logf("%s noticed in %v", tc.name, took.Round(10*time.Millisecond))
		})
	}
}
