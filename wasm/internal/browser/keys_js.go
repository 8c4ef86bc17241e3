package browser

import (
	"fmt"

	"github.com/hack-pad/safejs"

	"tokenscope/app/bridgeproto"
)

// LocalKeys keeps the bridge key in localStorage, on the inspector's own
// origin (bridgeproto.KeyStorageName). It implements bridgeproto.KeyStore.
// Reading localStorage throws a SecurityError where the browser blocks
// site storage; that comes back as an error.
type LocalKeys struct{}

var _ bridgeproto.KeyStore = LocalKeys{}

// LoadKey returns the stored key, or "" when there is none.
func (LocalKeys) LoadKey() (string, error) {
	ls, err := localStorage()
	if err != nil {
		return "", err
	}
	v, err := ls.Call("getItem", bridgeproto.KeyStorageName)
	if err != nil {
		return "", fmt.Errorf("localStorage.getItem: %w", err)
	}
	if v.Type() != safejs.TypeString {
		return "", nil
	}
	return v.String()
}

// StoreKey writes key.
func (LocalKeys) StoreKey(key string) error {
	ls, err := localStorage()
	if err != nil {
		return err
	}
	if _, err := ls.Call("setItem", bridgeproto.KeyStorageName, key); err != nil {
		return fmt.Errorf("localStorage.setItem: %w", err)
	}
	return nil
}

func localStorage() (safejs.Value, error) {
	ls, err := safejs.Global().Get("localStorage")
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("reading localStorage: %w", err)
	}
	if ls.IsNull() || ls.IsUndefined() {
		return safejs.Undefined(), fmt.Errorf("reading localStorage: not available here")
	}
	return ls, nil
}
