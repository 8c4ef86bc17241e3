package token

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"

	josecipher "github.com/go-jose/go-jose/v4/cipher"
)

// errDecryption is a failed authentication tag: wrong key, or altered token.
var errDecryption = errors.New("decryption failed (wrong key or altered token)")

// openDirect decrypts a compact JWE that uses "dir" key management, the only
// mode NextAuth and Auth.js write. The AEADs are the standard library's
// AES-GCM and go-jose's CBC-HMAC (RFC 7518 §5.2), not hand-rolled.
//
// Why not jose.ParseEncryptedCompact + Decrypt: go-jose's generic decrypter
// links every key-management algorithm (RSA-OAEP, ECDH-ES, AES-KW, PBES2) and
// its JSON fork, 330 KB of gzipped wasm that a "dir" token never needs; that
// alone broke the 2.4 MB budget.
func openDirect(t Token, key []byte) ([]byte, error) {
	if len(t.Segments) != 5 {
		return nil, fmt.Errorf("a JWE has 5 segments, not %d", len(t.Segments))
	}
	alg, _ := t.HeaderValue("alg")
	if alg.Text() != "dir" {
		return nil, fmt.Errorf("key management %q is not dir", alg.Text())
	}
	if t.Segments[1].Text != "" {
		return nil, errors.New(`the encrypted key must be empty with alg "dir"`)
	}
	parts := make([][]byte, 5)
	for i := 2; i < 5; i++ {
		b, p := decodeSegment(t.Segments[i].Name, t.Segments[i].Text)
		if p != nil {
			return nil, errors.New(p.String())
		}
		parts[i] = b
	}
	aead, err := contentCipher(t.Enc, key)
	if err != nil {
		return nil, err
	}
	iv, ciphertext, tag := parts[2], parts[3], parts[4]
	if len(iv) != aead.NonceSize() {
		return nil, fmt.Errorf("initialization vector is %d bytes, %s needs %d", len(iv), t.Enc, aead.NonceSize())
	}
	// The additional authenticated data is the protected header as sent
	// (RFC 7516 §5.1 step 14): its base64url text, not the decoded JSON.
	aad := []byte(t.Segments[0].Text)
	sealed := append(append(make([]byte, 0, len(ciphertext)+len(tag)), ciphertext...), tag...)
	plain, err := aead.Open(nil, iv, sealed, aad)
	if err != nil {
		return nil, errDecryption
	}
	return plain, nil
}

// contentCipher builds the AEAD for enc; the key length is checked here so a
// key from the wrong derivation fails clearly rather than inside AES.
func contentCipher(enc string, key []byte) (cipher.AEAD, error) {
	switch enc {
	case "A256GCM":
		if len(key) != 32 {
			return nil, fmt.Errorf("A256GCM needs a 32-byte key, got %d", len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	case "A256CBC-HS512":
		if len(key) != 64 {
			return nil, fmt.Errorf("A256CBC-HS512 needs a 64-byte key, got %d", len(key))
		}
		return josecipher.NewCBCHMAC(key, aes.NewCipher)
	}
	return nil, fmt.Errorf("content encryption %q is not one NextAuth or Auth.js uses", enc)
}
