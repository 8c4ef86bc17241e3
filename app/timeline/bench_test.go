package timeline_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"tokenscope/app/timeline"
	"tokenscope/app/token"
	"tokenscope/e2e/harfixtures"
)

func largeFixture(b testing.TB) ([]byte, string) {
	m := manifest(b)
	for _, f := range m.Fixtures {
		if f.File == "nextauth-race.large.har" {
			return fixtureBytes(b, f), f.Secret
		}
	}
	b.Fatal("no large fixture in the manifest")
	return nil, ""
}

// BenchmarkAnalyseLarge is the 19 MB, 2,000-entry HAR from choosing the file
// to the timeline (what the page does off the main thread).
func BenchmarkAnalyseLarge(b *testing.B) {
	data, secret := largeFixture(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := timeline.Analyse(context.Background(), data, timeline.Options{Secrets: []string{secret}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyseRace is one small recorded race HAR.
func BenchmarkAnalyseRace(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(harfixtures.Dir(), "nextauth-race.har"))
	if err != nil {
		b.Fatal(err)
	}
	m := manifest(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := timeline.Analyse(context.Background(), data, timeline.Options{Secrets: []string{m.Secrets.NextAuthSecret}}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLargeWithinBudget guards the native budget: the page's 2 s from file
// to screen leaves the analysis well under 300 ms natively on this machine
// class; the guard is loose (1.5 s) so a shared CI core does not flake.
func TestLargeWithinBudget(t *testing.T) {
	data, secret := largeFixture(t)
	best := time.Hour
	for range 3 {
		start := time.Now()
		if _, _, err := timeline.Analyse(context.Background(), data, timeline.Options{Secrets: []string{secret}}); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	t.Logf("large HAR (%d bytes): best of 3 %v", len(data), best)
	if best > 1500*time.Millisecond {
		t.Errorf("analysing the large HAR took %v", best)
	}
}

// The per-token cost: the refresh token of a recorded session.
func backendToken(b *testing.B) string {
	data, err := os.ReadFile(filepath.Join(harfixtures.Dir(), "client-race.har"))
	if err != nil {
		b.Fatal(err)
	}
	if raw := jwsPattern.FindString(string(data)); raw != "" {
		return raw
	}
	b.Fatal("no JWT in client-race.har")
	return ""
}

func BenchmarkTokenLite(b *testing.B) {
	raw := backendToken(b)
	at := time.Unix(1796022600, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := timeline.IdentifyToken(raw, at); !ok {
			b.Fatal("not decoded")
		}
	}
}

func BenchmarkTokenDecodeJWS(b *testing.B) {
	raw := backendToken(b)
	b.ReportAllocs()
	for b.Loop() {
		token.Decode(token.Candidate{Value: raw})
	}
}

func BenchmarkTokenParseUnverified(b *testing.B) {
	raw := backendToken(b)
	p := jwt.NewParser()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.ParseUnverified(raw, jwt.MapClaims{}); err != nil {
			b.Fatal(err)
		}
	}
}

// jwsPattern finds the login response's refresh token in the HAR.
var jwsPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
