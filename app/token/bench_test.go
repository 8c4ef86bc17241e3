package token_test

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"tokenscope/app/token"
	"tokenscope/internal/testvectors"
)

func BenchmarkExtractCookie4K(b *testing.B) {
	header := testvectors.Cookie4K(b)
	if got := token.Extract(header).Candidates; len(got) != 1 || len(got[0].Source.Chunks) != 2 {
		b.Fatalf("want one session token from two chunks, got %+v", got)
	}
	b.SetBytes(int64(len(header)))
	b.ReportAllocs()
	for b.Loop() {
		token.Extract(header)
	}
}

// BenchmarkDecodeJWS and BenchmarkParseUnverified are the per-token pair
// of issue 11's budget (DecodeJWS at most 2× ParseUnverified): the same
// SimpleJWT refresh token, read by token.Decode (every check it makes) and by
// golang-jwt's ParseUnverified (split, base64url, JSON into MapClaims, the
// signing method looked up). ./build.sh bench prints both and the ratio.
func BenchmarkDecodeJWS(b *testing.B) {
	c := token.Candidate{Value: loadVectors(b).Get(b, "refresh_valid").Token, Source: token.Source{Origin: token.OriginRaw}}
	if tok := token.Decode(c); tok.Malformed() || !tok.AlgSupported || len(tok.Claims) == 0 {
		b.Fatalf("refresh_valid does not decode: %+v", tok)
	}
	b.SetBytes(int64(len(c.Value)))
	b.ReportAllocs()
	for b.Loop() {
		token.Decode(c)
	}
}

func BenchmarkParseUnverified(b *testing.B) {
	raw := loadVectors(b).Get(b, "refresh_valid").Token
	p := jwt.NewParser()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.ParseUnverified(raw, jwt.MapClaims{}); err != nil {
			b.Fatal(err)
		}
	}
}
