package probe_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"tokenscope/app/probe"
)

// FuzzParseBackend holds the backend field's reader to its promises on any
// text: no panic; a refusal is one of the package's errors; a Target is of
// a known form, names an http(s) URL with a host (or a template's
// variable), keeps no token but in its URL, and plans without panicking.
func FuzzParseBackend(f *testing.F) {
	const api = "http://127.0.0.1:8000/api/token/refresh/"
	for _, s := range []string{
		"", api, "localhost:8000", `"` + api + `"`, "http://alice:s3cr3t@127.0.0.1:8000/api/token/refresh/#x",
		`curl -X POST ` + api + ` -H "Content-Type: application/json" -d '{"refresh": "` + refreshTok + `"}'`,
		"curl '" + api + "' \\\n  -H 'accept: */*' \\\n  --data-raw '{\"refresh\":\"" + refreshTok + "\"}'",
		`curl -sS -XPOST --url ` + api + ` --json '{"refresh":"x"}'`, `curl -X POST "$API_URL/token/refresh/" -d '{"refresh":"x"}'`,
		`fetch("` + api + `", { method: "POST", body: JSON.stringify({ refresh: "` + refreshTok + `" }) })`,
		"fetch(`${BASE}/api/token/refresh/`, { method: 'POST', body: JSON.stringify({refresh}) })",
		`fetch(process.env.BACKEND_URL + "/api/token/refresh/", {method: "POST"})`, `await axios.post("` + api + `", { refresh: r })`,
		"${process.env.BACKEND_URL}/api/token/refresh/", "{{baseUrl}}/api/token/refresh/", `process.env.BACKEND_URL + '/api/token/refresh/'`,
		"javascript:alert(1)", "http:///x", `fetch("http://x" + "/y")`,
	} {
		f.Add(s)
	}
	forms := map[probe.Form]bool{probe.FormBase: true, probe.FormEndpoint: true, probe.FormCurl: true, probe.FormFetch: true, probe.FormTemplate: true}
	f.Fuzz(func(t *testing.T, field string) {
		tg, err := probe.ParseBackend(field)
		if err != nil {
			if !errors.Is(err, probe.ErrBackendTooLong) && !errors.Is(err, probe.ErrNoBackendURL) && !errors.Is(err, probe.ErrNotHTTP) {
				t.Fatalf("ParseBackend(%q): unexpected error %v", field, err)
			}
			return
		}
		if !forms[tg.Form] {
			t.Fatalf("unknown form %q", tg.Form)
		}
		if tg.Form == probe.FormTemplate {
			if tg.Variable == "" {
				t.Fatalf("template without a variable: %+v", tg)
			}
		} else {
			u, err := url.Parse(tg.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
				t.Fatalf("ParseBackend(%q).URL = %q (%v)", field, tg.URL, err)
			}
		}
		// A token typed as the address is the address; one anywhere else
		// (a body, a header) is never kept.
		if strings.Contains(field, refreshTok) {
			rest := strings.ReplaceAll(fmt.Sprintf("%s %s %s", tg.Variable, tg.Method, tg.Describe()), tg.URL, "")
			if strings.Contains(rest, refreshTok) {
				t.Fatalf("the token survived parsing outside the URL: %+v", tg)
			}
		}
		_, _ = tg.Plan("", map[string]string{tg.Variable: "http://127.0.0.1:8000"})
	})
}
