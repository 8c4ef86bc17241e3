package token

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Form is a token's serialisation.
type Form string

// Forms a candidate can have.
const (
	FormJWS     Form = "JWS" // header.payload.signature
	FormJWE     Form = "JWE" // header.encrypted_key.iv.ciphertext.tag
	FormUnknown Form = "unknown"
)

// Segment is one dot-separated part of a token.
type Segment struct {
	Name    string // "header", "payload", "signature", or a JWE part name
	Text    string // as pasted (after copy-paste repairs)
	Decoded []byte // nil when the segment could not be decoded
}

// Problem pinpoints what makes a token unreadable: which segment, where, and
// which character, so the user can see the copy-paste damage.
type Problem struct {
	Segment string // segment name; "" when about the whole token
	Offset  int    // byte offset inside the segment; -1 when not applicable
	Char    string // the offending character, when one is to blame
	Message string
}

func (p Problem) String() string {
	if p.Segment == "" {
		return p.Message
	}
	return p.Segment + " segment: " + p.Message
}

// Token is one decoded candidate. Decoding never fails: what could not be
// read is listed in Problems, and everything that could is kept.
type Token struct {
	Raw      string
	Source   Source
	Form     Form
	Segments []Segment
	// Header and Claims list the JSON members in the token's own order, with
	// their raw bytes (a number shows exactly as encoded).
	Header   []Member
	Claims   []Member
	Alg      string
	Typ      string
	Kid      string
	Enc      string // JWE content encryption, e.g. A256GCM
	Problems []Problem
	// AlgSupported is false when golang-jwt knows no signing method by the
	// header's alg: the token cannot be verified by a standard library.
	AlgSupported bool
}

// Malformed reports whether the token could not be read as a JWS or JWE.
func (t Token) Malformed() bool { return len(t.Problems) > 0 }

// Claim returns the named payload member.
func (t Token) Claim(name string) (Member, bool) {
	for _, m := range t.Claims {
		if m.Key == name {
			return m, true
		}
	}
	return Member{}, false
}

// HeaderValue returns the named header member.
func (t Token) HeaderValue(name string) (Member, bool) {
	for _, m := range t.Header {
		if m.Key == name {
			return m, true
		}
	}
	return Member{}, false
}

var (
	jwsSegmentNames = []string{"header", "payload", "signature"}
	jweSegmentNames = []string{"protected header", "encrypted key", "initialization vector", "ciphertext", "authentication tag"}
)

// maxShownSegments bounds the segments kept for a token of the wrong shape.
const maxShownSegments = 6

// Decode reads a candidate as a JWS (with golang-jwt) or recognises it as a
// JWE. It checks nothing about time or signature: that is diagnosis.
func Decode(c Candidate) Token {
	t := Token{Raw: c.Value, Source: c.Source, Form: FormUnknown}
	parts := strings.Split(c.Value, ".")
	switch len(parts) {
	case 3:
		t.decodeJWS(parts)
	case 5:
		t.decodeJWE(parts)
	default:
		t.decodeWrongShape(parts)
	}
	return t
}

func (t *Token) decodeJWS(parts []string) {
	t.Form = FormJWS
	t.Segments = segmentsOf(parts, jwsSegmentNames)
	t.readHeader(0)
	t.readPayload(1)
	t.readSignature(2)
	if t.Malformed() {
		return
	}
	t.parseWithJWT()
}

// jwtParser is the parser the cross-check uses: JSON numbers kept as
// json.Number and padded segments allowed, so that what it refuses is what
// golang-jwt refuses whatever its options. A Parser is read-only after
// NewParser, so one serves every call.
var jwtParser = jwt.NewParser(jwt.WithJSONNumber(), jwt.WithPaddingAllowed())

// parseWithJWT cross-checks our reading with golang-jwt: if the library that
// backends and tools use cannot parse the token, neither can the server.
func (t *Token) parseWithJWT() {
	_, _, err := jwtParser.ParseUnverified(t.Raw, &jwtCheckedClaims{})
	switch {
	case err == nil:
		t.AlgSupported = true
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		t.AlgSupported = false // unknown alg: readable, just not verifiable
	default:
		t.Problems = append(t.Problems, Problem{Offset: -1, Message: fmt.Sprintf("golang-jwt cannot parse it: %v", err)})
	}
}

// jwtCheckedClaims stands in for jwt.MapClaims in the cross-check. golang-jwt
// decodes the claims with encoding/json, which checks the whole payload's
// syntax before it hands an object to UnmarshalJSON; building the
// map[string]any that MapClaims would hold, only to drop it, was half the
// cost of Decode (issue 11's per-token budget). An object is all a map
// accepts once the syntax is valid (numbers stay json.Number, so none is out
// of range); anything else is decoded into a MapClaims for MapClaims' own
// error. TestJWTCheckedClaimsAgreeWithMapClaims holds the two equal.
type jwtCheckedClaims struct{}

// UnmarshalJSON accepts what json.Unmarshal into a jwt.MapClaims accepts,
// given valid JSON: an object (or null, which never reaches it).
func (*jwtCheckedClaims) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return nil
	}
	return json.Unmarshal(b, &jwt.MapClaims{})
}

// The jwt.Claims methods; ParseUnverified validates nothing and never
// calls them.
func (*jwtCheckedClaims) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }
func (*jwtCheckedClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (*jwtCheckedClaims) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (*jwtCheckedClaims) GetIssuer() (string, error)                   { return "", nil }
func (*jwtCheckedClaims) GetSubject() (string, error)                  { return "", nil }
func (*jwtCheckedClaims) GetAudience() (jwt.ClaimStrings, error)       { return nil, nil }

func (t *Token) decodeJWE(parts []string) {
	t.Form = FormJWE
	t.Segments = segmentsOf(parts, jweSegmentNames)
	t.readHeader(0)
	if m, ok := t.HeaderValue("enc"); ok {
		t.Enc = m.Text()
	}
}

// decodeWrongShape explains a dot count that is neither JWS nor JWE, and
// still decodes the header when it can, so the user sees what it was.
func (t *Token) decodeWrongShape(parts []string) {
	msg := fmt.Sprintf("it has %d dot-separated segments; a JWS has 3 (header.payload.signature) and a JWE has 5", len(parts))
	if len(parts) == 2 {
		msg += "; the signature segment is missing (was the copy cut short?)"
	}
	t.Problems = append(t.Problems, Problem{Offset: -1, Message: msg})
	names := jwsSegmentNames
	if len(parts) > 3 {
		names = jweSegmentNames
	}
	if len(parts) > maxShownSegments {
		// A run of dots is not a token with a million parts: keep what a
		// person can look at, and the whole text stays in Raw.
		rest := strings.Join(parts[maxShownSegments-1:], ".")
		parts = append(parts[:maxShownSegments-1:maxShownSegments-1], rest)
	}
	t.Segments = segmentsOf(parts, names)
	if len(parts) >= 2 && strings.HasPrefix(parts[0], "eyJ") {
		t.readHeader(0)
		if len(parts) <= 3 {
			t.readPayload(1)
		}
	}
}

func segmentsOf(parts, names []string) []Segment {
	segs := make([]Segment, len(parts))
	for i, p := range parts {
		var name string
		if i < len(names) {
			name = names[i]
		} else {
			name = fmt.Sprintf("segment %d", i+1)
		}
		segs[i] = Segment{Name: name, Text: p}
	}
	return segs
}

func (t *Token) readHeader(i int) {
	members, ok := t.readJSONSegment(i)
	if !ok {
		return
	}
	t.Header = members
	t.Alg = memberString(members, "alg")
	t.Typ = memberString(members, "typ")
	t.Kid = memberString(members, "kid")
	if _, has := t.HeaderValue("alg"); !has {
		t.Problems = append(t.Problems, Problem{Segment: t.Segments[i].Name, Offset: -1, Message: `the header has no "alg" member`})
	}
}

func (t *Token) readPayload(i int) {
	if members, ok := t.readJSONSegment(i); ok {
		t.Claims = members
		t.checkNumericDates()
	}
}

func (t *Token) readSignature(i int) {
	seg := &t.Segments[i]
	if seg.Text == "" {
		if !strings.EqualFold(t.Alg, "none") {
			t.Problems = append(t.Problems, Problem{Segment: seg.Name, Offset: -1,
				Message: fmt.Sprintf("it is empty although alg is %q (was the copy cut short after the last dot?)", t.Alg)})
		}
		return
	}
	decoded, p := decodeSegment(seg.Name, seg.Text)
	if p != nil {
		t.Problems = append(t.Problems, *p)
		return
	}
	seg.Decoded = decoded
}

func (t *Token) readJSONSegment(i int) ([]Member, bool) {
	seg := &t.Segments[i]
	decoded, p := decodeSegment(seg.Name, seg.Text)
	if p != nil {
		t.Problems = append(t.Problems, *p)
		return nil, false
	}
	seg.Decoded = decoded
	members, p := parseSegmentJSON(seg.Name, decoded)
	if p != nil {
		t.Problems = append(t.Problems, *p)
		return nil, false
	}
	return members, true
}

// checkNumericDates rejects exp/iat/nbf that are not numbers: RFC 7519 says
// NumericDate, and SimpleJWT and golang-jwt both refuse anything else.
func (t *Token) checkNumericDates() {
	for _, name := range []string{"exp", "iat", "nbf"} {
		m, ok := t.Claim(name)
		if ok && m.Kind != KindNumber {
			t.Problems = append(t.Problems, Problem{Segment: "payload", Offset: -1,
				Message: fmt.Sprintf("claim %q is %s (%s); it must be a number of seconds since 1970 (NumericDate)", name, article(m.Kind), m.Raw)})
		}
	}
}

func memberString(members []Member, key string) string {
	for _, m := range members {
		if m.Key == key {
			return m.Text()
		}
	}
	return ""
}
