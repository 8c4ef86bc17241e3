// Command wasmdata rewrites the data section of a WebAssembly module built
// by the Go toolchain so that it compresses well, without changing what the
// module puts in memory.
//
// Go's wasm linker (cmd/link/internal/wasm, writeDataSec) cuts every run of
// 8 or more zero bytes out of the initial memory image and starts a new
// data segment after it, to make the raw file smaller, up to 100,000
// segments. tokenscope's app.wasm hits that cap: its data section is 100,000
// segments, each with a header (flags, an i32.const offset, the length)
// whose offsets are unlike each other, and those headers are what gzip
// cannot squeeze: the data section is 3.85 MB raw and 944 KB gzip -9, while
// the memory image it describes (zeros included) is 785 KB gzip -9. The page
// ships app.wasm gzip-compressed (web/app.wasm.gz), so the compressed size is
// what the user downloads.
//
// wasmdata joins neighbouring segments whose gap is shorter than MaxZeroGap,
// writing the gap's zeros out. Linear memory starts zeroed, so the memory
// image is the same byte for byte; every other section is copied unchanged.
// On app.wasm (gzip -9 / zopfli / brotli -q 11): 2,200,132 / 2,110,473 /
// 1,585,577 bytes before, 2,032,640 / 1,942,221 / 1,482,252 after, for
// 985 KB more raw bytes (zeros).
//
//	wasmdata -in app.wasm -out app.wasm
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	in := flag.String("in", "", "the module to read")
	out := flag.String("out", "", "where to write the rewritten module (may be -in)")
	flag.Parse()
	if *in == "" || *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: wasmdata -in app.wasm -out app.wasm")
		os.Exit(2)
	}
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "wasmdata:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	packed, err := Pack(b, MaxZeroGap)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, packed, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
