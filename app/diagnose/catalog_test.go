package diagnose_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
)

var update = flag.Bool("update", false, "rewrite golden files and docs/findings.md")

const findingsDoc = "../../docs/findings.md"

// catalogMarkdown is docs/findings.md: generated from diagnose.Catalog so the
// documented table and the emitted codes cannot drift apart.
func catalogMarkdown() string {
	var b strings.Builder
	b.WriteString("# Finding codes\n\n")
	b.WriteString("Every finding tokenscope shows carries one of these codes (in the page beside the finding, and as `data-code` on its element). Codes are stable: once shipped they are never renamed. Severities are `error`, `warn`, `info` and `ok`.\n\n")
	b.WriteString("This file is generated from `app/diagnose/codes.go` by `go test ./app/diagnose -run TestFindingsDoc -update`; a test fails when they differ.\n\n")
	b.WriteString("The Cause column is what the page's verdict (`#verdict`, `data-cause`) says when the finding leads: one of the guide's five causes of a refresh 401 (`endpoint_mismatch`, `invalid_refresh_token`, `refresh_request_format`, `login_missing_refresh`, `cors_or_network`), `session_secret`, `other`, or `none`. A `→` names the refinement: codes marked *refresh token* mean `invalid_refresh_token` when the token they are about is a refresh token (by its field name or token_type); `session.refresh_missing` in a backend login response means `login_missing_refresh`.\n\n")
	b.WriteString("The leading finding is the worst by severity; among equals, what the backend answered to a probe comes first, then an unreadable session, then findings about the refresh token, then other known causes, then the rest, each in report order. Without errors or warnings the cause is `none`.\n\n")
	b.WriteString("| Code | Usual severity | Cause | Meaning |\n|---|---|---|---|\n")
	for _, c := range diagnose.Catalog {
		b.WriteString("| `" + string(c.Code) + "` | " + string(c.Severity) + " | " + causeCell(c.Code) + " | " + strings.ReplaceAll(c.Meaning, "|", "\\|") + " |\n")
	}
	return b.String()
}

// causeCell is the Cause column: the code's cause and its refinement.
func causeCell(code diagnose.Code) string {
	cause, ok := diagnose.CodeCause(code)
	if !ok {
		return "**unmapped**"
	}
	cell := "`" + string(cause) + "`"
	switch {
	case diagnose.TokenScoped(code):
		cell += " → `invalid_refresh_token` on a refresh token"
	case code == diagnose.CodeRefreshMissing:
		cell += " → `login_missing_refresh` in a login response"
	}
	return cell
}

func TestFindingsDoc(t *testing.T) {
	want := catalogMarkdown()
	if *update {
		if err := os.WriteFile(findingsDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(findingsDoc)
	if err != nil {
		t.Fatalf("reading %s: %v (run with -update)", findingsDoc, err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date with diagnose.Catalog: run go test ./app/diagnose -run TestFindingsDoc -update", findingsDoc)
	}
}

func TestCatalogHasNoDuplicates(t *testing.T) {
	seen := map[diagnose.Code]bool{}
	for _, c := range diagnose.Catalog {
		if seen[c.Code] {
			t.Errorf("duplicate code %s", c.Code)
		}
		seen[c.Code] = true
		if c.Meaning == "" {
			t.Errorf("code %s has no meaning", c.Code)
		}
	}
	for _, required := range []diagnose.Code{"input.no_token", "jwt.malformed", "jwt.alg_none", "jwt.expired", "jwt.not_yet_valid", "jwt.issued_in_future", "jwt.no_expiry", "simplejwt.wrong_token_type", "session.refresh_missing"} {
		if !seen[required] {
			t.Errorf("required code %s missing", required)
		}
	}
}
