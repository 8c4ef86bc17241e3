package bridgeproto_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"tokenscope/app/bridgeproto"
)

// memStore is a KeyStore in memory; fail makes every call fail, as
// localStorage does when the browser blocks storage.
type memStore struct {
	key    string
	stores int
	fail   error
}

func (m *memStore) LoadKey() (string, error) { return m.key, m.fail }
func (m *memStore) StoreKey(k string) error {
	if m.fail != nil {
		return m.fail
	}
	m.key = k
	m.stores++
	return nil
}

func TestNewKeyIs128BitBase64URL(t *testing.T) {
	seen := map[string]bool{}
	for range 64 {
		k, err := bridgeproto.NewKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(k) != 22 || !bridgeproto.ValidKey(k) || strings.ContainsAny(k, "+/=") {
			t.Fatalf("key %q is not 22 base64url characters", k)
		}
		if seen[k] {
			t.Fatalf("key %q drawn twice", k)
		}
		seen[k] = true
	}
	if _, err := bridgeproto.NewKey(bytes.NewReader(make([]byte, 15))); err == nil {
		t.Error("a short random source gave a key")
	}
}

func TestValidKey(t *testing.T) {
	good, _ := bridgeproto.NewKey(rand.Reader)
	for key, want := range map[string]bool{
		good:                        true,
		"":                          false,
		good[:21]:                   false,
		good + "A":                  false,
		"AAAAAAAAAAAAAAAAAAAAAA==":  false, // padded
		"AAAAAAAAAAAAAAAAAAAAA+":    false, // std alphabet
		"AAAAAAAAAAAAAAAAAAAAAB":    false, // non-canonical trailing bits
		`AAAAAAAAAAAAAAAAAAAA"A`:    false,
		"AAAAAAAAAAAAAAAAAAAAAA":    true,
		"AAAAAAAAAAAAAAAAAAAAAAAAA": false,
	} {
		if got := bridgeproto.ValidKey(key); got != want {
			t.Errorf("ValidKey(%q) = %t, want %t", key, got, want)
		}
	}
}

func TestEnsureKeyMakesOneOnceLoadKeyNever(t *testing.T) {
	s := &memStore{}
	if k, err := bridgeproto.LoadKey(s); k != "" || err != nil {
		t.Fatalf("LoadKey on an empty store = %q, %v", k, err)
	}
	if s.stores != 0 {
		t.Fatal("LoadKey stored a key")
	}
	k1, err := bridgeproto.EnsureKey(s, rand.Reader)
	if err != nil || !bridgeproto.ValidKey(k1) {
		t.Fatalf("EnsureKey = %q, %v", k1, err)
	}
	k2, err := bridgeproto.EnsureKey(s, rand.Reader)
	if err != nil || k2 != k1 || s.stores != 1 {
		t.Fatalf("second EnsureKey = %q (first %q), %d stores", k2, k1, s.stores)
	}
	if k, _ := bridgeproto.LoadKey(s); k != k1 {
		t.Errorf("LoadKey = %q, want %q", k, k1)
	}

	// A damaged stored value is not trusted, and replaced on a normal visit.
	s.key = "not-a-key"
	if k, _ := bridgeproto.LoadKey(s); k != "" {
		t.Errorf("LoadKey trusted %q", k)
	}
	if k, _ := bridgeproto.EnsureKey(s, rand.Reader); k == "not-a-key" || !bridgeproto.ValidKey(k) {
		t.Errorf("EnsureKey kept a damaged key: %q", k)
	}

	blocked := &memStore{fail: errors.New("SecurityError: storage is disabled")}
	if _, err := bridgeproto.EnsureKey(blocked, rand.Reader); !errors.Is(err, bridgeproto.ErrNoStorage) {
		t.Errorf("blocked storage: %v", err)
	}
	if _, err := bridgeproto.LoadKey(nil); !errors.Is(err, bridgeproto.ErrNoStorage) {
		t.Errorf("no store: %v", err)
	}
}
