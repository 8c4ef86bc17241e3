package diagnose_test

import (
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
	"tokenscope/internal/testvectors"
)

func evidenceValue(f diagnose.Finding, name string) string {
	v, _ := evidence(f, name)
	return v
}

func findingOf(r diagnose.Report, code diagnose.Code) (diagnose.Finding, bool) {
	for _, f := range r.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return diagnose.Finding{}, false
}

// Every bound of the extraction says when it applied.
func TestBoundsFindings(t *testing.T) {
	vf := loadVectors(t)
	tok := vf.Get(t, "access_valid").Token
	now := vf.Now()
	tests := []struct {
		name   string
		text   string
		want   []string
		absent []string
	}{
		{"10 MiB of text", testvectors.PlainTextWithToken(10<<20, tok), []string{"input.too_large:warn", "simplejwt.token:info"}, []string{"input.no_token"}},
		{"exactly the cap", strings.Repeat("x", token.MaxInputBytes), []string{"input.no_token:warn"}, []string{"input.too_large"}},
		{"chunk flood", testvectors.ChunkedCookieFlood(64 << 10), []string{"cookie.chunk_index_too_high:warn", "input.truncated:warn"}, []string{"input.too_large", "nextauth.stale_chunks"}},
		{"JSON too deep", strings.Repeat("[", token.MaxJSONDepth+1) + `"` + tok + `"` + strings.Repeat("]", token.MaxJSONDepth+1), []string{"input.json_too_deep:warn", "simplejwt.token:info"}, nil},
		{"JSON at the depth bound", strings.Repeat("[", token.MaxJSONDepth-1) + `"` + tok + `"` + strings.Repeat("]", token.MaxJSONDepth-1), []string{"simplejwt.token:info"}, []string{"input.json_too_deep"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertCodes(t, diagnose.Run(tc.text, diagnose.Options{Now: now}), tc.want, tc.absent)
		})
	}
}

func TestInputTooLargeSaysWhatWasAnalysed(t *testing.T) {
	vf := loadVectors(t)
	text := testvectors.PlainTextWithToken(10<<20, vf.Get(t, "access_valid").Token)
	r := diagnose.Run(text, diagnose.Options{Now: vf.Now()})
	f, ok := findingOf(r, diagnose.CodeInputTooLarge)
	if !ok {
		t.Fatalf("no input.too_large in %v", codes(r))
	}
	if got, want := evidenceValue(f, "analysed"), "the first 4.0 MiB of 10.0 MiB"; got != want {
		t.Errorf("analysed %q, want %q", got, want)
	}
	if !strings.Contains(f.Title, "4.0 MiB of 10.0 MiB") {
		t.Errorf("title %q", f.Title)
	}
	if r.InputBytes != len(text) {
		t.Errorf("InputBytes %d, want %d", r.InputBytes, len(text))
	}
}

func TestChunkGapEvidenceCounts(t *testing.T) {
	r := diagnose.Run("Cookie: next-auth.session-token.0=eyJa.b; next-auth.session-token.40=c.d", diagnose.Options{Now: time.Unix(1_800_000_000, 0)})
	f, ok := findingOf(r, diagnose.CodeStaleChunks)
	if !ok {
		t.Fatalf("no stale chunks finding in %v", codes(r))
	}
	if got := evidenceValue(f, "missing chunks"); got != "39" {
		t.Errorf("missing chunks %q, want 39", got)
	}
	if got := evidenceValue(f, "problem"); got != "next-auth.session-token.1..39 are missing: 39 chunks" {
		t.Errorf("problem %q", got)
	}
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int]string{1: "1 byte", 512: "512 bytes", 64 << 10: "64.0 KiB", 10 << 20: "10.0 MiB", 4<<20 - 100: "4.0 MiB"} {
		if got := diagnose.ByteSize(n); got != want {
			t.Errorf("ByteSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// The hostile pastes of issue 8, whole analyses (extraction, decoding,
// findings): the chunked flood was 1.4 GB a MiB.
func BenchmarkRunChunkedCookieFlood1MiB(b *testing.B) {
	flood := testvectors.ChunkedCookieFlood(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		diagnose.Run(flood, diagnose.Options{Now: time.Unix(1_800_000_000, 0)})
	}
}

func BenchmarkRunCappedInputs(b *testing.B) {
	tok := loadVectors(b).Get(b, "access_valid").Token
	for _, c := range []struct {
		name string
		text string
	}{
		{"cookie-flood", testvectors.ChunkedCookieFlood(token.MaxInputBytes)},
		{"nested-json", testvectors.NestedJSON(token.MaxInputBytes-(64<<10), 60, tok)},
		{"plain-text", testvectors.PlainTextWithToken(token.MaxInputBytes, tok)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				diagnose.Run(c.text, diagnose.Options{Now: time.Unix(1_800_000_000, 0)})
			}
		})
	}
}
