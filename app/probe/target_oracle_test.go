package probe

import (
	"regexp"
	"strings"
	"testing"
)

// The regular expressions the backend field's recognisers replaced
// (target_match.go), kept as the oracle: each recogniser must give exactly
// what its expression gave.
var (
	oracleTemplate     = regexp.MustCompile(`^(?:\$\{\s*([A-Za-z_$][\w$.]*)\s*\}|\{\{\s*([A-Za-z_][\w.]*)\s*\}\}|\$([A-Za-z_]\w*))(.*)$`)
	oracleConcat       = regexp.MustCompile(`^([A-Za-z_$][\w$.]*)\s*\+\s*(?:"([^"]*)"|'([^']*)'|` + "`([^`]*)`)")
	oracleCall         = regexp.MustCompile(`\b(?:fetch|axios(?:\.(?:post|request))?)\s*\(\s*`)
	oracleScheme       = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
	oracleRefreshField = regexp.MustCompile(`(?:^|[{,&\s"'])refresh["']?\s*[:=,}]`)
	oracleMethod       = regexp.MustCompile(`\bmethod\s*:\s*["'` + "`" + `]([A-Za-z]+)`)
)

func checkBackendRecognisers(t *testing.T, s string) {
	t.Helper()
	fail := func(name string, got, want any) {
		t.Helper()
		t.Errorf("%s(%q) = %q, the expression gives %q", name, s, got, want)
	}

	expr, rest, ok := matchTemplate(s)
	var want []string
	if m := oracleTemplate.FindStringSubmatch(s); m != nil {
		want = []string{m[1] + m[2] + m[3], m[4]} // one alternative matched
	}
	if got := some(ok, expr, rest); !sameGroups(got, want) {
		fail("matchTemplate", got, want)
	}

	n, expr, literal, ok := matchConcat(s)
	want = nil
	if m := oracleConcat.FindStringSubmatch(s); m != nil {
		want = []string{m[0], m[1], m[2] + m[3] + m[4]}
	}
	if got := some(ok, s[:n], expr, literal); !sameGroups(got, want) {
		fail("matchConcat", got, want)
	}

	end, ok := callArgStart(s)
	wantEnd, wantOK := 0, false
	if loc := oracleCall.FindStringIndex(s); loc != nil {
		wantEnd, wantOK = loc[1], true
	}
	if end != wantEnd || ok != wantOK {
		fail("callArgStart", []any{end, ok}, []any{wantEnd, wantOK})
	}

	if got, want := urlScheme(s), oracleScheme.FindString(s); got != want {
		fail("urlScheme", got, want)
	}
	if got, want := hasRefreshField(s), oracleRefreshField.MatchString(s); got != want {
		fail("hasRefreshField", got, want)
	}
	method, ok := callMethod(s)
	want = nil
	if m := oracleMethod.FindStringSubmatch(s); m != nil {
		want = m[1:]
	}
	if got := some(ok, method); !sameGroups(got, want) {
		fail("callMethod", got, want)
	}
}

func some(ok bool, groups ...string) []string {
	if !ok {
		return nil
	}
	return groups
}

func sameGroups(a, b []string) bool {
	return (a == nil) == (b == nil) && strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

// backendRecogniserCases: the forms the field takes, and the edges of each
// expression (greedy runs, alternatives, anchors, \b, line breaks).
var backendRecogniserCases = []string{
	"", "http://127.0.0.1:8000/api/token/refresh/", "localhost:8000", "javascript:alert(1)", "a+b.-c:", "1http:", "http", ":x",
	"${process.env.BACKEND_URL}/api/token/refresh/", "${ API_URL }", "${API_URL", "${}", "${ 1x}", "${$a.b$}/x", "${a}\n/x", "${a} b",
	"{{BASE}}/x", "{{ BASE }}", "{{BASE}", "{{ $x}}", "{{a.b}}x\ny", "$API/x", "$API", "$1", "$", "$_a_1-x", "$a\n", "${a \t}",
	`process.env.BACKEND_URL + "/api/token/refresh/"`, "a+'x'", "a +`x\ny`", `a + "x`, `a - "x"`, `$a.b$ + ''`, `1a + "x"`, `a + x`,
	`fetch("http://x/api/token/refresh/", {method: "POST", body: JSON.stringify({refresh})})`, "fetch (  'x')", "refetch('x')",
	"axios.post('x', {refresh: r})", "axios.request({url: 'x'})", "axios('x')", "axios.postx('x') axios('y')", "axios.get('x')",
	"_fetch('x') fetch('y')", "fetch\n(\n'x'", "a.fetch('x')", "éfetch('x')", "fetchaxios('x')", "fetch", "axios.post ('x')",
	`{"refresh": "t"}`, "{refresh}", "refresh=t", "&refresh=t", " refresh :", "xrefresh=", `"refresh"=`, `'refresh'  ,`, "refresh\"\"=",
	"refresh", "refresh ", "refresh\n}", "{refreshx:", "refresh refresh=", "\trefresh=",
	"method: 'POST'", "{method:`put`}", "xmethod: 'POST' method : \"get\"", "method: POST", "method:'", "method :\n'DELETE'", "_method:'x'",
	"method: '1'", "method: 'Pé'",
	`curl -X POST http://127.0.0.1:8000/api/token/refresh/ -H 'Content-Type: application/json' -d '{"refresh":"x"}'`,
}

func TestBackendRecognisersAgreeWithRegexp(t *testing.T) {
	for _, s := range backendRecogniserCases {
		checkBackendRecognisers(t, s)
	}
}

// FuzzBackendRecognisersAgreeWithRegexp is the differential test: on any
// input, each recogniser gives what the expression it replaced gave.
func FuzzBackendRecognisersAgreeWithRegexp(f *testing.F) {
	for _, s := range backendRecogniserCases {
		f.Add(s)
	}
	f.Fuzz(checkBackendRecognisers)
}
