package token_test

import (
	"strings"
	"testing"

	"tokenscope/app/token"
)

// FuzzDecrypt throws arbitrary tokens, secrets and cookie names at the
// session decryption path (go-jose parsing, HKDF, kid matching): it may fail,
// never panic, and a failure is always one of the documented kinds or a
// wrapped parse error.
func FuzzDecrypt(f *testing.F) {
	sv := loadSessionVectors(f)
	for _, v := range sv.Vectors {
		f.Add(v.Token, sv.Secrets["main"], v.CookieName)
	}
	f.Add("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0....", "", "authjs.session-token")
	f.Add("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiIn0.a.b.c.d", "s", "__Secure-authjs.session-token")
	f.Fuzz(func(t *testing.T, raw, secret, cookie string) {
		tok := token.Decode(token.Candidate{Value: raw, Source: token.Source{Origin: token.OriginCookie, Name: cookie}})
		d, err := token.Decrypt(tok, []string{secret}, cookie)
		if err == nil && d.Payload == nil {
			t.Fatal("success without a payload")
		}
		if err == nil && (d.SecretIndex != 0 || !strings.Contains(string(d.Format), "-") && d.Format != token.FormatAuthJS) {
			t.Fatalf("odd success %+v", d)
		}
	})
}
