//go:build !js

package browser

import (
	"context"
	"errors"

	"tokenscope/app/bridge"
)

// BridgeRequested is false outside a browser.
func BridgeRequested() bool { return false }

// ConnectBridge needs a browser.
func ConnectBridge(context.Context, string) (bridge.Bridge, error) {
	return nil, errors.New("the bookmarklet bridge needs a browser")
}
