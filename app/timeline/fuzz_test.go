package timeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/timeline"
)

// fuzzSecret opens the recorded nextauth fixtures' cookies, so mutations of
// a real HAR reach the session and lineage code, not only the reader.
const fuzzSecret = "harfixtures-nextauth-secret-for-tests-only"

// FuzzHAR holds Analyse to its promises whatever the file: no panic, a
// finding that says what happened (timeline.loaded on success,
// timeline.unreadable or timeline.too_large with the error), known codes,
// entries in time order within the HAR, and overlaps that are symmetric.
// The committed corpus lives in testdata/fuzz/FuzzHAR/.
func FuzzHAR(f *testing.F) {
	// The seeds are the committed corpus: small HARs cut from the recorded
	// fixtures (testdata/fuzz/FuzzHAR/*-min), shapes of other exporters, and
	// broken documents. Whole fixtures are too large to mutate usefully.
	f.Fuzz(func(t *testing.T, data []byte) {
		tl, fs, err := timeline.Analyse(context.Background(), data, timeline.Options{Secrets: []string{fuzzSecret}})
		if len(fs) == 0 {
			t.Fatal("no finding")
		}
		codes := map[diagnose.Code]bool{}
		for _, x := range fs {
			if !diagnose.Known(x.Code) {
				t.Fatalf("unknown code %s", x.Code)
			}
			codes[x.Code] = true
		}
		if err != nil {
			if !codes[diagnose.CodeTimelineUnreadable] && !codes[diagnose.CodeTimelineTooLarge] {
				t.Fatalf("error %v without a finding saying so", err)
			}
			return
		}
		if !codes[diagnose.CodeTimelineLoaded] {
			t.Fatal("no timeline.loaded")
		}
		if len(tl.Entries) > tl.Total || len(tl.Entries) > timeline.MaxKept {
			t.Fatalf("%d kept of %d", len(tl.Entries), tl.Total)
		}
		at := map[int]timeline.Entry{}
		for i, e := range tl.Entries {
			if i > 0 && e.Start.Before(tl.Entries[i-1].Start) {
				t.Fatal("entries not in time order")
			}
			if e.Index < 0 || e.Index >= tl.Total {
				t.Fatalf("entry index %d of %d", e.Index, tl.Total)
			}
			at[e.Index] = e
		}
		for _, e := range tl.Entries {
			for _, o := range e.Overlaps {
				if !containsInt(at[o].Overlaps, e.Index) {
					t.Fatalf("overlap %d→%d not symmetric", e.Index, o)
				}
			}
		}
		for _, r := range tl.Rotations {
			if r.Step < 0 || r.Step >= len(tl.Entries) || r.From == r.To {
				t.Fatalf("bad rotation %+v", r)
			}
		}
	})
}

// corpusSeed reads one committed FuzzHAR input.
func corpusSeed(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzHAR", name))
	if err != nil {
		t.Fatal(err)
	}
	_, quoted, _ := strings.Cut(strings.TrimSpace(string(raw)), "[]byte(")
	s, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(s)
}

// TestMinimalShapes: HARs as minimal as HAR 1.2 allows (no cookies[], no
// custom fields, no timings, as Playwright and hand-trimmed files have),
// Firefox's newline-joined Set-Cookie and base64 bodies, still give the
// verdicts of the full recordings they were cut from.
func TestMinimalShapes(t *testing.T) {
	tests := []struct {
		seed string
		want []diagnose.Code
	}{
		{"dropped-callback-min", []diagnose.Code{diagnose.CodeTimelineLoaded, diagnose.CodeStaleRefreshReused, diagnose.CodeTimelineSession}},
		{"dropped-rsc-min", []diagnose.Code{diagnose.CodeTimelineLoaded, diagnose.CodeStaleRefreshReused, diagnose.CodeTimelineSession}},
		{"race-min", []diagnose.Code{diagnose.CodeTimelineLoaded, diagnose.CodeConcurrentRefresh, diagnose.CodeRefreshRotated, diagnose.CodeTimelineSession}},
		{"client-race-min", []diagnose.Code{diagnose.CodeTimelineLoaded, diagnose.CodeConcurrentRefresh, diagnose.CodeRefreshRotated, diagnose.CodeBlacklisted}},
		{"firefox-shape", []diagnose.Code{diagnose.CodeTimelineLoaded, diagnose.CodeBlacklisted}},
		{"no-entries", []diagnose.Code{diagnose.CodeTimelineUnreadable}},
		{"not-json", []diagnose.Code{diagnose.CodeTimelineUnreadable}},
	}
	for _, tc := range tests {
		t.Run(tc.seed, func(t *testing.T) {
			_, fs, _ := timeline.Analyse(context.Background(), corpusSeed(t, tc.seed), timeline.Options{Secrets: []string{fuzzSecret}})
			got := codesOf(fs)
			want := map[diagnose.Code]bool{}
			for _, c := range tc.want {
				want[c] = true
			}
			if strings.Join(sortedCodes(got), " ") != strings.Join(sortedCodes(want), " ") {
				t.Errorf("codes %v, want %v", sortedCodes(got), sortedCodes(want))
			}
		})
	}
}
