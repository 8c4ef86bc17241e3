package diagnose_test

import (
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// BenchmarkDecryptAnalyseV4Chunked is the budget case: a chunked,
// ~8 KB NextAuth v4 session Cookie header, decrypted with the right secret
// (after a wrong one, as with a rotation list) and fully analysed.
func BenchmarkDecryptAnalyseV4Chunked(b *testing.B) {
	sv := loadSessionVectors(b)
	header := "Cookie: " + sv.Get(b, "v4_chunked").CookieHeader
	opts := diagnose.Options{Now: time.Unix(sv.GeneratedAt, 0), SecretText: strings.Join([]string{sv.Secrets["other"], sv.Secrets["main"]}, "\n")}
	b.SetBytes(int64(len(header)))
	b.ReportAllocs()
	for b.Loop() {
		if r := diagnose.Run(header, opts); !r.Has(diagnose.CodeDecrypted) {
			b.Fatal("not decrypted")
		}
	}
}

// BenchmarkDecryptOnly isolates key derivation and decryption of the same
// session, the part the Node comparison (jose's jwtDecrypt) measures.
func BenchmarkDecryptOnly(b *testing.B) {
	for _, name := range []string{"v4_chunked", "authjs_chunked"} {
		b.Run(name, func(b *testing.B) {
			sv := loadSessionVectors(b)
			v := sv.Get(b, name)
			tok := token.Decode(token.Candidate{Value: v.Token, Source: token.Source{Origin: token.OriginCookie, Name: v.CookieName}})
			secrets := []string{sv.Secrets["main"]}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := token.Decrypt(tok, secrets, v.CookieName); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSecretBoxFull is the secrets box's worst case: MaxSecrets lines,
// the right one last, over a bare @auth/core 0.20 session (found only after
// every format and cookie-name salt) beside two SimpleJWT tokens that every
// secret is tried on.
func BenchmarkSecretBoxFull(b *testing.B) {
	sv := loadSessionVectors(b)
	vf := loadVectors(b)
	lines := make([]string, 0, diagnose.MaxSecrets)
	for i := range diagnose.MaxSecrets - 1 {
		lines = append(lines, "wrong-secret-"+strings.Repeat("x", 32)+string(rune('a'+i%26)))
	}
	lines = append(lines, "NEXTAUTH_SECRET="+sv.Secrets["main"])
	text := sv.Get(b, "authjs_legacy_0_20_0").Token + "\n" + vf.Get(b, "access_valid").Token + "\n" + vf.Get(b, "refresh_valid").Token
	opts := diagnose.Options{Now: sv.Now(), SecretText: strings.Join(lines, "\n")}
	b.ReportAllocs()
	for b.Loop() {
		if r := diagnose.Run(text, opts); !r.Has(diagnose.CodeDecrypted) {
			b.Fatal("not decrypted")
		}
	}
}
