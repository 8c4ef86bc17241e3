package diagnose_test

import (
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/internal/testvectors"
)

// benchRun measures one analysis of text, after checking it finds want tokens.
func benchRun(b *testing.B, text string, want int) {
	b.Helper()
	opts := diagnose.Options{Now: fuzzNow}
	if got := len(diagnose.Run(text, opts).Tokens); got != want {
		b.Fatalf("analysis found %d tokens, want %d", got, want)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		diagnose.Run(text, opts)
	}
}

// BenchmarkAnalyseCookie4K: the session token and the two backend tokens
// nested in it.
func BenchmarkAnalyseCookie4K(b *testing.B) { benchRun(b, testvectors.Cookie4K(b), 3) }

// BenchmarkRunLoginJSON: SimpleJWT's login response, access and refresh.
func BenchmarkRunLoginJSON(b *testing.B) {
	body := loadVectors(b).Get(b, "login_response").Body
	benchRun(b, body, 2)
}

// BenchmarkMarkdownCookie4K: the export of the cookie's report.
func BenchmarkMarkdownCookie4K(b *testing.B) {
	r := diagnose.Run(testvectors.Cookie4K(b), diagnose.Options{Now: fuzzNow})
	b.ReportAllocs()
	for b.Loop() {
		diagnose.Markdown(r)
	}
}
