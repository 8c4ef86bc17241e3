package ui_test

import (
	"encoding/base64"
	"flag"
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

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
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
		t.Errorf("render differs from %s; run go test ./app/ui -update and review the diff", path)
	}
}

func TestGolden(t *testing.T) {
	v, now := vectors(t)
	broken := strings.Replace(v["refresh_valid"], ".eyJ0", ".eyJ0!", 1)
	tests := map[string]string{
		"empty":          "",
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
