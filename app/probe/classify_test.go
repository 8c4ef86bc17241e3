package probe_test

import (
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/internal/testvectors"
)

// capturedResponses are status and body pairs a real Django 3.2 + DRF +
// SimpleJWT 5.2.2 server gave (app/token/testdata/simplejwt/mint.py).
func capturedResponses(t *testing.T) map[string]testvectors.Simple {
	t.Helper()
	out := map[string]testvectors.Simple{}
	for _, v := range testvectors.LoadSimpleJWT(t).Vectors {
		if v.Kind != "token" {
			out[v.Name] = v
		}
	}
	return out
}

func TestClassifyCapturedResponses(t *testing.T) {
	resp := capturedResponses(t)
	live := probe.Local{Known: true, Expired: false, Exp: time.Now().Add(time.Hour), Index: 0}
	dead := probe.Local{Known: true, Expired: true, Exp: time.Now().Add(-time.Hour), Index: 0}
	tests := []struct {
		vector  string
		purpose probe.Purpose
		local   probe.Local
		want    diagnose.Code
		works   bool
	}{
		{"error_response_garbage", probe.PurposeProbe, probe.Local{}, diagnose.CodeProbeEndpointOK, true},
		{"error_response_garbage", probe.PurposeRefresh, live, diagnose.CodeTokenInvalid, true},
		{"error_response_refresh_expired", probe.PurposeRefresh, dead, diagnose.CodeTokenInvalid, true},
		{"error_response_refresh_wrong_key", probe.PurposeRefresh, live, diagnose.CodeTokenInvalid, true},
		{"error_response_refresh_hs512", probe.PurposeRefresh, live, diagnose.CodeTokenInvalid, true},
		{"error_response_refresh_no_type", probe.PurposeRefresh, live, diagnose.CodeTokenInvalid, true},
		{"error_response_refresh_no_exp", probe.PurposeRefresh, live, diagnose.CodeTokenInvalid, true},
		{"error_response_wrong_type", probe.PurposeRefresh, live, diagnose.CodeWrongTokenType, true},
		{"error_response_access_as_refresh", probe.PurposeRefresh, live, diagnose.CodeWrongTokenType, true},
		{"error_response_blacklisted", probe.PurposeRefresh, live, diagnose.CodeBlacklisted, true},
		{"error_response_missing_field", probe.PurposeProbe, probe.Local{}, diagnose.CodeBadRequest, false},
		{"error_response_blank_field", probe.PurposeRefresh, live, diagnose.CodeBadRequest, false},
		{"error_response_null_field", probe.PurposeRefresh, live, diagnose.CodeBadRequest, false},
		{"error_response_verify_blacklisted", probe.PurposeRefresh, live, diagnose.CodeBadRequest, false},
		{"error_response_wrong_content_type", probe.PurposeProbe, probe.Local{}, diagnose.CodeUnsupportedMedia, false},
		{"error_response_wrong_path", probe.PurposeProbe, probe.Local{}, diagnose.CodeEndpointNotFound, false},
		{"error_response_wrong_path_debug", probe.PurposeProbe, probe.Local{}, diagnose.CodeEndpointNotFound, false},
		{"error_response_no_trailing_slash", probe.PurposeProbe, probe.Local{}, diagnose.CodeRedirected, false},
		{"error_response_no_trailing_slash_debug", probe.PurposeProbe, probe.Local{}, diagnose.CodeServerError, false},
		{"error_response_wrong_method", probe.PurposeProbe, probe.Local{}, diagnose.CodeMethodNotAllowed, false},
		{"error_response_login_inactive", probe.PurposeRefresh, live, diagnose.CodeNoActiveAccount, true},
		{"refresh_response", probe.PurposeRefresh, live, diagnose.CodeProbeRefreshOK, true},
		{"refresh_response_rotating", probe.PurposeRefresh, live, diagnose.CodeProbeRotated, true},
		{"refresh_response_rotating_blacklist", probe.PurposeRefresh, live, diagnose.CodeProbeRotated, true},
	}
	for _, tc := range tests {
		t.Run(tc.vector+"/"+string(tc.purpose), func(t *testing.T) {
			v, ok := resp[tc.vector]
			if !ok {
				t.Fatalf("no captured response %s", tc.vector)
			}
			out := probe.Classify(tc.purpose, "http://127.0.0.1:8000/api/token/refresh/", probe.Response{Status: v.Status, Body: v.Body, Headers: map[string]string{}}, tc.local)
			if out.Finding.Code != tc.want || out.EndpointWorks != tc.works {
				t.Errorf("got %s works=%v (%s), want %s works=%v", out.Finding.Code, out.EndpointWorks, out.Finding.Title, tc.want, tc.works)
			}
			if !diagnose.Known(out.Finding.Code) {
				t.Errorf("code %s not in the catalog", out.Finding.Code)
			}
		})
	}
}

// TestBothSimpleJWTWordings covers 5.2.2's single "Token is invalid or
// expired" and the split wordings of 5.5+, with the local exp deciding.
func TestBothSimpleJWTWordings(t *testing.T) {
	live := probe.Local{Known: true, Exp: time.Now().Add(time.Hour)}
	dead := probe.Local{Known: true, Expired: true, Exp: time.Now().Add(-time.Hour)}
	tests := []struct {
		name  string
		body  string
		local probe.Local
		code  diagnose.Code
		title string
	}{
		{"5.2.2 expired", `{"detail":"Token is invalid or expired","code":"token_not_valid"}`, dead, diagnose.CodeTokenInvalid, "Refresh token expired"},
		{"5.2.2 bad signature", `{"detail":"Token is invalid or expired","code":"token_not_valid"}`, live, diagnose.CodeTokenInvalid, "SIGNING_KEY / ALGORITHM mismatch"},
		{"5.5 expired", `{"detail":"Token is expired","code":"token_not_valid"}`, live, diagnose.CodeTokenInvalid, "Refresh token expired"},
		{"5.5 invalid", `{"detail":"Token is invalid","code":"token_not_valid"}`, live, diagnose.CodeTokenInvalid, "SimpleJWT refused"},
		{"5.5 blacklisted", `{"detail":"Token is blacklisted","code":"token_not_valid"}`, live, diagnose.CodeBlacklisted, "blacklisted"},
		{"5.5 wrong type", `{"detail":"Token has wrong type","code":"token_not_valid"}`, live, diagnose.CodeWrongTokenType, "wrong type"},
		{"5.4 inactive", `{"detail":"No active account found for the given token.","code":"no_active_account"}`, live, diagnose.CodeNoActiveAccount, "inactive"},
		{"dj-rest-auth httponly", `{"detail":"No valid refresh token found.","code":"token_not_valid"}`, live, diagnose.CodeRefreshMissing, "dj-rest-auth"},
		{"auth middleware", `{"detail":"Authentication credentials were not provided."}`, live, diagnose.CodeUnexpectedResponse, "401 without"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := probe.Classify(probe.PurposeRefresh, "http://x/api/token/refresh/", probe.Response{Status: 401, Body: tc.body}, tc.local)
			if out.Finding.Code != tc.code {
				t.Fatalf("code %s, want %s", out.Finding.Code, tc.code)
			}
			if !strings.Contains(out.Finding.Title, tc.title) {
				t.Errorf("title %q lacks %q", out.Finding.Title, tc.title)
			}
		})
	}
}
