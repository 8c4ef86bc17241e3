package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/timeline"
	"tokenscope/app/ui"
	"tokenscope/e2e/harfixtures"
)

var (
	largeOnce sync.Once
	largeHAR  []byte
	largeErr  error
)

func harBytes(t *testing.T, f harfixtures.Fixture) []byte {
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

func harFixtures(t *testing.T) []harfixtures.Fixture {
	t.Helper()
	m, err := harfixtures.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	var out []harfixtures.Fixture
	for _, f := range m.Fixtures {
		if f.Kind == "har" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Fatal("the manifest lists no HAR")
	}
	return out
}

func codeSet(fs []diagnose.Finding) []string {
	seen := map[string]bool{}
	for _, f := range fs {
		seen[string(f.Code)] = true
	}
	var out []string
	for c := range seen {
		out = append(out, string(c))
	}
	sort.Strings(out)
	return out
}

// fixtureNow is a clock after every fixture was recorded: the page's own
// clock must not change what the timeline says (tokens are judged at their
// entry's time).
var fixtureNow = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)

// TestLoadFileGivesTheTimelineFindings: each recorded HAR loaded as a file,
// with its secret typed, puts exactly timeline.Analyse's findings into the
// page's report (so #verdict weighs them), one row per kept entry into
// section#timeline-view, and its rows into the export.
func TestLoadFileGivesTheTimelineFindings(t *testing.T) {
	for _, f := range harFixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			data := harBytes(t, f)
			tl, want, err := timeline.Analyse(context.Background(), data, timeline.Options{Secrets: []string{f.Secret}})
			if err != nil {
				t.Fatal(err)
			}
			in := newInspector(fixtureNow)
			in.SetSecrets("NEXTAUTH_SECRET=" + f.Secret)
			in.LoadFile(f.File, data)
			r := in.Report()
			if got, w := strings.Join(codeSet(r.Findings), " "), strings.Join(codeSet(want), " "); got != w {
				t.Errorf("report codes\n got %s\nwant %s", got, w)
			}
			for _, c := range f.Codes {
				if !r.Has(diagnose.Code(c)) {
					t.Errorf("expected code %s missing", c)
				}
			}
			if len(r.Tokens) != 0 {
				t.Errorf("the HAR went through the token extraction too: %d tokens", len(r.Tokens))
			}
			if len(r.Timeline) != len(tl.Entries) || len(r.TimelineRotations) != len(tl.Rotations) {
				t.Errorf("export rows %d (rotations %d), want %d (%d)", len(r.Timeline), len(r.TimelineRotations), len(tl.Entries), len(tl.Rotations))
			}
			html := app.HTMLString(in)
			if len(tl.Entries) > 0 && !strings.Contains(html, `id="timeline-view"`) {
				t.Fatal("no section#timeline-view")
			}
			rows := min(len(tl.Entries), ui.TimelineRowsShown)
			if got := strings.Count(html, `class="timeline-entry`); got != rows {
				t.Errorf("%d rows drawn, want %d", got, rows)
			}
			for _, e := range tl.Entries[:rows] {
				if !strings.Contains(html, `data-entry="`+itoa(e.Index)+`"`) {
					t.Errorf("entry %d has no row", e.Index)
				}
			}
			if strings.Contains(html, f.Secret) {
				t.Error("the secret is in the page")
			}
			// "eyJhbGciOi…" is the box's placeholder; any other "eyJ" is a token.
			if strings.Count(html, "eyJ") != strings.Count(html, "eyJhbGciOi…") {
				t.Error("a token's text is in the page")
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestPastedHARGivesTheSameFindings: a HAR pasted into the box is read by
// the timeline, not the token extraction, with the same findings as the file.
func TestPastedHARGivesTheSameFindings(t *testing.T) {
	for _, f := range harFixtures(t) {
		if f.File == "nextauth-race.large.har" {
			continue // 20 MB through SetInput adds nothing the file path does not test
		}
		t.Run(f.File, func(t *testing.T) {
			data := harBytes(t, f)
			file := newInspector(fixtureNow)
			file.SetSecrets(f.Secret)
			file.LoadFile(f.File, data)
			pasted := newInspector(fixtureNow)
			pasted.SetSecrets(f.Secret)
			pasted.SetInput(string(data))
			if got, want := strings.Join(codeSet(pasted.Report().Findings), " "), strings.Join(codeSet(file.Report().Findings), " "); got != want {
				t.Errorf("pasted codes\n got %s\nwant %s", got, want)
			}
			if n := len(pasted.Report().Tokens); n != 0 {
				t.Errorf("pasted HAR went through the token extraction: %d tokens", n)
			}
			// Another paste replaces the HAR.
			pasted.SetInput("not a har")
			if pasted.Report().Has(diagnose.CodeTimelineLoaded) || len(pasted.Report().Timeline) != 0 {
				t.Error("the pasted HAR outlived the next paste")
			}
		})
	}
}

// TestSecretsReanalyseTheFile: the file is kept in memory, so typing the
// secret after loading it opens its sessions.
func TestSecretsReanalyseTheFile(t *testing.T) {
	f := fixtureByFile(t, "nextauth-race.har")
	in := newInspector(fixtureNow)
	in.LoadFile(f.File, harBytes(t, f))
	r := in.Report()
	if !r.Has(diagnose.CodeTimelineLocked) || r.Has(diagnose.CodeConcurrentRefresh) {
		t.Fatalf("without a secret: %v", codeSet(r.Findings))
	}
	in.SetSecrets("NEXTAUTH_SECRET=" + f.Secret)
	r = in.Report()
	if r.Has(diagnose.CodeTimelineLocked) || !r.Has(diagnose.CodeConcurrentRefresh) {
		t.Fatalf("with the secret: %v", codeSet(r.Findings))
	}
	if v := r.Verdict(); v.Lead < 0 || r.Findings[v.Lead].Severity != diagnose.SeverityError {
		t.Errorf("the verdict does not lead with the race: %+v", v)
	}
}

// TestTextFileIsAnalysedAsPasted: a file that is not a HAR goes through the
// normal analysis; a big one is held in memory like a big paste.
func TestTextFileIsAnalysedAsPasted(t *testing.T) {
	log, err := os.ReadFile(filepath.Join(harfixtures.Dir(), "nextauth-race.app.log"))
	if err != nil {
		t.Fatal(err)
	}
	in := newInspector(fixtureNow)
	in.LoadFile("server.log", log)
	if !in.Report().Has(diagnose.CodeLogBackendRefresh) {
		t.Errorf("log file: %v", codeSet(in.Report().Findings))
	}
	if in.Report().Has(diagnose.CodeTimelineLoaded) {
		t.Error("a log file was read as a HAR")
	}

	big := strings.Repeat("x", ui.PasteInMemoryBytes) + "\n" + string(log)
	in.LoadFile("big.log", []byte(big))
	if got := in.Report().InputBytes; got != len(big) {
		t.Errorf("analysed %d bytes, want the whole file (%d)", got, len(big))
	}
	if !strings.Contains(app.HTMLString(in), `id="paste-summary"`) {
		t.Error("a big file is not held in memory with its summary")
	}
}

// TestTooLargeHARIsNotRead: a HAR over MaxFileBytes (only its first bytes
// read) gives timeline.too_large with its real size.
func TestTooLargeHARIsNotRead(t *testing.T) {
	in := newInspector(fixtureNow)
	size := ui.MaxFileBytes + 1
	ui.TakeFile(in, "huge.har", []byte(`{"log":{"version":"1.2","entries":[`), size)
	r := in.Report()
	if !r.Has(diagnose.CodeTimelineTooLarge) {
		t.Fatalf("codes %v", codeSet(r.Findings))
	}
	for _, f := range r.Findings {
		if f.Code == diagnose.CodeTimelineTooLarge && !strings.Contains(evidenceValue(f, "size"), itoa(size)) {
			t.Errorf("evidence %v does not give the file's size %d", f.Evidence, size)
		}
	}
}

func evidenceValue(f diagnose.Finding, name string) string {
	for _, e := range f.Evidence {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// TestTimelineMarkdownRedacted: the export of every recorded HAR holds the
// timeline and its lineage, and no token, cookie value or secret.
func TestTimelineMarkdownRedacted(t *testing.T) {
	m, err := harfixtures.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{m.Secrets.NextAuthSecret, m.Secrets.AuthSecret, m.Secrets.DjangoSecretKey, m.Secrets.ForeignSecret}
	cookieValue := regexp.MustCompile(`session-token(\.\d+)?=[^;"\s]+`)
	for _, f := range harFixtures(t) {
		if f.File == "nextauth-race.large.har" {
			continue
		}
		t.Run(f.File, func(t *testing.T) {
			data := harBytes(t, f)
			in := newInspector(fixtureNow)
			in.SetSecrets(f.Secret)
			in.LoadFile(f.File, data)
			r := in.Report()
			md := diagnose.Markdown(r, f.Secret)
			if len(r.Timeline) > 0 && !strings.Contains(md, "### Timeline") {
				t.Error("the export has no timeline")
			}
			if len(r.TimelineRotations) > 0 && !strings.Contains(md, "Refresh-token lineage:") {
				t.Error("the export has no lineage")
			}
			for _, rot := range r.TimelineRotations {
				if !strings.Contains(md, rot.From) || !strings.Contains(md, rot.To) {
					t.Errorf("lineage %s → %s is not in the export", rot.From, rot.To)
				}
			}
			if strings.Contains(md, "eyJ") {
				t.Error("the export holds a JWT or JWE")
			}
			for _, s := range secrets {
				if s != "" && strings.Contains(md, s) {
					t.Errorf("the export holds a secret (%.12s…)", s)
				}
			}
			// Every cookie value of the HAR stays out.
			for _, cv := range cookieValue.FindAllString(string(data), -1) {
				_, v, _ := strings.Cut(cv, "=")
				if len(v) > 16 && strings.Contains(md, v) {
					t.Errorf("the export holds a cookie value (%.20s…)", v)
				}
			}
		})
	}
}

func fixtureByFile(t *testing.T, file string) harfixtures.Fixture {
	t.Helper()
	for _, f := range harFixtures(t) {
		if f.File == file {
			return f
		}
	}
	t.Fatalf("no fixture %s", file)
	return harfixtures.Fixture{}
}

func TestBarPlacement(t *testing.T) {
	tests := []struct {
		name                 string
		start, end, from, to int64
		wantAt, wantWidth    int
	}{
		{"whole span", 0, 1000, 0, 1000, 0, 100},
		{"a short request still shows", 0, 100000, 50000, 50001, 50, 1},
		{"second half", 0, 1000, 500, 1000, 50, 50},
		{"starting at the very end", 0, 1000, 1000, 1000, 99, 1},
		{"no span", 5, 5, 5, 5, 0, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, w := ui.BarPlace(tt.start, tt.end, tt.from, tt.to)
			if at != tt.wantAt || w != tt.wantWidth {
				t.Errorf("place = %d, %d; want %d, %d", at, w, tt.wantAt, tt.wantWidth)
			}
			if at < 0 || at > 99 || w < 1 || at+w > 100 {
				t.Errorf("out of the axis classes: at-%d w-%d", at, w)
			}
		})
	}
}

// TestGoldenTimeline pins the timeline view's markup for the recorded race.
func TestGoldenTimeline(t *testing.T) {
	f := fixtureByFile(t, "nextauth-race.har")
	in := newInspector(fixtureNow)
	in.SetSecrets(f.Secret)
	in.LoadFile(f.File, harBytes(t, f))
	// Rows draw their tokens once opened: open the one refused.
	in.OpenTimelineRow(5)
	html := sortAttributes(app.HTMLString(in))
	if got := strings.Count(html, `class="te-token-table"`); got != 1 {
		t.Errorf("%d token tables drawn, want the opened row's only", got)
	}
	checkGolden(t, "timeline_race", html)
}
