//go:build unix

package realprobe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/e2e/backend"
)

// netTransport sends probes with net/http, so the prober's logic runs
// against a real Django server natively. It has no CORS (the Chromium tests
// cover that); a no-cors request resolves whenever the server answered.
type netTransport struct{ origin string }

func (n netTransport) Origin() string { return n.origin }

func (n netTransport) Do(ctx context.Context, req probe.Request) (probe.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, req.Timeout)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, req.Method, req.URL, strings.NewReader(req.Body))
	if err != nil {
		return probe.Response{}, err
	}
	for k, v := range req.Headers {
		r.Header.Set(k, v)
	}
	r.Header.Set("Origin", n.origin)
	start := time.Now()
	client := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(r)
	if err != nil {
		if ctx.Err() != nil {
			return probe.Response{}, probe.ErrTimeout
		}
		return probe.Response{}, errors.Join(probe.ErrNetwork, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	out := probe.Response{Status: resp.StatusCode, Body: string(body), Elapsed: time.Since(start), Headers: map[string]string{}}
	for k := range resp.Header {
		out.Headers[strings.ToLower(k)] = resp.Header.Get(k)
	}
	if req.Mode == probe.ModeNoCORS {
		out = probe.Response{Opaque: true, Type: "opaque"}
	}
	return out, nil
}

func TestProbeRealDjango(t *testing.T) {
	srv := backend.Start(t, backend.Config{Rotate: true, Blacklist: true})
	p := probe.Prober{Transport: netTransport{origin: "http://localhost:3000"}, Now: time.Now, PageURL: "http://localhost:3000/"}
	ctx := context.Background()

	_, refresh, _, err := srv.Login(backend.User, backend.Password)
	if err != nil {
		t.Fatal(err)
	}
	res := p.SafeProbe(ctx, srv.URL, probe.CandidatePaths)
	if res.Endpoint != srv.URL+"/api/token/refresh/" || !has(res.Findings, diagnose.CodeProbeEndpointOK) {
		t.Fatalf("endpoint %q findings %v", res.Endpoint, codesOf(res.Findings))
	}
	// The given path works: no candidate is tried, nothing warns.
	if len(res.Steps) != 1 || has(res.Findings, diagnose.CodeEndpointNotFound) || has(res.Findings, diagnose.CodeCandidatesTried) {
		t.Errorf("%d steps, findings %v", len(res.Steps), codesOf(res.Findings))
	}
	// The side-effect-free probe left the token alone: the real refresh works.
	live := probe.Local{Known: true, Exp: time.Now().Add(time.Hour), Index: -1}
	first := p.Refresh(ctx, res.Endpoint, refresh, live)
	if !has(first.Findings, diagnose.CodeProbeRotated) {
		t.Fatalf("first refresh: %v", codesOf(first.Findings))
	}
	again := p.Refresh(ctx, res.Endpoint, refresh, live)
	if !has(again.Findings, diagnose.CodeBlacklisted) {
		t.Fatalf("second refresh: %v", codesOf(again.Findings))
	}

	wrong := p.SafeProbe(ctx, srv.URL, []string{"/api/refresh/", "/api/token/refresh/"})
	if !has(wrong.Findings, diagnose.CodeEndpointNotFound) || wrong.Endpoint == "" {
		t.Errorf("wrong path: %v", codesOf(wrong.Findings))
	}

	srv.Stop()
	down := p.SafeProbe(ctx, srv.URL, probe.CandidatePaths)
	if !has(down.Findings, diagnose.CodeUnreachable) || len(down.Steps) != 1 {
		t.Errorf("stopped server: %v (%d steps)", codesOf(down.Findings), len(down.Steps))
	}
}

// TestBackendFormsRealDjango probes each form of the backend field against
// a real Django, DEBUG off and on: the verdict comes from what Django does.
func TestBackendFormsRealDjango(t *testing.T) {
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("DEBUG=%v", debug), func(t *testing.T) {
			srv := backend.Start(t, backend.Config{Debug: debug})
			p := probe.Prober{Transport: netTransport{origin: "http://localhost:3000"}, Now: time.Now, PageURL: "http://localhost:3000/"}
			endpoint := srv.URL + "/api/token/refresh/"
			noSlash := strings.TrimSuffix(endpoint, "/")
			tests := []struct {
				name     string
				field    string
				vars     map[string]string
				want     diagnose.Code
				absent   []diagnose.Code
				endpoint string
				steps    int
			}{
				{"base URL", srv.URL, nil, diagnose.CodeProbeEndpointOK, []diagnose.Code{diagnose.CodeEndpointNotFound, diagnose.CodeCandidatesTried}, endpoint, 1},
				{"full URL", endpoint, nil, diagnose.CodeProbeEndpointOK, []diagnose.Code{diagnose.CodeEndpointNotFound, diagnose.CodeCandidatesTried}, endpoint, 1},
				{"curl line", "curl -X POST " + endpoint + ` -H 'Content-Type: application/json' -d '{"refresh": "x"}'`, nil, diagnose.CodeProbeEndpointOK, []diagnose.Code{diagnose.CodeEndpointNotFound}, endpoint, 1},
				{"fetch line", `fetch("` + endpoint + `", {method: "POST"})`, nil, diagnose.CodeProbeEndpointOK, []diagnose.Code{diagnose.CodeEndpointNotFound}, endpoint, 1},
				{"template", "${process.env.BACKEND_URL}/api/token/refresh/", map[string]string{"BACKEND_URL": srv.URL}, diagnose.CodeProbeEndpointOK, []diagnose.Code{diagnose.CodeEndpointNotFound}, endpoint, 1},
				{"wrong full URL", srv.URL + "/api/auth/refresh/", nil, diagnose.CodeEndpointNotFound, nil, endpoint, 2},
			}
			slashCode := diagnose.CodeRedirected
			if debug {
				slashCode = diagnose.CodeServerError
			}
			tests = append(tests, struct {
				name     string
				field    string
				vars     map[string]string
				want     diagnose.Code
				absent   []diagnose.Code
				endpoint string
				steps    int
			}{"full URL without slash", noSlash, nil, slashCode, []diagnose.Code{diagnose.CodeEndpointNotFound, diagnose.CodeCandidatesTried}, endpoint, 2})
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					tg, err := probe.ParseBackend(tc.field)
					if err != nil {
						t.Fatal(err)
					}
					plan, err := tg.Plan("", tc.vars)
					if err != nil {
						t.Fatal(err)
					}
					res := p.Probe(context.Background(), plan)
					if !has(res.Findings, tc.want) || res.Endpoint != tc.endpoint || len(res.Steps) != tc.steps {
						t.Fatalf("findings %v endpoint %q steps %d", codesOf(res.Findings), res.Endpoint, len(res.Steps))
					}
					for _, c := range tc.absent {
						if has(res.Findings, c) {
							t.Errorf("%s raised: %v", c, codesOf(res.Findings))
						}
					}
					for _, f := range res.Findings {
						if f.Code == tc.want && tc.want == slashCode {
							if !strings.Contains(f.Fix, endpoint) || !strings.Contains(f.Title, "Missing trailing slash") {
								t.Errorf("slash finding %q / %q", f.Title, f.Fix)
							}
							if debug && !strings.Contains(f.Detail, "RuntimeError") {
								t.Errorf("DEBUG detail %q", f.Detail)
							}
							if !debug && !strings.Contains(f.Detail, "301") {
								t.Errorf("redirect detail %q", f.Detail)
							}
						}
						if f.Code == diagnose.CodeCandidatesTried && f.Severity != diagnose.SeverityInfo {
							t.Errorf("candidates hint at %s", f.Severity)
						}
					}
				})
			}
		})
	}
}
