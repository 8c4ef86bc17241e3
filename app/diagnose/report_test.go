package diagnose_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
)

func codes(r diagnose.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, string(f.Code)+":"+string(f.Severity))
	}
	return out
}

// assertCodes checks that every want ("code:severity") is in the report and
// no absent code is.
func assertCodes(t *testing.T, r diagnose.Report, want, absent []string) {
	t.Helper()
	got := codes(r)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %s in %v", w, got)
		}
	}
	for _, a := range absent {
		if r.Has(diagnose.Code(a)) {
			t.Errorf("unexpected %s in %v", a, got)
		}
	}
}

func TestRunOverRealTokens(t *testing.T) {
	vf := loadVectors(t)
	wrap := func(field, tok string) string { return `{"` + field + `":"` + tok + `"}` }
	tests := []struct {
		name   string
		input  string
		want   []string // code:severity that must appear
		absent []string // codes that must not appear
	}{
		{"valid refresh", vf.Get(t, "refresh_valid").Token, []string{"jwt.time_valid:ok", "simplejwt.token:info"}, []string{"jwt.expired"}},
		{"valid access", vf.Get(t, "access_valid").Token, []string{"jwt.time_valid:ok", "simplejwt.token:info"}, nil},
		{"expired access", vf.Get(t, "access_expired").Token, []string{"jwt.expired:error"}, []string{"jwt.time_valid"}},
		{"expired refresh", vf.Get(t, "refresh_expired").Token, []string{"jwt.expired:error"}, nil},
		{"iat in the future", vf.Get(t, "refresh_future_iat").Token, []string{"jwt.issued_in_future:warn"}, nil},
		{"no exp", vf.Get(t, "refresh_no_exp").Token, []string{"jwt.no_expiry:warn"}, []string{"jwt.time_valid"}},
		{"no token_type under refresh name", wrap("backendRefresh", vf.Get(t, "refresh_no_type").Token), []string{"simplejwt.missing_claim:warn"}, nil},
		{"access stored as refresh", wrap("backendRefresh", vf.Get(t, "access_as_refresh").Token), []string{"simplejwt.wrong_token_type:error"}, nil},
		{"refresh stored as access", wrap("accessToken", vf.Get(t, "refresh_valid").Token), []string{"simplejwt.wrong_token_type:error"}, nil},
		{"correct names", `{"backendAccess":"` + vf.Get(t, "access_valid").Token + `","backendRefresh":"` + vf.Get(t, "refresh_valid").Token + `"}`, nil, []string{"simplejwt.wrong_token_type", "session.refresh_missing"}},
		{"login response", vf.Get(t, "login_response").Body, []string{"jwt.time_valid:ok"}, []string{"session.refresh_missing", "simplejwt.wrong_token_type"}},
		{"refresh response without rotation", vf.Get(t, "refresh_response").Body, []string{"session.refresh_missing:warn"}, nil},
		{"rotating refresh response", vf.Get(t, "refresh_response_rotating").Body, nil, []string{"session.refresh_missing"}},
		{"dj-rest-auth httponly login", `{"access":"` + vf.Get(t, "access_valid").Token + `","refresh":"","user":{"pk":1}}`, []string{"session.refresh_missing:error"}, nil},
		{"session with null refresh", `{"user":{"name":"a"},"expires":"2026-12-01T00:00:00Z","backendAccess":"x","backendRefresh":null}`, []string{"session.refresh_missing:error"}, []string{"input.no_token"}},
		{"session exposing access only", `{"user":{"name":"a"},"expires":"2026-12-01T00:00:00Z","accessToken":"` + vf.Get(t, "access_valid").Token + `"}`, []string{"session.refresh_missing:warn"}, nil},
		{"session error marker", `{"user":{"name":"a"},"expires":"2026-12-01T00:00:00Z","error":"RefreshAccessTokenError"}`, []string{"session.error:error"}, nil},
		{"signed out v4", `{}`, []string{"session.signed_out:info"}, []string{"input.no_token"}},
		{"signed out Auth.js", `null`, []string{"session.signed_out:info"}, nil},
		{"no token", "hello, this is not a token", []string{"input.no_token:warn"}, nil},
		{"empty", "   ", nil, []string{"input.no_token"}},
		{"quoted token", `"` + vf.Get(t, "access_valid").Token + `"`, []string{"input.repaired:info"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := diagnose.Run(tc.input, diagnose.Options{Now: vf.Now()})
			assertCodes(t, r, tc.want, tc.absent)
		})
	}
}

func TestMalformedFindingNamesTheSegment(t *testing.T) {
	vf := loadVectors(t)
	parts := strings.Split(vf.Get(t, "refresh_valid").Token, ".")
	broken := parts[0] + "." + parts[1][:20] + "*" + parts[1][21:] + "." + parts[2]
	r := diagnose.Run(broken, diagnose.Options{Now: vf.Now()})
	if len(r.Findings) == 0 || r.Findings[0].Code != diagnose.CodeMalformed {
		t.Fatalf("findings %v", codes(r))
	}
	f := r.Findings[0]
	if !strings.Contains(f.Title, "payload segment") || !strings.Contains(f.Title, "offset 20") {
		t.Errorf("title %q", f.Title)
	}
	if !hasEvidence(f, "segment", "payload") || !hasEvidence(f, "offset", "20") || !hasEvidence(f, "character", `"*"`) {
		t.Errorf("evidence %v", f.Evidence)
	}
}

func hasEvidence(f diagnose.Finding, name, value string) bool {
	for _, e := range f.Evidence {
		if e.Name == name && e.Value == value {
			return true
		}
	}
	return false
}

func TestLeewayAndNextAuthTolerance(t *testing.T) {
	vf := loadVectors(t)
	tok := vf.Get(t, "access_valid").Token
	exp := time.Unix(1795706467, 0) // the vector's exp
	tests := []struct {
		name    string
		now     time.Time
		leeway  time.Duration
		expired bool
		note    bool
	}{
		{"one second before exp", exp.Add(-time.Second), 0, false, false},
		{"at exp is expired (exp <= now)", exp, 0, true, true},
		{"10 s after, leeway 0: NextAuth would accept", exp.Add(10 * time.Second), 0, true, true},
		{"10 s after, leeway 15 s", exp.Add(10 * time.Second), 15 * time.Second, false, false},
		{"20 s after, leeway 30 s: NextAuth would refuse", exp.Add(20 * time.Second), 30 * time.Second, false, false},
		{"1 h after", exp.Add(time.Hour), 0, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := diagnose.Run(tok, diagnose.Options{Now: tc.now, Leeway: tc.leeway})
			if r.Has(diagnose.CodeExpired) != tc.expired {
				t.Fatalf("expired=%v, findings %v", !tc.expired, codes(r))
			}
			if tc.expired {
				f := r.Findings[0]
				_, hasNote := evidence(f, "NextAuth 15 s tolerance")
				if hasNote != tc.note {
					t.Errorf("tolerance note %v, want %v: %v", hasNote, tc.note, f.Evidence)
				}
			}
		})
	}
}

func evidence(f diagnose.Finding, name string) (string, bool) {
	for _, e := range f.Evidence {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

func TestExpiresSoon(t *testing.T) {
	vf := loadVectors(t)
	r := diagnose.Run(vf.Get(t, "access_valid").Token, diagnose.Options{Now: time.Unix(1795706467-30, 0)})
	if !r.Has(diagnose.CodeExpiresSoon) || r.Has(diagnose.CodeTimeValid) {
		t.Errorf("findings %v", codes(r))
	}
}

func TestAlgNone(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	r := diagnose.Run(enc([]byte(`{"alg":"none","typ":"JWT"}`))+"."+enc([]byte(`{"sub":"1","exp":9999999999}`))+".", diagnose.Options{Now: time.Unix(0, 0)})
	if len(r.Findings) == 0 || r.Findings[0].Code != diagnose.CodeAlgNone {
		t.Errorf("findings %v", codes(r))
	}
}

func TestChunkedCookieFindings(t *testing.T) {
	sv := loadSessionVectors(t)
	now := time.Unix(sv.GeneratedAt, 0)
	for _, name := range []string{"v4_chunked", "authjs_chunked"} {
		r := diagnose.Run("Cookie: "+sv.Get(t, name).CookieHeader, diagnose.Options{Now: now})
		if !r.Has(diagnose.CodeChunksJoined) || r.Has(diagnose.CodeStaleChunks) || r.Has(diagnose.CodeMalformed) {
			t.Errorf("%s: %v", name, codes(r))
		}
	}
	for _, name := range []string{"v4_stale_chunks", "v4_missing_chunk", "v4_stale_extra_chunk", "authjs_stale_chunks"} {
		r := diagnose.Run("Cookie: "+sv.Get(t, name).CookieHeader, diagnose.Options{Now: now})
		if !r.Has(diagnose.CodeStaleChunks) {
			t.Errorf("%s: %v", name, codes(r))
		}
	}
}

func TestFindingsSortedWorstFirst(t *testing.T) {
	vf := loadVectors(t)
	in := vf.Get(t, "refresh_valid").Token + "\n" + vf.Get(t, "access_expired").Token
	r := diagnose.Run(in, diagnose.Options{Now: vf.Now()})
	for i := 1; i < len(r.Findings); i++ {
		if r.Findings[i-1].Severity.Rank() > r.Findings[i].Severity.Rank() {
			t.Fatalf("not sorted: %v", codes(r))
		}
	}
	if r.Worst() != diagnose.SeverityError {
		t.Errorf("worst %s", r.Worst())
	}
}

func TestNestedTokensInJWSPayload(t *testing.T) {
	vf := loadVectors(t)
	enc := base64.RawURLEncoding.EncodeToString
	payload := `{"name":"a","backendAccess":"` + vf.Get(t, "access_valid").Token + `","backendRefresh":"` + vf.Get(t, "access_as_refresh").Token + `","exp":1895706169}`
	outer := enc([]byte(`{"alg":"HS256"}`)) + "." + enc([]byte(payload)) + ".c2ln"
	r := diagnose.Run(outer, diagnose.Options{Now: vf.Now()})
	if len(r.Tokens) != 3 || r.Tokens[1].Parent != 0 || r.Tokens[2].Source.Name != "backendRefresh" {
		t.Fatalf("tokens: %+v", r.Tokens)
	}
	if !r.Has(diagnose.CodeWrongTokenType) {
		t.Errorf("nested wrong type not judged: %v", codes(r))
	}
}

func TestEveryEmittedCodeIsCatalogued(t *testing.T) {
	vf := loadVectors(t)
	for _, v := range vf.Vectors {
		for _, in := range []string{v.Token, v.Body} {
			for _, f := range diagnose.Run(in, diagnose.Options{Now: vf.Now()}).Findings {
				if !diagnose.Known(f.Code) {
					t.Errorf("%s: code %s is not in the catalog", v.Name, f.Code)
				}
			}
		}
	}
}
