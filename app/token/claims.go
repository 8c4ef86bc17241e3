package token

import (
	"math"
	"strconv"
	"time"
)

// Instant is a NumericDate claim: the raw JSON number as encoded, and the
// time it denotes.
type Instant struct {
	Raw  string
	Time time.Time
}

// NumericDate reads exp, iat or nbf. ok is false when the claim is absent or
// not a finite number (Decode already reported the latter as a Problem).
func (t Token) NumericDate(name string) (Instant, bool) {
	m, ok := t.Claim(name)
	if !ok || m.Kind != KindNumber {
		return Instant{}, false
	}
	f, err := strconv.ParseFloat(string(m.Raw), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return Instant{}, false
	}
	sec, frac := math.Modf(f)
	return Instant{Raw: string(m.Raw), Time: time.Unix(int64(sec), int64(frac*1e9)).UTC()}, true
}

// SimpleJWT is what a token says about itself in SimpleJWT's vocabulary.
// Claim names are SimpleJWT's defaults (TOKEN_TYPE_CLAIM, JTI_CLAIM,
// USER_ID_CLAIM).
type SimpleJWT struct {
	TokenType string // "access" or "refresh"; "" when absent
	JTI       string
	UserID    string // raw JSON: 42 before 5.5.1, "42" after
	Present   bool   // token_type is there: SimpleJWT (or a lookalike) minted it
}

// SimpleJWTFacts reads the SimpleJWT claims.
func (t Token) SimpleJWTFacts() SimpleJWT {
	var s SimpleJWT
	if m, ok := t.Claim("token_type"); ok {
		s.TokenType, s.Present = m.Text(), true
	}
	if m, ok := t.Claim("jti"); ok {
		s.JTI = m.Text()
	}
	if m, ok := t.Claim("user_id"); ok {
		s.UserID = string(m.Raw)
	}
	return s
}

// NestedCandidates returns tokens held in the payload's string claims (a
// custom session JWS carrying backendAccess / backendRefresh), with their JSON
// paths inside the payload.
func (t Token) NestedCandidates() []Candidate {
	if t.Form != FormJWS || len(t.Claims) == 0 {
		return nil
	}
	return ExtractJSON(t.Segments[1].Decoded)
}

// ExtractJSON finds the tokens inside one JSON document, such as a decrypted
// session payload.
func ExtractJSON(doc []byte) []Candidate {
	var ex extractor
	_ = ex.readJSON(string(doc), 0, true) // not JSON: no candidates
	return ex.result.Candidates
}
