// Command wasmsize prints where the bytes of a Go WebAssembly binary go:
// its sections, and its code section summed by Go package and by group
// (runtime, crypto, go-app, ...), read from the "name" custom section.
//
// The binary must keep its symbols (built without -ldflags=-s): ./build.sh
// bench builds such a copy next to the shipped one, with the same flags
// otherwise. Function names are matched to packages through `go list -deps`
// of the package the binary was built from (-deps), because the linker
// replaces the '/' of a symbol's import path with '_'.
//
//	wasmsize [-deps ./wasm] [-modfile go.wasm.mod] [-top 30] app-with-symbols.wasm
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"tokenscope/tools/wasmsize/breakdown"
)

func main() {
	deps := flag.String("deps", "./wasm", "package the binary was built from (go list -deps of it, for GOOS=js GOARCH=wasm, names the packages)")
	modfile := flag.String("modfile", "", "the -modfile the binary was built with (build.sh: tools/wasmtrim's)")
	top := flag.Int("top", 30, "packages to list")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-deps ./wasm] [-modfile go.wasm.mod] [-top 30] app-with-symbols.wasm")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *deps, *modfile, *top); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(file, deps, modfile string, top int) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m, err := breakdown.Parse(b)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	paths, mainPath, err := listDeps(deps, modfile)
	if err != nil {
		return err
	}
	bd, err := breakdown.Summarize(m, breakdown.NewPackages(paths, mainPath), breakdown.DefaultGroups)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	w := bufio.NewWriter(os.Stdout)
	if err := bd.Write(w, top); err != nil {
		return err
	}
	return w.Flush()
}

// listDeps returns the import paths pattern depends on when built for
// js/wasm (with modfile, as build.sh's build_wasm passes it), and which of
// them is the main package.
func listDeps(pattern, modfile string) (paths []string, mainPath string, err error) {
	pkgs, err := breakdown.ListDeps("", modfile, pattern)
	if err != nil {
		return nil, "", err
	}
	for _, p := range pkgs {
		paths = append(paths, p.ImportPath)
		if p.Name == "main" {
			mainPath = p.ImportPath
		}
	}
	return paths, mainPath, nil
}
