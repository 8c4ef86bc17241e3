package diagnose_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// FuzzRun holds the report to the promises the page and the export build on,
// whatever is pasted: known codes, valid severities, worst-first order, token
// indexes in range, and an exported Markdown that carries no signature. The
// committed corpus lives in testdata/fuzz/FuzzRun/.

// fuzzNow is the instant the vectors were minted (vectors.json minted_at), so
// their tokens are fresh, expiring and expired as intended.
var fuzzNow = time.Unix(1795706169, 0).UTC()

func fuzzB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// fuzzJWS builds an HS256-shaped JWS around payload; the signature is not
// checked anywhere, only its shape matters.
func fuzzJWS(payload string) string {
	return fuzzB64(`{"alg":"HS256","typ":"JWT"}`) + "." + fuzzB64(payload) + ".c2lnbmF0dXJlLWJ5dGVz"
}

var (
	fuzzRefresh = fuzzJWS(`{"token_type":"refresh","exp":1795792567,"iat":1795706167,"jti":"j","user_id":1}`)
	// fuzzAccess expires 30 s after fuzzNow: the leeway decides its verdict.
	fuzzAccess = fuzzJWS(`{"token_type":"access","exp":1795706199,"iat":1795706167,"jti":"k","user_id":"1"}`)
)

// fuzzHandSeeds reach each check of the diagnosis, plus the hostile inputs
// every layer must survive.
func fuzzHandSeeds() []string {
	jws, refresh, access := fuzzJWS, fuzzRefresh, fuzzAccess
	half := len(refresh) / 2
	return []string{
		"", "{}", "null", " null\n", "[]",
		`{"refresh":"","access":"` + access + `"}`,
		`{"refresh":null,"access":"` + access + `"}`,
		`{"access":"` + refresh + `"}`,
		`{"user":{"name":"a"},"expires":"2026-12-26T00:00:00.000Z","backendAccess":"` + access + `","error":"RefreshAccessTokenError"}`,
		`{"a":{"b":[{"refresh":"` + access + `"}]}}`,
		"Cookie: next-auth.session-token.0=" + refresh[:half] + "; next-auth.session-token.1=" + refresh[half:],
		"Cookie: next-auth.session-token=x; next-auth.session-token.0=" + refresh[:half] + "; next-auth.session-token.2=" + refresh[half:],
		"Set-Cookie: __Secure-authjs.session-token=" + fuzzB64(`{"alg":"dir","enc":"A256CBC-HS512","kid":"k"}`) + "..aXY.Y2lwaGVy.dGFn; Path=/; HttpOnly",
		"Authorization: Bearer " + access, "Authorization: Bearer '" + strings.ReplaceAll(access, ".", "%2E") + "'",
		jws(`{"exp":"tomorrow"}`), jws(`{"exp":1e300,"iat":-1e300,"nbf":1795706170.5}`), jws(`{}`),
		fuzzB64(`{"alg":"none"}`) + "." + fuzzB64(`{"sub":"1"}`) + ".",
		fuzzB64(`{"alg":"XS999"}`) + "." + fuzzB64(`{"exp":1795706169}`) + ".c2ln",
		"eyJ..", "a.b.c.d.e", refresh[:len(refresh)-1],
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat(".", 1<<20),
		"\xff\xfe.eyJ\x00.\xc3", "x.y.\xff", "\x00", "<img src=x onerror=alert(1)>",
	}
}

func FuzzRun(f *testing.F) {
	for _, s := range append(loadVectors(f).Texts(), fuzzHandSeeds()...) {
		f.Add(s, uint16(0))
	}
	// The leeway moves the exp, nbf and iat verdicts: seed NextAuth's 15 s,
	// one that spans the access token's remaining 30 s, and the maximum.
	for _, leeway := range []uint16{15, 45, 65535} {
		f.Add("Authorization: Bearer "+fuzzAccess, leeway)
	}
	f.Fuzz(func(t *testing.T, text string, leewaySeconds uint16) {
		r := diagnose.Run(text, diagnose.Options{Now: fuzzNow, Leeway: time.Duration(leewaySeconds) * time.Second})
		fuzzCheckReport(t, r)
		md := diagnose.Markdown(r)
		fuzzCheckRedacted(t, text, r, md)
		if blocks, unclosed := fencedBlocks(md); unclosed || blocks != wantBlocks(r) {
			t.Fatalf("export: %d fenced blocks (unclosed %v), the writer opened %d", blocks, unclosed, wantBlocks(r))
		}
	})
}

// fuzzCheckReport holds each finding to the catalog and the report's order.
func fuzzCheckReport(t *testing.T, r diagnose.Report) {
	t.Helper()
	for i, f := range r.Findings {
		if !diagnose.Known(f.Code) {
			t.Errorf("finding %d: code %q is not in diagnose.Catalog", i, f.Code)
		}
		switch f.Severity {
		case diagnose.SeverityError, diagnose.SeverityWarn, diagnose.SeverityInfo, diagnose.SeverityOK:
		default:
			t.Errorf("finding %d (%s): severity %q", i, f.Code, f.Severity)
		}
		if f.Token < -1 || f.Token >= len(r.Tokens) {
			t.Errorf("finding %d (%s): token %d, report has %d tokens", i, f.Code, f.Token, len(r.Tokens))
		}
		if i > 0 && r.Findings[i-1].Severity.Rank() > f.Severity.Rank() {
			t.Errorf("finding %d (%s, %s) sorts after a less severe one (%s)", i, f.Code, f.Severity, r.Findings[i-1].Severity)
		}
	}
	for i, tr := range r.Tokens {
		if tr.Index != i || tr.Parent < -1 || tr.Parent >= i {
			t.Errorf("token %d: index %d, parent %d", i, tr.Index, tr.Parent)
		}
	}
}

// fuzzCheckRedacted is the export's privacy promise: no JWS signature in the
// Markdown, so what users paste into a GitHub issue cannot be replayed. That
// includes the base64url segments the export keeps: anyone can decode a
// payload, so a token nested in it (a session's backendRefresh) is exported
// too. Signatures under 8 characters are too short to tell from ordinary
// text. A signature is excused only when the same characters are shown by
// design elsewhere: inside a header or payload segment (which Redact keeps),
// in a cookie name or JSON path, or in the paste at a place that is not a
// token's signature (an "error" string the title quotes, say).
func fuzzCheckRedacted(t *testing.T, text string, r diagnose.Report, md string) {
	t.Helper()
	visible := withDecodedRuns(md)
	for _, tr := range r.Tokens {
		if tr.Form != token.FormJWS || len(tr.Segments) != 3 {
			continue
		}
		sig := tr.Segments[2].Text
		if len(sig) < 8 || !strings.Contains(visible, sig) {
			continue
		}
		if shownByDesign(r, sig) || inPasteOutsideSignature(text, sig) {
			continue
		}
		where := "as text"
		if !strings.Contains(md, sig) {
			where = "inside a base64url segment it keeps"
		}
		t.Fatalf("the Markdown export carries token %d's signature %q %s (token from %s)", tr.Index+1, sig, where, tr.Source.Describe())
	}
}

// withDecodedRuns appends to md the base64url decoding of every run of 16 or
// more base64url characters in it: what a reader of the export can recover.
func withDecodedRuns(md string) string {
	var b strings.Builder
	b.WriteString(md)
	for i := 0; i < len(md); {
		if !isBase64URL(md[i]) {
			i++
			continue
		}
		j := i
		for j < len(md) && isBase64URL(md[j]) {
			j++
		}
		if run := md[i:j]; len(run) >= 16 {
			if len(run)%4 == 1 {
				run = run[:len(run)-1] // no base64 has this length: drop the odd character
			}
			if dec, err := base64.RawURLEncoding.DecodeString(run); err == nil {
				b.WriteByte('\n')
				b.Write(dec)
			}
		}
		i = j
	}
	return b.String()
}

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func shownByDesign(r diagnose.Report, s string) bool {
	for _, tr := range r.Tokens {
		if strings.Contains(tr.Source.Name, s) {
			return true
		}
		for i := 0; i < len(tr.Segments) && i < 2; i++ {
			if strings.Contains(tr.Segments[i].Text, s) {
				return true
			}
		}
	}
	return false
}

// inPasteOutsideSignature reports whether s occurs in text other than right
// after a dot, where a signature sits.
func inPasteOutsideSignature(text, s string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], s)
		if j < 0 {
			return false
		}
		if at := i + j; at == 0 || text[at-1] != '.' {
			return true
		}
		i += j + 1
	}
}
