package diagnose_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"tokenscope/app/diagnose"
)

// benchVector returns the named vector of vectors.json.
func benchVector(tb testing.TB, name string) (tok, body string) {
	tb.Helper()
	b, err := os.ReadFile(fuzzVectorsPath)
	if err != nil {
		tb.Fatalf("reading vectors: %v", err)
	}
	var vf struct {
		Vectors []struct {
			Name  string `json:"name"`
			Token string `json:"token"`
			Body  string `json:"body"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(b, &vf); err != nil {
		tb.Fatalf("parsing vectors: %v", err)
	}
	for _, v := range vf.Vectors {
		if v.Name == name {
			return v.Token, v.Body
		}
	}
	tb.Fatalf("no vector %q", name)
	return "", ""
}

// benchCookie4K is the Cookie header a Next.js app sends when its session
// carries the backend's SimpleJWT pair: about 4 KB, the session token split
// into two chunks. The session is a JWS (signed with golang-jwt) so the
// nested backendAccess and backendRefresh are decoded and judged too; a real
// NextAuth session is a JWE of the same size. app/token's bench_test.go
// builds the same header.
func benchCookie4K(tb testing.TB) string {
	tb.Helper()
	access, _ := benchVector(tb, "access_valid")
	refresh, _ := benchVector(tb, "refresh_valid")
	const csrf = "csrftoken=Qm9vdHN0cmFwQ1NSRlRva2VuVmFsdWUxMjM0NTY3ODkw"
	const nextCSRF = "next-auth.csrf-token=6d1f0c3b2a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29180f1e2d3c4b5a6978%7C0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	const callback = "next-auth.callback-url=http%3A%2F%2Flocalhost%3A3000"
	session := func(pad int) string {
		claims := jwt.MapClaims{
			"name": "Ada Lovelace", "email": "ada@example.test", "sub": "1",
			"backendAccess": access, "backendRefresh": refresh,
			"iat": 1795706169, "exp": 1798298169, "jti": "7f1e0c9a-5b4d-4e3f-9a2b-1c0d9e8f7a6b",
			"picture": "https://avatars.example.test/u/1?v=4" + strings.Repeat("&p=x", pad/4),
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("bench-nextauth-secret"))
		if err != nil {
			tb.Fatalf("signing the session: %v", err)
		}
		return s
	}
	header := func(s string) string {
		half := len(s) / 2
		return "Cookie: " + csrf + "; " + nextCSRF + "; " + callback +
			"; next-auth.session-token.0=" + s[:half] + "; next-auth.session-token.1=" + s[half:]
	}
	// Pad the picture claim so the whole header is just over 4 KB: base64
	// turns 3 bytes of claims into 4 characters of token.
	short := header(session(0))
	return header(session((4096 - len(short)) * 3 / 4))
}

// benchRun measures one analysis of text, after checking it finds want tokens.
func benchRun(b *testing.B, text string, want int) {
	b.Helper()
	opts := diagnose.Options{Now: fuzzNow}
	if got := len(diagnose.Run(text, opts).Tokens); got != want {
		b.Fatalf("analysis found %d tokens, want %d", got, want)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		diagnose.Run(text, opts)
	}
}

// BenchmarkAnalyseCookie4K: the session token and the two backend tokens
// nested in it.
func BenchmarkAnalyseCookie4K(b *testing.B) { benchRun(b, benchCookie4K(b), 3) }

// BenchmarkRunLoginJSON: SimpleJWT's login response, access and refresh.
func BenchmarkRunLoginJSON(b *testing.B) {
	_, body := benchVector(b, "login_response")
	benchRun(b, body, 2)
}

// BenchmarkMarkdownCookie4K: the export of the cookie's report.
func BenchmarkMarkdownCookie4K(b *testing.B) {
	r := diagnose.Run(benchCookie4K(b), diagnose.Options{Now: fuzzNow})
	b.ReportAllocs()
	for b.Loop() {
		diagnose.Markdown(r)
	}
}
