package probe_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
)

const refreshTok = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl"

func TestParseBackend(t *testing.T) {
	const api = "http://127.0.0.1:8000/api/token/refresh/"
	tests := []struct {
		name     string
		in       string
		form     probe.Form
		url      string // Target.URL
		endpoint bool
		variable string
		method   string
		refresh  bool
		creds    bool
		slash    bool // MissingSlash
	}{
		{"empty is the runserver default", "  ", probe.FormBase, "http://127.0.0.1:8000", false, "", "", false, false, false},
		{"base URL", "http://127.0.0.1:8000", probe.FormBase, "http://127.0.0.1:8000", false, "", "", false, false, false},
		{"base URL with slash", "http://127.0.0.1:8000/", probe.FormBase, "http://127.0.0.1:8000/", false, "", "", false, false, false},
		{"base with a prefix", "https://api.example.com/backend", probe.FormBase, "https://api.example.com/backend", false, "", "", false, false, false},
		{"scheme-less host:port", "localhost:8000", probe.FormBase, "http://localhost:8000", false, "", "", false, false, false},
		{"upper-case scheme", "HTTP://127.0.0.1:8000/api/token/refresh/", probe.FormEndpoint, api, true, "", "", false, false, false},
		{"full endpoint URL", api, probe.FormEndpoint, api, true, "", "", false, false, false},
		{"quoted endpoint URL", `"` + api + `"`, probe.FormEndpoint, api, true, "", "", false, false, false},
		{"endpoint without the slash", "http://127.0.0.1:8000/api/token/refresh", probe.FormEndpoint, "http://127.0.0.1:8000/api/token/refresh", true, "", "", false, false, true},
		{"djoser path", "http://127.0.0.1:8000/auth/jwt/refresh/", probe.FormEndpoint, "http://127.0.0.1:8000/auth/jwt/refresh/", true, "", "", false, false, false},
		{"fragment dropped", api + "#x", probe.FormEndpoint, api, true, "", "", false, false, false},
		{"credentials removed", "http://alice:s3cr3t@127.0.0.1:8000/api/token/refresh/", probe.FormEndpoint, api, true, "", "", false, true, false},
		{"curl line", `curl -X POST ` + api + ` -H "Content-Type: application/json" -d '{"refresh": "` + refreshTok + `"}'`, probe.FormCurl, api, true, "", "POST", true, false, false},
		{"curl, URL last, --data=", `curl --data='{"refresh":"x"}' -H 'Content-Type: application/json' '` + api + `'`, probe.FormCurl, api, true, "", "POST", true, false, false},
		{"curl from DevTools, continuation lines", "curl '" + api + "' \\\n  -H 'accept: */*' \\\n  -H 'content-type: application/json' \\\n  --data-raw '{\"refresh\":\"" + refreshTok + "\"}'", probe.FormCurl, api, true, "", "POST", true, false, false},
		{"curl -XPOST attached, --url", `curl -sS -XPOST --url ` + api + ` --json '{"refresh":"x"}'`, probe.FormCurl, api, true, "", "POST", true, false, false},
		{"curl form body", `curl -d refresh=abc http://127.0.0.1:8000/api/token/refresh/`, probe.FormCurl, api, true, "", "POST", true, false, false},
		{"curl with the wrong field", `curl -d '{"refresh_token":"x"}' ` + api, probe.FormCurl, api, true, "", "POST", false, false, false},
		{"curl -u does not become the URL", `curl -u alice:wonderland -X POST ` + api, probe.FormCurl, api, true, "", "POST", false, false, false},
		{"curl with a shell variable", `curl -X POST "$API_URL/token/refresh/" -d '{"refresh":"x"}'`, probe.FormTemplate, "/token/refresh/", true, "API_URL", "POST", true, false, false},
		{"fetch line", `const r = await fetch("` + api + `", { method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({ refresh: token.backendRefresh }) });`, probe.FormFetch, api, true, "", "POST", true, false, false},
		{"fetch with single quotes, no options", `fetch('http://127.0.0.1:8000/')`, probe.FormFetch, "http://127.0.0.1:8000/", false, "", "", false, false, false},
		{"fetch with a template literal", "fetch(`${BASE}/api/token/refresh/`, { method: 'POST', body: JSON.stringify({refresh}) })", probe.FormTemplate, "/api/token/refresh/", true, "BASE", "POST", true, false, false},
		{"fetch with concatenation", `fetch(process.env.BACKEND_URL + "/api/token/refresh/", {method: "POST"})`, probe.FormTemplate, "/api/token/refresh/", true, "BACKEND_URL", "POST", false, false, false},
		{"axios.post", `await axios.post("` + api + `", { refresh: token.refreshToken })`, probe.FormFetch, api, true, "", "POST", true, false, false},
		{"template with process.env", "${process.env.BACKEND_URL}/api/token/refresh/", probe.FormTemplate, "/api/token/refresh/", true, "BACKEND_URL", "", false, false, false},
		{"template in backticks", "`${API_URL}/token/refresh/`", probe.FormTemplate, "/token/refresh/", true, "API_URL", "", false, false, false},
		{"template, base only", "${process.env.NEXT_PUBLIC_API}", probe.FormTemplate, "", false, "NEXT_PUBLIC_API", "", false, false, false},
		{"postman template", "{{baseUrl}}/api/token/refresh/", probe.FormTemplate, "/api/token/refresh/", true, "baseUrl", "", false, false, false},
		{"concatenation as typed", `process.env.BACKEND_URL + '/api/token/refresh/'`, probe.FormTemplate, "/api/token/refresh/", true, "BACKEND_URL", "", false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := probe.ParseBackend(tc.in)
			if err != nil {
				t.Fatalf("ParseBackend: %v", err)
			}
			want := probe.Target{Form: tc.form, URL: tc.url, Endpoint: tc.endpoint, Variable: tc.variable, Method: tc.method, RefreshInBody: tc.refresh, CredentialsRemoved: tc.creds}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if got.MissingSlash() != tc.slash {
				t.Errorf("MissingSlash %v", got.MissingSlash())
			}
			if d := got.Describe(); strings.Contains(d, refreshTok) || strings.Contains(d, "s3cr3t") || strings.Contains(d, "alice") {
				t.Errorf("Describe echoes a secret: %s", d)
			}
		})
	}
}

// TestParseBackendHostile: what must be refused, and never echoed.
func TestParseBackendHostile(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"javascript: URL", "javascript:alert(document.cookie)", probe.ErrNotHTTP},
		{"javascript: with slashes", "javascript://%0aalert(1)", probe.ErrNotHTTP},
		{"data: URL", "data:text/html,<script>alert(1)</script>", probe.ErrNotHTTP},
		{"file URL", "file:///etc/passwd", probe.ErrNotHTTP},
		{"fetch of a javascript: URL", `fetch("javascript:alert(1)")`, probe.ErrNotHTTP},
		{"curl of a file URL", `curl file:///etc/passwd`, probe.ErrNotHTTP},
		{"two URLs on two lines", "http://127.0.0.1:8000/\nhttp://evil.example/", probe.ErrNoBackendURL},
		{"newline inside the host", "http://127.0.0.1\n:8000/", probe.ErrNoBackendURL},
		{"no host", "http:///api/token/refresh/", probe.ErrNoBackendURL},
		{"bad port", "http://127.0.0.1:80x/", probe.ErrNoBackendURL},
		{"curl without URL", `curl -X POST -H 'Content-Type: application/json'`, probe.ErrNoBackendURL},
		{"curl, unterminated quote", `curl '` + "http://127.0.0.1:8000/", probe.ErrNoBackendURL},
		{"fetch without a string", `fetch(url, {method: "POST"})`, probe.ErrNoBackendURL},
		{"fetch, unterminated", `fetch("http://127.0.0.1:8000/`, probe.ErrNoBackendURL},
		{"very long line", "http://127.0.0.1:8000/" + strings.Repeat("a", probe.MaxBackendInput), probe.ErrBackendTooLong},
		{"very long curl line", "curl " + strings.Repeat("-H 'x: y' ", probe.MaxBackendInput/8), probe.ErrBackendTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := probe.ParseBackend(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParseBackend = %+v, %v; want %v", tg, err, tc.want)
			}
			f := probe.BackendFinding(err)
			want := diagnose.CodeInvalidURL
			if tc.want == probe.ErrBackendTooLong {
				want = diagnose.CodeBackendTooLong
			}
			if f.Code != want || f.Severity != diagnose.SeverityError {
				t.Errorf("finding %s %s", f.Code, f.Severity)
			}
			if all := fmt.Sprintf("%+v", f); strings.Contains(all, "alert") || strings.Contains(all, "evil.example") || strings.Contains(all, "passwd") {
				t.Errorf("the finding echoes the field: %s", all)
			}
		})
	}
}

// TestParseBackendKeepsNoToken: a refresh token in a curl or fetch body is
// noted, never kept anywhere in the Target or its plan.
func TestParseBackendKeepsNoToken(t *testing.T) {
	for _, in := range []string{
		`curl -X POST http://127.0.0.1:8000/api/token/refresh/ -d '{"refresh":"` + refreshTok + `"}'`,
		`fetch("http://127.0.0.1:8000/api/token/refresh/", {method:"POST", body: JSON.stringify({refresh: "` + refreshTok + `"})})`,
	} {
		tg, err := probe.ParseBackend(in)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := tg.Plan("", nil)
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprintf("%+v %+v %s", tg, plan, tg.Describe()); strings.Contains(s, refreshTok) || strings.Contains(s, "c2lnbmF0dXJl") {
			t.Errorf("the token survived parsing: %s", s)
		}
		if !tg.RefreshInBody {
			t.Errorf("refresh field not noticed in %q", in)
		}
	}
}

func TestTargetPlan(t *testing.T) {
	const b = "http://127.0.0.1:8000"
	others := func(skip ...string) []string {
		var out []string
	next:
		for _, p := range probe.CandidatePaths {
			for _, s := range skip {
				if p == s {
					continue next
				}
			}
			out = append(out, b+p)
		}
		return out
	}
	tests := []struct {
		name  string
		in    string
		path  string
		vars  map[string]string
		first string
		base  string
		cands []string
		err   error
	}{
		{"base, default path", b, "", nil, b + "/api/token/refresh/", b, others("/api/token/refresh/"), nil},
		{"base, chosen path first", b + "/", "/token/refresh/", nil, b + "/token/refresh/", b, others("/token/refresh/"), nil},
		{"base with a prefix", b + "/v1", "", nil, b + "/v1/api/token/refresh/", b + "/v1", nil, nil},
		{"endpoint exactly, the path choice ignored", b + "/api/token/refresh/", "/token/refresh/", nil, b + "/api/token/refresh/", b, others("/api/token/refresh/"), nil},
		{"endpoint without slash: the slashed one is a candidate", b + "/api/token/refresh", "", nil, b + "/api/token/refresh", b, others(), nil},
		{"endpoint below a prefix", b + "/v1/api/auth/token/refresh/", "", nil, b + "/v1/api/auth/token/refresh/", b + "/v1", nil, nil},
		{"odd endpoint: candidates at the origin", b + "/auth/jwt/refresh/", "", nil, b + "/auth/jwt/refresh/", b, others(), nil},
		{"endpoint with a query", b + "/api/token/refresh/?v=2", "", nil, b + "/api/token/refresh/?v=2", b, others(), nil},
		{"template resolved", "${process.env.BACKEND_URL}/api/token/refresh/", "", map[string]string{"BACKEND_URL": b + "/"}, b + "/api/token/refresh/", b, others("/api/token/refresh/"), nil},
		{"template base only", "${API}", "/token/refresh/", map[string]string{"API": " " + b + " "}, b + "/token/refresh/", b, others("/token/refresh/"), nil},
		{"template without value", "${API_URL}/token/refresh/", "", nil, "", "", nil, probe.ErrTemplateValue},
		{"template value not http", "${API_URL}/token/refresh/", "", map[string]string{"API_URL": "javascript:alert(1)//"}, "", "", nil, probe.ErrNotHTTP},
		{"template value too long", "${API_URL}/token/refresh/", "", map[string]string{"API_URL": b + strings.Repeat("/a", probe.MaxBackendInput)}, "", "", nil, probe.ErrBackendTooLong},
		{"custom path naming another host", b, "//evil.example/x", nil, "", "", nil, probe.ErrRefreshPath},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := probe.ParseBackend(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := tg.Plan(tc.path, tc.vars)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Plan = %+v, %v; want %v", plan, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if plan.First != tc.first || plan.Base != tc.base {
				t.Errorf("first %q base %q", plan.First, plan.Base)
			}
			if tc.cands != nil && fmt.Sprint(plan.Candidates) != fmt.Sprint(tc.cands) {
				t.Errorf("candidates %v\nwant %v", plan.Candidates, tc.cands)
			}
		})
	}
}

// TestProbeOrder: the given URL first and alone when it answers; the
// candidates only after a 404, reported at info level.
func TestProbeOrder(t *testing.T) {
	const b = "http://127.0.0.1:8000"
	ok := probe.Response{Status: 401, Body: `{"detail":"Token is invalid or expired","code":"token_not_valid"}`}
	notFound := probe.Response{Status: 404, Body: "<h1>Not Found</h1>"}
	tests := []struct {
		name     string
		answers  map[string]probe.Response // by URL; others 404
		field    string
		sent     []string
		codes    map[diagnose.Code]diagnose.Severity
		endpoint string
	}{
		{"given URL works: nothing else sent", map[string]probe.Response{b + "/token/refresh/": ok}, b + "/token/refresh/",
			[]string{b + "/token/refresh/"}, map[diagnose.Code]diagnose.Severity{diagnose.CodeProbeEndpointOK: diagnose.SeverityOK}, b + "/token/refresh/"},
		{"given URL 405: its verdict, no candidates", map[string]probe.Response{b + "/api/token/refresh/": {Status: 405, Body: `{"detail":"Method \"POST\" not allowed."}`}}, b + "/api/token/refresh/",
			[]string{b + "/api/token/refresh/"}, map[diagnose.Code]diagnose.Severity{diagnose.CodeMethodNotAllowed: diagnose.SeverityError}, ""},
		{"404, a candidate works", map[string]probe.Response{b + "/token/refresh/": ok}, b + "/api/refresh/",
			[]string{b + "/api/refresh/", b + "/api/token/refresh/", b + "/token/refresh/"},
			map[diagnose.Code]diagnose.Severity{diagnose.CodeEndpointNotFound: diagnose.SeverityError, diagnose.CodeProbeEndpointOK: diagnose.SeverityOK, diagnose.CodeCandidatesTried: diagnose.SeverityInfo}, b + "/token/refresh/"},
		{"404 everywhere", nil, b + "/api/refresh/",
			[]string{b + "/api/refresh/", b + "/api/token/refresh/", b + "/token/refresh/", b + "/api/auth/token/refresh/", b + "/dj-rest-auth/token/refresh/"},
			map[diagnose.Code]diagnose.Severity{diagnose.CodeEndpointNotFound: diagnose.SeverityError, diagnose.CodeCandidatesTried: diagnose.SeverityInfo}, ""},
		{"no slash, 404 (APPEND_SLASH off): the slashed candidate is found", map[string]probe.Response{b + "/api/token/refresh/": ok}, b + "/api/token/refresh",
			[]string{b + "/api/token/refresh", b + "/api/token/refresh/"},
			map[diagnose.Code]diagnose.Severity{diagnose.CodeEndpointNotFound: diagnose.SeverityError, diagnose.CodeProbeEndpointOK: diagnose.SeverityOK, diagnose.CodeCandidatesTried: diagnose.SeverityInfo}, b + "/api/token/refresh/"},
		{"no slash, browser sees an opaque redirect", map[string]probe.Response{b + "/api/token/refresh": {Opaque: true, Type: "opaqueredirect"}, b + "/api/token/refresh/": ok}, b + "/api/token/refresh",
			[]string{b + "/api/token/refresh", b + "/api/token/refresh/"},
			map[diagnose.Code]diagnose.Severity{diagnose.CodeRedirected: diagnose.SeverityError}, b + "/api/token/refresh/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sent []string
			p := probe.Prober{Transport: scripted{do: func(r probe.Request) (probe.Response, error) {
				sent = append(sent, r.URL)
				if resp, ok := tc.answers[r.URL]; ok {
					return resp, nil
				}
				return notFound, nil
			}}}
			tg, err := probe.ParseBackend(tc.field)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := tg.Plan("", nil)
			if err != nil {
				t.Fatal(err)
			}
			res := p.Probe(context.Background(), plan)
			if fmt.Sprint(sent) != fmt.Sprint(tc.sent) {
				t.Errorf("sent %v\nwant %v", sent, tc.sent)
			}
			got := map[diagnose.Code]diagnose.Severity{}
			for _, f := range res.Findings {
				got[f.Code] = f.Severity
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.codes) {
				t.Errorf("findings %v\nwant %v", got, tc.codes)
			}
			if res.Endpoint != tc.endpoint {
				t.Errorf("endpoint %q", res.Endpoint)
			}
		})
	}
}
