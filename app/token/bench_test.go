package token_test

import (
	"testing"

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

func BenchmarkDecodeJWS(b *testing.B) {
	c := token.Candidate{Value: loadVectors(b).Get(b, "refresh_valid").Token, Source: token.Source{Origin: token.OriginRaw}}
	if tok := token.Decode(c); tok.Malformed() {
		b.Fatalf("refresh_valid does not decode: %v", tok.Problems)
	}
	b.SetBytes(int64(len(c.Value)))
	b.ReportAllocs()
	for b.Loop() {
		token.Decode(c)
	}
}
