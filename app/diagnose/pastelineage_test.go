package diagnose_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/e2e/harfixtures"
)

// setSessions returns, in order, the session cookie each response of a
// recorded HAR set (entry index → value), read from the Set-Cookie lines.
func setSessions(t *testing.T, file, cookie string) map[int]string {
	t.Helper()
	h, err := harfixtures.Load(filepath.Join(harfixtures.Dir(), file))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for i, e := range h.Log.Entries {
		for _, hd := range e.Response.Headers {
			if strings.EqualFold(hd.Name, "set-cookie") && strings.HasPrefix(hd.Value, cookie+"=") {
				v, _, _ := strings.Cut(strings.TrimPrefix(hd.Value, cookie+"="), ";")
				if v != "" {
					out[i] = v
				}
			}
		}
	}
	return out
}

// TestPastedLineage: the sessions of a recorded HAR, pasted one after
// another with the secret, give the HAR's lineage findings.
func TestPastedLineage(t *testing.T) {
	m, err := harfixtures.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	secret := m.Secrets.NextAuthSecret
	tests := []struct {
		file    string
		entries []int // the responses whose sessions are pasted, in order
		want    []diagnose.Code
		absent  []diagnose.Code
	}{
		{"nextauth-healthy.har", []int{3, 4, 5}, []diagnose.Code{diagnose.CodeRefreshRotated},
			[]diagnose.Code{diagnose.CodeConcurrentRefresh, diagnose.CodeStaleRefreshReused}},
		{"nextauth-race.har", []int{3, 4, 5}, []diagnose.Code{diagnose.CodeRefreshRotated, diagnose.CodeConcurrentRefresh, diagnose.CodeSessionError},
			[]diagnose.Code{diagnose.CodeStaleRefreshReused}},
		{"nextauth-dropped-callback.har", []int{3, 4, 5}, []diagnose.Code{diagnose.CodeStaleRefreshReused, diagnose.CodeSessionError},
			[]diagnose.Code{diagnose.CodeRefreshRotated, diagnose.CodeConcurrentRefresh}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			sessions := setSessions(t, tc.file, "next-auth.session-token")
			var lines []string
			for _, i := range tc.entries {
				v, ok := sessions[i]
				if !ok {
					t.Fatalf("entry %d sets no session", i)
				}
				lines = append(lines, v)
			}
			r := diagnose.Run(strings.Join(lines, "\n\n"), diagnose.Options{Now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), SecretText: secret})
			for _, c := range tc.want {
				if !r.Has(c) {
					t.Errorf("no %s", c)
				}
			}
			for _, c := range tc.absent {
				if r.Has(c) {
					t.Errorf("unexpected %s", c)
				}
			}
			if t.Failed() {
				for _, f := range r.Findings {
					t.Logf("  %s %s: %s", f.Severity, f.Code, f.Title)
				}
			}
		})
	}
}

// TestPastedLineageNeedsTwoSessions: one session gives no lineage finding.
func TestPastedLineageNeedsTwoSessions(t *testing.T) {
	m, err := harfixtures.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	sessions := setSessions(t, "nextauth-healthy.har", "next-auth.session-token")
	r := diagnose.Run(sessions[4], diagnose.Options{Now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), SecretText: m.Secrets.NextAuthSecret})
	for _, f := range r.Findings {
		if strings.HasPrefix(string(f.Code), "timeline.") {
			t.Errorf("one session gave %s", f.Code)
		}
	}
}
