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

// TakeFile routes a file the way the page does once it has read it, with
// size its whole size (over len(data) when only the first MaxFileBytes
// were read).
func TakeFile(in *Inspector, name string, data []byte, size int) {
	in.takeFile(in.har.ctx, false, name, data, size)
}

// BarPlace is the timeline axis' placement of a bar, in percent.
var BarPlace = func(start, end, from, to int64) (at, width int) {
	return axisForTest(start, end).place(unixMilli(from), unixMilli(to))
}
