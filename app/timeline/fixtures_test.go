package timeline_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/timeline"
	"tokenscope/e2e/harfixtures"
)

// extraCodes are codes a fixture gives beyond its manifest's expectedCodes,
// each with the reason. The manifest predates the code.
var extraCodes = map[string][]diagnose.Code{
	// Both refreshes were accepted: one refresh token forked into two live
	// ones (SimpleJWT 5.2.2's unlocked blacklist check).
	"client-race-forked.har": {diagnose.CodeRefreshForked},
}

var (
	largeOnce sync.Once
	largeHAR  []byte
	largeErr  error
)

func fixtureBytes(t testing.TB, f harfixtures.Fixture) []byte {
	t.Helper()
	if f.File == "nextauth-race.large.har" {
		largeOnce.Do(func() { largeHAR, largeErr = harfixtures.LargeHAR() })
		if largeErr != nil {
			t.Fatal(largeErr)
		}
		return largeHAR
	}
	raw, err := os.ReadFile(filepath.Join(harfixtures.Dir(), f.File))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func manifest(t testing.TB) *harfixtures.Manifest {
	t.Helper()
	m, err := harfixtures.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func codesOf(fs []diagnose.Finding) map[diagnose.Code]bool {
	out := map[diagnose.Code]bool{}
	for _, f := range fs {
		out[f.Code] = true
	}
	return out
}

func sortedCodes(m map[diagnose.Code]bool) []string {
	var out []string
	for c := range m {
		out = append(out, string(c))
	}
	sort.Strings(out)
	return out
}

// TestFixtureCodes: every recorded HAR gives exactly its manifest's expected
// codes (plus the documented extras) and none of its absent ones.
func TestFixtureCodes(t *testing.T) {
	m := manifest(t)
	seen := 0
	for _, f := range m.Fixtures {
		if f.Kind != "har" {
			continue
		}
		seen++
		t.Run(f.File, func(t *testing.T) {
			tl, fs, err := timeline.Analyse(context.Background(), fixtureBytes(t, f), timeline.Options{Secrets: []string{f.Secret}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[diagnose.Code]bool{}
			for _, c := range f.Codes {
				want[diagnose.Code(c)] = true
			}
			for _, c := range extraCodes[f.File] {
				want[c] = true
			}
			got := codesOf(fs)
			if strings.Join(sortedCodes(got), " ") != strings.Join(sortedCodes(want), " ") {
				t.Errorf("codes\n got %v\nwant %v", sortedCodes(got), sortedCodes(want))
				for _, x := range fs {
					t.Logf("  %s %s: %s %v", x.Severity, x.Code, x.Title, x.Evidence)
				}
			}
			for _, c := range f.Absent {
				if got[diagnose.Code(c)] {
					t.Errorf("forbidden code %s present", c)
				}
			}
			for _, x := range fs {
				if !diagnose.Known(x.Code) {
					t.Errorf("code %s not in diagnose.Catalog", x.Code)
				}
			}
			if f.Scenario == "healthy rotation chain" {
				for _, x := range fs {
					if x.Severity == diagnose.SeverityError {
						t.Errorf("healthy chain has an error: %s %s", x.Code, x.Title)
					}
				}
			}
			if tl.Total == 0 {
				t.Error("no entries read")
			}
		})
	}
	if seen < 10 {
		t.Fatalf("only %d HAR fixtures in the manifest", seen)
	}
}

// TestFixtureFacts checks the timeline against what the recorder saw with
// the libraries' own decode: per entry the jtis sent and received, the
// session error, the rotations and the overlaps.
func TestFixtureFacts(t *testing.T) {
	m := manifest(t)
	for _, f := range m.Fixtures {
		if f.Kind != "har" || len(f.Facts.Entries) == 0 {
			continue
		}
		t.Run(f.File, func(t *testing.T) {
			tl, _, err := timeline.Analyse(context.Background(), fixtureBytes(t, f), timeline.Options{Secrets: []string{f.Secret}})
			if err != nil {
				t.Fatal(err)
			}
			byIndex := map[int]timeline.Entry{}
			for _, e := range tl.Entries {
				byIndex[e.Index] = e
			}
			for _, fact := range f.Facts.Entries {
				e, ok := byIndex[fact.Index]
				if !ok {
					t.Errorf("entry %d (%s %s) not kept", fact.Index, fact.Method, fact.Path)
					continue
				}
				if e.Method != fact.Method || e.Path != fact.Path || e.Status != fact.Status {
					t.Errorf("entry %d: %s %s %d, want %s %s %d", fact.Index, e.Method, e.Path, e.Status, fact.Method, fact.Path, fact.Status)
				}
				check := func(what string, ts []timeline.Token, typ, want string) {
					got := ""
					for _, tok := range ts {
						if tok.Type == typ {
							got = tok.ID
							break
						}
					}
					if got != want {
						t.Errorf("entry %d %s %s jti = %q, want %q", fact.Index, what, typ, got, want)
					}
				}
				// Only session cookies and JSON bodies count for the facts;
				// the dashboard's HTML also shows a token the recorder did
				// not list as received (it was never stored).
				check("sent", e.Sent, "refresh", fact.SentRefreshJTI)
				check("sent", e.Sent, "access", fact.SentAccessJTI)
				if fact.GotRefreshJTI != "" || fact.SetCookie {
					check("received", e.Received, "refresh", fact.GotRefreshJTI)
					check("received", e.Received, "access", fact.GotAccessJTI)
				}
				if e.SessionError != fact.SessionError {
					t.Errorf("entry %d session error %q, want %q", fact.Index, e.SessionError, fact.SessionError)
				}
			}
			var rots []string
			for _, r := range tl.Rotations {
				if r.Delivered {
					rots = append(rots, tl.Entries[r.Step].Label()+":"+r.From+">"+r.To)
				}
			}
			var want []string
			for _, r := range f.Facts.Rotations {
				want = append(want, byIndex[r.Index].Label()+":"+r.From+">"+r.To)
			}
			if strings.Join(rots, ",") != strings.Join(want, ",") {
				t.Errorf("rotations\n got %v\nwant %v", rots, want)
			}
			for _, ov := range f.Facts.Overlaps {
				if !containsInt(byIndex[ov[0]].Overlaps, ov[1]) {
					t.Errorf("entries %d and %d overlap; got overlaps %v", ov[0], ov[1], byIndex[ov[0]].Overlaps)
				}
			}
		})
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
