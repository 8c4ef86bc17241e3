package token_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"tokenscope/app/token"
)

type keyPair struct {
	method jwt.SigningMethod
	priv   crypto.Signer
}

func newKeyPairs(t *testing.T) map[string]keyPair {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]keyPair{
		"RS256": {jwt.SigningMethodRS256, rsaKey},
		"PS256": {jwt.SigningMethodPS256, rsaKey},
		"ES256": {jwt.SigningMethodES256, ecKey},
		"EdDSA": {jwt.SigningMethodEdDSA, edKey},
	}
}

func sign(t *testing.T, kp keyPair, kid string) token.Token {
	t.Helper()
	tok := jwt.NewWithClaims(kp.method, jwt.MapClaims{"sub": "1", "exp": time.Now().Add(time.Hour).Unix()})
	if kid != "" {
		tok.Header["kid"] = kid
	}
	raw, err := tok.SignedString(kp.priv)
	if err != nil {
		t.Fatal(err)
	}
	return decodeRaw(raw)
}

func pemOf(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestVerifyPublicKeysAsPEMJWKAndJWKS(t *testing.T) {
	pairs := newKeyPairs(t)
	for alg, kp := range pairs {
		t.Run(alg, func(t *testing.T) {
			tok := sign(t, kp, "k1")
			jwk := jose.JSONWebKey{Key: kp.priv.Public(), KeyID: "k1"}
			jwkJSON, err := json.Marshal(jwk)
			if err != nil {
				t.Fatal(err)
			}
			other := jose.JSONWebKey{Key: pairs["ES256"].priv.Public(), KeyID: "k0"}
			if alg == "ES256" {
				other = jose.JSONWebKey{Key: pairs["RS256"].priv.Public(), KeyID: "k0"}
			}
			jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{other, jwk}})
			if err != nil {
				t.Fatal(err)
			}
			for name, text := range map[string]string{"PEM": pemOf(t, kp.priv.Public()), "JWK": string(jwkJSON), "JWKS": string(jwks)} {
				keys, err := token.ParseVerifyKeys(text, false)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if v := token.Verify(tok, keys); !v.Checked || !v.Valid {
					t.Errorf("%s: %+v", name, v)
				}
			}
			// Another key of the same family must not verify it.
			var wrong crypto.Signer
			switch alg {
			case "RS256", "PS256":
				wrong, _ = rsa.GenerateKey(rand.Reader, 2048)
			case "ES256":
				wrong, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			default:
				_, wrong, _ = ed25519.GenerateKey(rand.Reader)
			}
			keys, err := token.ParseVerifyKeys(pemOf(t, wrong.Public()), false)
			if err != nil {
				t.Fatal(err)
			}
			if v := token.Verify(tok, keys); !v.Checked || v.Valid {
				t.Errorf("wrong key: %+v", v)
			}
		})
	}
}

func TestParseVerifyKeysRefusesPrivateKeys(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	_, err := token.ParseVerifyKeys(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), false)
	if err == nil {
		t.Fatal("a private key was accepted")
	}
}

func TestParseVerifyKeysHMAC(t *testing.T) {
	keys, err := token.ParseVerifyKeys("django-insecure-x", false)
	if err != nil || len(keys) != 1 || keys[0].Kind != token.KeyHMAC || keys[0].Weak == "" {
		t.Fatalf("%+v %v", keys, err)
	}
	if _, err := token.ParseVerifyKeys("%%%not base64", true); err == nil {
		t.Error("bad base64 accepted")
	}
	if _, err := token.ParseVerifyKeys("-----BEGIN NOTHING-----", false); !errors.Is(err, token.ErrKeyFormat) {
		t.Errorf("err %v", err)
	}
}
