package diagnose_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// jws builds a JWS from a header and payload; the signature is random-ish
// bytes: only its presence in the export matters.
func jws(header, payload string) string {
	return b64(header) + "." + b64(payload) + "." + b64("sig:"+payload[:min(len(payload), 24)])
}

// wantBlocks is how many fenced blocks the writer opens for r.
func wantBlocks(r diagnose.Report) int {
	n := 0
	for _, t := range r.Tokens {
		if len(t.Header) > 0 {
			n++
		}
		if len(t.Claims) > 0 {
			n++
		}
	}
	return n
}

// leaks lists the substrings of at least minLeak characters of any of
// secrets found in md, or in what base64url runs of md decode to.
func leaks(md string, secrets ...string) []string {
	visible := withDecodedRuns(md)
	var out []string
	for _, s := range secrets {
		for i := 0; i+minLeak <= len(s); i++ {
			if w := s[i : i+minLeak]; strings.Contains(visible, w) {
				out = append(out, fmt.Sprintf("%q (from %.24s…)", w, s))
				break
			}
		}
	}
	return out
}

// minLeak is the shortest credential substring the tests look for: 12
// characters of a random token are enough to search for it.
const minLeak = 12

func TestMarkdownKeepsNoTokenText(t *testing.T) {
	vf := loadVectors(t)
	r := diagnose.Run(vf.Get(t, "login_response").Body, diagnose.Options{Now: vf.Now()})
	md := diagnose.Markdown(r)
	for _, tok := range r.Tokens {
		for _, seg := range tok.Segments {
			if strings.Contains(md, seg.Text) {
				t.Errorf("token %d's %s is in the export", tok.Index, seg.Name)
			}
		}
	}
	for _, want := range []string{"## tokenscope report", "| Severity | Code | Token | Finding |", "`jwt.time_valid`",
		`"token_type": "refresh"`, "signature 43 chars (removed)", "claims, decoded below", `"jti": "`} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q:\n%s", want, md)
		}
	}
	checkMarkdown(t, md, wantBlocks(r))
}

func TestMarkdownOmitsJWEBody(t *testing.T) {
	jwe := "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXZpdml2aXZpdg.Y2lwaGVydGV4dHNlY3JldA.dGFndGFndGFn"
	md := diagnose.Markdown(diagnose.Run(jwe, diagnose.Options{}))
	if strings.Contains(md, "Y2lwaGVydGV4dHNlY3JldA") || strings.Contains(md, "eyJhbGciOiJkaXIi") || !strings.Contains(md, "ciphertext 22 chars (removed)") {
		t.Errorf("JWE text in export:\n%s", md)
	}
}

// TestMarkdownAllowlist pins what the export shows of each kind of claim.
func TestMarkdownAllowlist(t *testing.T) {
	ghToken := "gho_" + strings.Repeat("aB3dE5", 6)
	inner := jws(`{"alg":"HS256"}`, `{"sub":"7","gh":"`+ghToken+`"}`)
	cases := []struct {
		name, claim, want string
	}{
		{"allowed name kept", `"email":"alice@example.com"`, `"email": "alice@example.com"`},
		{"allowed name kept, nested", `"user":{"name":"Alice Example"}`, `"name": "Alice Example"`},
		{"uuid jti kept", `"jti":"1b4e28ba-2fa1-41d2-883f-0016d3cca427"`, `"jti": "1b4e28ba-2fa1-41d2-883f-0016d3cca427"`},
		{"hex jti kept", `"jti":"d952801a775243c7bbd0ae7468b127e2"`, `"jti": "d952801a775243c7bbd0ae7468b127e2"`},
		{"unknown name described", `"nickname":"alice"`, `"nickname": "<opaque string, 5 chars>"`},
		{"URL described", `"picture":"https://avatars.example.com/a.png"`, `"picture": "<URL, 33 chars>"`},
		{"date-time kept", `"expires":"2026-12-26T00:00:00.000Z"`, `"expires": "2026-12-26T00:00:00.000Z"`},
		{"numbers kept", `"exp":1795706467`, `"exp": 1795706467`},
		{"empty string kept", `"backendRefresh":""`, `"backendRefresh": ""`},
		{"vendor token under allowed name", `"name":"` + ghToken + `"`, `"name": "<GitHub token, 40 chars, removed>"`},
		{"token inside allowed text", `"error":"bad token ` + ghToken + ` here"`, `"error": "bad token <GitHub token, 40 chars, removed> here"`},
		{"nested JWT points at its token", `"hidden":"` + inner + `"`, `: token 1.1 below>"`},
		{"Bearer JWT", `"authz":"Bearer ` + inner + `"`, `"authz": "<string holding a credential, `},
		{"credential as a key", `"` + ghToken + `":1`, `"<name removed: GitHub token, 40 chars, removed>": 1`},
		{"array under allowed name", `"aud":["api","web"]`, "\"aud\": [\n    \"api\",\n    \"web\"\n  ]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := diagnose.Run(jws(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1",`+c.claim+`}`), diagnose.Options{})
			md := diagnose.Markdown(r)
			if !strings.Contains(md, c.want) {
				t.Errorf("export lacks %s:\n%s", c.want, md)
			}
			if l := leaks(md, ghToken, inner); len(l) > 0 {
				t.Errorf("leaks %v", l)
			}
			checkMarkdown(t, md, wantBlocks(r))
		})
	}
}

// TestMarkdownHeaderAllowlist: header members outside alg/typ/kid/enc/cty/zip
// are described; an allowed one is shown escaped inside the fence.
func TestMarkdownHeaderAllowlist(t *testing.T) {
	r := diagnose.Run(jws(`{"alg":"HS256","jku":"https://evil.example/k?t=abc","x-note":"hi"}`, `{"sub":"1"}`), diagnose.Options{})
	md := diagnose.Markdown(r)
	for _, want := range []string{`"alg": "HS256"`, `"jku": "<URL, 28 chars>"`, `"x-note": "<opaque string, 2 chars>"`} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %s:\n%s", want, md)
		}
	}
}

// TestMarkdownInjection is the attack: a header alg that opens a fence,
// claims and titles carrying links, images, HTML and mentions.
func TestMarkdownInjection(t *testing.T) {
	payloads := []string{
		"[link](http://evil)", "![img](http://evil/x.png)", "<img src=x onerror=alert(1)>", "@octocat", "@org/team",
		"hi\n```\n# heading", "~~~\nx", "<script>alert(1)</script>", "https://evil.example/a", "www.evil.example",
		"mailto:a@evil.example", "a@evil.example", "&#64;octocat", "[x]: http://evil", "| a | b |", "*em* _em_ **b**",
		"\u202eevil", "`code`", "````", "<!-- c -->", "\\[x](y)", "javascript:alert(1)",
	}
	for i, p := range payloads {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			claims := fmt.Sprintf(`{"sub":%q,"name":%q,"email":%q,%q:%q,"aud":[%q]}`, p, p, p, p, p, p)
			header := fmt.Sprintf(`{"alg":%q,"typ":%q,"kid":%q}`, "HS256\n"+p, p, "```")
			text := jws(header, claims) + "\n" + `{"user":{"name":"a"},"expires":"2026-12-26T00:00:00.000Z","error":` + fmt.Sprintf("%q", p) + `}`
			r := diagnose.Run(text, diagnose.Options{})
			md := diagnose.Markdown(r)
			checkMarkdown(t, md, wantBlocks(r))
		})
	}
}

// TestMarkdownCutsTypedSecrets: a typed secret never reaches the export,
// even a low-entropy one under an allowed name.
func TestMarkdownCutsTypedSecrets(t *testing.T) {
	sv := loadSessionVectors(t)
	main := sv.Secrets["main"]
	weak := "correct-horse-battery"
	text := "Cookie: " + sv.Get(t, "v4_valid").CookieHeader + "\nNEXTAUTH_SECRET=" + main + "\n" +
		jws(`{"alg":"HS256"}`, `{"sub":"1","error":"`+weak+`","name":"`+main+`"}`)
	r := diagnose.Run(text, diagnose.Options{Now: sv.Now(), SecretText: strings.Join([]string{main, weak}, "\n")})
	if !r.Has(diagnose.CodeDecrypted) {
		t.Fatal("the session did not open")
	}
	md := diagnose.Markdown(r, main, weak)
	if l := leaks(md, main, weak); len(l) > 0 {
		t.Errorf("typed secret in export: %v\n%s", l, md)
	}
	if !strings.Contains(md, "<typed secret removed>") {
		t.Errorf("no trace of the cut:\n%s", md)
	}
}

// TestMarkdownPastTheTokenCap pastes more tokens than the analysis reads:
// those past the cap must not reach the export either.
func TestMarkdownPastTheTokenCap(t *testing.T) {
	var lines, secrets []string
	for i := range 100 {
		gh := fmt.Sprintf("ghp_%036d", i) // low entropy on purpose: the prefix must catch it
		tok := jws(`{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(`{"sub":"%d","gh":"%s","n":"note %d"}`, i, gh, i))
		lines = append(lines, "Authorization: Bearer "+tok)
		secrets = append(secrets, tok, gh)
	}
	inner := strings.Join(lines, "\n")
	// And the same 100 inside one token's claims.
	outer := jws(`{"alg":"HS256"}`, `{"sub":"1","list":"`+strings.ReplaceAll(inner, "\n", " ")+`"}`)
	for name, text := range map[string]string{"lines": inner, "inside one token": outer} {
		t.Run(name, func(t *testing.T) {
			r := diagnose.Run(text, diagnose.Options{})
			if name == "lines" && !r.Has(diagnose.CodeTooManyCandidates) {
				t.Errorf("the cap did not apply (%d tokens)", len(r.Tokens))
			}
			md := diagnose.Markdown(r)
			if l := leaks(md, secrets...); len(l) > 0 {
				t.Errorf("%d leaks, first %s", len(l), l[0])
			}
			checkMarkdown(t, md, wantBlocks(r))
		})
	}
}

// TestMarkdownSessionVectors exports every session the real libraries
// minted, opened with its secret: no backend token, no secret, fences
// balanced, and the credentials planted by mint.mjs gone.
func TestMarkdownSessionVectors(t *testing.T) {
	sv := loadSessionVectors(t)
	vf := loadVectors(t)
	var backend []string
	for _, v := range vf.Vectors {
		if v.Token != "" {
			backend = append(backend, v.Token)
		}
	}
	for _, v := range sv.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			secrets := make([]string, 0, len(sv.Secrets))
			for _, s := range sv.Secrets {
				secrets = append(secrets, s)
			}
			r := diagnose.Run("Cookie: "+v.CookieHeader, diagnose.Options{Now: sv.Now(), SecretText: strings.Join(secrets, "\n")})
			md := diagnose.Markdown(r, secrets...)
			needles := append(append(append([]string{v.Token}, secrets...), backend...), v.Planted...)
			if l := leaks(md, needles...); len(l) > 0 {
				t.Errorf("leaks %v\n%s", l, md)
			}
			checkMarkdown(t, md, wantBlocks(r))
		})
	}
}

// TestRedactKeepsNoSegment: the stand-in used in probe evidence.
func TestRedactKeepsNoSegment(t *testing.T) {
	tok := jws(`{"alg":"HS256"}`, `{"sub":"1"}`)
	got := diagnose.Redact(token.Decode(token.Candidate{Value: tok}))
	for _, seg := range strings.Split(tok, ".") {
		if strings.Contains(got, seg) {
			t.Errorf("Redact keeps %q: %s", seg, got)
		}
	}
}
