package diagnose_test

import (
	"testing"

	"tokenscope/internal/testvectors"
)

// loadVectors reads the tokens and responses a real Django SimpleJWT server
// minted (app/token/testdata/simplejwt/mint.py).
func loadVectors(t testing.TB) testvectors.SimpleJWT { return testvectors.LoadSimpleJWT(t) }

// loadSessionVectors reads the NextAuth v4 / Auth.js sessions the real
// libraries minted around those tokens (app/token/testdata/nextauth/mint.mjs).
func loadSessionVectors(t testing.TB) testvectors.Sessions { return testvectors.LoadSessions(t) }
