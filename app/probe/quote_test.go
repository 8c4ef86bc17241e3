//go:build unix

package probe_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
)

// hostileURLs are request URLs an attacker (or a typo) can put in a shell
// line: every one must come out of sh as the same single argument.
var hostileURLs = []string{
	"http://127.0.0.1:8000/api/token/refresh/",
	"http://127.0.0.1:8000/it's/refresh/",
	"http://127.0.0.1:8000/$(touch /tmp/tokenscope-pwned)/",
	"http://127.0.0.1:8000/`id`/",
	"http://127.0.0.1:8000/a b/",
	"http://127.0.0.1:8000/a\nrm -rf ~\n/",
	"http://127.0.0.1:8000/'; echo pwned; '/",
	`http://127.0.0.1:8000/"$HOME"\/`,
	"http://127.0.0.1:8000/?q=${IFS}&r=!!",
}

// shellArgs runs a shell line with the command replaced by a function that
// prints its arguments NUL-separated: what the shell really parsed, without
// running curl or anything the line might smuggle in.
func shellArgs(t *testing.T, line string) []string {
	t.Helper()
	script := `curl() { for a in "$@"; do printf '%s\0' "$a"; done; }` + "\n" + line + "\n"
	out, err := exec.Command("/bin/sh", "-c", script).Output()
	if err != nil {
		t.Fatalf("sh refused the line %q: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestCurlQuotesEveryURL(t *testing.T) {
	for _, u := range hostileURLs {
		req := probe.Request{Method: "POST", URL: u, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"refresh":"it's $(x)"}`}
		args := shellArgs(t, req.Curl("http://localhost:3000"))
		want := []string{"-i", "-X", "POST", u, "-H", "Origin: http://localhost:3000", "-H", "Content-Type: application/json", "--data", `{"refresh":"it's $(x)"}`}
		if strings.Join(args, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("URL %q: sh parsed\n%q\nwant\n%q", u, args, want)
		}
	}
}

// TestFixTextsQuoteURLs: the fix texts that tell the user to run curl
// against the URL quote it for the shell.
func TestFixTextsQuoteURLs(t *testing.T) {
	for _, fail := range []error{probe.ErrTimeout, probe.ErrNetwork} {
		for _, u := range hostileURLs {
			p := probe.Prober{Transport: scripted{do: func(probe.Request) (probe.Response, error) { return probe.Response{}, fail }}}
			res := p.Refresh(context.Background(), u, "tok", probe.Local{Index: -1})
			if len(res.Steps) == 0 {
				continue // refused before sending (not an http URL): no curl line
			}
			f := res.Steps[0].Finding
			i := strings.Index(f.Fix, "`curl ")
			if i < 0 {
				t.Fatalf("%s: no curl line in %q", f.Code, f.Fix)
			}
			line := f.Fix[i+1:]
			line = line[:strings.LastIndex(line, "`")]
			if args := shellArgs(t, line); len(args) != 2 || args[0] != "-i" || args[1] != u {
				t.Errorf("%s: %q parsed as %q", f.Code, line, args)
			}
		}
	}
}

// TestFetchSnippetIsJSON: every string in the fetch() snippet is a JSON (so
// JavaScript) string literal that decodes to the exact value.
func TestFetchSnippetIsJSON(t *testing.T) {
	for _, u := range hostileURLs {
		req := probe.Request{Method: "POST", URL: u, Mode: probe.ModeCORS, Credentials: "omit", Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"refresh":"</script>\u2028"}`}
		snippet := req.Fetch()
		rest, ok := strings.CutPrefix(snippet, "await fetch(")
		if !ok {
			t.Fatalf("snippet %q", snippet)
		}
		var got string
		dec := json.NewDecoder(strings.NewReader(rest))
		if err := dec.Decode(&got); err != nil || got != u {
			t.Errorf("URL literal decodes to %q (%v), want %q", got, err, u)
		}
	}
}

func TestEndpointKeepsTheEscapedPath(t *testing.T) {
	tests := []struct {
		backend, path, want string
	}{
		{"http://127.0.0.1:8000", "/api/token/refresh/", "http://127.0.0.1:8000/api/token/refresh/"},
		{"http://127.0.0.1:8000/", "api/token/refresh/", "http://127.0.0.1:8000/api/token/refresh/"},
		{"http://h:8000/base%23x/", "/api/token/refresh/", "http://h:8000/base%23x/api/token/refresh/"},
		{"http://h/a%2Fb", "/refresh/", "http://h/a%2Fb/refresh/"},
		{"http://h/a%20b", "/refresh/", "http://h/a%20b/refresh/"},
		{"http://h", "/api/%23/refresh/", "http://h/api/%23/refresh/"},
		{"http://h", "/api/a b/", "http://h/api/a%20b/"},
		{"http://h", "/api/`id`/", "http://h/api/%60id%60/"},
		{"http://h/api?tenant=a%23b", "/token/refresh/", "http://h/api/token/refresh/?tenant=a%23b"},
		{"http://h/api#frag", "/token/refresh/", "http://h/api/token/refresh/"},
		{"http://h", "/r/?x=`a b`", "http://h/r/?x=%60a%20b%60"},
		{"  HTTP://H:8000  ", "/r/", "http://h:8000/r/"},
	}
	for _, tc := range tests {
		got, err := probe.Endpoint(tc.backend, tc.path)
		if err != nil || got != tc.want {
			t.Errorf("Endpoint(%q, %q) = %q, %v; want %q", tc.backend, tc.path, got, err, tc.want)
		}
	}
	for _, bad := range [][2]string{
		{"127.0.0.1:8000", "/r/"},
		{"ftp://h", "/r/"},
		{"http://user:pw@h", "/r/"},
		{"http://h", "//evil.example/r/"},
		{"http://h", "http://evil.example/r/"},
		{"http://h", "/a\nb/"},
		{"http://h\n.example", "/r/"},
	} {
		if got, err := probe.Endpoint(bad[0], bad[1]); err == nil {
			t.Errorf("Endpoint(%q, %q) = %q, want an error", bad[0], bad[1], got)
		}
	}
}

func TestValidOrigin(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"http://localhost:3000", "http://localhost:3000", true},
		{"https://App.Example.com", "https://app.example.com", true},
		{"https://app.example.com/", "https://app.example.com", true},
		{"http://[::1]:3000", "http://[::1]:3000", true},
		{"http://127.0.0.1:8000", "http://127.0.0.1:8000", true},
		{"null", "", false},
		{"", "", false},
		{"file://", "", false},
		{"javascript:alert(1)", "", false},
		{`http://evil"];import os;os.system("id");x=["`, "", false},
		{"http://a.example/path", "", false},
		{"http://a.example?q", "", false},
		{"http://u@a.example", "", false},
		{"http://a.example:99999", "", false},
		{"http://a_b.example", "", false},
		{"http://a.example:80\n", "", false},
		{"http://[::1", "", false},
	}
	for _, tc := range tests {
		got, ok := probe.ValidOrigin(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ValidOrigin(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestCORSFixUsesAValidatedOrigin: a transport claiming a hostile origin
// (a forged bridge) cannot write Python into the settings line.
func TestCORSFixUsesAValidatedOrigin(t *testing.T) {
	corsRefused := func(r probe.Request) (probe.Response, error) {
		if r.Mode == probe.ModeNoCORS {
			return probe.Response{Opaque: true}, nil
		}
		return probe.Response{}, probe.ErrNetwork
	}
	tests := []struct {
		origin, wantLine string
	}{
		{"http://localhost:3000", `CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]`},
		{"HTTP://LOCALHOST:3000/", `CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]`},
		{`http://x"];import os;os.system("id");#`, `CORS_ALLOWED_ORIGINS = ["https://your-app.example"]`},
		{"null", `CORS_ALLOWED_ORIGINS = ["https://your-app.example"]`},
	}
	for _, tc := range tests {
		p := probe.Prober{Transport: originScripted{origin: tc.origin, do: corsRefused}}
		res := p.SafeProbe(context.Background(), "http://127.0.0.1:8000", probe.CandidatePaths[:1])
		var f diagnose.Finding
		for _, g := range res.Findings {
			if g.Code == diagnose.CodeCORSBlocked {
				f = g
			}
		}
		if !strings.Contains(f.Fix, tc.wantLine) {
			t.Errorf("origin %q: fix %q lacks %s", tc.origin, f.Fix, tc.wantLine)
		}
		for _, e := range f.Evidence {
			if e.Name == "settings line" && e.Value != tc.wantLine {
				t.Errorf("origin %q: settings line %q", tc.origin, e.Value)
			}
		}
		if strings.Contains(f.Fix, "import os") {
			t.Errorf("origin %q reached the fix: %q", tc.origin, f.Fix)
		}
	}
}

// TestCSPFixUsesAValidatedOrigin: the connect-src line names the backend's
// origin rebuilt from its parts.
func TestCSPFixUsesAValidatedOrigin(t *testing.T) {
	p := probe.Prober{Transport: scripted{do: func(probe.Request) (probe.Response, error) {
		return probe.Response{}, &probe.CSPError{Directive: "connect-src", Blocked: "x"}
	}}}
	res := p.SafeProbe(context.Background(), "HTTP://127.0.0.1:8000/api", probe.CandidatePaths[:1])
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Fix, "connect-src 'self' http://127.0.0.1:8000`") {
		t.Errorf("findings %+v", res.Findings)
	}
}

type originScripted struct {
	origin string
	do     func(probe.Request) (probe.Response, error)
}

func (s originScripted) Origin() string { return s.origin }
func (s originScripted) Do(_ context.Context, r probe.Request) (probe.Response, error) {
	return s.do(r)
}
