package token

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// jwk is the subset of RFC 7517 / 7518 / 8037 members a verification key
// needs. go-jose's JSONWebKey would read it too, but linking it (with its
// x5c certificate handling and JSON fork) costs 160 KB of gzipped wasm, more
// than the budget has left; these few fields are plain data, and the crypto
// stays the standard library's.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Crv string `json:"crv"`
	K   string `json:"k"`
	N   string `json:"n"`
	E   string `json:"e"`
	X   string `json:"x"`
	Y   string `json:"y"`
	D   string `json:"d"`
}

type jwkSet struct {
	Keys []jwk `json:"keys"`
}

// parseJWKKeys reads a JWK or a JWKS; oct keys become HMAC keys.
func parseJWKKeys(text string) ([]VerifyKey, error) {
	var set jwkSet
	if err := json.Unmarshal([]byte(text), &set); err == nil && len(set.Keys) > 0 {
		return jwksKeys(set.Keys)
	}
	var one jwk
	if err := json.Unmarshal([]byte(text), &one); err != nil {
		return nil, fmt.Errorf("reading JWK: %w", err)
	}
	if one.Kty == "" {
		return nil, fmt.Errorf(`JSON without "kty" or "keys": %w`, ErrKeyFormat)
	}
	return jwksKeys([]jwk{one})
}

func jwksKeys(keys []jwk) ([]VerifyKey, error) {
	out := make([]VerifyKey, 0, len(keys))
	for i, k := range keys {
		label := fmt.Sprintf("JWK %d", i+1)
		if k.Kid != "" {
			label += " (kid " + k.Kid + ")"
		}
		vk, err := k.verifyKey(label)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
		out = append(out, vk)
	}
	return out, nil
}

func (k jwk) verifyKey(label string) (VerifyKey, error) {
	vk := VerifyKey{Label: label, Kid: k.Kid}
	var err error
	switch k.Kty {
	case "oct":
		vk.Kind = KeyHMAC
		if vk.HMAC, err = b64field("k", k.K); err == nil {
			vk.Weak = Weakness(vk.HMAC)
		}
	case "RSA":
		vk.Kind = KeyRSA
		vk.Public, err = k.rsaKey()
	case "EC":
		vk.Kind = KeyECDSA
		vk.Public, err = k.ecKey()
	case "OKP":
		vk.Kind = KeyEd25519
		vk.Public, err = k.edKey()
	default:
		err = fmt.Errorf("kty %q: %w", k.Kty, ErrKeyFormat)
	}
	return vk, err
}

func b64field(name, v string) ([]byte, error) {
	if v == "" {
		return nil, fmt.Errorf("member %q is missing", name)
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("member %q is not base64url: %w", name, err)
	}
	return b, nil
}

func (k jwk) rsaKey() (*rsa.PublicKey, error) {
	n, err := b64field("n", k.N)
	if err != nil {
		return nil, err
	}
	e, err := b64field("e", k.E)
	if err != nil {
		return nil, err
	}
	exp := new(big.Int).SetBytes(e)
	if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 {
		return nil, errors.New(`member "e" is not a usable RSA exponent`)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}, nil
}

// ecKey builds the uncompressed point 0x04||X||Y and lets the standard
// library check that it is on the curve.
func (k jwk) ecKey() (*ecdsa.PublicKey, error) {
	curves := map[string]struct {
		curve elliptic.Curve
		size  int
	}{"P-256": {elliptic.P256(), 32}, "P-384": {elliptic.P384(), 48}, "P-521": {elliptic.P521(), 66}}
	c, ok := curves[k.Crv]
	if !ok {
		return nil, fmt.Errorf("crv %q: %w", k.Crv, ErrKeyFormat)
	}
	x, err := b64field("x", k.X)
	if err != nil {
		return nil, err
	}
	y, err := b64field("y", k.Y)
	if err != nil {
		return nil, err
	}
	if len(x) != c.size || len(y) != c.size {
		return nil, fmt.Errorf("x and y must be %d bytes on %s", c.size, k.Crv)
	}
	point := append(append([]byte{4}, x...), y...)
	return ecdsa.ParseUncompressedPublicKey(c.curve, point)
}

func (k jwk) edKey() (ed25519.PublicKey, error) {
	if k.Crv != "Ed25519" {
		return nil, fmt.Errorf("crv %q: %w", k.Crv, ErrKeyFormat)
	}
	x, err := b64field("x", k.X)
	if err != nil {
		return nil, err
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("an Ed25519 key is %d bytes, not %d", ed25519.PublicKeySize, len(x))
	}
	return ed25519.PublicKey(x), nil
}
