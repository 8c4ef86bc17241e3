//go:build unix

package backend_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"tokenscope/e2e/backend"
)

type errorBody struct {
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// mustTokenError checks a SimpleJWT token error: 401 with
// {"detail": ..., "code": "token_not_valid"}; it returns the detail.
func mustTokenError(t *testing.T, err error, raw []byte) string {
	t.Helper()
	if !backend.IsStatus(err, http.StatusUnauthorized) {
		t.Fatalf("want 401, got err=%v body=%s", err, raw)
	}
	var body errorBody
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("401 body is not JSON: %v: %s", err, raw)
	}
	if body.Code != "token_not_valid" || body.Detail == "" {
		t.Fatalf("401 body = %s, want detail and code token_not_valid", raw)
	}
	return body.Detail
}

func isJWT(s string) bool { return strings.Count(s, ".") == 2 && len(s) > 20 }

func TestLoginRefreshAndGarbage(t *testing.T) {
	t.Parallel()
	s := backend.Start(t, backend.Config{})

	access, refresh, raw, err := s.Login(backend.User, backend.Password)
	if err != nil || !isJWT(access) || !isJWT(refresh) {
		t.Fatalf("login: err=%v body=%s", err, raw)
	}
	newAccess, newRefresh, raw, err := s.Refresh(refresh)
	if err != nil || !isJWT(newAccess) || newRefresh != "" {
		t.Fatalf("refresh without rotation: err=%v body=%s", err, raw)
	}
	_, _, raw, err = s.Refresh("garbage")
	t.Logf("garbage token: %s", raw)
	mustTokenError(t, err, raw)
}

func TestRotationWithBlacklist(t *testing.T) {
	t.Parallel()
	s := backend.Start(t, backend.Config{Rotate: true, Blacklist: true})

	_, refresh, raw, err := s.Login(backend.User, backend.Password)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	_, rotated, raw, err := s.Refresh(refresh)
	if err != nil || !isJWT(rotated) || rotated == refresh {
		t.Fatalf("rotating refresh: err=%v body=%s", err, raw)
	}
	_, _, raw, err = s.Refresh(refresh)
	if got := mustTokenError(t, err, raw); got != "Token is blacklisted" {
		t.Errorf("reused refresh detail = %q, want %q", got, "Token is blacklisted")
	}
}

func TestInactiveUserCannotLogin(t *testing.T) {
	t.Parallel()
	s := backend.Start(t, backend.Config{})
	_, _, raw, err := s.Login(backend.InactiveUser, backend.InactivePassword)
	if !backend.IsStatus(err, http.StatusUnauthorized) {
		t.Fatalf("inactive login: err=%v body=%s", err, raw)
	}
}

func TestShortRefreshLifetimeExpires(t *testing.T) {
	t.Parallel()
	s := backend.Start(t, backend.Config{RefreshLifetime: 1500 * time.Millisecond})
	_, refresh, _, err := s.Login(backend.User, backend.Password)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	time.Sleep(2 * time.Second)
	_, _, raw, err := s.Refresh(refresh)
	mustTokenError(t, err, raw)
}

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	const allowed = "http://localhost:3000"
	s := backend.Start(t, backend.Config{CORSAllowedOrigins: []string{allowed}})

	for origin, want := range map[string]string{allowed: allowed, "http://evil.test": ""} {
		req, _ := http.NewRequest(http.MethodOptions, s.URL+"/api/token/refresh/", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); resp.StatusCode != 200 || got != want {
			t.Errorf("preflight from %s: status %d, ACAO %q; want 200, %q", origin, resp.StatusCode, got, want)
		}
	}
}

func TestStopTakesTheServerDown(t *testing.T) {
	t.Parallel()
	s := backend.Start(t, backend.Config{})
	resp, err := http.Get(s.URL + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	s.Stop()
	s.Stop() // idempotent
	if resp, err := http.Get(s.URL + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("request succeeded after Stop")
	}
}

func TestMissingPackagesNameTheInstallCommand(t *testing.T) {
	t.Parallel()
	err := backend.ImportCheck(backend.Python, []string{"tokenscope_no_such_module"})
	if err == nil || !strings.Contains(err.Error(), backend.InstallCommand) {
		t.Fatalf("err = %v, want it to contain %q", err, backend.InstallCommand)
	}
}
