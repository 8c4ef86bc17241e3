package diagnose_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

type vectorFile struct {
	MintedAt int64    `json:"minted_at"`
	Vectors  []vector `json:"vectors"`
}

type vector struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Token string `json:"token"`
	Body  string `json:"body"`
}

// loadVectors reads tokens and responses minted by a real Django SimpleJWT
// server (app/token/testdata/simplejwt/mint.py).
func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	b, err := os.ReadFile("../token/testdata/simplejwt/vectors.json")
	if err != nil {
		t.Fatalf("reading vectors: %v", err)
	}
	var vf vectorFile
	if err := json.Unmarshal(b, &vf); err != nil {
		t.Fatalf("parsing vectors: %v", err)
	}
	return vf
}

func (vf vectorFile) get(t testing.TB, name string) vector {
	t.Helper()
	for _, v := range vf.Vectors {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no vector %q", name)
	return vector{}
}

func (vf vectorFile) now() time.Time { return time.Unix(vf.MintedAt, 0).UTC() }

// sessionVectors are NextAuth v4 / Auth.js session tokens minted by the real
// libraries (app/token/testdata/nextauth/mint.mjs) around the SimpleJWT tokens.
type sessionVectors struct {
	GeneratedAt int64             `json:"generated_at"`
	Secrets     map[string]string `json:"secrets"`
	Vectors     []sessionVector   `json:"vectors"`
}

type sessionVector struct {
	Name         string `json:"name"`
	Format       string `json:"format"`
	CookieName   string `json:"cookie_name"`
	SecretName   string `json:"secret_name"`
	Token        string `json:"token"`
	CookieHeader string `json:"cookie_header"`
	Expect       struct {
		Finding string `json:"finding"`
	} `json:"expect"`
}

func loadSessionVectors(t testing.TB) sessionVectors {
	t.Helper()
	b, err := os.ReadFile("../token/testdata/nextauth/vectors.json")
	if err != nil {
		t.Fatalf("reading session vectors: %v", err)
	}
	var sv sessionVectors
	if err := json.Unmarshal(b, &sv); err != nil {
		t.Fatalf("parsing session vectors: %v", err)
	}
	return sv
}

func (sv sessionVectors) get(t testing.TB, name string) sessionVector {
	t.Helper()
	for _, v := range sv.Vectors {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no session vector %q", name)
	return sessionVector{}
}
