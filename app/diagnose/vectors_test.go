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
