package token_test

import (
	"encoding/base64"
	"runtime"
	"strings"
	"testing"

	"tokenscope/app/token"
)

// The fuzz targets here are black-box: whatever a user pastes, Extract and
// Decode must not panic and must keep the promises the diagnosis and the page
// build on. The committed corpus lives in testdata/fuzz/<FuzzName>/; the seeds
// below are rebuilt on every run from the real SimpleJWT vectors.

func fuzzB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// fuzzHandSeeds are the shapes real pastes take plus the hostile ones: each
// entry names the extraction path or the limit it pushes on.
func fuzzHandSeeds() []string {
	jws := fuzzB64(`{"alg":"HS256","typ":"JWT"}`) + "." + fuzzB64(`{"token_type":"refresh","exp":1795792567,"jti":"j","user_id":1}`) + ".c2lnbmF0dXJlLWJ5dGVz"
	half := len(jws) / 2
	jwe := fuzzB64(`{"alg":"dir","enc":"A256GCM"}`) + "..aXY.Y2lwaGVydGV4dA.dGFn"
	authjs := fuzzB64(`{"alg":"dir","enc":"A256CBC-HS512","kid":"k"}`) + "..aXY.Y2lwaGVy.dGFn"
	return []string{
		// Documents and the signed-out answers.
		"", "{}", "null", " { }\n", "[]", `"` + jws + `"`,
		`{"user":{"name":"a","email":"a@b.c"},"expires":"2026-12-26T00:00:00.000Z","backendAccess":"` + jws + `","backendRefresh":null}`,
		`{"a":{"b":[{"c":{"refresh":"x.y"}}]},"access":"` + jws + `","error":"RefreshAccessTokenError"}`,
		"HTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"access\":\"" + jws + "\",\"refresh\":\"\"}\ntrailing",
		// Cookies: chunked in and out of order, a stale bare chunk, a gap.
		"Cookie: next-auth.session-token.0=" + jws[:half] + "; next-auth.session-token.1=" + jws[half:],
		"Cookie: next-auth.session-token.1=" + jws[half:] + "; next-auth.session-token=stale; next-auth.session-token.0=" + jws[:half],
		"Cookie: __Secure-authjs.session-token.0=a; __Secure-authjs.session-token.2=c; __Secure-authjs.session-token.999=z",
		"Set-Cookie: __Secure-next-auth.session-token=" + jwe + "; Path=/; HttpOnly; Secure; SameSite=Lax",
		"Set-Cookie: authjs.session-token=; Max-Age=0",
		"next-auth.session-token\t" + jws + "\tlocalhost\t/\tSession\t512\t✓",
		"curl -b 'next-auth.session-token=" + jws + "' -H 'Authorization: Bearer " + jws + "' http://127.0.0.1:8000/api/",
		// Headers and URLs.
		"Authorization: Bearer " + jws, "Authorization: Bearer \"" + jws + "\"", "authorization: bearer",
		"https://app.test/cb?access_token=" + jws + "&state=1#id_token=" + jws,
		"http://[::1/%zz?token=a.b",
		// Copy-paste damage: percent-encoding, wrapping, quotes, standard base64.
		strings.ReplaceAll(jws, ".", "%2E"), "'" + jws[:40] + "\r\n  " + jws[40:] + "'",
		strings.ReplaceAll(strings.ReplaceAll(jws, "-", "+"), "_", "/") + "==",
		jws[:len(jws)-1], jws + ".", jws[:half],
		// JWE shapes and wrong dot counts.
		jwe, authjs, "eyJ.a.b.c.d", "a.b.c.d.e", "eyJhbGciOiJub25lIn0.e30.", "eyJ..", "eyJ....", "....",
		// Hostile: deep nesting, a megabyte of dots, invalid UTF-8, NUL bytes.
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat(`{"a":`, 100) + `"x.y"` + strings.Repeat("}", 100),
		strings.Repeat(".", 1<<20),
		"\xff\xfe\xfd", "eyJ\xff.eyJ\x00.\xc3", "x.y.\xff", "\x00\x00\x00", "Cookie: a\x00=b.c.d",
		"<img src=x onerror=alert(1)>", "Authorization: Bearer <img src=x onerror=alert(1)>",
	}
}

// fuzzSeeds is every seed a target starts from.
func fuzzSeeds(tb testing.TB) []string {
	tb.Helper()
	return append(loadVectors(tb).Texts(), fuzzHandSeeds()...)
}

// FuzzExtract: any paste yields well-formed candidates that decode without
// panicking.
func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ex := token.Extract(text)
		if len(ex.Candidates) > token.MaxCandidates {
			t.Fatalf("%d candidates, more than MaxCandidates (%d)", len(ex.Candidates), token.MaxCandidates)
		}
		for i, c := range ex.Candidates {
			fuzzCheckCandidate(t, i, c)
			tok := token.Decode(c)
			fuzzCheckToken(t, tok)
			for j, n := range tok.NestedCandidates() {
				fuzzCheckCandidate(t, j, n)
				fuzzCheckToken(t, token.Decode(n))
			}
		}
		for _, o := range ex.Objects {
			for _, m := range o.Members {
				_ = m.Text()
			}
		}
	})
}

// FuzzDecode: any string handed to Decode as a raw candidate decodes without
// panicking, and a clean JWS is exactly its three segments joined.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok := token.Decode(token.Candidate{Value: raw, Source: token.Source{Origin: token.OriginRaw}})
		if tok.Raw != raw {
			t.Fatalf("Raw = %q, want the input %q", tok.Raw, raw)
		}
		fuzzCheckToken(t, tok)
		if tok.Malformed() || tok.Form != token.FormJWS {
			return
		}
		texts := make([]string, len(tok.Segments))
		for i, s := range tok.Segments {
			texts[i] = s.Text
		}
		if joined := strings.Join(texts, "."); joined != raw {
			t.Fatalf("segments rejoin to %q, want the input %q", joined, raw)
		}
	})
}

// fuzzCheckCandidate holds every candidate to what Source documents.
func fuzzCheckCandidate(t *testing.T, i int, c token.Candidate) {
	t.Helper()
	if c.Value == "" {
		t.Errorf("candidate %d (%+v) has an empty value", i, c.Source)
	}
	if c.Source.Origin == "" {
		t.Errorf("candidate %d (%q) has no origin", i, c.Value)
	}
	_ = c.Source.Describe()
	_ = c.Source.LeafName()
}

// fuzzCheckToken holds a decoded token to the shape its Form promises, and calls
// every accessor the diagnosis uses, since a panic in any of them takes the
// page down.
func fuzzCheckToken(t *testing.T, tok token.Token) {
	t.Helper()
	switch tok.Form {
	case token.FormJWS:
		if len(tok.Segments) != 3 {
			t.Fatalf("JWS with %d segments: %q", len(tok.Segments), tok.Raw)
		}
	case token.FormJWE:
		if len(tok.Segments) != 5 {
			t.Fatalf("JWE with %d segments: %q", len(tok.Segments), tok.Raw)
		}
	case token.FormUnknown:
		if !tok.Malformed() {
			t.Fatalf("form unknown but no problem says why: %q", tok.Raw)
		}
	default:
		t.Fatalf("unknown form %q", tok.Form)
	}
	if tok.Form == token.FormJWS && !tok.Malformed() {
		// A clean JWS has a header the page can show member by member.
		if _, err := token.ParseObject(tok.Segments[0].Decoded); err != nil {
			t.Fatalf("clean JWS %q: header does not parse: %v", tok.Raw, err)
		}
		if _, ok := tok.HeaderValue("alg"); !ok {
			t.Fatalf("clean JWS %q: header has no alg", tok.Raw)
		}
	}
	for _, p := range tok.Problems {
		if p.Message == "" {
			t.Errorf("problem %+v has no message", p)
		}
		_ = p.String()
	}
	for _, m := range append(append([]token.Member(nil), tok.Header...), tok.Claims...) {
		_ = m.Text()
	}
	for _, name := range []string{"exp", "iat", "nbf"} {
		_, _ = tok.NumericDate(name)
	}
	_ = tok.SimpleJWTFacts()
}

// TestExtractScalesLinearlyWithLines pins a hang the fuzzer cannot report (it
// sees slowness, not failure): scanLines re-joins and re-parses the rest of
// the paste at every line that starts with { or [, so N such lines cost
// O(N²) (fixed by maxJSONTries). 32 KB of "[\n" took 3.5 s. Bytes allocated are deterministic where
// wall time is not: a linear scan allocates about 4× for 4× the lines.
func TestExtractScalesLinearlyWithLines(t *testing.T) {
	for _, line := range []string{"{\n", "[\n"} {
		small := extractAllocBytes(strings.Repeat(line, 1000))
		large := extractAllocBytes(strings.Repeat(line, 4000))
		if ratio := float64(large) / float64(max(small, 1)); ratio > 8 {
			t.Errorf("%q × 4000 allocates %.1f× what %q × 1000 does (%d vs %d bytes): super-linear in the line count",
				line, ratio, line, large, small)
		}
	}
}

// extractAllocBytes is the heap allocated by one Extract of text.
func extractAllocBytes(text string) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	token.Extract(text)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
