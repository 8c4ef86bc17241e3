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
//	wasmsize [-deps ./wasm] [-top 30] app-with-symbols.wasm
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"tokenscope/tools/wasmsize/breakdown"
)

func main() {
	deps := flag.String("deps", "./wasm", "package the binary was built from (go list -deps of it, for GOOS=js GOARCH=wasm, names the packages)")
	top := flag.Int("top", 30, "packages to list")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-deps ./wasm] [-top 30] app-with-symbols.wasm")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *deps, *top); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(file, deps string, top int) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m, err := breakdown.Parse(b)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	paths, mainPath, err := listDeps(deps)
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
// js/wasm, and which of them is the main package.
func listDeps(pattern string) (paths []string, mainPath string, err error) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Name}}", pattern)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("go list -deps %s: %w\n%s", pattern, err, stderr.Bytes())
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, name, _ := strings.Cut(line, " ")
		paths = append(paths, path)
		if name == "main" {
			mainPath = path
		}
	}
	return paths, mainPath, nil
}
