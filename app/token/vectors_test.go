package token_test

import (
	"testing"

	"tokenscope/internal/testvectors"
)

// loadVectors reads the tokens and responses a real Django SimpleJWT server
// minted (testdata/simplejwt/mint.py).
func loadVectors(t testing.TB) testvectors.SimpleJWT { return testvectors.LoadSimpleJWT(t) }
