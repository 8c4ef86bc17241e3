// Package bridgeproto is the inspector's half of the bookmarklet protocol, in
// plain Go: the per-browser key, the checks every message from the host
// page's bridge must pass, and the bounds on what a bridge may send. The
// wasm/ edge only moves bytes between postMessage and these functions, so
// every rule here is tested natively.
//
// The threat it answers: any page can window.open the inspector with
// #bridge and answer its messages. Only a bridge carrying this browser's own
// key (which the inspector wrote into the bookmarklet it offered) is
// trusted; the host's origin is the MessageEvent's origin, never what the
// message says.
package bridgeproto

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// KeyStorageName is the localStorage item, on the inspector's own origin,
// that holds this browser's bridge key. The key is not user data: it only
// tells this inspector that a bridge came from the bookmarklet it offered.
const KeyStorageName = "tokenscope.bridge-key"

// KeyBytes is the key's entropy: 128 bits, written as 22 base64url
// characters.
const KeyBytes = 16

// KeyStore keeps the key in the inspector's own storage. The browser
// implementation is localStorage (wasm/internal/browser); tests use a map.
type KeyStore interface {
	// LoadKey returns the stored key, or "" when there is none.
	LoadKey() (string, error)
	// StoreKey keeps key for the next visit.
	StoreKey(key string) error
}

// Key errors.
var (
	// ErrNoStorage: the inspector cannot keep a key (storage blocked), so it
	// can neither offer a bookmarklet nor trust one.
	ErrNoStorage = errors.New("the inspector cannot keep its bridge key")
)

// NewKey draws a fresh key from random (crypto/rand.Reader; in the browser
// Go's crypto/rand is crypto.getRandomValues).
func NewKey(random io.Reader) (string, error) {
	b := make([]byte, KeyBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("drawing the bridge key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ValidKey reports whether key is a key NewKey could have made: exactly
// KeyBytes of canonical base64url. A stored value that is not (edited by
// hand, truncated) is replaced.
func ValidKey(key string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(key)
	return err == nil && len(b) == KeyBytes
}

// EnsureKey returns this browser's key, making and storing one on the first
// visit. The inspector calls it when it runs normally, never when it was
// opened for a bridge: a browser that never visited the inspector has no
// key, so no bookmarklet can be trusted there.
func EnsureKey(store KeyStore, random io.Reader) (string, error) {
	key, err := LoadKey(store)
	if err != nil || key != "" {
		return key, err
	}
	if key, err = NewKey(random); err != nil {
		return "", err
	}
	if err := store.StoreKey(key); err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoStorage, err)
	}
	return key, nil
}

// LoadKey returns the stored key, or "" when there is none or it is not a
// valid key. It never makes one.
func LoadKey(store KeyStore) (string, error) {
	if store == nil {
		return "", ErrNoStorage
	}
	key, err := store.LoadKey()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoStorage, err)
	}
	if !ValidKey(key) {
		return "", nil
	}
	return key, nil
}

// sameKey compares in constant time, so a page that can time the
// inspector's answers learns nothing about the key from them.
func sameKey(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
