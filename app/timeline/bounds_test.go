package timeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/app/timeline"
	"tokenscope/e2e/harfixtures"
)

// tinyHAR is a HAR of n session reads carrying a JWT-shaped cookie, so every
// entry is auth-relevant.
func tinyHAR(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"log":{"version":"1.2","entries":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"startedDateTime":"2026-11-30T07:00:00.%03dZ","time":1,"request":{"method":"GET","url":"http://h/api/auth/session","headers":[]},"response":{"status":200,"headers":[],"content":{"text":"{}"}}}`, i%1000)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

func TestBounds(t *testing.T) {
	t.Run("too large", func(t *testing.T) {
		data := make([]byte, timeline.MaxHARBytes+1)
		_, fs, err := timeline.Analyse(context.Background(), data, timeline.Options{})
		if !errors.Is(err, timeline.ErrTooLarge) || len(fs) != 1 || fs[0].Code != diagnose.CodeTimelineTooLarge {
			t.Fatalf("err %v, findings %v", err, fs)
		}
	})
	t.Run("entries", func(t *testing.T) {
		tl, fs, err := timeline.Analyse(context.Background(), tinyHAR(timeline.MaxEntries+5), timeline.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if tl.Total != timeline.MaxEntries || !tl.Truncated || !codesOf(fs)[diagnose.CodeTimelineTruncated] {
			t.Fatalf("total %d truncated %v codes %v", tl.Total, tl.Truncated, sortedCodes(codesOf(fs)))
		}
		if len(tl.Entries) != timeline.MaxKept {
			t.Fatalf("kept %d, want the MaxKept bound %d", len(tl.Entries), timeline.MaxKept)
		}
	})
	t.Run("within bounds", func(t *testing.T) {
		tl, fs, err := timeline.Analyse(context.Background(), tinyHAR(10), timeline.Options{})
		if err != nil || tl.Truncated || codesOf(fs)[diagnose.CodeTimelineTruncated] {
			t.Fatalf("err %v truncated %v", err, tl.Truncated)
		}
	})
}

// TestCancelAndProgress: a cancelled context stops the analysis with its
// error; Progress reaches the whole length, never decreasing.
func TestCancelAndProgress(t *testing.T) {
	data := tinyHAR(1000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := timeline.Analyse(ctx, data, timeline.Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err %v", err)
	}
	last, calls := -1, 0
	_, _, err := timeline.Analyse(context.Background(), data, timeline.Options{Progress: func(done, total int) {
		if total != len(data) || done < last || done > total {
			t.Fatalf("progress %d/%d after %d", done, total, last)
		}
		last, calls = done, calls+1
	}})
	if err != nil || last != len(data) || calls < 5 {
		t.Fatalf("err %v, last %d of %d, %d calls", err, last, len(data), calls)
	}
}

// TestTokensJudgedAtEntryTime: in the healthy chain every session read sent
// an access token that had expired by the read's startedDateTime (that is
// why it refreshed) and none of that is an error.
func TestTokensJudgedAtEntryTime(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(harfixtures.Dir(), "nextauth-healthy.har"))
	if err != nil {
		t.Fatal(err)
	}
	m := manifest(t)
	tl, fs, err := timeline.Analyse(context.Background(), raw, timeline.Options{Secrets: []string{m.Secrets.NextAuthSecret}})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range tl.Entries {
		if e.Path != "/api/auth/session" {
			continue
		}
		reads++
		var access, refresh timeline.Token
		for _, tok := range e.Sent {
			switch tok.Type {
			case "access":
				access = tok
			case "refresh":
				refresh = tok
			}
		}
		if !access.ExpiredAtEntry || access.ExpiredFor <= 0 {
			t.Errorf("%s: sent access %s not judged expired at %v (exp %v)", e.Label(), access.ID, e.Start, access.Exp)
		}
		if refresh.ExpiredAtEntry {
			t.Errorf("%s: refresh token judged expired", e.Label())
		}
	}
	if reads != 4 {
		t.Fatalf("%d session reads", reads)
	}
	for _, f := range fs {
		if f.Severity == diagnose.SeverityError {
			t.Errorf("error finding %s", f.Code)
		}
	}
}

// TestClassifierParity: the refused client-side refresh in a HAR, the same
// body in the app's log line, and a probe answer all give one simplejwt code.
func TestClassifierParity(t *testing.T) {
	body := `{"detail":"Token is blacklisted","code":"token_not_valid"}`
	probeCode := probe.Classify(probe.PurposeRefresh, "http://h/api/token/refresh/", probe.Response{Status: 401, Body: body}, probe.Local{Index: -1}).Finding.Code
	logCodes := codesOf(diagnose.ScanLog("Backend refresh failed with status 401 " + body))
	raw, err := os.ReadFile(filepath.Join(harfixtures.Dir(), "client-race.har"))
	if err != nil {
		t.Fatal(err)
	}
	_, fs, err := timeline.Analyse(context.Background(), raw, timeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if probeCode != diagnose.CodeBlacklisted || !logCodes[probeCode] || !codesOf(fs)[probeCode] {
		t.Fatalf("probe %s, log %v, HAR %v", probeCode, sortedCodes(logCodes), sortedCodes(codesOf(fs)))
	}
	for _, detail := range []string{"Token is invalid or expired", "Token has wrong type", "Token is invalid"} {
		b := `{"detail":"` + detail + `","code":"token_not_valid"}`
		p := probe.Classify(probe.PurposeRefresh, "http://h/api/token/refresh/", probe.Response{Status: 401, Body: b}, probe.Local{Index: -1}).Finding.Code
		if !codesOf(diagnose.ScanLog("Backend refresh failed with status 401 " + b))[p] {
			t.Errorf("%q: probe says %s, the log scan does not", detail, p)
		}
	}
}

// TestPrefilter: the prefilter lets through every kind of entry the analysis
// needs, whatever the header case, and skips plain assets.
func TestPrefilter(t *testing.T) {
	keep := []string{
		`{"request":{"headers":[{"name":"Cookie","value":"a=b"}]}}`,
		`{"request":{"headers":[{"name":"cookie","value":"a=b"}]}}`,
		`{"request":{"headers":[{"name":"COOKIE","value":"a=b"}]}}`,
		`{"response":{"headers":[{"name":"set-cookie","value":"a=b"}]}}`,
		`{"request":{"headers":[{"name":"Authorization","value":"Basic x"}]}}`,
		`{"request":{"headers":[{"name":"AUTHORIZATION","value":"Basic x"}]}}`,
		`{"request":{"url":"http://h/api/auth/csrf"}}`,
		`{"request":{"url":"http://h/api/token/refresh/"}}`,
		`{"request":{"url":"http://h/dj-rest-auth/login/"}}`,
		`{"response":{"content":{"text":"x eyJhbGciOiJIUzI1NiJ9.e30.c2ln"}}}`,
		`{"request":{"cookies":[{"name":"next-auth.session-token","value":"x"}]}}`,
	}
	for _, s := range keep {
		if !timeline.MayMatterForTest([]byte(s)) {
			t.Errorf("dropped %s", s)
		}
	}
	skip := `{"request":{"method":"GET","url":"http://h/static/a.js","headers":[{"name":"Accept","value":"*/*"}],"cookies":[]},"response":{"cookies":[],"content":{"text":"export const o = 'hello world session'"}}}`
	if timeline.MayMatterForTest([]byte(skip)) {
		t.Errorf("kept %s", skip)
	}
}

// TestSessionsLocked: without the secret, or with another one, the race HAR
// says its sessions stayed closed and draws no lineage; LooksLikeHAR routes
// a HAR and nothing else.
func TestSessionsLocked(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(harfixtures.Dir(), "nextauth-race.har"))
	if err != nil {
		t.Fatal(err)
	}
	m := manifest(t)
	for _, secrets := range [][]string{nil, {m.Secrets.ForeignSecret}} {
		_, fs, err := timeline.Analyse(context.Background(), raw, timeline.Options{Secrets: secrets})
		if err != nil {
			t.Fatal(err)
		}
		got := codesOf(fs)
		if !got[diagnose.CodeTimelineLocked] || got[diagnose.CodeRefreshRotated] || got[diagnose.CodeConcurrentRefresh] {
			t.Errorf("secrets %d: codes %v", len(secrets), sortedCodes(got))
		}
	}
	if !timeline.LooksLikeHAR(raw) || !timeline.LooksLikeHAR([]byte("\ufeff {\n \"log\": {}}")) {
		t.Error("a HAR not recognised")
	}
	for _, s := range []string{`{"user":{}}`, "eyJhbGciOiJIUzI1NiJ9.e30.x", "", `["log"]`} {
		if timeline.LooksLikeHAR([]byte(s)) {
			t.Errorf("%q taken for a HAR", s)
		}
	}
}
