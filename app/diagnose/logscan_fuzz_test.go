package diagnose_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/e2e/harfixtures"
)

// FuzzLogScan holds the log reader to its promises: no panic, only known
// codes with a valid severity, at most one finding per group (bounded), and
// no query string of a logged path in any finding. The committed corpus
// lives in testdata/fuzz/FuzzLogScan/.
func FuzzLogScan(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join(harfixtures.Dir(), "*.log"))
	for _, p := range matches {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(raw))
	}
	f.Add("web:dev: \x1b[31m[auth][error]\x1b[0m JWTSessionError\n\x1b[31m[auth][cause]\x1b[0m: x\n")
	f.Add("Unauthorized: /a?secret=1\n[x] \"GET /b?secret=2 HTTP/1.1\" 401 0\n")
	f.Fuzz(func(t *testing.T, text string) {
		fs := diagnose.ScanLog(text)
		if len(fs) > 4*16*2 {
			t.Fatalf("%d findings", len(fs))
		}
		for _, x := range fs {
			if !diagnose.Known(x.Code) {
				t.Fatalf("unknown code %s", x.Code)
			}
			switch x.Severity {
			case diagnose.SeverityError, diagnose.SeverityWarn, diagnose.SeverityInfo, diagnose.SeverityOK:
			default:
				t.Fatalf("bad severity %q", x.Severity)
			}
			if x.Code == diagnose.CodeLogDjangoUnauth {
				for _, e := range x.Evidence {
					if e.Name == "path" && strings.ContainsAny(e.Value, "?#") {
						t.Fatalf("query kept in %q", e.Value)
					}
				}
			}
		}
	})
}
