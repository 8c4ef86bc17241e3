package ui_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// TestVerdictRendersTheReportsChoice: #verdict comes before the findings,
// carries the cause and the leading code, and links to that finding.
func TestVerdictRendersTheReportsChoice(t *testing.T) {
	v, now := vectors(t)
	tests := []struct {
		name, input, cause, code string
	}{
		{"nothing wrong", v["refresh_valid"], "none", ""},
		{"login without refresh", `{"access":"` + v["access_valid"] + `"}`, "login_missing_refresh", "session.refresh_missing"},
		{"expired access token", v["access_expired"], "other", "jwt.expired"},
	}
	verdict := regexp.MustCompile(`<section[^>]*id="verdict"[^>]*>`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := newInspector(now)
			in.SetInput(tc.input)
			html := app.HTMLString(in)
			tag := verdict.FindString(html)
			if !strings.Contains(tag, `data-cause="`+tc.cause+`"`) {
				t.Fatalf("verdict tag %q, want cause %s", tag, tc.cause)
			}
			if tc.code == "" {
				return
			}
			if !strings.Contains(tag, `data-code="`+tc.code+`"`) {
				t.Errorf("verdict tag %q, want code %s", tag, tc.code)
			}
			link := regexp.MustCompile(`<a[^>]*id="verdict-link"[^>]*>`).FindString(html)
			m := regexp.MustCompile(`href="#(finding-\d+)"`).FindStringSubmatch(link)
			if m == nil {
				t.Fatalf("no link to a finding: %q", link)
			}
			target := regexp.MustCompile(`<li[^>]*id="` + m[1] + `"[^>]*>`).FindString(html)
			if !strings.Contains(target, `data-code="`+tc.code+`"`) {
				t.Errorf("the link goes to %q, not the %s finding", target, tc.code)
			}
			if strings.Index(html, `id="verdict"`) > strings.Index(html, `id="findings"`) {
				t.Error("the verdict comes after the findings")
			}
		})
	}
}
