package e2e

import (
	"strings"
	"testing"
	"time"
)

// noFinding fails if a finding with code is on the page. Call it after a
// finding of the same analysis has shown, so the render is settled.
func (tb *tab) noFinding(code, why string) {
	tb.t.Helper()
	if n := eval[int](tb, `document.querySelectorAll('.finding[data-code="`+code+`"]').length`); n > 0 {
		tb.t.Errorf("%d %s finding(s): %s\n%s", n, code, why, tb.text("#findings"))
	}
}

// TestSecretBoxEnvBlock pastes a NextAuth v4 session cookie next-auth
// minted, then a .env block with the right NEXTAUTH_SECRET among comments,
// other variables and quotes: the session opens, the finding names the
// variable and its line, the box says which lines it used and ignored, and
// no value is left in the page, the storage or the export.
func TestSecretBoxEnvBlock(t *testing.T) {
	v := loadVectors(t)
	tb := openInspector(t)
	tb.paste("Cookie: " + v.session["v4_chunked"])
	tb.finding("jwt.encrypted")
	const dbURL = "postgres://app:hunter2-db-password@localhost:5432/app"
	env := strings.Join([]string{
		"# .env.local",
		"DATABASE_URL=" + dbURL,
		`NEXTAUTH_URL="http://localhost:3000"`,
		"",
		`export NEXTAUTH_SECRET="` + v.secrets["main"] + `" # openssl rand -base64 32`,
		"GITHUB_ID='Iv1.0123456789abcdef'",
	}, "\n")
	tb.typeInto("textarea#secret", env)
	tb.finding("nextauth.decrypted")
	if title := tb.text(`.finding[data-code="nextauth.decrypted"] .finding-title`); !strings.Contains(title, "NEXTAUTH_SECRET (line 5)") {
		t.Errorf("title %q does not name NEXTAUTH_SECRET (line 5)", title)
	}
	read := tb.text("#secret-read")
	for _, want := range []string{"Using 1: NEXTAUTH_SECRET (line 5)", "DATABASE_URL (line 2)", "NEXTAUTH_URL (line 3)", "GITHUB_ID (line 6)"} {
		if !strings.Contains(read, want) {
			t.Errorf("#secret-read %q lacks %q", read, want)
		}
	}
	tb.waitFor("#token-1")
	tb.noFinding("jwt.signature_invalid", "NEXTAUTH_SECRET blamed for the backend tokens")
	if page := tb.text("body"); strings.Contains(page, v.secrets["main"]) || strings.Contains(page, dbURL) {
		t.Error("the page shows a value from the secrets box")
	}
	md := tb.openExport()
	if w := leaked(md, v.secrets["main"], dbURL); w != "" {
		t.Errorf("the export carries %q", w)
	}
	tb.assertNothingStored(v.secrets["main"], dbURL)
}

// TestSecretBoxSecondLine types two secrets, the wrong one first: the
// second opens the session, the finding names line 2, and the wrong one is
// not blamed for the backend tokens inside.
func TestSecretBoxSecondLine(t *testing.T) {
	v := loadVectors(t)
	tb := openInspector(t)
	tb.paste("Cookie: " + v.session["v4_valid"])
	tb.typeInto("textarea#secret", v.secrets["other"]+"\n"+v.secrets["main"])
	tb.finding("nextauth.decrypted")
	if title := tb.text(`.finding[data-code="nextauth.decrypted"] .finding-title`); !strings.Contains(title, "with line 2") {
		t.Errorf("title %q does not name line 2", title)
	}
	tb.waitFor("#token-1")
	tb.noFinding("jwt.signature_invalid", "a session-secret candidate blamed as the backend's signing key")
	tb.noFinding("nextauth.secret_mismatch", "the right secret was on line 2")
}

// TestSecretBoxDjangoSecretKey types NEXTAUTH_SECRET and Django's
// SECRET_KEY (as settings.py writes it) in the one box over a token a real
// SimpleJWT backend minted: the signature verifies and the finding names
// SECRET_KEY; a rotated SECRET_KEY gives jwt.signature_invalid naming it
// alone, not NEXTAUTH_SECRET.
func TestSecretBoxDjangoSecretKey(t *testing.T) {
	v := loadVectors(t)
	const signingKey = "tokenscope-simplejwt-vectors-secret-key-not-for-production"
	tb := openInspector(t)
	tb.paste(v.simple["refresh_valid"])
	tb.waitFor(firstToken)
	box := func(key string) string {
		return "NEXTAUTH_SECRET=" + v.secrets["main"] + "\n# Django\nSECRET_KEY = '" + key + "'"
	}
	tb.typeInto("textarea#secret", box(signingKey))
	if sev := tb.finding("jwt.signature_valid"); sev != "ok" {
		t.Errorf("valid signature severity %q", sev)
	}
	if title := tb.text(`.finding[data-code="jwt.signature_valid"] .finding-title`); !strings.Contains(title, "SECRET_KEY (line 3)") {
		t.Errorf("title %q does not name SECRET_KEY (line 3)", title)
	}
	tb.typeInto("textarea#secret", box(signingKey+"-rotated"))
	if sev := tb.finding("jwt.signature_invalid"); sev != "error" {
		t.Errorf("invalid signature severity %q", sev)
	}
	tb.waitJS("the valid verdict to clear", `!document.querySelector('.finding[data-code="jwt.signature_valid"]')`, 10*time.Second)
	found := tb.text(`.finding[data-code="jwt.signature_invalid"]`)
	if !strings.Contains(found, "SECRET_KEY (line 3)") || strings.Contains(found, "NEXTAUTH_SECRET") {
		t.Errorf("jwt.signature_invalid should name SECRET_KEY (line 3) alone:\n%s", found)
	}
	tb.assertNothingStored(signingKey, v.secrets["main"])
}

// TestSecretBoxNoFalseBlame opens a session with NEXTAUTH_SECRET whose
// backend tokens Django signed with another key: NEXTAUTH_SECRET is tried on
// them but not blamed. Adding the right SECRET_KEY verifies them.
func TestSecretBoxNoFalseBlame(t *testing.T) {
	v := loadVectors(t)
	const signingKey = "tokenscope-simplejwt-vectors-secret-key-not-for-production"
	tb := openInspector(t)
	tb.paste("Cookie: " + v.session["v4_valid"])
	tb.typeInto("textarea#secret", "NEXTAUTH_SECRET="+v.secrets["main"])
	tb.finding("nextauth.decrypted")
	tb.waitFor("#token-1")
	tb.noFinding("jwt.signature_invalid", "NEXTAUTH_SECRET blamed for the backend tokens")
	tb.noFinding("jwt.signature_unchecked", "a hint about the session's own secret")

	tb.typeInto("textarea#secret", "NEXTAUTH_SECRET="+v.secrets["main"]+"\nSECRET_KEY="+signingKey)
	tb.finding("jwt.signature_valid")
	if n := eval[int](tb, `document.querySelectorAll('.finding[data-code="jwt.signature_valid"]').length`); n < 2 {
		t.Errorf("%d backend tokens verified, want both", n)
	}
	tb.noFinding("jwt.signature_invalid", "the right SECRET_KEY is in the box")
}
