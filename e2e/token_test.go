package e2e

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// testToken is a SimpleJWT-shaped refresh token signed with HS256, with a
// random marker in its jti so storage and console checks can search for
// something no other test wrote.
type testToken struct {
	raw    string // the compact JWS
	marker string // a unique string inside the claims
}

func newTestToken(t *testing.T, now time.Time) testToken {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	marker := "e2emarker" + hex.EncodeToString(b[:])
	claims := map[string]any{
		"token_type": "refresh",
		"exp":        now.Add(24 * time.Hour).Unix(),
		"iat":        now.Unix(),
		"jti":        marker,
		"user_id":    42,
	}
	return testToken{raw: signHS256(t, claims, "e2e-secret"), marker: marker}
}

func signHS256(t *testing.T, claims map[string]any, key string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	header, err := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// cookieHeader builds a Cookie header of about size bytes that carries tok
// as a NextAuth-style session cookie among filler cookies, for the 4 KB
// analysis budget.
func cookieHeader(tok string, size int) string {
	var sb strings.Builder
	sb.WriteString("Cookie: theme=dark; next-auth.csrf-token=abc123%7Cdef456; access=" + tok)
	for i := 0; sb.Len() < size; i++ {
		sb.WriteString("; pref" + string(rune('a'+i%26)) + "=" + strings.Repeat("x", 40))
	}
	return sb.String()
}
