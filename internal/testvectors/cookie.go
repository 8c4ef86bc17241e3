package testvectors

import (
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// Texts returns every token and response body of the SimpleJWT vectors: the
// inputs the inspector exists for, used as fuzz seeds.
func (s SimpleJWT) Texts() []string {
	var out []string
	for _, v := range s.Vectors {
		for _, t := range []string{v.Token, v.Body} {
			if t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// Cookie4K is the Cookie header a Next.js app sends when its session
// carries the backend's SimpleJWT pair: just over 4 KB, the session token
// split into two chunks among the cookies NextAuth sets beside it. The
// session is a JWS signed with golang-jwt so that extraction, decoding and
// the nested backendAccess/backendRefresh all run; a real NextAuth session is
// a JWE of the same size. The benchmarks of token, diagnose and ui share it.
func Cookie4K(tb testing.TB) string {
	tb.Helper()
	vf := LoadSimpleJWT(tb)
	access, refresh := vf.Get(tb, "access_valid").Token, vf.Get(tb, "refresh_valid").Token
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
