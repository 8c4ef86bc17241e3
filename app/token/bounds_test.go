package token_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tokenscope/app/token"
	"tokenscope/internal/testvectors"
)

// allocated runs f and returns the bytes it allocated on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// fastest is the quickest of runs calls of f: the figure least disturbed by
// other work on a shared machine.
func fastest(runs int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range runs {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// The attack of issue 8: a 1 MiB Cookie header of `cN.999=eyJ.a.b` cookies
// made reassembly list 999 missing chunks per cookie, 1.4 GB per MiB.
func TestChunkedCookieFloodIsBounded(t *testing.T) {
	flood := testvectors.ChunkedCookieFlood(1 << 20)
	var ex token.Extraction
	if got := allocated(func() { ex = token.Extract(flood) }); got > 50<<20 {
		t.Errorf("extracting the 1 MiB chunked cookie allocated %d MB, want under 50 MB", got>>20)
	}
	if took := fastest(3, func() { token.Extract(flood) }); took > 200*time.Millisecond {
		t.Errorf("extracting the 1 MiB chunked cookie took %v, want under 200 ms", took)
	}
	if len(ex.Candidates) != token.MaxCandidates {
		t.Errorf("%d candidates, want the cap %d", len(ex.Candidates), token.MaxCandidates)
	}
	if ex.ChunkIndexTooLarge == 0 || ex.FirstChunkIndexTooLarge != "c0.999" {
		t.Errorf("ChunkIndexTooLarge %d, first %q: want every cookie counted, c0.999 first", ex.ChunkIndexTooLarge, ex.FirstChunkIndexTooLarge)
	}
	if c := ex.Candidates[0]; c.Source.Name != "c0.999" || len(c.Source.Chunks) != 0 {
		t.Errorf("first candidate %+v: want cookie c0.999 read on its own", c.Source)
	}
}

// The same flood at the highest index still read as a chunk must cost what
// it costs at index 1: reassembly's work follows the chunks present, not the
// indexes between them.
func TestChunkFloodCostIndependentOfIndex(t *testing.T) {
	low := testvectors.ChunkedCookieFloodIndex(256<<10, 1)
	high := testvectors.ChunkedCookieFloodIndex(256<<10, token.MaxChunkIndex)
	var exHigh token.Extraction
	a := allocated(func() { token.Extract(low) })
	b := allocated(func() { exHigh = token.Extract(high) })
	if float64(b) > 1.5*float64(a) {
		t.Errorf("index %d allocates %d KB, index 1 %d KB: the cost grows with the index", token.MaxChunkIndex, b>>10, a>>10)
	}
	src := exHigh.Candidates[0].Source
	if got := src.MissingChunkCount(); got != token.MaxChunkIndex {
		t.Errorf("missing count %d, want %d", got, token.MaxChunkIndex)
	}
	want := "c0.0..62 are missing: 63 chunks"
	if p := src.ChunkProblems(); len(p) == 0 || p[0] != want {
		t.Errorf("problems %q, want first %q", p, want)
	}
}

func TestChunkIndexBound(t *testing.T) {
	over := "Cookie: next-auth.session-token.0=eyJa.b; next-auth.session-token.64=eyJc.d.e"
	ex := token.Extract(over)
	if ex.ChunkIndexTooLarge != 1 || ex.FirstChunkIndexTooLarge != "next-auth.session-token.64" {
		t.Fatalf("ChunkIndexTooLarge %d %q", ex.ChunkIndexTooLarge, ex.FirstChunkIndexTooLarge)
	}
	for _, c := range ex.Candidates {
		if len(c.Source.MissingChunks) != 0 {
			t.Errorf("%s: missing %v; a name over the bound must not open a gap", c.Source.Name, c.Source.MissingChunks)
		}
	}
	at := "Cookie: next-auth.session-token.0=eyJa.b; next-auth.session-token.63=c.d"
	if ex := token.Extract(at); ex.ChunkIndexTooLarge != 0 || len(ex.Candidates) != 1 || len(ex.Candidates[0].Source.Chunks) != 2 {
		t.Errorf("index %d must still join: %+v", token.MaxChunkIndex, ex)
	}
}

func TestCutInput(t *testing.T) {
	line := strings.Repeat("x", 1000) + "\n"
	lines := strings.Repeat(line, token.MaxInputBytes/len(line)+10)
	oneLine := strings.Repeat("é", token.MaxInputBytes) // 2 bytes each
	tests := []struct {
		name    string
		in      string
		cut     bool
		endLine bool
	}{
		{"short", "Cookie: a=b", false, false},
		{"exactly the cap", strings.Repeat("a", token.MaxInputBytes), false, false},
		{"many lines", lines, true, true},
		{"one long line of 2-byte characters", "a" + oneLine, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := token.CutInput(tc.in)
			if cut != tc.cut || len(got) > token.MaxInputBytes || !strings.HasPrefix(tc.in, got) {
				t.Fatalf("cut %v, len %d (cap %d)", cut, len(got), token.MaxInputBytes)
			}
			if !utf8.ValidString(got) {
				t.Error("the cut splits a UTF-8 character")
			}
			if tc.endLine && !strings.HasSuffix(got, "\n") {
				t.Error("the cut does not end at a line break")
			}
			if cut && len(got) < token.MaxInputBytes-utf8.UTFMax && !tc.endLine {
				t.Errorf("cut at %d, far short of the cap", len(got))
			}
		})
	}
	ex := token.Extract(lines)
	if ex.InputBytes != len(lines) || ex.AnalysedBytes >= ex.InputBytes || ex.AnalysedBytes > token.MaxInputBytes {
		t.Errorf("InputBytes %d AnalysedBytes %d", ex.InputBytes, ex.AnalysedBytes)
	}
}

// A token past the cap is not found; one before it is.
func TestExtractReadsOnlyTheCap(t *testing.T) {
	tok := loadVectors(t).Get(t, "access_valid").Token
	filler := strings.Repeat(strings.Repeat("x", 99)+"\n", token.MaxInputBytes/100+1)
	if c := token.Extract(tok + "\n" + filler).Candidates; len(c) != 1 {
		t.Errorf("token before the cap: %d candidates", len(c))
	}
	if c := token.Extract(filler + tok + "\n").Candidates; len(c) != 0 {
		t.Errorf("token past the cap: %d candidates, want none", len(c))
	}
}

func TestJSONDepthBound(t *testing.T) {
	tok := loadVectors(t).Get(t, "access_valid").Token
	doc := func(depth int) string {
		return strings.Repeat(`{"a":`, depth) + `{"access":"` + tok + `"}` + strings.Repeat("}", depth)
	}
	ex := token.Extract(doc(token.MaxJSONDepth - 2))
	if ex.JSONTooDeep || len(ex.Candidates) != 1 || ex.Candidates[0].Source.Origin != token.OriginJSON {
		t.Errorf("depth %d: too deep %v, candidates %+v", token.MaxJSONDepth-1, ex.JSONTooDeep, ex.Candidates)
	}
	ex = token.Extract(doc(token.MaxJSONDepth))
	if !ex.JSONTooDeep {
		t.Error("a document past MaxJSONDepth does not set JSONTooDeep")
	}
	if len(ex.Candidates) != 1 || ex.Candidates[0].Source.Origin != token.OriginRaw {
		t.Errorf("the token inside a too-deep document is still found as text: %+v", ex.Candidates)
	}
	if _, err := token.ParseObject([]byte(doc(token.MaxJSONDepth))); !errors.Is(err, token.ErrJSONTooDeep) {
		t.Errorf("ParseObject: %v, want ErrJSONTooDeep", err)
	}
}

// One pass: the same bytes cost the same whether they sit at the top level
// or 60 levels down. The old parser re-read every value at each level.
func TestJSONParseCostIndependentOfDepth(t *testing.T) {
	tok := loadVectors(t).Get(t, "access_valid").Token
	flat := testvectors.NestedJSON(256<<10, 1, tok)
	deep := testvectors.NestedJSON(256<<10, 60, tok)
	a := allocated(func() { token.Extract(flat) })
	b := allocated(func() { token.Extract(deep) })
	if float64(b) > 1.5*float64(a) {
		t.Errorf("depth 60 allocates %d KB, depth 1 %d KB: the parser re-reads per level", b>>10, a>>10)
	}
	if c := token.Extract(deep).Candidates; len(c) != 1 || c[0].Source.Name != strings.Repeat("a.", 60)+"access" {
		t.Errorf("candidates %+v", c)
	}
}

func BenchmarkExtractChunkedCookieFlood1MiB(b *testing.B) {
	flood := testvectors.ChunkedCookieFlood(1 << 20)
	b.SetBytes(int64(len(flood)))
	b.ReportAllocs()
	for b.Loop() {
		token.Extract(flood)
	}
}

func BenchmarkExtractNestedJSON512KiB(b *testing.B) {
	doc := testvectors.NestedJSON(512<<10, 60, loadVectors(b).Get(b, "access_valid").Token)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		token.Extract(doc)
	}
}

func BenchmarkExtractPlainText4MiB(b *testing.B) {
	text := testvectors.PlainTextWithToken(token.MaxInputBytes, loadVectors(b).Get(b, "access_valid").Token)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		token.Extract(text)
	}
}
