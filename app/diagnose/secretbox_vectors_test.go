package diagnose_test

import (
	"strings"
	"testing"

	"tokenscope/app/diagnose"
)

// findingWith returns the first finding with code, and whether there is one.
func findingWith(r diagnose.Report, code diagnose.Code) (diagnose.Finding, bool) {
	for _, f := range r.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return diagnose.Finding{}, false
}

// assertNoValue fails if a secret's value is in any finding.
func assertNoValue(t *testing.T, r diagnose.Report, values ...string) {
	t.Helper()
	for _, f := range r.Findings {
		text := f.Title + f.Detail + f.Fix
		for _, e := range f.Evidence {
			text += e.Name + e.Value
		}
		for _, v := range values {
			if strings.Contains(text, v) {
				t.Errorf("%s carries a secret's value: %q", f.Code, text)
			}
		}
	}
}

// TestSecretBoxEnvBlockOpensSession pastes a .env block from a Next.js app
// with the right NEXTAUTH_SECRET among other lines: it opens a session
// next-auth 4 minted, and the finding names the variable and its line.
func TestSecretBoxEnvBlockOpensSession(t *testing.T) {
	sv := loadSessionVectors(t)
	main := sv.Secrets["main"]
	env := strings.Join([]string{
		"# .env.local",
		"DATABASE_URL=postgres://app:pw@localhost:5432/app",
		`NEXTAUTH_URL="http://localhost:3000"`,
		"export NEXTAUTH_SECRET=\"" + main + "\" # openssl rand -base64 32",
		"BACKEND_URL='http://127.0.0.1:8000'",
	}, "\n")
	r := diagnose.Run("Cookie: "+sv.Get(t, "v4_valid").CookieHeader, diagnose.Options{Now: sv.Now(), SecretText: env})
	f, ok := findingWith(r, diagnose.CodeDecrypted)
	if !ok {
		t.Fatalf("not decrypted: %v", codes(r))
	}
	if !strings.Contains(f.Title, "NEXTAUTH_SECRET (line 4)") {
		t.Errorf("title %q does not name NEXTAUTH_SECRET (line 4)", f.Title)
	}
	assertCodes(t, r, nil, []string{"jwt.signature_invalid", "jwt.weak_secret"})
	assertNoValue(t, r, main, "postgres://app:pw@localhost:5432/app")
}

// TestSecretBoxSecondLineOpens: two bare secrets, the right one second.
func TestSecretBoxSecondLineOpens(t *testing.T) {
	sv := loadSessionVectors(t)
	for _, vector := range []string{"v4_valid", "authjs_valid", "authjs_legacy_0_20_0"} {
		t.Run(vector, func(t *testing.T) {
			text := sv.Secrets["other"] + "\n" + sv.Secrets["main"]
			r := diagnose.Run("Cookie: "+sv.Get(t, vector).CookieHeader, diagnose.Options{Now: sv.Now(), SecretText: text})
			f, ok := findingWith(r, diagnose.CodeDecrypted)
			if !ok || !strings.Contains(f.Title, "with line 2") {
				t.Fatalf("decrypted %v, title %q", ok, f.Title)
			}
			assertCodes(t, r, nil, []string{"jwt.signature_invalid"})
			assertNoValue(t, r, sv.Secrets["other"], sv.Secrets["main"])
		})
	}
}

// TestSecretBoxDjangoSecretKey verifies SimpleJWT tokens with Django's
// SECRET_KEY typed in the same box as the session secret, and blames a
// wrong one.
func TestSecretBoxDjangoSecretKey(t *testing.T) {
	vf := loadVectors(t)
	tok := vf.Get(t, "refresh_valid").Token
	tests := []struct {
		name, box, code, key string
	}{
		{"settings line", "NEXTAUTH_SECRET=unrelated-session-secret-of-32-bytes!!\nSECRET_KEY = '" + vf.Secret + "'", "jwt.signature_valid", "SECRET_KEY (line 2)"},
		{"bare line", vf.Secret, "jwt.signature_valid", "line 1"},
		{"SIGNING_KEY", "SIGNING_KEY=" + vf.Secret, "jwt.signature_valid", "SIGNING_KEY (line 1)"},
		{"wrong SECRET_KEY", "SECRET_KEY=" + vf.Secret + "-rotated", "jwt.signature_invalid", "SECRET_KEY (line 1)"},
		{"wrong JWT_SECRET", "JWT_SECRET=" + vf.Secret + "-rotated", "jwt.signature_invalid", "JWT_SECRET (line 1)"},
		{"wrong bare line", vf.Secret + "-rotated", "jwt.signature_invalid", "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := diagnose.Run(tok, diagnose.Options{Now: vf.Now(), SecretText: tc.box})
			f, ok := findingWith(r, diagnose.Code(tc.code))
			if !ok {
				t.Fatalf("no %s in %v", tc.code, codes(r))
			}
			named := false
			for _, e := range f.Evidence {
				named = named || ((e.Name == "key" || e.Name == "keys tried") && e.Value == tc.key)
			}
			if !named {
				t.Errorf("%s does not name %q alone: %+v", tc.code, tc.key, f.Evidence)
			}
			assertNoValue(t, r, vf.Secret)
		})
	}
}

// TestSecretBoxNoFalseBlame: a session opened with NEXTAUTH_SECRET (or an
// unnamed line) holds backend tokens that Django signed with another key.
// The session secret is tried on them but never reported as their wrong
// signing key; a wrong SECRET_KEY typed beside it is.
func TestSecretBoxNoFalseBlame(t *testing.T) {
	sv := loadSessionVectors(t)
	vf := loadVectors(t)
	main := sv.Secrets["main"]
	header := "Cookie: " + sv.Get(t, "v4_valid").CookieHeader
	tests := []struct {
		name    string
		box     string
		blamed  []string // labels in jwt.signature_invalid's "keys tried"
		valid   string   // the label jwt.signature_valid names
		decrypt string
	}{
		{"NEXTAUTH_SECRET alone", "NEXTAUTH_SECRET=" + main, nil, "", "NEXTAUTH_SECRET (line 1)"},
		{"AUTH_SECRET_1 alone", "AUTH_SECRET=" + sv.Secrets["other"] + "\nAUTH_SECRET_1=" + main, nil, "", "AUTH_SECRET_1 (line 2)"},
		{"unnamed line that opened it", main, nil, "", "line 1"},
		{"right SECRET_KEY beside it", "NEXTAUTH_SECRET=" + main + "\nSECRET_KEY=" + vf.Secret, nil, "SECRET_KEY (line 2)", "NEXTAUTH_SECRET (line 1)"},
		{"wrong SECRET_KEY beside it", "NEXTAUTH_SECRET=" + main + "\nSECRET_KEY=" + vf.Secret + "-rotated", []string{"SECRET_KEY (line 2)"}, "", "NEXTAUTH_SECRET (line 1)"},
		{"wrong unnamed line beside it: a hint, not an alarm", main + "\n" + vf.Secret + "-rotated", nil, "", "line 1"},
		{"right unnamed line beside it", main + "\n" + vf.Secret, nil, "line 2", "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := diagnose.Run(header, diagnose.Options{Now: sv.Now(), SecretText: tc.box})
			if f, ok := findingWith(r, diagnose.CodeDecrypted); !ok || !strings.Contains(f.Title, tc.decrypt) {
				t.Fatalf("decrypted %v, title %q", ok, f.Title)
			}
			nested := 0
			for _, tr := range r.Tokens {
				if tr.Parent >= 0 {
					nested++
				}
			}
			if nested == 0 {
				t.Fatal("no backend tokens inside the session")
			}
			var invalid, valid []diagnose.Finding
			for _, f := range r.Findings {
				switch f.Code {
				case diagnose.CodeSignatureInvalid:
					invalid = append(invalid, f)
				case diagnose.CodeSignatureValid:
					valid = append(valid, f)
				}
			}
			if tc.blamed == nil && len(invalid) > 0 {
				t.Errorf("false alarm: %+v", invalid)
			}
			for _, f := range invalid {
				for _, e := range f.Evidence {
					if e.Name == "keys tried" && e.Value != strings.Join(tc.blamed, ", ") {
						t.Errorf("blamed %q, want %q", e.Value, tc.blamed)
					}
				}
			}
			if tc.blamed != nil && len(invalid) != nested {
				t.Errorf("%d signature_invalid for %d backend tokens", len(invalid), nested)
			}
			if tc.valid != "" && len(valid) != nested {
				t.Errorf("%d signature_valid for %d backend tokens", len(valid), nested)
			}
			for _, f := range valid {
				if !strings.Contains(f.Title, tc.valid) {
					t.Errorf("valid names %q, want %q", f.Title, tc.valid)
				}
			}
			hint, hinted := findingWith(r, diagnose.CodeSignatureUnchecked)
			if wantHint := strings.HasPrefix(tc.name, "wrong unnamed"); hinted != wantHint {
				t.Errorf("signature_unchecked hint %v (%q), want %v", hinted, hint.Title, wantHint)
			} else if hinted && (!strings.Contains(hint.Title, "line 2") || strings.Contains(hint.Title, "line 1")) {
				t.Errorf("the hint names %q, want line 2 alone", hint.Title)
			}
			assertNoValue(t, r, main, vf.Secret)
		})
	}
}

// TestSecretBoxBlocks: a JWK typed in the box verifies; an unreadable PEM
// block is named by its line, and the lines around it still work.
func TestSecretBoxBlocks(t *testing.T) {
	vf := loadVectors(t)
	tok := vf.Get(t, "refresh_valid").Token
	jwk := "{\n  \"kty\": \"oct\",\n  \"k\": \"" + b64url(vf.Secret) + "\"\n}"
	r := diagnose.Run(tok, diagnose.Options{Now: vf.Now(), SecretText: "# keys\n" + jwk})
	if f, ok := findingWith(r, diagnose.CodeSignatureValid); !ok || !strings.Contains(f.Title, "JSON key (line 2)") {
		t.Errorf("JWK in the box: %v %q", codes(r), f.Title)
	}
	r = diagnose.Run(tok, diagnose.Options{Now: vf.Now(), SecretText: "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\nSECRET_KEY=" + vf.Secret})
	if f, ok := findingWith(r, diagnose.CodeKeyUnreadable); !ok || !strings.Contains(f.Title, "PEM block (line 1)") {
		t.Errorf("bad PEM: %v %q", codes(r), f.Title)
	}
	assertCodes(t, r, []string{"jwt.signature_valid:ok"}, nil)
}

// TestSecretBoxBareSessionEverySalt pastes session tokens without their
// cookie: each opens with the right secret on line 2 whatever format and
// cookie name minted it, as long as the name was not chosen; a wrong
// secret alone still gives nextauth.secret_mismatch.
func TestSecretBoxBareSessionEverySalt(t *testing.T) {
	sv := loadSessionVectors(t)
	text := sv.Secrets["other"] + "\n" + sv.Secrets["main"]
	for _, name := range []string{"v4_valid", "authjs_valid", "authjs_legacy_0_18_0", "authjs_legacy_0_20_0", "authjs_legacy_0_23_0"} {
		t.Run(name, func(t *testing.T) {
			v := sv.Get(t, name)
			r := diagnose.Run(v.Token, diagnose.Options{Now: sv.Now(), SecretText: text})
			if f, ok := findingWith(r, diagnose.CodeDecrypted); !ok || !strings.Contains(f.Title, "line 2") {
				t.Fatalf("bare %s: %v", name, codes(r))
			}
			if v.Salt != nil && *v.Salt != "" && r.Tokens[0].Session.Salt != *v.Salt {
				t.Errorf("salt %q, want %q", r.Tokens[0].Session.Salt, *v.Salt)
			}
			r = diagnose.Run(v.Token, diagnose.Options{Now: sv.Now(), SecretText: sv.Secrets["other"]})
			assertCodes(t, r, []string{"nextauth.secret_mismatch:error"}, []string{"nextauth.decrypted"})
		})
	}
}
