package token_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"tokenscope/app/token"
)

func decodeRaw(s string) token.Token {
	return token.Decode(token.Candidate{Value: s, Source: token.Source{Origin: token.OriginRaw}})
}

func TestDecodeRealSimpleJWTTokens(t *testing.T) {
	vf := loadVectors(t)
	for _, v := range vf.Vectors {
		if v.Kind != "token" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			tok := decodeRaw(v.Token)
			if tok.Malformed() {
				t.Fatalf("problems: %v", tok.Problems)
			}
			if tok.Form != token.FormJWS || !tok.AlgSupported {
				t.Fatalf("form %s supported %v", tok.Form, tok.AlgSupported)
			}
			if tok.Alg != "HS256" && tok.Alg != "HS512" {
				t.Errorf("alg %q", tok.Alg)
			}
			if len(tok.Segments[2].Decoded) == 0 {
				t.Error("signature not decoded")
			}
			s := tok.SimpleJWTFacts()
			if !strings.Contains(v.Name, "no_type") && (s.TokenType != "access" && s.TokenType != "refresh") {
				t.Errorf("token_type %q", s.TokenType)
			}
			if s.JTI == "" {
				t.Error("no jti")
			}
		})
	}
}

func TestDecodeKeepsClaimOrderAndRawNumbers(t *testing.T) {
	payload := `{"z":1,"exp":1795706467.500,"big":12345678901234567890,"a":"x"}`
	raw := seg(`{"alg":"HS256","typ":"JWT"}`) + "." + seg(payload) + ".c2ln"
	tok := decodeRaw(raw)
	if tok.Malformed() {
		t.Fatalf("problems %v", tok.Problems)
	}
	var keys []string
	for _, m := range tok.Claims {
		keys = append(keys, m.Key)
	}
	if got := strings.Join(keys, ","); got != "z,exp,big,a" {
		t.Errorf("order %s", got)
	}
	big, _ := tok.Claim("big")
	if string(big.Raw) != "12345678901234567890" {
		t.Errorf("big number mangled: %s", big.Raw)
	}
	exp, ok := tok.NumericDate("exp")
	if !ok || exp.Raw != "1795706467.500" || exp.Time.UnixMilli() != 1795706467500 {
		t.Errorf("exp %+v %v", exp, ok)
	}
}

func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestDecodePinpointsDamage(t *testing.T) {
	vf := loadVectors(t)
	good := vf.Get(t, "refresh_valid").Token
	parts := strings.Split(good, ".")
	tests := []struct {
		name    string
		raw     string
		segment string
		offset  int
		char    string
		message string
	}{
		{"bad char in payload", parts[0] + "." + parts[1][:11] + "!" + parts[1][12:] + "." + parts[2], "payload", 11, "!", "not base64url"},
		{"standard base64 in signature", parts[0] + "." + parts[1] + "." + parts[2][:5] + "+" + parts[2][6:], "signature", 5, "+", "standard base64"},
		{"space in header", parts[0][:3] + " " + parts[0][3:] + "." + parts[1] + "." + parts[2], "header", 3, " ", "not base64url"},
		{"truncated payload", parts[0] + "." + parts[1][:len(parts[1])-(len(parts[1])%4)+1-4] + "." + parts[2], "payload", -2, "", "impossible for base64url"},
		{"payload not JSON", parts[0] + "." + seg(`{"a":1,}`) + "." + parts[2], "payload", 8, "", "at byte 7 of the decoded JSON"},
		{"payload is an array", parts[0] + "." + seg(`[1,2]`) + "." + parts[2], "payload", -1, "", "not a JSON object but an array"},
		{"header without alg", seg(`{"typ":"JWT"}`) + "." + parts[1] + "." + parts[2], "header", -1, "", `no "alg"`},
		{"empty signature", parts[0] + "." + parts[1] + ".", "signature", -1, "", "cut short"},
		{"two segments", parts[0] + "." + parts[1], "", -1, "", "signature segment is missing"},
		{"four segments", good + ".x", "", -1, "", "4 dot-separated segments"},
		{"exp is a string", parts[0] + "." + seg(`{"exp":"tomorrow"}`) + "." + parts[2], "payload", -1, "", "NumericDate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := decodeRaw(tc.raw)
			if !tok.Malformed() {
				t.Fatal("not reported malformed")
			}
			p := tok.Problems[0]
			if p.Segment != tc.segment {
				t.Errorf("segment %q, want %q (%v)", p.Segment, tc.segment, p)
			}
			if tc.offset != -2 && p.Offset != tc.offset {
				t.Errorf("offset %d, want %d (%v)", p.Offset, tc.offset, p)
			}
			if p.Char != tc.char {
				t.Errorf("char %q, want %q", p.Char, tc.char)
			}
			if !strings.Contains(p.Message, tc.message) {
				t.Errorf("message %q lacks %q", p.Message, tc.message)
			}
		})
	}
}

func TestDecodeRecognisesJWE(t *testing.T) {
	header := seg(`{"alg":"dir","enc":"A256GCM"}`)
	tok := decodeRaw(header + "..aXY.Y2lwaGVy.dGFn")
	if tok.Form != token.FormJWE || tok.Enc != "A256GCM" || tok.Malformed() {
		t.Fatalf("form %s enc %s problems %v", tok.Form, tok.Enc, tok.Problems)
	}
	if len(tok.Segments) != 5 || tok.Segments[1].Name != "encrypted key" {
		t.Errorf("segments %+v", tok.Segments)
	}
}

func TestDecodeAlgNone(t *testing.T) {
	tok := decodeRaw(seg(`{"alg":"none"}`) + "." + seg(`{"sub":"1"}`) + ".")
	if tok.Malformed() || tok.Alg != "none" {
		t.Fatalf("alg %q problems %v", tok.Alg, tok.Problems)
	}
}
