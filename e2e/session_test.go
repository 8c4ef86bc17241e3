package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// typeInto sets a field's value the way typing or pasting into it ends: the
// value changes and an input event fires (change too, for checkboxes and
// selects that listen to it).
func (tb *tab) typeInto(selector, text string) {
	tb.t.Helper()
	eval[bool](tb, fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		el.focus();
		el.value = %s;
		el.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste"}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`, jsString(selector), jsString(text)))
}

// TestChunkedSessionDecrypted pastes a Cookie header holding a chunked
// NextAuth v4 session minted by next-auth itself, types the secret, and
// expects the backend tokens decoded and judged under it; a wrong secret
// gives nextauth.secret_mismatch. No request may leave the page, and no
// secret or token may be left in any browser storage.
func TestChunkedSessionDecrypted(t *testing.T) {
	v := loadVectors(t)
	header := "Cookie: " + v.session["v4_chunked"]
	if !strings.Contains(header, "next-auth.session-token.0=") || !strings.Contains(header, "next-auth.session-token.1=") {
		t.Fatal("vector is not chunked")
	}
	tb := openInspector(t)
	tb.waitServiceWorker()
	tb.waitNetworkIdle(500 * time.Millisecond)
	before := tb.net.mark()

	tb.paste(header)
	tb.finding("jwt.encrypted")
	tb.typeInto("textarea#secret", v.secrets["other"])
	tb.finding("nextauth.secret_mismatch")

	tb.typeInto("textarea#secret", v.secrets["main"])
	if sev := tb.finding("nextauth.decrypted"); sev != "info" {
		t.Errorf("nextauth.decrypted severity %q", sev)
	}
	tb.waitFor(`#token-1`)
	for i, want := range []string{"backendAccess", "backendRefresh"} {
		card := fmt.Sprintf("#token-%d", i+1)
		if src := tb.text(card + " .source"); !strings.Contains(src, "Inside token 1 at "+want) {
			t.Errorf("%s source %q", card, src)
		}
		if tb.text(card+` tr[data-claim="token_type"] .value`) == "" {
			t.Errorf("%s: nested token not decoded", card)
		}
	}
	if tb.text(`#token-0 tr[data-lifetime="backendRefresh"]`) == "" {
		t.Error("no lifetimes table on the session")
	}
	tb.finding("session.refresh_expires_first")
	if strings.Contains(tb.text("#findings"), "nextauth.secret_mismatch") {
		t.Error("stale mismatch finding left after the right secret")
	}

	time.Sleep(300 * time.Millisecond)
	if reqs := tb.net.since(before); len(reqs) > 0 {
		t.Errorf("decryption sent %d request(s): %v", len(reqs), reqs)
	}
	tb.assertNothingStored(v.secrets["main"], v.secrets["other"], header[len("Cookie: next-auth.csrf-token="):][:40], v.simple["refresh_valid"][:60])
}

// assertNothingStored fails if any needle is in the origin's storage, the
// page's attributes or the console.
func (tb *tab) assertNothingStored(needles ...string) {
	tb.t.Helper()
	dump := eval[string](tb, storageDumpJS)
	attrs := eval[string](tb, `[...document.querySelectorAll("*")].map(e => [...e.attributes].map(a => a.value).join(" ")).join(" ")`)
	for _, n := range needles {
		if strings.Contains(dump, n) {
			tb.t.Errorf("browser storage holds %.12s…", n)
		}
		if strings.Contains(attrs, n) {
			tb.t.Errorf("a DOM attribute holds %.12s…", n)
		}
		for _, e := range tb.log.all() {
			if strings.Contains(e.text, n) {
				tb.t.Errorf("the console shows %.12s…", n)
			}
		}
	}
}

// TestAuthJSSaltMismatch pastes an Auth.js session minted under
// __Secure-authjs.session-token as if it came in the plain cookie.
func TestAuthJSSaltMismatch(t *testing.T) {
	v := loadVectors(t)
	header := "Cookie: " + strings.ReplaceAll(v.session["authjs_secure"], "__Secure-authjs.session-token", "authjs.session-token")
	tb := openInspector(t)
	tb.paste(header)
	tb.typeInto("textarea#secret", v.secrets["main"])
	if sev := tb.finding("authjs.salt_mismatch"); sev != "error" {
		t.Errorf("severity %q", sev)
	}
	if title := tb.text(`.finding[data-code="authjs.salt_mismatch"] .finding-title`); !strings.Contains(title, "__Secure-authjs.session-token") {
		t.Errorf("title %q", title)
	}
}

// TestSignatureCheck verifies a real SimpleJWT token with the Django
// server's key and with a wrong one, typed in the separate key field.
func TestSignatureCheck(t *testing.T) {
	v := loadVectors(t)
	const signingKey = "tokenscope-simplejwt-vectors-secret-key-not-for-production"
	tb := openInspector(t)
	tb.paste(v.simple["refresh_valid"])
	tb.waitFor(firstToken)
	tb.typeInto("textarea#verify-key", signingKey)
	if sev := tb.finding("jwt.signature_valid"); sev != "ok" {
		t.Errorf("valid signature severity %q", sev)
	}
	tb.typeInto("textarea#verify-key", signingKey+"-rotated")
	if sev := tb.finding("jwt.signature_invalid"); sev != "error" {
		t.Errorf("invalid signature severity %q", sev)
	}
	tb.assertNothingStored(signingKey)
}

// TestBareSessionCookieChoice pastes an Auth.js session token without its
// cookie: under the default name it is a salt mismatch; choosing the
// __Secure- name in the select opens it.
func TestBareSessionCookieChoice(t *testing.T) {
	v := loadVectors(t)
	tb := openInspector(t)
	tb.paste(v.sessions["authjs_secure"])
	tb.typeInto("textarea#secret", v.secrets["main"])
	tb.finding("authjs.salt_mismatch")
	tb.typeInto("select#cookie-name", "__Secure-authjs.session-token")
	tb.finding("nextauth.decrypted")
	tb.waitJS("the salt verdict to clear", `!document.querySelector('.finding[data-code="authjs.salt_mismatch"]')`, 10*time.Second)
}

// TestRotatedSecrets types the current secret, then adds the old one on a
// second line, as AUTH_SECRET and AUTH_SECRET_1: the kid picks the old one,
// and the finding names line 2.
func TestRotatedSecrets(t *testing.T) {
	v := loadVectors(t)
	tb := openInspector(t)
	tb.paste("Cookie: " + v.session["authjs_rotated"])
	tb.typeInto("textarea#secret", v.secrets["main"])
	tb.finding("nextauth.secret_mismatch")
	tb.typeInto("textarea#secret", v.secrets["main"]+"\n"+v.secrets["rotated_old"])
	tb.finding("nextauth.decrypted")
	if title := tb.text(`.finding[data-code="nextauth.decrypted"] .finding-title`); !strings.Contains(title, "line 2") {
		t.Errorf("title %q", title)
	}
}
