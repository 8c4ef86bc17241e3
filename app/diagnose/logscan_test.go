package diagnose_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/e2e/harfixtures"
)

// TestLogFixtures: every recorded log gives exactly its manifest's codes
// through diagnose.Run (a pasted log), and every line the manifest lists is
// recognised.
func TestLogFixtures(t *testing.T) {
	m, err := harfixtures.LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range m.Fixtures {
		if f.Kind != "log" {
			continue
		}
		seen++
		t.Run(f.File, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(harfixtures.Dir(), f.File))
			if err != nil {
				t.Fatal(err)
			}
			r := diagnose.Run(string(raw), diagnose.Options{Now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)})
			got := map[string]bool{}
			for _, x := range r.Findings {
				got[string(x.Code)] = true
			}
			want := map[string]bool{}
			for _, c := range f.Codes {
				want[c] = true
			}
			if keys(got) != keys(want) {
				t.Errorf("codes\n got %s\nwant %s", keys(got), keys(want))
				for _, x := range r.Findings {
					t.Logf("  %s %s: %s %v", x.Severity, x.Code, x.Title, x.Evidence)
				}
			}
			for _, line := range f.Facts.Lines {
				if len(diagnose.ScanLog(line)) == 0 {
					t.Errorf("line not recognised on its own: %q", line)
				}
			}
		})
	}
	if seen < 5 {
		t.Fatalf("only %d log fixtures", seen)
	}
}

func keys(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestScanLogShapes covers what the fixtures do not: runner prefixes, the
// browser console's next-auth line, older Auth.js betas, warnings, Django's
// access line alone, a body-less backend failure, and lines that only look
// similar.
func TestScanLogShapes(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		codes []diagnose.Code
		has   string // a substring of some finding's title or evidence
	}{
		{"turborepo prefix and colours", "web:dev: \x1b[31m[auth][error]\x1b[0m JWTSessionError: Read more at https://errors.authjs.dev#jwtsessionerror\nweb:dev: \x1b[31m[auth][cause]\x1b[0m: JWEDecryptionFailed: decryption operation failed\nweb:dev: \x1b[31m[auth][details]\x1b[0m: {}\n",
			[]diagnose.Code{diagnose.CodeLogAuthJSError}, "session secret or salt"},
		{"scoped runner prefix", "@app/web:start: [next-auth][error][JWT_SESSION_ERROR] \n@app/web:start: https://next-auth.js.org/errors#jwt_session_error no matching decryption secret {\n",
			[]diagnose.Code{diagnose.CodeLogNextAuthError}, "session secret or salt"},
		{"browser console", "client.js:2 [next-auth][error][CLIENT_FETCH_ERROR] \nhttps://next-auth.js.org/errors#client_fetch_error Failed to fetch {\n",
			[]diagnose.Code{diagnose.CodeLogNextAuthError}, "CLIENT_FETCH_ERROR"},
		{"next-auth warning", "[next-auth][warn][NO_SECRET] \nhttps://next-auth.js.org/warnings#no_secret\n",
			[]diagnose.Code{diagnose.CodeLogNextAuthError}, "NO_SECRET"},
		{"older Auth.js beta", "[auth][error][JWTSessionError]: Read more at https://errors.authjs.dev#jwtsessionerror\n[auth][cause]: Error: no matching decryption secret\n",
			[]diagnose.Code{diagnose.CodeLogAuthJSError}, "JWTSessionError"},
		{"backend failure without body", "Backend refresh failed with status 401\n",
			[]diagnose.Code{diagnose.CodeLogBackendRefresh}, "401"},
		{"backend failure, expired", `web:dev: Backend refresh failed with status 401 {"detail":"Token is invalid or expired","code":"token_not_valid"}`,
			[]diagnose.Code{diagnose.CodeLogBackendRefresh, diagnose.CodeTokenInvalid}, "invalid or expired"},
		{"django access line only", `[30/Nov/2026 07:11:03] "POST /api/token/refresh/ HTTP/1.1" 401 58`,
			[]diagnose.Code{diagnose.CodeLogDjangoUnauth}, "/api/token/refresh/"},
		{"django query is cut", "Unauthorized: /api/me/?token=abc\n",
			[]diagnose.Code{diagnose.CodeLogDjangoUnauth}, "/api/me/"},
		{"django 200 is no finding", `[30/Nov/2026 07:11:03] "POST /api/token/refresh/ HTTP/1.1" 200 483`, nil, ""},
		{"lookalike prose", "I read that [auth] errors and Unauthorized:x are common; status 401 too.", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := diagnose.ScanLog(tc.text)
			var got []string
			text := ""
			for _, f := range fs {
				got = append(got, string(f.Code))
				text += f.Title + " " + f.Detail
				for _, e := range f.Evidence {
					text += " " + e.Value
				}
			}
			var want []string
			for _, c := range tc.codes {
				want = append(want, string(c))
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("codes %v, want %v", got, want)
			}
			if tc.has != "" && !strings.Contains(text, tc.has) {
				t.Errorf("no %q in %s", tc.has, text)
			}
			if strings.Contains(text, "token=abc") {
				t.Errorf("a query string reached a finding: %s", text)
			}
		})
	}
}
