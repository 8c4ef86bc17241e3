//go:build !js

package browser

import (
	"context"
	"errors"

	"tokenscope/app/ui"
)

// BridgeRequested is false outside a browser.
func BridgeRequested() bool { return false }

// ConnectBridge needs a browser.
func ConnectBridge(context.Context, string) (ui.Bridge, error) {
	return nil, errors.New("the bookmarklet bridge needs a browser")
}
