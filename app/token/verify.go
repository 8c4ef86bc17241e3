package token

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// KeyKind is the family of a verification key.
type KeyKind string

// Key families, matched against the token's alg.
const (
	KeyHMAC    KeyKind = "HMAC secret"
	KeyRSA     KeyKind = "RSA public key"
	KeyECDSA   KeyKind = "ECDSA public key"
	KeyEd25519 KeyKind = "Ed25519 public key"
)

// VerifyKey is one key the user typed to check signatures with. The key
// material never leaves memory and never enters a report: findings name a
// key by Label only.
type VerifyKey struct {
	Label  string // "key 1", "JWKS key kid=abc", "NEXTAUTH_SECRET #2"
	Kind   KeyKind
	Kid    string
	HMAC   []byte
	Public any
	// Weak explains why an HMAC secret is guessable; empty when it is not.
	Weak string
}

// ErrKeyFormat is returned for key text that is none of the accepted forms.
var ErrKeyFormat = errors.New("unrecognised key format")

// ParseVerifyKeys reads what the user pasted as a key: a PEM public key (or
// certificate), a JWK, a JWKS, or otherwise an HMAC secret as text — or, with
// base64Secret, as base64 (Django projects sometimes keep SIGNING_KEY so).
func ParseVerifyKeys(text string, base64Secret bool) ([]VerifyKey, error) {
	trimmed := strings.TrimSpace(text)
	switch {
	case trimmed == "":
		return nil, nil
	case strings.HasPrefix(trimmed, "-----BEGIN"):
		return parsePEMKeys(trimmed)
	case strings.HasPrefix(trimmed, "{"):
		return parseJWKKeys(trimmed)
	}
	secret := []byte(text) // HMAC secrets are used byte for byte, spaces included
	if base64Secret {
		dec, err := decodeAnyBase64(trimmed)
		if err != nil {
			return nil, fmt.Errorf("decoding base64 secret: %w", err)
		}
		secret = dec
	}
	return []VerifyKey{{Label: "the typed secret", Kind: KeyHMAC, HMAC: secret, Weak: Weakness(secret)}}, nil
}

func decodeAnyBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not valid base64 or base64url")
}

// Weakness flags secrets an attacker could guess or brute-force. RFC 7518
// §3.2 asks for a key at least as long as the hash (32 bytes for HS256).
func Weakness(secret []byte) string {
	s := string(secret)
	switch {
	case strings.HasPrefix(s, "django-insecure-"):
		return "it is the django-insecure- SECRET_KEY that startproject generates for development; it is public in your repository"
	case len(secret) < 32:
		return fmt.Sprintf("it is %d bytes; HS256 wants at least 32 random bytes (RFC 7518 §3.2)", len(secret))
	}
	return ""
}

func parsePEMKeys(text string) ([]VerifyKey, error) {
	var keys []VerifyKey
	rest := []byte(text)
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		pub, err := publicFromPEM(block)
		if err != nil {
			return nil, fmt.Errorf("reading PEM block %d (%s): %w", n, block.Type, err)
		}
		k, err := publicKey(fmt.Sprintf("PEM key %d", n), pub)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no PEM block found: %w", ErrKeyFormat)
	}
	return keys, nil
}

func publicFromPEM(block *pem.Block) (any, error) {
	switch block.Type {
	case "PUBLIC KEY":
		return x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		// x509.ParseCertificate would add 37 KB of gzipped wasm for a form
		// SimpleJWT never takes: its VERIFYING_KEY is a public key.
		return nil, errors.New("this is a certificate: paste its public key instead (openssl x509 -pubkey -noout -in cert.pem)")
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		return nil, errors.New("this is a private key: paste the public key instead (openssl pkey -pubout), and rotate this one if it was ever shared")
	}
	return nil, fmt.Errorf("PEM type %q: %w", block.Type, ErrKeyFormat)
}

func publicKey(label string, pub any) (VerifyKey, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return VerifyKey{Label: label, Kind: KeyRSA, Public: k}, nil
	case *ecdsa.PublicKey:
		return VerifyKey{Label: label, Kind: KeyECDSA, Public: k}, nil
	case ed25519.PublicKey:
		return VerifyKey{Label: label, Kind: KeyEd25519, Public: k}, nil
	}
	return VerifyKey{}, fmt.Errorf("%s: key type %T: %w", label, pub, ErrKeyFormat)
}

// kindFor is the key family an alg needs.
func kindFor(alg string) (KeyKind, bool) {
	switch {
	case strings.HasPrefix(alg, "HS"):
		return KeyHMAC, true
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		return KeyRSA, true
	case strings.HasPrefix(alg, "ES"):
		return KeyECDSA, true
	case alg == "EdDSA":
		return KeyEd25519, true
	}
	return "", false
}

// Verification is the outcome of checking one token's signature.
type Verification struct {
	// Checked is false when no typed key fits the token's alg.
	Checked bool
	Valid   bool
	// Key is the label of the key that verified it.
	Key string
	// Tried lists the labels of the keys tried.
	Tried []string
}

// Verify checks a JWS signature with golang-jwt against every key of the
// right family; a JWKS key whose kid differs from the token's is skipped.
// Claims are not validated here: time is diagnosis's business.
func Verify(t Token, keys []VerifyKey) Verification {
	var v Verification
	want, ok := kindFor(t.Alg)
	if t.Form != FormJWS || t.Malformed() || !ok {
		return v
	}
	parser := jwt.NewParser(jwt.WithoutClaimsValidation(), jwt.WithValidMethods([]string{t.Alg}), jwt.WithPaddingAllowed())
	for _, k := range keys {
		if k.Kind != want || (k.Kid != "" && t.Kid != "" && k.Kid != t.Kid) {
			continue
		}
		v.Checked = true
		v.Tried = append(v.Tried, k.Label)
		key := k.Public
		if k.Kind == KeyHMAC {
			key = k.HMAC
		}
		_, err := parser.Parse(t.Raw, func(*jwt.Token) (any, error) { return key, nil })
		if err == nil {
			v.Valid, v.Key = true, k.Label
			return v
		}
	}
	return v
}
