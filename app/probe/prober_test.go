package probe_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
)

func codesOf(fs []diagnose.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Code))
	}
	return out
}

func has(fs []diagnose.Finding, code diagnose.Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// scripted answers each request from a function: for the cases a browser
// produces and net/http cannot (CORS refusal, CSP).
type scripted struct {
	do func(probe.Request) (probe.Response, error)
}

func (s scripted) Origin() string { return "http://localhost:3000" }
func (s scripted) Do(_ context.Context, r probe.Request) (probe.Response, error) {
	return s.do(r)
}

func TestTransportFailures(t *testing.T) {
	tests := []struct {
		name string
		do   func(probe.Request) (probe.Response, error)
		page string
		url  string
		want diagnose.Code
	}{
		{"cors refused, server up", func(r probe.Request) (probe.Response, error) {
			if r.Mode == probe.ModeNoCORS {
				return probe.Response{Opaque: true}, nil
			}
			return probe.Response{}, probe.ErrNetwork
		}, "http://localhost:3000/", "http://127.0.0.1:8000", diagnose.CodeCORSBlocked},
		{"both fail", func(probe.Request) (probe.Response, error) { return probe.Response{}, probe.ErrNetwork }, "", "http://127.0.0.1:8000", diagnose.CodeUnreachable},
		{"csp", func(probe.Request) (probe.Response, error) {
			return probe.Response{}, &probe.CSPError{Directive: "connect-src", Blocked: "http://127.0.0.1:8000"}
		}, "", "http://127.0.0.1:8000", diagnose.CodeCSPBlocked},
		{"timeout", func(probe.Request) (probe.Response, error) { return probe.Response{}, probe.ErrTimeout }, "", "http://127.0.0.1:8000", diagnose.CodeTimeout},
		{"mixed content", nil, "https://tools.example/", "http://api.example:8000", diagnose.CodeMixedContent},
		{"https page, loopback backend is fine", func(probe.Request) (probe.Response, error) {
			return probe.Response{Status: 401, Body: `{"detail":"Token is invalid or expired","code":"token_not_valid"}`}, nil
		}, "https://tools.example/", "http://127.0.0.1:8000", diagnose.CodeProbeEndpointOK},
		{"not a URL", nil, "", "127.0.0.1:8000", diagnose.CodeInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := probe.Prober{Transport: scripted{do: tc.do}, PageURL: tc.page}
			res := p.SafeProbe(context.Background(), tc.url, probe.CandidatePaths)
			if !has(res.Findings, tc.want) {
				t.Fatalf("findings %v, want %s", codesOf(res.Findings), tc.want)
			}
			for _, f := range res.Findings {
				if f.Code == diagnose.CodeCORSBlocked {
					if !strings.Contains(f.Fix, `CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]`) {
						t.Errorf("fix %q", f.Fix)
					}
				}
			}
		})
	}
}

func TestClockSkew(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	p := probe.Prober{Now: func() time.Time { return now }, Transport: scripted{do: func(probe.Request) (probe.Response, error) {
		return probe.Response{Status: 401, Body: `{"detail":"x","code":"token_not_valid"}`, Headers: map[string]string{"date": now.Add(-40 * time.Second).Format(time.RFC1123)}}, nil
	}}}
	res := p.SafeProbe(context.Background(), "http://127.0.0.1:8000", probe.CandidatePaths[:1])
	if !has(res.Findings, diagnose.CodeClockSkew) {
		t.Errorf("findings %v", codesOf(res.Findings))
	}
}

// TestStepKeepsTheRedactedRequest: the step stores the request with the
// token already replaced, so nothing that renders it later needs the paste;
// only the step's own reveal shows the token, from memory.
func TestStepKeepsTheRedactedRequest(t *testing.T) {
	tok := "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln"
	var sentBody string
	p := probe.Prober{Transport: scripted{do: func(r probe.Request) (probe.Response, error) {
		sentBody = r.Body
		return probe.Response{Status: 200, Body: `{"access":"x.y.z"}`}, nil
	}}}
	res := p.Refresh(context.Background(), "http://127.0.0.1:8000/api/token/refresh/", tok, probe.Local{Index: -1})
	if !strings.Contains(sentBody, tok) {
		t.Fatalf("the transport was sent %q, not the token", sentBody)
	}
	step := res.Steps[0]
	if step.Origin != "http://localhost:3000" {
		t.Errorf("step origin %q", step.Origin)
	}
	stored := fmt.Sprintf("%+v", step.Request)
	if strings.Contains(stored, tok) || !strings.Contains(step.Request.Body, probe.Redacted) {
		t.Errorf("stored request carries the token: %s", stored)
	}
	for _, s := range []string{step.Curl(false), step.Fetch(false)} {
		if strings.Contains(s, tok) || !strings.Contains(s, probe.Redacted) {
			t.Errorf("snippet not redacted:\n%s", s)
		}
	}
	for _, s := range []string{step.Curl(true), step.Fetch(true)} {
		if !strings.Contains(s, tok) || strings.Contains(s, probe.Redacted) {
			t.Errorf("revealed snippet lacks the token:\n%s", s)
		}
	}
	if c := step.Curl(false); !strings.Contains(c, "-H 'Origin: http://localhost:3000'") || !strings.Contains(c, "-H 'Content-Type: application/json'") {
		t.Errorf("curl:\n%s", c)
	}
	if f := fmt.Sprintf("%+v", step.Finding); strings.Contains(f, tok) {
		t.Errorf("finding carries the token: %s", f)
	}
}

// TestProbeStepsHoldNothingToReveal: the side-effect-free probe sends no
// secret, so its steps have none to reveal.
func TestProbeStepsHoldNothingToReveal(t *testing.T) {
	p := probe.Prober{Transport: scripted{do: func(r probe.Request) (probe.Response, error) {
		return probe.Response{Status: 401, Body: `{"detail":"x","code":"token_not_valid"}`}, nil
	}}}
	res := p.SafeProbe(context.Background(), "http://127.0.0.1:8000", probe.CandidatePaths[:1])
	if s := res.Steps[0]; s.Revealable() || s.Curl(true) != s.Curl(false) || !strings.Contains(s.Curl(false), probe.InvalidToken) {
		t.Errorf("probe step:\n%s", s.Curl(true))
	}
}

func TestEvidenceNeverCarriesAFreshToken(t *testing.T) {
	resp := capturedResponses(t)["refresh_response_rotating"]
	out := probe.Classify(probe.PurposeRefresh, "http://x/api/token/refresh/", probe.Response{Status: 200, Body: resp.Body}, probe.Local{})
	var body struct{ Access, Refresh string }
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Finding.Evidence {
		for _, tok := range []string{body.Access, body.Refresh} {
			if sig := tok[strings.LastIndex(tok, ".")+1:]; strings.Contains(e.Value, sig) {
				t.Errorf("evidence %q carries a token signature", e.Name)
			}
		}
	}
}
