//go:build unix

package backend

// ImportCheck exposes importCheck so the failure message can be tested
// without uninstalling packages.
var ImportCheck = importCheck
