package token_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"tokenscope/app/token"
)

// benchVector returns the token of the named vector in vectors.json.
func benchVector(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(fuzzVectorsPath)
	if err != nil {
		tb.Fatalf("reading vectors: %v", err)
	}
	var vf struct {
		Vectors []struct {
			Name  string `json:"name"`
			Token string `json:"token"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(b, &vf); err != nil {
		tb.Fatalf("parsing vectors: %v", err)
	}
	for _, v := range vf.Vectors {
		if v.Name == name && v.Token != "" {
			return v.Token
		}
	}
	tb.Fatalf("no token vector %q", name)
	return ""
}

// benchCookie4K is the Cookie header a Next.js app sends when its session
// carries the backend's SimpleJWT pair: about 4 KB, with the session token
// split into two chunks. The session is a JWS here (signed with golang-jwt)
// so that extraction, decoding and the nested backendAccess/backendRefresh
// all run; a real NextAuth session is a JWE of the same size.
func benchCookie4K(tb testing.TB) string {
	tb.Helper()
	access, refresh := benchVector(tb, "access_valid"), benchVector(tb, "refresh_valid")
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

func BenchmarkExtractCookie4K(b *testing.B) {
	header := benchCookie4K(b)
	if got := token.Extract(header).Candidates; len(got) != 1 || len(got[0].Source.Chunks) != 2 {
		b.Fatalf("want one session token from two chunks, got %+v", got)
	}
	b.SetBytes(int64(len(header)))
	b.ReportAllocs()
	for b.Loop() {
		token.Extract(header)
	}
}

func BenchmarkDecodeJWS(b *testing.B) {
	c := token.Candidate{Value: benchVector(b, "refresh_valid"), Source: token.Source{Origin: token.OriginRaw}}
	if tok := token.Decode(c); tok.Malformed() {
		b.Fatalf("refresh_valid does not decode: %v", tok.Problems)
	}
	b.SetBytes(int64(len(c.Value)))
	b.ReportAllocs()
	for b.Loop() {
		token.Decode(c)
	}
}
