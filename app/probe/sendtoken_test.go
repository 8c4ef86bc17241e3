package probe_test

import (
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
)

func jwtWith(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + "." + enc([]byte("not-a-real-signature-0123456789"))
}

// TestRefreshToSend: which token the real refresh sends, and "expired"
// judged with the report's leeway, the same rule as jwt.expired.
func TestRefreshToSend(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	refresh := func(exp time.Time, jti string) string {
		return jwtWith(fmt.Sprintf(`{"token_type":"refresh","exp":%d,"jti":%q,"user_id":1}`, exp.Unix(), jti))
	}
	access := jwtWith(fmt.Sprintf(`{"token_type":"access","exp":%d,"jti":"a","user_id":1}`, now.Add(time.Hour).Unix()))
	expiredBy10s := refresh(now.Add(-10*time.Second), "r10")
	tests := []struct {
		name    string
		paste   string
		leeway  time.Duration
		want    string // the raw token chosen; "" for none
		expired bool
	}{
		{"token_type refresh wins over the name", `{"backendAccess":"` + access + `","other":"` + refresh(now.Add(time.Hour), "r1") + `"}`, 0, refresh(now.Add(time.Hour), "r1"), false},
		{"a refresh name when no token_type says refresh", `{"refresh_token":"` + access + `"}`, 0, access, false},
		{"access only, unnamed: nothing to send", access, 0, "", false},
		{"expired 10 s ago, no leeway", expiredBy10s, 0, expiredBy10s, true},
		{"expired 10 s ago, within a 30 s leeway", expiredBy10s, 30 * time.Second, expiredBy10s, false},
		{"exp exactly now is expired", refresh(now, "r0"), 0, refresh(now, "r0"), true},
		{"malformed refresh skipped", `{"refresh":"eyJhbGciOiJIUzI1NiJ9.!!!.x"}`, 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := diagnose.Run(tc.paste, diagnose.Options{Now: now, Leeway: tc.leeway})
			tr, local, ok := probe.RefreshToSend(rep, now)
			if ok != (tc.want != "") || (ok && tr.Raw != tc.want) {
				t.Fatalf("chose %q (ok %v), want %q", tr.Raw, ok, tc.want)
			}
			if !ok {
				return
			}
			if local.Expired != tc.expired || local.Index != tr.Index || !local.Known {
				t.Errorf("local %+v", local)
			}
			// The page's jwt.expired and the probe's "expired" agree.
			if diag := hasToken(rep.Findings, diagnose.CodeExpired, tr.Index); diag != local.Expired {
				t.Errorf("jwt.expired %v, probe expired %v", diag, local.Expired)
			}
		})
	}
}

func hasToken(fs []diagnose.Finding, code diagnose.Code, tok int) bool {
	for _, f := range fs {
		if f.Code == code && f.Token == tok {
			return true
		}
	}
	return false
}
