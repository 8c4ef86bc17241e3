//go:build unix

package probe_test

import (
	"context"
	"errors"
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
		out = probe.Response{Opaque: true, Headers: map[string]string{"x-response-type": "opaque"}}
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
	if len(res.Steps) != len(probe.CandidatePaths) {
		t.Errorf("%d steps", len(res.Steps))
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
