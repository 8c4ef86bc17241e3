package main

// generate is never reached in the browser: RunWhenOnBrowser does not
// return. It exists so main.go is the same file on both sides.
func generate([]string) error { return nil }
