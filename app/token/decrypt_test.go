package token_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"tokenscope/app/token"
	"tokenscope/internal/testvectors"
)

// loadSessionVectors reads the sessions next-auth and @auth/core minted
// themselves (testdata/nextauth/mint.mjs).
func loadSessionVectors(t testing.TB) testvectors.Sessions { return testvectors.LoadSessions(t) }

func sessionToken(t *testing.T, header string) token.Token {
	t.Helper()
	for _, c := range token.Extract("Cookie: " + header).Candidates {
		if token.IsSessionCookie(c.Source.Name) {
			return token.Decode(c)
		}
	}
	t.Fatalf("no session cookie in %.80s", header)
	return token.Token{}
}

func TestSessionFormatFromHeaderAlone(t *testing.T) {
	sv := loadSessionVectors(t)
	want := map[string]token.SessionFormat{
		"nextauth-v4": token.FormatNextAuthV4, "authjs": token.FormatAuthJS,
		"authjs-0.20": token.FormatAuthJS020, "authjs-0.23": token.FormatAuthJS023,
		"authjs-0.18": token.FormatNextAuthV4, // same header and cookie as v4: told apart only by decrypting
		"jws":         token.FormatSignedSession,
	}
	for _, v := range sv.Vectors {
		if v.Expect.Finding == "nextauth.stale_chunks" {
			continue // the joined value is garbage by design
		}
		t.Run(v.Name, func(t *testing.T) {
			got := token.SessionFormatOf(sessionToken(t, v.CookieHeader))
			if got != want[v.Format] {
				t.Errorf("format %q, want %q", got, want[v.Format])
			}
		})
	}
}

func TestDecryptWithTheRealLibrariesVectors(t *testing.T) {
	sv := loadSessionVectors(t)
	typed := []string{sv.Secrets["other"], sv.Secrets["main"]}
	for _, v := range sv.Vectors {
		if v.Format == "jws" || strings.Contains(v.Name, "stale") || strings.Contains(v.Name, "missing_chunk") {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			tok := sessionToken(t, v.CookieHeader)
			secrets := typed
			if v.SecretName == "rotated_old" {
				secrets = []string{sv.Secrets["main"], sv.Secrets["rotated_old"]}
			}
			d, err := token.Decrypt(tok, secrets, tok.Source.Name)
			if v.SecretName == "other" {
				secrets = []string{sv.Secrets["main"]}
				if _, err := token.Decrypt(tok, secrets, tok.Source.Name); !errors.Is(err, token.ErrSecretMismatch) {
					t.Fatalf("wrong secret: err %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("decrypt: %v", err)
			}
			if string(d.Format) != v.Format {
				t.Errorf("format %s, want %s", d.Format, v.Format)
			}
			if got := secrets[d.SecretIndex]; got != sv.Secrets[v.SecretName] {
				t.Errorf("secret %d fit, want %s", d.SecretIndex, v.SecretName)
			}
			if d.Format == token.FormatAuthJS && !d.KidMatched {
				t.Error("kid did not pick the secret")
			}
			var got, want map[string]any
			if err := json.Unmarshal(d.Payload, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(v.Payload, &want); err != nil {
				t.Fatal(err)
			}
			if got["backendAccess"] != want["backendAccess"] || got["jti"] != want["jti"] {
				t.Errorf("payload differs from what the library encoded")
			}
		})
	}
}

func TestDecryptSaltMismatch(t *testing.T) {
	sv := loadSessionVectors(t)
	for _, v := range sv.Vectors {
		if v.Name != "authjs_secure" {
			continue
		}
		plain := strings.Replace(v.CookieHeader, "__Secure-authjs.session-token", "authjs.session-token", 1)
		tok := sessionToken(t, plain)
		d, err := token.Decrypt(tok, []string{sv.Secrets["main"]}, tok.Source.Name)
		if !errors.Is(err, token.ErrSaltMismatch) || d.Salt != "__Secure-authjs.session-token" {
			t.Fatalf("err %v salt %q", err, d.Salt)
		}
		return
	}
	t.Fatal("no authjs_secure vector")
}

func TestChunkProblemsDetected(t *testing.T) {
	sv := loadSessionVectors(t)
	for _, v := range sv.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			c := token.Extract("Cookie: " + v.CookieHeader).Candidates
			for _, cand := range c {
				if !token.IsSessionCookie(cand.Source.Name) {
					continue
				}
				broken := v.Expect.Finding == "nextauth.stale_chunks"
				if got := cand.Source.ChunkProblems(); (len(got) > 0) != broken {
					t.Errorf("chunk problems %q, want broken=%v (%+v)", got, broken, cand.Source)
				}
			}
		})
	}
}
