package timeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/timeline"
	"tokenscope/e2e/harfixtures"
)

// TestExportTimeline: the Markdown export carries the timeline by jti, with
// no token text and with a hostile path escaped.
func TestExportTimeline(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(harfixtures.Dir(), "nextauth-race.har"))
	if err != nil {
		t.Fatal(err)
	}
	m := manifest(t)
	tl, fs, err := timeline.Analyse(context.Background(), raw, timeline.Options{Secrets: []string{m.Secrets.NextAuthSecret}})
	if err != nil {
		t.Fatal(err)
	}
	r := diagnose.Run("", diagnose.Options{Now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)})
	r.AddFindings(fs...)
	r.Timeline = tl.Rows()
	r.Timeline = append(r.Timeline, diagnose.TimelineRow{Label: "#99 GET /@admin/[x](http://evil)|" + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl", Status: 200})
	md := diagnose.Markdown(r, m.Secrets.NextAuthSecret)
	for _, want := range []string{"### Timeline", "f2c0e3eb091f4ac4bef77d4c3f3b1eae", "`timeline.concurrent_refresh`", "error RefreshAccessTokenError", "overlaps \\#5"} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	for _, bad := range []string{"eyJ", "@admin", "](http", m.Secrets.NextAuthSecret} {
		if strings.Contains(md, bad) {
			t.Errorf("export contains %q", bad)
		}
	}
	if t.Failed() {
		t.Log(md)
	}
}
