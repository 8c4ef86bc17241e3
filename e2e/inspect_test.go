package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"tokenscope/e2e/backend"
	"tokenscope/internal/testvectors"
)

// vectors are the committed tokens a real Django SimpleJWT server minted
// (app/token/testdata/simplejwt/mint.py) and the NextAuth / Auth.js sessions
// the real libraries minted around them (app/token/testdata/nextauth).
type vectors struct {
	simple   map[string]string // name -> token, or body for responses
	session  map[string]string // name -> Cookie header value
	sessions map[string]string // name -> the session token alone
	secrets  map[string]string
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	simple, sessions := testvectors.LoadSimpleJWT(t), testvectors.LoadSessions(t)
	v := vectors{simple: map[string]string{}, session: map[string]string{}, sessions: map[string]string{}, secrets: sessions.Secrets}
	for _, s := range simple.Vectors {
		v.simple[s.Name] = s.Token
		if s.Token == "" {
			v.simple[s.Name] = s.Body
		}
	}
	for _, s := range sessions.Vectors {
		v.session[s.Name] = s.CookieHeader
		v.sessions[s.Name] = s.Token
	}
	return v
}

// text returns the text content of the first element matching selector.
func (tb *tab) text(selector string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`document.querySelector(%s)?.textContent ?? ""`, jsString(selector)))
}

func openInspector(t *testing.T) *tab {
	t.Helper()
	tb := newTab(t)
	_, url := serveSite(t, rootSite, "")
	tb.open(url)
	return tb
}

// TestRefreshTokenFromLiveDjango pastes a refresh token that a real Django
// SimpleJWT server minted moments ago, so it is valid at the browser's clock.
func TestRefreshTokenFromLiveDjango(t *testing.T) {
	srv := backend.Start(t, backend.Config{})
	_, refresh, _, err := srv.Login(backend.User, backend.Password)
	if err != nil {
		t.Fatalf("logging in to Django: %v", err)
	}
	tb := openInspector(t)
	tb.paste(refresh)
	if sev := tb.finding("simplejwt.token"); sev != "info" {
		t.Errorf("simplejwt.token severity %q", sev)
	}
	if sev := tb.finding("jwt.time_valid"); sev != "ok" {
		t.Errorf("jwt.time_valid severity %q", sev)
	}
	if title := tb.text(`.finding[data-code="simplejwt.token"] .finding-title`); !strings.Contains(title, "SimpleJWT refresh token for user_id 1") || !strings.Contains(title, "lifetime 1 d") {
		t.Errorf("simplejwt facts: %q", title)
	}
	for _, claim := range []string{"token_type", "exp", "iat", "jti", "user_id"} {
		if tb.text(fmt.Sprintf(`#token-0 tr[data-claim=%q] .value`, claim)) == "" {
			t.Errorf("claims table lacks %s", claim)
		}
	}
	if got := tb.text(`#token-0 tr[data-claim="token_type"] .value`); got != "refresh" {
		t.Errorf("token_type cell %q", got)
	}
	if meaning := tb.text(`#token-0 tr[data-claim="exp"] .meaning`); !strings.Contains(meaning, "expires in 23 h") || !strings.Contains(meaning, "UTC") && !strings.Contains(meaning, "Z") {
		t.Errorf("exp explanation %q", meaning)
	}
}

func TestExpiredToken(t *testing.T) {
	v := loadVectors(t)
	tb := openInspector(t)
	tb.paste(v.simple["access_expired"])
	if sev := tb.finding("jwt.expired"); sev != "error" {
		t.Fatalf("jwt.expired severity %q", sev)
	}
	// Worst first: the expiry leads the list.
	if first := tb.attr("li.finding", "data-code"); first != "jwt.expired" {
		t.Errorf("first finding is %s", first)
	}
}

func TestBrokenSegmentIsNamed(t *testing.T) {
	v := loadVectors(t)
	parts := strings.Split(v.simple["refresh_valid"], ".")
	broken := parts[0] + "." + parts[1][:30] + "*" + parts[1][31:] + "." + parts[2]
	tb := openInspector(t)
	tb.paste(broken)
	tb.finding("jwt.malformed")
	title := tb.text(`.finding[data-code="jwt.malformed"] .finding-title`)
	if !strings.Contains(title, "payload segment") || !strings.Contains(title, "offset 30") || !strings.Contains(title, `'*'`) {
		t.Errorf("malformed finding does not pinpoint the damage: %q", title)
	}
	if got := tb.text("#token-0 mark.bad"); got != "*" {
		t.Errorf("highlighted character %q", got)
	}
}

func TestChunkedCookieHeaderIsJoined(t *testing.T) {
	v := loadVectors(t)
	header := "Cookie: " + v.session["v4_chunked"]
	tb := openInspector(t)
	tb.paste(header)
	tb.finding("cookie.chunks_joined")
	ev := tb.text(`.finding[data-code="cookie.chunks_joined"] .evidence`)
	if !strings.Contains(ev, "next-auth.session-token.0, next-auth.session-token.1") {
		t.Errorf("chunk evidence %q", ev)
	}
	if form := tb.attr("#token-0", "data-form"); form != "JWE" {
		t.Errorf("joined cookie decoded as %q, want JWE", form)
	}
	if tb.finding("jwt.encrypted") != "info" {
		t.Error("joined session not recognised as encrypted")
	}
	if strings.Contains(tb.text("#findings"), "jwt.malformed") {
		t.Error("the joined value is malformed: chunks joined wrongly")
	}
}

// TestClaimMarkupRunsNothing pastes a token whose claims hold markup and
// script: it must show as text, create no element and run nothing.
func TestClaimMarkupRunsNothing(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	payload := `{"name":"<img src=x onerror=\"window.__xss=1\">","<script>window.__xss=2</script>":"k","exp":` + fmt.Sprint(time.Now().Add(time.Hour).Unix()) + `}`
	tok := enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2lnbmF0dXJl"
	tb := openInspector(t)
	tb.paste(tok)
	tb.waitFor(firstToken)
	time.Sleep(200 * time.Millisecond) // an onerror handler would have fired by now
	if got := eval[string](tb, `String(window.__xss)`); got != "undefined" {
		t.Fatalf("pasted markup ran: window.__xss = %s", got)
	}
	if n := eval[int](tb, `document.querySelectorAll("#tokens img, #tokens script, #findings img").length`); n != 0 {
		t.Errorf("%d elements created from pasted markup", n)
	}
	if got := tb.text(`#token-0 tr[data-claim="name"] .value`); got != `<img src=x onerror="window.__xss=1">` {
		t.Errorf("claim not shown as text: %q", got)
	}
}

// TestLeewaySetting pastes an access token a live Django server minted with
// a 1 s lifetime, once it has just expired: at leeway 0 it is expired, and
// the page says NextAuth's 15 s tolerance would still accept it; at 30 s it
// is valid.
func TestLeewaySetting(t *testing.T) {
	// The page and the server start first: the token's 15 s of NextAuth
	// tolerance must not be spent waiting for them on a loaded machine.
	tb := openInspector(t)
	srv := backend.Start(t, backend.Config{AccessLifetime: time.Second})
	access, _, _, err := srv.Login(backend.User, backend.Password)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	tb.paste(access)
	tb.finding("jwt.expired")
	if ev := tb.text(`.finding[data-code="jwt.expired"] .evidence`); !strings.Contains(ev, "NextAuth would still accept it") {
		t.Errorf("no NextAuth tolerance note: %q", ev)
	}
	eval[bool](tb, `(() => {
		const l = document.querySelector("input#leeway");
		l.value = "30";
		l.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`)
	tb.waitJS("the verdict to change", `!document.querySelector('.finding[data-code="jwt.expired"]') && !!document.querySelector('.finding.finding[data-code="jwt.time_valid"], .finding[data-code="jwt.expires_soon"]')`, 10*time.Second)
}

// TestExportRedactsSignatures opens the Markdown export for a real login
// response and checks no signature is in it.
func TestExportRedactsSignatures(t *testing.T) {
	v := loadVectors(t)
	body := v.simple["login_response"]
	var login struct{ Access, Refresh string }
	if err := json.Unmarshal([]byte(body), &login); err != nil {
		t.Fatal(err)
	}
	tb := openInspector(t)
	tb.paste(body)
	tb.waitFor(firstToken)
	tb.click("button#export")
	tb.waitFor("textarea#export-markdown")
	md := eval[string](tb, `document.querySelector("textarea#export-markdown").value`)
	for _, tok := range []string{login.Access, login.Refresh} {
		sig := tok[strings.LastIndex(tok, ".")+1:]
		if strings.Contains(md, sig) {
			t.Errorf("export carries a signature")
		}
	}
	if !strings.Contains(md, "signature 43 chars (removed)") || !strings.Contains(md, "| Severity | Code |") {
		t.Errorf("export:\n%s", md)
	}
}

// TestCopyButton clicks "Copy token" and reads the system clipboard back.
func TestCopyButton(t *testing.T) {
	v := loadVectors(t)
	tb := openInspector(t)
	tb.grantClipboard()
	tok := v.simple["refresh_valid"]
	tb.paste(tok)
	tb.waitFor("#copy-token-0")
	tb.click("#copy-token-0")
	tb.waitJS("the copy to be announced", `document.querySelector("#status").textContent.startsWith("Copied the token")`, 10*time.Second)
	if got := eval[string](tb, `navigator.clipboard.readText()`); got != tok {
		t.Errorf("clipboard holds %.30q, want the token", got)
	}
}

// grantClipboard lets the page use the async clipboard as a focused page
// with the user's permission would.
func (tb *tab) grantClipboard() {
	tb.t.Helper()
	c := chromedp.FromContext(tb.ctx)
	origin := eval[string](tb, `location.origin`)
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		params := browser.SetPermissionParams{
			Permission:       &browser.PermissionDescriptor{Name: name},
			Setting:          browser.PermissionSettingGranted,
			Origin:           origin,
			BrowserContextID: c.BrowserContextID,
		}
		if _, err := chromedp.CallBrowser(tb.ctx, browser.SetPermission, params); err != nil {
			tb.t.Fatalf("granting %s: %v", name, err)
		}
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		tb.t.Fatalf("emulating focus: %v", err)
	}
}

// TestDarkMode checks the page follows the system colour scheme.
func TestDarkMode(t *testing.T) {
	tb := openInspector(t)
	background := func(scheme string) string {
		params := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, params); err != nil {
			t.Fatalf("emulating %s: %v", scheme, err)
		}
		return eval[string](tb, `getComputedStyle(document.body).backgroundColor`)
	}
	light, dark := background("light"), background("dark")
	if light == dark {
		t.Errorf("same background in light and dark: %s", light)
	}
	if dark != "rgb(27, 29, 35)" {
		t.Errorf("dark background %s", dark)
	}
}
