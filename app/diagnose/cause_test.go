package diagnose_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
)

// TestEveryCodeMapsToACause fails for a code added to Catalog without a
// cause, so an unmapped code cannot reach the verdict.
func TestEveryCodeMapsToACause(t *testing.T) {
	for _, c := range diagnose.Catalog {
		cause, ok := diagnose.CodeCause(c.Code)
		if !ok {
			t.Errorf("code %s has no cause: add it to codeCauses in app/diagnose/cause.go", c.Code)
			continue
		}
		if s := (diagnose.Verdict{Cause: cause, Severity: diagnose.SeverityError}).Sentence(); cause != diagnose.CauseNone && !strings.HasPrefix(s, "Cause: ") || len(s) < 40 {
			t.Errorf("cause %s has no sentence: %q", cause, s)
		}
		if !slices.Contains(diagnose.Causes, cause) {
			t.Errorf("code %s maps to %q, not one of %v", c.Code, cause, diagnose.Causes)
		}
	}
}

func TestCodeCauseTable(t *testing.T) {
	tests := []struct {
		code diagnose.Code
		want diagnose.Cause
	}{
		{diagnose.CodeEndpointNotFound, diagnose.CauseEndpointMismatch},
		{diagnose.CodeMethodNotAllowed, diagnose.CauseEndpointMismatch},
		{diagnose.CodeRedirected, diagnose.CauseEndpointMismatch},
		{diagnose.CodeBlacklisted, diagnose.CauseInvalidRefreshToken},
		{diagnose.CodeTokenInvalid, diagnose.CauseInvalidRefreshToken},
		{diagnose.CodeWrongTokenType, diagnose.CauseOther},
		{diagnose.CodeRefreshMissing, diagnose.CauseInvalidRefreshToken},
		{diagnose.CodeBadRequest, diagnose.CauseRefreshRequestFormat},
		{diagnose.CodeUnsupportedMedia, diagnose.CauseRefreshRequestFormat},
		{diagnose.CodeCORSBlocked, diagnose.CauseCORSOrNetwork},
		{diagnose.CodeUnreachable, diagnose.CauseCORSOrNetwork},
		{diagnose.CodeMixedContent, diagnose.CauseCORSOrNetwork},
		{diagnose.CodeCSPBlocked, diagnose.CauseCORSOrNetwork},
		{diagnose.CodeTimeout, diagnose.CauseCORSOrNetwork},
		{diagnose.CodeSecretMismatch, diagnose.CauseSessionSecret},
		{diagnose.CodeSaltMismatch, diagnose.CauseSessionSecret},
		{diagnose.CodeStaleChunks, diagnose.CauseSessionSecret},
		{diagnose.CodeNoToken, diagnose.CauseOther},
		{diagnose.CodeTimeValid, diagnose.CauseNone},
	}
	for _, tc := range tests {
		if got, _ := diagnose.CodeCause(tc.code); got != tc.want {
			t.Errorf("%s: cause %s, want %s", tc.code, got, tc.want)
		}
	}
}

func TestVerdictOverRealTokens(t *testing.T) {
	vf := loadVectors(t)
	sv := loadSessionVectors(t)
	access := vf.Get(t, "access_valid").Token
	tests := []struct {
		name     string
		input    string
		opts     diagnose.Options
		cause    diagnose.Cause
		leadCode diagnose.Code
	}{
		{"healthy access token", access, diagnose.Options{}, diagnose.CauseNone, ""},
		{"healthy refresh token", vf.Get(t, "refresh_valid").Token, diagnose.Options{}, diagnose.CauseNone, ""},
		{"access stored as refresh", `{"backendRefresh":"` + vf.Get(t, "access_as_refresh").Token + `"}`, diagnose.Options{}, diagnose.CauseInvalidRefreshToken, diagnose.CodeWrongTokenType},
		{"expired refresh token", `{"refresh":"` + vf.Get(t, "refresh_expired").Token + `"}`, diagnose.Options{}, diagnose.CauseInvalidRefreshToken, diagnose.CodeExpired},
		// Swapped: the refresh field's problem leads, whatever the order.
		{"swapped pair", `{"backendAccess":"` + vf.Get(t, "refresh_valid").Token + `","backendRefresh":"` + vf.Get(t, "access_as_refresh").Token + `"}`, diagnose.Options{}, diagnose.CauseInvalidRefreshToken, diagnose.CodeWrongTokenType},
		{"refresh token stored as access", `{"accessToken":"` + vf.Get(t, "refresh_valid").Token + `"}`, diagnose.Options{}, diagnose.CauseOther, diagnose.CodeWrongTokenType},
		{"expired access token alone", vf.Get(t, "access_expired").Token, diagnose.Options{}, diagnose.CauseOther, diagnose.CodeExpired},
		// Refresh token over access token: both expired, the refresh one leads.
		{"expired pair", `{"access":"` + vf.Get(t, "access_expired").Token + `","refresh":"` + vf.Get(t, "refresh_expired").Token + `"}`, diagnose.Options{}, diagnose.CauseInvalidRefreshToken, diagnose.CodeExpired},
		{"login without refresh", `{"access":"` + access + `"}`, diagnose.Options{}, diagnose.CauseLoginMissingRefresh, diagnose.CodeRefreshMissing},
		{"dj-rest-auth httponly login", `{"access":"` + access + `","refresh":"","user":{"pk":1}}`, diagnose.Options{}, diagnose.CauseLoginMissingRefresh, diagnose.CodeRefreshMissing},
		{"session with null refresh", `{"user":{"name":"a"},"expires":"2026-12-01T00:00:00Z","backendAccess":"x","backendRefresh":null}`, diagnose.Options{}, diagnose.CauseInvalidRefreshToken, diagnose.CodeRefreshMissing},
		{"v4 cookie, wrong secret", "Cookie: " + sv.Get(t, "v4_valid").CookieHeader, diagnose.Options{Now: time.Unix(sv.GeneratedAt, 0), SecretText: sv.Secrets["other"]}, diagnose.CauseSessionSecret, diagnose.CodeSecretMismatch},
		{"nothing to read", "hello", diagnose.Options{}, diagnose.CauseOther, diagnose.CodeNoToken},
		{"empty", "", diagnose.Options{}, diagnose.CauseNone, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.Now.IsZero() {
				tc.opts.Now = vf.Now()
			}
			r := diagnose.Run(tc.input, tc.opts)
			v := r.Verdict()
			if v.Cause != tc.cause {
				t.Errorf("cause %s, want %s (findings %v)", v.Cause, tc.cause, codes(r))
			}
			lead := diagnose.Code("")
			if v.Lead >= 0 {
				lead = r.Findings[v.Lead].Code
			}
			if lead != tc.leadCode {
				t.Errorf("lead %q, want %q (findings %v)", lead, tc.leadCode, codes(r))
			}
			if s := v.Sentence(); s == "" || strings.HasSuffix(s, ": ") {
				t.Errorf("no sentence for %s: %q", v.Cause, s)
			}
		})
	}
}

// TestVerdictPriority pins the order among findings of one severity: what
// the backend answered beats the session, which beats the refresh token,
// which beats the rest.
func TestVerdictPriority(t *testing.T) {
	vf := loadVectors(t)
	base := diagnose.Run(`{"access":"`+vf.Get(t, "access_expired").Token+`"}`, diagnose.Options{Now: vf.Now()})
	probe := func(code diagnose.Code) diagnose.Finding {
		return diagnose.Finding{Code: code, Severity: diagnose.SeverityError, Token: -1}
	}
	tests := []struct {
		name  string
		add   []diagnose.Finding
		cause diagnose.Cause
		lead  diagnose.Code
	}{
		{"static only: the expired access token (error) beats the login without refresh (warn)", nil, diagnose.CauseOther, diagnose.CodeExpired},
		{"a probe answer beats a static error", []diagnose.Finding{probe(diagnose.CodeCORSBlocked)}, diagnose.CauseCORSOrNetwork, diagnose.CodeCORSBlocked},
		{"a probe 404 beats a static error", []diagnose.Finding{probe(diagnose.CodeEndpointNotFound)}, diagnose.CauseEndpointMismatch, diagnose.CodeEndpointNotFound},
		{"the session secret beats the rest", []diagnose.Finding{probe(diagnose.CodeSecretMismatch)}, diagnose.CauseSessionSecret, diagnose.CodeSecretMismatch},
		{"an error beats a probe warning", []diagnose.Finding{{Code: diagnose.CodeProbeRotated, Severity: diagnose.SeverityWarn, Token: -1}}, diagnose.CauseOther, diagnose.CodeExpired},
		{"an ok probe changes nothing", []diagnose.Finding{{Code: diagnose.CodeProbeRefreshOK, Severity: diagnose.SeverityOK, Token: -1}}, diagnose.CauseOther, diagnose.CodeExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			r.Findings = slices.Clone(base.Findings)
			r.AddFindings(tc.add...)
			v := r.Verdict()
			if v.Cause != tc.cause || r.Findings[v.Lead].Code != tc.lead {
				t.Errorf("verdict %s / %s, want %s / %s (findings %v)", v.Cause, r.Findings[v.Lead].Code, tc.cause, tc.lead, codes(r))
			}
		})
	}
}

// TestVerdictPrefersTheRefreshField: with both tokens swapped, both
// findings are simplejwt.wrong_token_type errors; the one about the refresh
// field leads, though the access field's comes first in the report.
func TestVerdictPrefersTheRefreshField(t *testing.T) {
	vf := loadVectors(t)
	r := diagnose.Run(`{"backendAccess":"`+vf.Get(t, "refresh_valid").Token+`","backendRefresh":"`+vf.Get(t, "access_as_refresh").Token+`"}`, diagnose.Options{Now: vf.Now()})
	v := r.Verdict()
	if v.Lead < 0 || !strings.Contains(r.Findings[v.Lead].Title, "backendRefresh") {
		t.Fatalf("lead %d, findings %v", v.Lead, codes(r))
	}
	if first := r.Findings[0]; !strings.Contains(first.Title, "backendAccess") {
		t.Errorf("the test no longer puts the access field's finding first: %q", first.Title)
	}
}
