//go:build !js

package browser

import (
	"errors"

	"tokenscope/app/bridgeproto"
)

// LocalKeys is localStorage in the browser. Natively there is none: the
// prerendered page offers no bookmarklet.
type LocalKeys struct{}

var _ bridgeproto.KeyStore = LocalKeys{}

var errNoStorage = errors.New("localStorage: needs a browser")

// LoadKey always fails natively.
func (LocalKeys) LoadKey() (string, error) { return "", errNoStorage }

// StoreKey always fails natively.
func (LocalKeys) StoreKey(string) error { return errNoStorage }
