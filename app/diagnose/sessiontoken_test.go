package diagnose_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"tokenscope/app/diagnose"
)

// TestSessionVectors runs every session token the real next-auth and
// @auth/core minted through the analysis, as a user pasting the Cookie
// header and typing secrets would.
func TestSessionVectors(t *testing.T) {
	sv := loadSessionVectors(t)
	main, other, old := sv.Secrets["main"], sv.Secrets["other"], sv.Secrets["rotated_old"]
	tests := []struct {
		vector  string
		secrets []string
		want    []string
		absent  []string
	}{
		{"v4_valid", []string{main}, []string{"nextauth.decrypted:info", "session.refresh_expires_first:warn", "simplejwt.token:info"}, []string{"nextauth.secret_mismatch", "session.refresh_missing"}},
		{"v4_valid", nil, []string{"jwt.encrypted:info"}, []string{"nextauth.decrypted"}},
		{"v4_valid", []string{other}, []string{"nextauth.secret_mismatch:error"}, []string{"nextauth.decrypted"}},
		{"v4_secure_cookie", []string{main}, []string{"nextauth.decrypted:info"}, []string{"authjs.salt_mismatch"}},
		{"v4_expired", []string{main}, []string{"nextauth.decrypted:info", "jwt.expired:error"}, nil},
		{"v4_wrong_secret", []string{main}, []string{"nextauth.secret_mismatch:error"}, nil},
		{"v4_chunked", []string{main}, []string{"nextauth.decrypted:info", "cookie.chunks_joined:info", "nextauth.cookie_too_large:warn"}, []string{"nextauth.stale_chunks"}},
		{"v4_no_backend_refresh", []string{main}, []string{"session.refresh_missing:error"}, nil},
		{"v4_access_as_refresh", []string{main}, []string{"simplejwt.wrong_token_type:error"}, nil},
		{"v4_refresh_expired_first", []string{main}, []string{"session.refresh_expires_first:error", "jwt.expired:error"}, nil},
		{"v4_refresh_error", []string{main}, []string{"session.error:error"}, nil},
		// The chunks alone decrypt: the page shows that content beside the
		// verdict that the stale cookie corrupts what NextAuth reads.
		{"v4_stale_chunks", []string{main}, []string{"nextauth.stale_chunks:error", "nextauth.decrypted:info"}, nil},
		{"v4_missing_chunk", []string{main}, []string{"nextauth.stale_chunks:error"}, []string{"nextauth.decrypted"}},
		{"v4_stale_extra_chunk", []string{main}, []string{"nextauth.stale_chunks:error"}, []string{"nextauth.decrypted"}},
		{"authjs_valid", []string{other, main}, []string{"nextauth.decrypted:info"}, []string{"nextauth.secret_mismatch"}},
		{"authjs_secure", []string{main}, []string{"nextauth.decrypted:info"}, []string{"authjs.salt_mismatch"}},
		{"authjs_rotated", []string{main, old}, []string{"nextauth.decrypted:info"}, nil},
		{"authjs_chunked", []string{main}, []string{"nextauth.decrypted:info", "cookie.chunks_joined:info"}, nil},
		{"authjs_wrong_secret", []string{main}, []string{"nextauth.secret_mismatch:error"}, nil},
		{"authjs_no_backend_refresh", []string{main}, []string{"session.refresh_missing:error"}, nil},
		{"authjs_stale_chunks", []string{main}, []string{"nextauth.stale_chunks:error"}, nil},
		{"authjs_legacy_0_18_0", []string{main}, []string{"nextauth.decrypted:info"}, nil},
		{"authjs_legacy_0_20_0", []string{main}, []string{"nextauth.decrypted:info"}, nil},
		{"authjs_legacy_0_23_0", []string{main}, []string{"nextauth.decrypted:info"}, nil},
		{"jws_custom_encoder", []string{main}, []string{"nextauth.signed_session:info", "jwt.signature_valid:ok"}, nil},
		{"jws_custom_encoder", []string{other}, []string{"jwt.signature_invalid:error"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.vector, func(t *testing.T) {
			v := sv.Get(t, tc.vector)
			r := diagnose.Run("Cookie: "+v.CookieHeader, diagnose.Options{Now: time.Unix(sv.GeneratedAt, 0), SecretText: strings.Join(tc.secrets, "\n")})
			assertCodes(t, r, tc.want, tc.absent)
		})
	}
}

func TestDecryptedSessionShowsNestedTokens(t *testing.T) {
	sv := loadSessionVectors(t)
	r := diagnose.Run("Cookie: "+sv.Get(t, "v4_valid").CookieHeader, diagnose.Options{Now: time.Unix(sv.GeneratedAt, 0), SecretText: strings.Join([]string{sv.Secrets["other"], sv.Secrets["main"]}, "\n")})
	var session *diagnose.TokenReport
	for i := range r.Tokens {
		if r.Tokens[i].Session != nil {
			session = &r.Tokens[i]
		}
	}
	if session == nil || session.Session.Secret != 2 || session.Session.Format != "nextauth-v4" {
		t.Fatalf("session info %+v", session)
	}
	var nested []string
	for _, tr := range r.Tokens {
		if tr.Parent == session.Index {
			nested = append(nested, tr.Source.Name+"="+tr.SimpleJWT.TokenType)
		}
	}
	if strings.Join(nested, ",") != "backendAccess=access,backendRefresh=refresh" {
		t.Errorf("nested %v", nested)
	}
	if len(session.Lifetimes) != 3 || session.Lifetimes[0].Label != "session" {
		t.Errorf("lifetimes %+v", session.Lifetimes)
	}
}

func TestSaltMismatch(t *testing.T) {
	sv := loadSessionVectors(t)
	header := strings.ReplaceAll(sv.Get(t, "authjs_secure").CookieHeader, "__Secure-authjs.session-token", "authjs.session-token")
	r := diagnose.Run("Cookie: "+header, diagnose.Options{Now: time.Unix(sv.GeneratedAt, 0), SecretText: strings.Join([]string{sv.Secrets["main"]}, "\n")})
	if !r.Has(diagnose.CodeSaltMismatch) || r.Has(diagnose.CodeSecretMismatch) {
		t.Fatalf("findings %v", codes(r))
	}
	// The content is still shown: the secret is right, only the name is.
	if !r.Has(diagnose.CodeDecrypted) {
		t.Error("salt-mismatched session not shown")
	}
}

func TestBareSessionTokenUsesChosenCookie(t *testing.T) {
	sv := loadSessionVectors(t)
	v := sv.Get(t, "authjs_secure")
	now := time.Unix(sv.GeneratedAt, 0)
	secrets := []string{sv.Secrets["main"]}
	plain := diagnose.Run(v.Token, diagnose.Options{Now: now, SecretText: strings.Join(secrets, "\n")})
	if !plain.Has(diagnose.CodeSaltMismatch) {
		t.Errorf("bare token with default cookie: %v", codes(plain))
	}
	chosen := diagnose.Run(v.Token, diagnose.Options{Now: now, SecretText: strings.Join(secrets, "\n"), SessionCookie: "__Secure-authjs.session-token"})
	if !chosen.Has(diagnose.CodeDecrypted) || chosen.Has(diagnose.CodeSaltMismatch) {
		t.Errorf("bare token with chosen cookie: %v", codes(chosen))
	}
}

func TestSignatureVerification(t *testing.T) {
	vf := loadVectors(t)
	const secret = "tokenscope-simplejwt-vectors-secret-key-not-for-production"
	tok := vf.Get(t, "refresh_valid").Token
	tests := []struct {
		name   string
		opts   diagnose.Options
		want   string
		absent string
	}{
		{"right key", diagnose.Options{KeyText: secret}, "jwt.signature_valid:ok", "jwt.signature_invalid"},
		{"wrong key, unexpired SimpleJWT", diagnose.Options{KeyText: secret + "x"}, "jwt.signature_invalid:error", "jwt.signature_valid"},
		{"django-insecure key is weak", diagnose.Options{KeyText: "django-insecure-abc"}, "jwt.weak_secret:warn", ""},
		{"short key is weak", diagnose.Options{KeyText: "secret"}, "jwt.weak_secret:warn", ""},
		{"RSA key for an HS256 token", diagnose.Options{KeyText: rsaPEM}, "jwt.signature_unchecked:info", "jwt.signature_invalid"},
		{"garbage PEM", diagnose.Options{KeyText: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"}, "input.key_unreadable:warn", ""},
		{"JWK oct", diagnose.Options{KeyText: `{"kty":"oct","k":"` + b64url(secret) + `"}`}, "jwt.signature_valid:ok", ""},
		{"base64 secret", diagnose.Options{KeyText: b64std(secret), KeyBase64: true}, "jwt.signature_valid:ok", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Now = vf.Now()
			r := diagnose.Run(tok, tc.opts)
			got := codes(r)
			if !slices.Contains(got, tc.want) {
				t.Errorf("missing %s in %v", tc.want, got)
			}
			if tc.absent != "" && r.Has(diagnose.Code(tc.absent)) {
				t.Errorf("unexpected %s in %v", tc.absent, got)
			}
		})
	}
	wrong := diagnose.Run(vf.Get(t, "refresh_valid").Token, diagnose.Options{Now: vf.Now(), KeyText: "another-key-that-is-long-enough-for-hs256!!"})
	for _, f := range wrong.Findings {
		if f.Code == diagnose.CodeSignatureInvalid && !strings.Contains(f.Title, "SIGNING_KEY / ALGORITHM mismatch") {
			t.Errorf("title %q", f.Title)
		}
	}
	wrongKey := diagnose.Run(vf.Get(t, "refresh_wrong_key").Token, diagnose.Options{Now: vf.Now(), KeyText: secret})
	if !wrongKey.Has(diagnose.CodeSignatureInvalid) {
		t.Errorf("refresh_wrong_key: %v", codes(wrongKey))
	}
}
