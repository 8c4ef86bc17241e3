package timeline

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"time"
)

// The lineage needs four claims of each backend token: jti, token_type, exp
// and iat. token.Decode does much more (golang-jwt's parser, every claim as
// an ordered member list with its JSON kind, problems with byte offsets) and
// costs several times more per token; this is the light path the HAR
// analysis uses for the tokens it only has to identify and time.

// liteClaims are the claims the lineage reads.
type liteClaims struct {
	JTI       string          `json:"jti"`
	TokenType string          `json:"token_type"`
	Exp       json.RawMessage `json:"exp"`
	Iat       json.RawMessage `json:"iat"`
}

// Token is one backend token an entry sent or received, named by its jti
// (or a hash when it has none) and judged at the entry's time.
type Token struct {
	// ID is the jti, or "sha256:" and 16 hex digits of the token when it
	// has no jti. Never the token's text.
	ID string
	// Type is SimpleJWT's token_type (access, refresh) or what the field
	// holding it is named for.
	Type string
	// Where says where in the entry it was: "cookie next-auth.session-token
	// › backendRefresh", "JSON body", "Authorization header".
	Where string
	// Exp and Iat are zero when absent.
	Exp, Iat time.Time
	// ExpiredAtEntry says exp had passed at the entry's startedDateTime (the
	// time the token was used), not at the time of analysis. ExpiredFor is
	// how long before.
	ExpiredAtEntry bool
	ExpiredFor     time.Duration
}

// decodeLite reads a compact JWS's payload. ok is false for anything that is
// not three base64url segments with a JSON object in the middle.
func decodeLite(raw string) (liteClaims, bool) {
	first := strings.IndexByte(raw, '.')
	if first <= 0 {
		return liteClaims{}, false
	}
	rest := raw[first+1:]
	second := strings.IndexByte(rest, '.')
	if second <= 0 || strings.IndexByte(rest[second+1:], '.') >= 0 {
		return liteClaims{}, false
	}
	payload := rest[:second]
	buf := make([]byte, base64.RawURLEncoding.DecodedLen(len(payload)))
	n, err := base64.RawURLEncoding.Decode(buf, []byte(payload))
	if err != nil || n == 0 || buf[0] != '{' {
		return liteClaims{}, false
	}
	var c liteClaims
	if json.Unmarshal(buf[:n], &c) != nil {
		return liteClaims{}, false
	}
	return c, true
}

// newToken names and times a JWS found in an entry. ok is false when raw is
// not a JWS with a JSON payload.
func newToken(raw, where, role string, at time.Time) (Token, bool) {
	c, ok := decodeLite(raw)
	if !ok {
		return Token{}, false
	}
	t := Token{ID: c.JTI, Type: c.TokenType, Where: where, Exp: numericDate(c.Exp), Iat: numericDate(c.Iat)}
	if t.ID == "" {
		sum := sha256.Sum256([]byte(raw))
		t.ID = "sha256:" + hex.EncodeToString(sum[:8])
	}
	if t.Type == "" {
		t.Type = role
	}
	if !t.Exp.IsZero() && !at.IsZero() && !at.Before(t.Exp) {
		t.ExpiredAtEntry, t.ExpiredFor = true, at.Sub(t.Exp)
	}
	return t, true
}

func numericDate(raw json.RawMessage) time.Time {
	var f float64
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// findJWS returns the compact JWS strings in text: runs of base64url and
// dots that start with "eyJ" (a JSON header) and have exactly three
// segments. It works on JSON, HTML-escaped JSON, form bodies and headers
// alike, since none of their delimiters is a base64url character.
func findJWS(text string, limit int) []string {
	var out []string
	for i := 0; i < len(text) && len(out) < limit; {
		j := strings.Index(text[i:], "eyJ")
		if j < 0 {
			break
		}
		start := i + j
		end := start
		for end < len(text) && isJWSByte(text[end]) {
			end++
		}
		if cand := text[start:end]; strings.Count(cand, ".") == 2 && !strings.HasSuffix(cand, ".") {
			out = append(out, cand)
		}
		i = end
		if end == start {
			i = start + 3
		}
	}
	return out
}

func isJWSByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// IdentifyToken names and times one JWS at instant at, on the light path the
// HAR analysis uses (exported for the benchmarks and the page's token rows).
func IdentifyToken(raw string, at time.Time) (Token, bool) { return newToken(raw, "", "", at) }
