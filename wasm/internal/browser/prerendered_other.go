//go:build !js

package browser

// PrerenderedValue has no page to read outside a browser.
func PrerenderedValue(string) string { return "" }
