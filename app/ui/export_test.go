package ui

import "context"

// For the tests in package ui_test.
var AllowBackend = allowBackend

// ConnectBridge runs what OnMount runs in the browser (go-app mounts
// components only there) and applies the outcome.
func ConnectBridge(in *Inspector) {
	b, err := in.connectBridge(context.Background())
	in.SetBridge(b, err)
}
