// Package testvectors loads the committed token vectors that the real
// libraries minted — app/token/testdata/simplejwt (a Django SimpleJWT server,
// mint.py) and app/token/testdata/nextauth (next-auth and @auth/core,
// mint.mjs) — for every package's tests, so each test reads them one way.
package testvectors

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// SimpleJWT is app/token/testdata/simplejwt/vectors.json.
type SimpleJWT struct {
	MintedAt int64    `json:"minted_at"`
	Secret   string   `json:"secret_key"`
	Vectors  []Simple `json:"vectors"`
}

// Simple is one SimpleJWT vector: a token, or a captured response.
type Simple struct {
	Name   string          `json:"name"`
	Kind   string          `json:"kind"` // token, login_response, refresh_response, error_response
	Token  string          `json:"token"`
	Body   string          `json:"body"`
	Status int             `json:"status"`
	Expect json.RawMessage `json:"expect"`
}

// Sessions is app/token/testdata/nextauth/vectors.json.
type Sessions struct {
	GeneratedAt int64             `json:"generated_at"`
	Secrets     map[string]string `json:"secrets"`
	Vectors     []Session         `json:"vectors"`
}

// Session is one session token the real libraries minted.
type Session struct {
	Name         string          `json:"name"`
	Format       string          `json:"format"`
	CookieName   string          `json:"cookie_name"`
	Salt         *string         `json:"salt"`
	SecretName   string          `json:"secret_name"`
	Token        string          `json:"token"`
	CookieHeader string          `json:"cookie_header"` // the Cookie header value, chunked as the library chunks it
	Payload      json.RawMessage `json:"payload"`
	// Planted are the credentials mint.mjs put into the claims (random at
	// mint time); the export must carry none of them.
	Planted []string `json:"planted"`
	Expect  struct {
		Finding string `json:"finding"`
	} `json:"expect"`
}

// root is the module's root directory, found from this file's location so
// tests in any package read the same files.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func load(tb testing.TB, rel string, into any) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(root(), rel))
	if err != nil {
		tb.Fatalf("reading %s: %v", rel, err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		tb.Fatalf("parsing %s: %v", rel, err)
	}
}

// LoadSimpleJWT reads the SimpleJWT vectors.
func LoadSimpleJWT(tb testing.TB) SimpleJWT {
	tb.Helper()
	var v SimpleJWT
	load(tb, "app/token/testdata/simplejwt/vectors.json", &v)
	return v
}

// LoadSessions reads the NextAuth / Auth.js session vectors.
func LoadSessions(tb testing.TB) Sessions {
	tb.Helper()
	var v Sessions
	load(tb, "app/token/testdata/nextauth/vectors.json", &v)
	return v
}

// Get returns the named vector.
func (s SimpleJWT) Get(tb testing.TB, name string) Simple {
	tb.Helper()
	for _, v := range s.Vectors {
		if v.Name == name {
			return v
		}
	}
	tb.Fatalf("no SimpleJWT vector %q", name)
	return Simple{}
}

// Now is the instant the vectors were minted: judge them at it.
func (s SimpleJWT) Now() time.Time { return time.Unix(s.MintedAt, 0).UTC() }

// Get returns the named session vector.
func (s Sessions) Get(tb testing.TB, name string) Session {
	tb.Helper()
	for _, v := range s.Vectors {
		if v.Name == name {
			return v
		}
	}
	tb.Fatalf("no session vector %q", name)
	return Session{}
}

// Now is the instant the session vectors were minted.
func (s Sessions) Now() time.Time { return time.Unix(s.GeneratedAt, 0).UTC() }
