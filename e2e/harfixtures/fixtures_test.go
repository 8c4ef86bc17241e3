package harfixtures

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests check the committed fixtures without Node, Chromium or Django:
// they are HAR 1.2, and what manifest.json says of them is in them.

func manifest(t *testing.T) *Manifest {
	t.Helper()
	m, err := LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func load(t *testing.T, name string) *HAR {
	t.Helper()
	h, err := Load(filepath.Join(Dir(), name))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestManifestListsEveryFile(t *testing.T) {
	m := manifest(t)
	listed := map[string]bool{"manifest.json": true}
	for _, f := range m.Fixtures {
		listed[f.File] = true
		_, err := os.Stat(filepath.Join(Dir(), f.File))
		generated := strings.HasPrefix(f.Derived, "BuildLarge(")
		if generated != (err != nil) {
			t.Errorf("%s: generated=%v but stat: %v", f.File, generated, err)
		}
		if len(f.Codes) == 0 && f.Kind == "har" {
			t.Errorf("%s: no expected codes", f.File)
		}
	}
	files, err := os.ReadDir(Dir())
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range files {
		if !listed[de.Name()] {
			t.Errorf("%s is not in manifest.json", de.Name())
		}
	}
	for _, s := range []string{m.Secrets.NextAuthSecret, m.Secrets.AuthSecret, m.Secrets.DjangoSecretKey} {
		if !strings.Contains(s, "harfixtures") {
			t.Errorf("secret %q does not look like a test secret", s)
		}
	}
}

func harFixtures(t *testing.T) []Fixture {
	var out []Fixture
	for _, f := range manifest(t).Fixtures {
		if f.Kind == "har" && !strings.HasPrefix(f.Derived, "BuildLarge(") {
			out = append(out, f)
		}
	}
	if len(out) < 6 {
		t.Fatalf("only %d HAR fixtures", len(out))
	}
	return out
}

func TestHARsAreHAR12(t *testing.T) {
	for _, f := range harFixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(Dir(), f.File))
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) > 2<<20 {
				t.Errorf("%d bytes: committed HARs stay under 2 MB", len(raw))
			}
			// The required arrays are arrays, never null, as HAR 1.2 says.
			var generic struct {
				Log struct {
					Version string
					Entries []map[string]json.RawMessage
				}
			}
			if err := json.Unmarshal(raw, &generic); err != nil {
				t.Fatal(err)
			}
			if generic.Log.Version != "1.2" {
				t.Errorf("version %q", generic.Log.Version)
			}
			h := load(t, f.File)
			pages := map[string]bool{}
			for _, p := range h.Log.Pages {
				pages[p.ID] = true
				if _, err := time.Parse(time.RFC3339Nano, p.StartedDateTime); err != nil {
					t.Error(err)
				}
			}
			if len(h.Log.Entries) == 0 {
				t.Fatal("no entries")
			}
			var prev time.Time
			for i, e := range h.Log.Entries {
				start, err := Started(e)
				if err != nil {
					t.Fatal(err)
				}
				if start.Before(prev) {
					t.Errorf("entry %d starts before entry %d", i, i-1)
				}
				prev = start
				if e.Time < 0 || e.Request.Method == "" || e.Response.Status == 0 || e.ResourceType == "" {
					t.Errorf("entry %d: time %v method %q status %d type %q", i, e.Time, e.Request.Method, e.Response.Status, e.ResourceType)
				}
				if _, err := url.Parse(e.Request.URL); err != nil {
					t.Errorf("entry %d: %v", i, err)
				}
				if e.Request.Headers == nil || e.Request.Cookies == nil || e.Response.Headers == nil || e.Response.Cookies == nil || e.Request.QueryString == nil {
					t.Errorf("entry %d: a required array is null", i)
				}
				if e.Pageref != "" && !pages[e.Pageref] {
					t.Errorf("entry %d: pageref %q has no page", i, e.Pageref)
				}
				if len(e.Initiator) == 0 {
					t.Errorf("entry %d: no _initiator", i)
				}
			}
		})
	}
}

// TestFactsHold checks each entry fact against the HAR: the entry is there,
// and every jti the manifest names is in what the entry sent or received
// (cookies are encrypted, so for them only that the session cookie is there).
func TestFactsHold(t *testing.T) {
	for _, f := range harFixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			h := load(t, f.File)
			sanitized := strings.HasPrefix(f.Derived, "Sanitize(")
			for _, ef := range f.Facts.Entries {
				if ef.Index >= len(h.Log.Entries) {
					t.Fatalf("fact for entry %d of %d", ef.Index, len(h.Log.Entries))
				}
				e := h.Log.Entries[ef.Index]
				u, _ := url.Parse(e.Request.URL)
				if e.Request.Method != ef.Method || u.Path != ef.Path || e.Response.Status != ef.Status || e.StartedDateTime != ef.Started {
					t.Errorf("entry %d is %s %s %d %s, manifest says %s %s %d %s", ef.Index,
						e.Request.Method, u.Path, e.Response.Status, e.StartedDateTime, ef.Method, ef.Path, ef.Status, ef.Started)
				}
				cookieSent := hasCookie(e.Request.Cookies, f.CookieName)
				cookieSet := hasCookie(e.Response.Cookies, f.CookieName)
				if strings.HasPrefix(ef.Path, "/api/token/") {
					if ef.SentRefreshJTI != "" && !jtiIn(e.Request.PostData.Text, ef.SentRefreshJTI) {
						t.Errorf("entry %d: postData has no token with jti %s", ef.Index, ef.SentRefreshJTI)
					}
					for _, j := range []string{ef.GotAccessJTI, ef.GotRefreshJTI} {
						if j != "" && !jtiIn(e.Response.Content.Text, j) {
							t.Errorf("entry %d: response has no token with jti %s", ef.Index, j)
						}
					}
				} else if !sanitized {
					if (ef.SentRefreshJTI != "") != cookieSent {
						t.Errorf("entry %d: sent jti %q but session cookie sent=%v", ef.Index, ef.SentRefreshJTI, cookieSent)
					}
					if ef.SetCookie != cookieSet {
						t.Errorf("entry %d: setsSessionCookie %v but Set-Cookie present=%v", ef.Index, ef.SetCookie, cookieSet)
					}
				} else if cookieSent || cookieSet || ef.SentRefreshJTI != "" {
					t.Errorf("entry %d: sanitized, yet a session cookie or jti is there", ef.Index)
				}
				if ef.SessionError != "" && !strings.Contains(e.Response.Content.Text, ef.SessionError) && !ef.SetCookie {
					t.Errorf("entry %d: session error %q is nowhere", ef.Index, ef.SessionError)
				}
			}
			for _, o := range f.Facts.Overlaps {
				a, b := h.Log.Entries[o[0]], h.Log.Entries[o[1]]
				if !overlap(t, a, b) {
					t.Errorf("entries %d and %d do not overlap", o[0], o[1])
				}
			}
			for _, r := range f.Facts.Rotations {
				ef := factAt(f, r.Index)
				if ef == nil || ef.SentRefreshJTI != r.From || ef.GotRefreshJTI != r.To || r.From == r.To {
					t.Errorf("rotation %+v does not match entry fact %+v", r, ef)
				}
			}
		})
	}
}

// TestScenariosShowWhatTheySay checks the shape each scenario is named for.
func TestScenariosShowWhatTheySay(t *testing.T) {
	for _, f := range harFixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			var sessions, errs int
			for _, ef := range f.Facts.Entries {
				if ef.Path == "/api/auth/session" {
					sessions++
				}
				if ef.SessionError != "" || ef.BackendDetail != "" {
					errs++
				}
			}
			switch {
			case strings.HasPrefix(f.Scenario, "race"), f.Scenario == "sanitized":
				if len(f.Facts.Overlaps) == 0 {
					t.Fatal("no overlapping requests")
				}
				pair := f.Facts.Overlaps[len(f.Facts.Overlaps)-1]
				a, b := factAt(f, pair[0]), factAt(f, pair[1])
				if a.Path != "/api/auth/session" || b.Path != "/api/auth/session" {
					t.Errorf("the overlap is %s and %s", a.Path, b.Path)
				}
				if (a.SessionError == "") == (b.SessionError == "") {
					t.Errorf("want exactly one of the parallel reads failed: %q, %q", a.SessionError, b.SessionError)
				}
				if f.Scenario != "sanitized" && a.SentRefreshJTI != b.SentRefreshJTI {
					t.Errorf("the parallel reads sent different refresh tokens")
				}
			case f.Scenario == "client-side refresh race":
				if len(f.Facts.Rotations) != 1 || errs != 1 || len(f.Facts.Overlaps) == 0 {
					t.Errorf("want one rotation, one refusal and an overlap: %+v", f.Facts)
				}
			case f.Scenario == "client-side refresh race, both accepted":
				if len(f.Facts.Rotations) != 2 || errs != 0 || f.Facts.Rotations[0].From != f.Facts.Rotations[1].From ||
					f.Facts.Rotations[0].To == f.Facts.Rotations[1].To {
					t.Errorf("want two rotations of the same token to two tokens: %+v", f.Facts.Rotations)
				}
			case f.Scenario == "healthy rotation chain":
				if len(f.Facts.Rotations) < 3 || errs != 0 {
					t.Errorf("want ≥3 rotations and no error, got %d and %d", len(f.Facts.Rotations), errs)
				}
				for i := 1; i < len(f.Facts.Rotations); i++ {
					if f.Facts.Rotations[i].From != f.Facts.Rotations[i-1].To {
						t.Errorf("rotation %d does not continue the chain", i)
					}
				}
			case strings.HasPrefix(f.Scenario, "dropped rotation"):
				last := f.Facts.Entries[len(f.Facts.Entries)-1]
				if last.SessionError == "" {
					t.Error("the last read did not fail")
				}
				if len(f.Facts.Rotations) != 0 {
					t.Errorf("a dropped rotation shows no rotation in the browser: %+v", f.Facts.Rotations)
				}
			}
		})
	}
}

func TestSanitizedIsSanitizeOfRace(t *testing.T) {
	want, err := Marshal(Sanitize(load(t, "nextauth-race.har")))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(Dir(), "nextauth-race.sanitized.har"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("nextauth-race.sanitized.har is not Sanitize(nextauth-race.har)")
	}
	for _, bad := range []string{`"Cookie"`, `"Set-Cookie"`, `"name": "next-auth.session-token"`} {
		if bytes.Contains(got, []byte(bad)) {
			t.Errorf("sanitized HAR still has %s", bad)
		}
	}
}

func TestSanitize(t *testing.T) {
	h := &HAR{Log: Log{Entries: []Entry{{
		Request: Request{
			Headers: []NameValue{{"cookie", "a=1"}, {"Authorization", "Bearer x"}, {"Accept", "*/*"}},
			Cookies: []Cookie{{Name: "a", Value: "1"}},
		},
		Response: Response{
			Headers: []NameValue{{"SET-COOKIE", "a=2"}, {"Content-Type", "application/json"}},
			Cookies: []Cookie{{Name: "a", Value: "2"}},
		},
	}}}}
	got := Sanitize(h).Log.Entries[0]
	if len(got.Request.Headers) != 1 || got.Request.Headers[0].Name != "Accept" ||
		len(got.Response.Headers) != 1 || got.Response.Headers[0].Name != "Content-Type" ||
		len(got.Request.Cookies) != 0 || len(got.Response.Cookies) != 0 || got.Request.Cookies == nil {
		t.Errorf("Sanitize: %+v", got)
	}
	if len(h.Log.Entries[0].Request.Headers) != 3 {
		t.Error("Sanitize changed its input")
	}
}

func TestLargeHAR(t *testing.T) {
	race, assets := load(t, "nextauth-race.har"), load(t, "assets.har")
	small1, err := BuildLarge(race, assets, 40)
	if err != nil {
		t.Fatal(err)
	}
	small2, _ := BuildLarge(race, assets, 40)
	a, _ := Marshal(small1)
	b, _ := Marshal(small2)
	if !bytes.Equal(a, b) {
		t.Error("BuildLarge is not deterministic")
	}
	raw, err := LargeHAR()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(raw); n < 15<<20 || n > 30<<20 {
		t.Errorf("large HAR is %d bytes, want about 20 MB", n)
	}
	var h HAR
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	if got, want := len(h.Log.Entries), LargeEntries+len(race.Log.Entries); got != want {
		t.Errorf("%d entries, want %d", got, want)
	}
	var prev time.Time
	for i, e := range h.Log.Entries {
		start, err := Started(e)
		if err != nil {
			t.Fatal(err)
		}
		if start.Before(prev) {
			t.Fatalf("entry %d out of order", i)
		}
		prev = start
	}
	mid := h.Log.Entries[LargeEntries/2 : LargeEntries/2+len(race.Log.Entries)]
	for i, e := range mid {
		if e.Request.URL != race.Log.Entries[i].Request.URL || e.StartedDateTime != race.Log.Entries[i].StartedDateTime {
			t.Fatalf("race entry %d moved", i)
		}
	}
	wantLine := fmt.Sprintf("the race entries are log.entries[%d:%d]", LargeEntries/2, LargeEntries/2+len(race.Log.Entries))
	for _, f := range manifest(t).Fixtures {
		if strings.HasPrefix(f.Derived, "BuildLarge(") && (len(f.Facts.Lines) != 1 || f.Facts.Lines[0] != wantLine) {
			t.Errorf("manifest says %q, want %q", f.Facts.Lines, wantLine)
		}
	}
	if _, err := BuildLarge(&HAR{}, assets, 1); err == nil {
		t.Error("BuildLarge of an empty race: no error")
	}
}

func TestLogsHoldTheirLines(t *testing.T) {
	n := 0
	for _, f := range manifest(t).Fixtures {
		if f.Kind != "log" {
			continue
		}
		n++
		raw, err := os.ReadFile(filepath.Join(Dir(), f.File))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range f.Facts.Lines {
			if !bytes.Contains(raw, []byte(line+"\n")) {
				t.Errorf("%s: no line %q", f.File, line)
			}
		}
		if len(f.Codes) == 0 {
			t.Errorf("%s: no expected codes", f.File)
		}
		if f.Flavor == "authjs" && strings.Contains(f.File, "jwt-session-error") && !bytes.Contains(raw, []byte("\x1b[31m[auth][error]\x1b[0m")) {
			t.Errorf("%s: the default logger's ANSI colours are missing", f.File)
		}
	}
	if n < 5 {
		t.Errorf("only %d log fixtures", n)
	}
}

func hasCookie(cookies []Cookie, name string) bool {
	for _, c := range cookies {
		if c.Name == name || strings.HasPrefix(c.Name, name+".") {
			return true
		}
	}
	return false
}

// jtiIn reports whether a JSON body holds a JWT whose jti is want.
func jtiIn(body, want string) bool {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return false
	}
	for _, v := range m {
		s, _ := v.(string)
		parts := strings.Split(s, ".")
		if len(parts) != 3 {
			continue
		}
		raw, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			continue
		}
		var c struct{ JTI string }
		if json.Unmarshal(raw, &c) == nil && c.JTI == want {
			return true
		}
	}
	return false
}

func overlap(t *testing.T, a, b Entry) bool {
	sa, err := Started(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Started(b)
	if err != nil {
		t.Fatal(err)
	}
	ea, eb := sa.Add(duration(a.Time)), sb.Add(duration(b.Time))
	return sa.Before(eb) && sb.Before(ea)
}

func factAt(f Fixture, index int) *EntryFact {
	for i := range f.Facts.Entries {
		if f.Facts.Entries[i].Index == index {
			return &f.Facts.Entries[i]
		}
	}
	return nil
}
