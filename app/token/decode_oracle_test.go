package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"tokenscope/internal/testvectors"
)

// Decode was made cheaper (issue 11's per-token budget) without dropping a
// check. The tests here keep the slower forms as oracles and hold the fast
// ones equal to them on the vectors and on whatever the fuzzer makes:
//
//   - the golang-jwt cross-check decodes the claims into jwtCheckedClaims,
//     not a jwt.MapClaims it then drops;
//   - parseSegmentJSON reads a segment once (ParseObject), not json.Valid
//     first;
//   - Member.Text reads a string without escapes between its quotes.

// oracleParseWithJWT is the cross-check as it was: claims into a MapClaims.
func oracleParseWithJWT(raw string) error {
	_, _, err := jwt.NewParser(jwt.WithJSONNumber(), jwt.WithPaddingAllowed()).ParseUnverified(raw, jwt.MapClaims{})
	return err
}

// oracleParseSegmentJSON is parseSegmentJSON as it was: json.Valid first.
func oracleParseSegmentJSON(name string, decoded []byte) ([]Member, *Problem) {
	var probe any
	if !json.Valid(decoded) {
		err := json.Unmarshal(decoded, &probe)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		offset := -1
		var se *json.SyntaxError
		if errors.As(err, &se) {
			offset = max(0, int(se.Offset)-1)
		}
		msg := "it decodes, but not to valid JSON: " + err.Error()
		if offset >= 0 {
			msg += fmt.Sprintf(" (at byte %d of the decoded JSON, near %q)", offset, around(decoded, offset))
			offset = offset / 3 * 4
		}
		return nil, &Problem{Segment: name, Offset: offset, Message: msg}
	}
	members, err := ParseObject(decoded)
	if err != nil {
		return nil, &Problem{Segment: name, Offset: -1, Message: "it decodes to JSON that is " + err.Error()}
	}
	return members, nil
}

// oracleText is Member.Text as it was: every string through encoding/json.
func oracleText(m Member) string {
	if m.Kind == KindString {
		var s string
		if json.Unmarshal(m.Raw, &s) == nil {
			return s
		}
	}
	return string(m.Raw)
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// checkDecodeAgainstOracles holds the fast forms to the oracles for a token
// made of header, payload and signature (the first two base64url-encoded
// here, so that the fuzzer explores JSON rather than base64).
func checkDecodeAgainstOracles(t *testing.T, header, payload []byte, sig string) {
	t.Helper()
	enc := base64.RawURLEncoding.EncodeToString
	for _, raw := range []string{enc(header) + "." + enc(payload) + "." + sig, string(header) + "." + string(payload) + "." + sig} {
		_, _, got := jwtParser.ParseUnverified(raw, &jwtCheckedClaims{})
		want := oracleParseWithJWT(raw)
		if errText(got) != errText(want) || errors.Is(got, jwt.ErrTokenUnverifiable) != errors.Is(want, jwt.ErrTokenUnverifiable) {
			t.Errorf("cross-check of %q: %v; with MapClaims: %v", raw, got, want)
		}
	}
	for _, seg := range [][]byte{header, payload} {
		got, gotP := parseSegmentJSON("payload", seg)
		want, wantP := oracleParseSegmentJSON("payload", seg)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotP, wantP) {
			t.Errorf("parseSegmentJSON(%q) = %v, %+v; json.Valid first gives %v, %+v", seg, got, gotP, want, wantP)
		}
		for _, m := range got {
			if m.Text() != oracleText(m) {
				t.Errorf("Text of %s = %q, encoding/json gives %q", m.Raw, m.Text(), oracleText(m))
			}
		}
	}
	for _, m := range []Member{{Kind: KindString, Raw: header}, {Kind: KindString, Raw: payload}, {Kind: KindString, Raw: []byte(sig)}} {
		if m.Text() != oracleText(m) {
			t.Errorf("Text of %q = %q, encoding/json gives %q", m.Raw, m.Text(), oracleText(m))
		}
	}
}

// decodeOracleSeeds: the SimpleJWT vectors' segments, and the JSON edges
// where a map, a Decoder and our parser might part: null, non-objects,
// trailing data, out-of-range numbers (a float64 header value), escapes,
// invalid UTF-8, unknown and missing alg, deep nesting.
func decodeOracleSeeds(tb testing.TB) [][3]string {
	seeds := [][3]string{
		{`{"alg":"HS256","typ":"JWT"}`, `{"token_type":"refresh","exp":1795792567,"jti":"j","user_id":1}`, "c2ln"},
		{`{"alg":"HS256"}`, `null`, "c2ln"}, {`null`, `{}`, "c2ln"}, {`{"alg":"HS256"}`, `[1]`, "c2ln"},
		{`{"alg":"HS256"}`, `"x"`, "c2ln"}, {`{"alg":"HS256"}`, `{} {}`, "c2ln"}, {`{"alg":"HS256"}`, `{}x`, "c2ln"},
		{`{"alg":"HS256","x":1e400}`, `{"exp":1e400}`, "c2ln"}, {`{"alg":"none"}`, `{}`, ""}, {`{"alg":"XX1"}`, `{}`, "!!"},
		{`{"alg":1}`, `{}`, "c2ln"}, {`{}`, `{"a":{"b":[1,2,{"c":null}]}}`, "c2ln"}, {`{"alg":"HS256"}`, `{"a":"\u00e9\ud800"}`, "c2ln=="},
		{`{"alg":"HS256"}`, "{\"a\":\"\xff\"}", "c2ln"}, {`{"alg":"HS256"}`, "{\"a\":\"\t\"}", "c2ln"}, {`{"alg":"HS\u0032"}`, `{}`, "c2ln"},
		{`{"alg":"HS256"}`, strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70), "c2ln"}, {`{"alg":"HS256"}`, ` {} `, "c2ln"},
		{`{"alg":"HS256","alg":"RS256"}`, `{"a":1,"a":2}`, "c2ln"}, {`{"alg":"HS256"}`, `{"a":-0.0e+1}`, "+/"},
	}
	v := testvectors.LoadSimpleJWT(tb)
	for _, text := range v.Texts() {
		parts := strings.Split(text, ".")
		if len(parts) != 3 {
			continue
		}
		h, err1 := base64.RawURLEncoding.DecodeString(parts[0])
		p, err2 := base64.RawURLEncoding.DecodeString(parts[1])
		if err1 == nil && err2 == nil {
			seeds = append(seeds, [3]string{string(h), string(p), parts[2]})
		}
	}
	return seeds
}

func TestDecodeAgreesWithOracles(t *testing.T) {
	for _, s := range decodeOracleSeeds(t) {
		checkDecodeAgainstOracles(t, []byte(s[0]), []byte(s[1]), s[2])
	}
}

// FuzzDecodeAgreesWithOracles is the differential test of the fast forms.
func FuzzDecodeAgreesWithOracles(f *testing.F) {
	for _, s := range decodeOracleSeeds(f) {
		f.Add([]byte(s[0]), []byte(s[1]), s[2])
	}
	f.Fuzz(checkDecodeAgainstOracles)
}
