package token

import (
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
)

// Decryption errors, matched with errors.Is.
var (
	ErrNotEncrypted   = errors.New("not an encrypted session token")
	ErrNoSecret       = errors.New("no secret given")
	ErrSecretMismatch = errors.New("no secret decrypts it")
	ErrSaltMismatch   = errors.New("decrypts only with the other cookie name's salt")
)

// KeySpec is how one format derives its content-encryption key.
type KeySpec struct {
	Salt   string
	Info   string
	Length int
}

// KeySpecFor returns the derivation for format under the given salt (the
// cookie name; ignored by formats that use no salt).
func KeySpecFor(f SessionFormat, salt string) KeySpec {
	switch f {
	case FormatNextAuthV4:
		return KeySpec{Salt: "", Info: "NextAuth.js Generated Encryption Key", Length: 32}
	case FormatAuthJS018:
		return KeySpec{Salt: "", Info: "Auth.js Generated Encryption Key", Length: 32}
	case FormatAuthJS020:
		return KeySpec{Salt: salt, Info: "Auth.js Generated Encryption Key (" + salt + ")", Length: 32}
	default: // FormatAuthJS, FormatAuthJS023
		return KeySpec{Salt: salt, Info: "Auth.js Generated Encryption Key (" + salt + ")", Length: 64}
	}
}

// UsesSalt reports whether the cookie name enters the key derivation.
func (k KeySpec) UsesSalt() bool { return k.Salt != "" }

// DeriveKey runs HKDF-SHA256 over the secret as NextAuth and Auth.js do.
func DeriveKey(secret string, spec KeySpec) ([]byte, error) {
	key, err := hkdf.Key(sha256.New, []byte(secret), []byte(spec.Salt), spec.Info, spec.Length)
	if err != nil {
		return nil, fmt.Errorf("deriving key: %w", err)
	}
	return key, nil
}

// KeyID is Auth.js's kid for a derived key: the RFC 7638 thumbprint of the
// key as an oct JWK, base64url, with the hash sized like the key (SHA-512 for
// the 64-byte A256CBC-HS512 key, SHA-256 for a 32-byte one), as
// @auth/core/jwt.js computes it. go-jose's Thumbprint does not take oct keys,
// and RFC 7638's canonical form for them is one fixed line, so it is built here.
func KeyID(key []byte) string {
	canonical := `{"k":"` + base64.RawURLEncoding.EncodeToString(key) + `","kty":"oct"}`
	var sum []byte
	if len(key) == 64 {
		s := sha512.Sum512([]byte(canonical))
		sum = s[:]
	} else {
		s := sha256.Sum256([]byte(canonical))
		sum = s[:]
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// Decrypted is a session token opened with one of the user's secrets.
type Decrypted struct {
	Format SessionFormat
	// SecretIndex is the position of the secret that fit in the list given.
	SecretIndex int
	Salt        string
	Payload     []byte
	// KidMatched is set when the Auth.js kid picked the secret before any
	// decryption was tried.
	KidMatched bool
}

// Decrypt opens a session JWE with the first secret that fits. salt is the
// cookie name the token came in (or was chosen when pasted bare).
//
// On failure it says why: ErrSecretMismatch when no secret works, or
// ErrSaltMismatch (with the secret that works) when one does under the other
// scheme's cookie name — the http → https __Secure- prefix change.
func Decrypt(t Token, secrets []string, salt string) (Decrypted, error) {
	formats := candidateFormats(t, salt)
	if t.Form != FormJWE || len(formats) == 0 {
		return Decrypted{}, ErrNotEncrypted
	}
	if len(secrets) == 0 {
		return Decrypted{Format: formats[0], SecretIndex: -1}, ErrNoSecret
	}
	if _, err := contentCipher(t.Enc, make([]byte, keyLength(t.Enc))); err != nil {
		return Decrypted{}, fmt.Errorf("reading session JWE: %w", err)
	}
	for _, f := range formats {
		if d, ok := tryAll(t, f, secrets, salt); ok {
			return d, nil
		}
	}
	for _, f := range formats {
		if !KeySpecFor(f, salt).UsesSalt() {
			continue
		}
		if d, ok := tryAll(t, f, secrets, OtherSalt(salt)); ok {
			return d, fmt.Errorf("salt %q: %w", d.Salt, ErrSaltMismatch)
		}
	}
	return Decrypted{Format: formats[0], Salt: salt, SecretIndex: -1}, ErrSecretMismatch
}

func keyLength(enc string) int {
	if enc == "A256CBC-HS512" {
		return 64
	}
	return 32
}

// candidateFormats lists the formats the header and cookie allow, most likely
// first. NextAuth v4 and @auth/core 0.18 write identical headers under the
// same cookie name: only the HKDF info differs, so both are tried.
func candidateFormats(t Token, salt string) []SessionFormat {
	probe := t
	probe.Source.Name = salt
	switch f := SessionFormatOf(probe); f {
	case FormatNone, FormatSignedSession:
		return nil
	case FormatNextAuthV4:
		return []SessionFormat{FormatNextAuthV4, FormatAuthJS018}
	default:
		return []SessionFormat{f}
	}
}

// tryAll tries each secret under one salt. With a kid (Auth.js) it decrypts
// only with the secret whose derived key has that thumbprint, which both
// names the secret and avoids trial decryption.
func tryAll(t Token, format SessionFormat, secrets []string, salt string) (Decrypted, bool) {
	kid := t.Kid
	spec := KeySpecFor(format, salt)
	for i, secret := range secrets {
		if secret == "" {
			continue
		}
		key, err := DeriveKey(secret, spec)
		if err != nil {
			continue
		}
		matched := false
		if kid != "" {
			if KeyID(key) != kid {
				continue
			}
			matched = true
		}
		payload, err := openDirect(t, key)
		if err != nil {
			continue
		}
		return Decrypted{Format: format, SecretIndex: i, Salt: salt, Payload: payload, KidMatched: matched}, true
	}
	return Decrypted{}, false
}

// DecryptBare opens a session token pasted without its cookie, whose salt
// is therefore unknown: it tries every format the header allows under every
// session cookie name. So a bare @auth/core 0.18.1–0.22 token (A256GCM, the
// header NextAuth v4 writes too, but salted with an authjs cookie name)
// opens without the user naming the cookie.
func DecryptBare(t Token, secrets []string) (Decrypted, error) {
	alg, _ := t.HeaderValue("alg")
	if t.Form != FormJWE || alg.Text() != "dir" {
		return Decrypted{}, ErrNotEncrypted
	}
	var formats []SessionFormat
	switch {
	case t.Enc == "A256GCM":
		formats = []SessionFormat{FormatNextAuthV4, FormatAuthJS018, FormatAuthJS020}
	case t.Enc == "A256CBC-HS512" && t.Kid != "":
		formats = []SessionFormat{FormatAuthJS}
	case t.Enc == "A256CBC-HS512":
		formats = []SessionFormat{FormatAuthJS023}
	default:
		return Decrypted{}, ErrNotEncrypted
	}
	if len(secrets) == 0 {
		return Decrypted{Format: formats[0], SecretIndex: -1}, ErrNoSecret
	}
	for _, f := range formats {
		salts := []string{""}
		if KeySpecFor(f, sessionCookieNames[0]).UsesSalt() {
			salts = sessionCookieNames
		}
		for _, salt := range salts {
			if d, ok := tryAll(t, f, secrets, salt); ok {
				return d, nil
			}
		}
	}
	return Decrypted{Format: formats[0], SecretIndex: -1}, ErrSecretMismatch
}
