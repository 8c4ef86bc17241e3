package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tokenscope/tools/wasmsize/breakdown"
)

// leftOutOfWasm are packages the page does not need and app.wasm must not
// link: net/http and crypto/tls came in through go-app's server side (about
// 176 KB gzip), regexp through go-app's router and the log and backend-field
// readers (about 200 KB gzip). tools/wasmtrim cuts go-app's share; the
// readers are hand-written (app/diagnose/logscan_match.go,
// app/probe/target_match.go).
var leftOutOfWasm = []string{"regexp", "net/http", "crypto/tls"}

// TestWasmDepsLeaveOut lists the wasm build's packages the way build.sh's
// build_wasm builds it (GOOS=js GOARCH=wasm, go-app trimmed by
// tools/wasmtrim -cache .cache/wasmtrim, passed as -modfile) and fails on
// each package of leftOutOfWasm it finds, naming the chain of imports that
// brings it in.
func TestWasmDepsLeaveOut(t *testing.T) {
	root := moduleRoot(t)
	cmd := exec.Command("go", "run", "./tools/wasmtrim", "-cache", ".cache/wasmtrim")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run ./tools/wasmtrim: %v", err)
	}
	modfile := strings.TrimSpace(string(out))

	pkgs := wasmDeps(t, root, modfile)
	main := mainPackage(t, pkgs)
	for _, pkg := range leftOutOfWasm {
		if chain := breakdown.ImportChain(pkgs, main, pkg); chain != nil {
			t.Errorf("%s is in the wasm build: %s", pkg, strings.Join(chain, " → "))
		}
	}

	// The check can fail: without the trim, go-app brings net/http in.
	untrimmed := wasmDeps(t, root, "")
	chain := breakdown.ImportChain(untrimmed, mainPackage(t, untrimmed), "net/http")
	if len(chain) < 3 || !strings.Contains(strings.Join(chain, " "), "go-app") {
		t.Errorf("untrimmed, net/http should come through go-app; chain %q", chain)
	}
}

func wasmDeps(t *testing.T, root, modfile string) []breakdown.Package {
	t.Helper()
	pkgs, err := breakdown.ListDeps(root, modfile, "./wasm")
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// mainPackage is the package the listing was asked for (./wasm).
func mainPackage(t *testing.T, pkgs []breakdown.Package) string {
	t.Helper()
	for _, p := range pkgs {
		if !p.DepOnly && p.Name == "main" {
			return p.ImportPath
		}
	}
	t.Fatal("no main package in the listing of ./wasm")
	return ""
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}
