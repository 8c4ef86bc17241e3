package ui_test

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/ui"
	"tokenscope/internal/testvectors"
)

var update = flag.Bool("update", false, "rewrite golden files")

// vectors maps each SimpleJWT vector's name to its token (or body, for a
// response), and returns the instant they were minted.
func vectors(t *testing.T) (map[string]string, time.Time) {
	t.Helper()
	vf := testvectors.LoadSimpleJWT(t)
	out := map[string]string{}
	for _, v := range vf.Vectors {
		out[v.Name] = v.Token
		if v.Token == "" {
			out[v.Name] = v.Body
		}
	}
	return out, vf.Now()
}

func newInspector(now time.Time) *ui.Inspector {
	berlin := time.FixedZone("CET", 3600)
	return ui.NewInspector(ui.Env{
		Now:  func() time.Time { return now },
		Zone: ui.FixedZone{ZoneName: "Europe/Berlin", Loc: berlin},
	})
}

func render(t *testing.T, now time.Time, input string) string {
	t.Helper()
	in := newInspector(now)
	in.SetInput(input)
	return sortAttributes(app.HTMLString(in))
}

var (
	tagRe  = regexp.MustCompile(`<([a-z][a-z0-9]*)((?:\s+[^\s=>]+(?:="(?:[^"\\]|\\.)*")?)*)>`)
	attrRe = regexp.MustCompile(`\s+([^\s=>]+)(?:="(?:[^"\\]|\\.)*")?`)
)

// sortAttributes makes go-app's HTML deterministic: it writes attributes in
// map order, which changes from run to run.
func sortAttributes(html string) string {
	return tagRe.ReplaceAllStringFunc(html, func(tag string) string {
		m := tagRe.FindStringSubmatch(tag)
		attrs := attrRe.FindAllString(m[2], -1)
		for i := range attrs {
			attrs[i] = strings.TrimSpace(attrs[i])
		}
		sort.Strings(attrs)
		if len(attrs) == 0 {
			return "<" + m[1] + ">"
		}
		return "<" + m[1] + " " + strings.Join(attrs, " ") + ">"
	})
}

// xssToken carries markup in a claim: the page must show it as text.
func xssToken() string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc([]byte(`{"name":"<img src=x onerror=alert(1)>","exp":1895706169}`)) + ".c2ln"
}

// sessionHeader returns a session vector's Cookie header and the secret
// that opens it (minted by next-auth itself).
func sessionHeader(t *testing.T, name string) (header, secret string) {
	t.Helper()
	sv := testvectors.LoadSessions(t)
	return "Cookie: " + sv.Get(t, name).CookieHeader, sv.Secrets["main"]
}

func TestGoldenDecryptedSession(t *testing.T) {
	_, now := vectors(t)
	header, secret := sessionHeader(t, "v4_valid")
	in := newInspector(now)
	in.SetSecrets(secret)
	in.SetInput(header)
	got := sortAttributes(app.HTMLString(in))
	if strings.Contains(got, secret) {
		t.Fatal("the secret is in the rendered page")
	}
	checkGolden(t, "session_v4", got)
}

// goldenSections are what golden files hold: the verdict, the findings,
// the token cards and the HAR timeline, the part of the page that shows the analysis. The rest
// of the page (inputs, settings, panels) is checked by the contract tests
// and the browser tests, so a change there does not churn every golden.
var goldenSections = []string{"verdict", "findings", "tokens", "timeline-view"}

// sections cuts the <section id=...> elements named by ids out of html, in
// that order.
func sections(t *testing.T, html string, ids ...string) string {
	t.Helper()
	var b strings.Builder
	for _, id := range ids {
		at := strings.Index(html, `id="`+id+`"`)
		if at < 0 {
			continue
		}
		start := strings.LastIndex(html[:at], "<section")
		if start < 0 {
			t.Fatalf("#%s is not a <section>", id)
		}
		depth, i := 0, start
		for {
			open := strings.Index(html[i:], "<section")
			end := strings.Index(html[i:], "</section>")
			if end < 0 {
				t.Fatalf("#%s is not closed", id)
			}
			if open >= 0 && open < end {
				depth++
				i += open + len("<section")
				continue
			}
			depth--
			i += end + len("</section>")
			if depth == 0 {
				break
			}
		}
		b.WriteString(strings.TrimSpace(html[start:i]) + "\n")
	}
	return b.String()
}

func checkGolden(t *testing.T, name, page string) {
	t.Helper()
	got := sections(t, page, goldenSections...)
	path := filepath.Join("testdata", "golden", name+".html")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./app/ui -update)", err)
	}
	if got != string(want) {
		t.Errorf("render differs from %s (run go test ./app/ui -update if this is meant):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows where two texts part: the lines they share at both ends
// are cut down to three of context, the rest is marked - (golden) and +
// (rendered).
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out strings.Builder
	from := max(pre-3, 0)
	fmt.Fprintf(&out, "@@ line %d @@\n", from+1)
	for _, l := range a[from:pre] {
		out.WriteString("  " + l + "\n")
	}
	for _, l := range a[pre : len(a)-suf] {
		out.WriteString("- " + l + "\n")
	}
	for _, l := range b[pre : len(b)-suf] {
		out.WriteString("+ " + l + "\n")
	}
	for _, l := range a[len(a)-suf : min(len(a)-suf+3, len(a))] {
		out.WriteString("  " + l + "\n")
	}
	return out.String()
}

func TestGolden(t *testing.T) {
	v, now := vectors(t)
	broken := strings.Replace(v["refresh_valid"], ".eyJ0", ".eyJ0!", 1)
	tests := map[string]string{
		"refresh_valid":  v["refresh_valid"],
		"access_expired": v["access_expired"],
		"malformed":      broken,
		"login_response": v["login_response"],
		"xss_claim":      xssToken(),
	}
	for name, input := range tests {
		t.Run(name, func(t *testing.T) { checkGolden(t, name, render(t, now, input)) })
	}
}

// TestEmptyPageContract: before any paste the page has its inputs and
// panels and no results.
func TestEmptyPageContract(t *testing.T) {
	_, now := vectors(t)
	html := render(t, now, "")
	for _, want := range []string{`id="input"`, `id="secret"`, `id="verify-key"`, `id="settings"`, `id="cookie-name"`, `id="backend"`, `id="probe"`, `id="export"`, `id="bookmarklet-panel"`} {
		if !strings.Contains(html, want) {
			t.Errorf("empty page lacks %s", want)
		}
	}
	for _, absent := range []string{`id="verdict"`, `id="findings"`, `id="tokens"`} {
		if strings.Contains(html, absent) {
			t.Errorf("empty page has %s", absent)
		}
	}
}

// TestRarelyUsedSettingsFold: leeway, clock and the cookie name of a bare
// session token sit inside the settings fold.
func TestRarelyUsedSettingsFold(t *testing.T) {
	_, now := vectors(t)
	html := render(t, now, "")
	start := strings.Index(html, `id="settings"`)
	end := strings.Index(html[start:], "</details>")
	if start < 0 || end < 0 {
		t.Fatal("no settings fold")
	}
	fold := html[start : start+end]
	for _, id := range []string{"leeway", "clock", "cookie-name"} {
		if !strings.Contains(fold, `id="`+id+`"`) {
			t.Errorf("#%s is not in the settings fold", id)
		}
	}
}

func TestFindingsCarryTestabilityContract(t *testing.T) {
	v, now := vectors(t)
	html := render(t, now, v["access_expired"])
	for _, want := range []string{`id="input"`, `data-code="jwt.expired"`, `data-severity="error"`, `data-token-index="0"`} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered page lacks %s", want)
		}
	}
}

func TestClaimMarkupIsEscaped(t *testing.T) {
	_, now := vectors(t)
	html := render(t, now, xssToken())
	if strings.Contains(html, "<img src=x") {
		t.Fatal("claim markup rendered as HTML")
	}
	if !strings.Contains(html, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("claim text not shown")
	}
}

func TestMalformedCharacterIsMarked(t *testing.T) {
	v, now := vectors(t)
	html := render(t, now, strings.Replace(v["refresh_valid"], ".eyJ0", ".eyJ0!", 1))
	if !strings.Contains(html, `<mark class="bad"`) || !strings.Contains(html, `data-code="jwt.malformed"`) {
		t.Error("bad character not highlighted")
	}
}

func TestLeewayChangesVerdict(t *testing.T) {
	v, _ := vectors(t)
	exp := time.Unix(1795706467, 0) // access_valid's exp
	in := newInspector(exp.Add(10 * time.Second))
	in.SetInput(v["access_valid"])
	if !in.Report().Has("jwt.expired") {
		t.Fatal("expected expired at leeway 0")
	}
	in.SetLeeway(15 * time.Second)
	if in.Report().Has("jwt.expired") {
		t.Error("still expired with 15 s leeway")
	}
}
