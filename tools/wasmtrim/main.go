// Command wasmtrim prepares the WebAssembly build of tokenscope: it copies
// go-app with its server side and what else the page never runs cut out, writes a go.mod that replaces go-app
// by that copy, and prints that go.mod's path for `go build -modfile`.
// build.sh uses it for the js/wasm build only: the native build (the site
// generator, which does use go-app's http.Handler), go.mod and the module
// cache are untouched.
//
// go-app v10.1.3 compiles its HTTP server into the browser app:
//
//   - pkg/app/http.go:10 imports net/http for Handler (ServeHTTP, page and
//     manifest generation), and pkg/app/wasm.go:12 names *Handler in the
//     browser's stub of GenerateStaticWebsite;
//   - pkg/app/resource.go:4,21,27: LocalDir wraps http.FileServer.
//
// Nothing the browser runs calls them, but importing net/http links its
// package initialisation, which reaches crypto/tls, mime, idna, the proxy
// settings and HTTP/2 tables: about 740 KB raw, 176 KB gzip -9.
//
// And pkg/app/route.go:72 types a route's pattern as *regexp.Regexp, matched
// on every navigation (route.go:46, :63). That keeps *regexp.Regexp's
// methods, among them UnmarshalText, which encoding/json can call through
// encoding.TextUnmarshaler: so regexp.Compile, regexp/syntax and the
// unicode tables stay even when no route uses a pattern. The field is typed
// as the one method the router calls, and RouteWithRegexp (app.go:147) and
// router.routeWithRegexp (route.go:27), the only users of package regexp,
// are left out: tokenscope routes by exact path, a wasm that called
// RouteWithRegexp would not compile, and the wasm build does not import
// regexp at all (tools/wasmsize's TestWasmDepsLeaveOut guards that).
//
// And go-app's action and state managers (action.go, state.go) are linked
// because engine.go:90-95 stores their methods in every Context and its
// frame loop (engine.go:239, :272) cleans them up. tokenscope uses neither
// (no Handle, NewAction, ObserveState, SetState): with those roots and the
// Context methods and app.Handle that reach them cut, state persistence,
// its encryption, the device ID (github.com/google/uuid) and the
// BroadcastChannel sync leave the wasm: 23 KB gzip -9.
//
// Every edit names the exact text it replaces and fails when that text is
// not there exactly once, and the go-app version is pinned, so an upgrade
// stops the build instead of shipping a stale edit.
//
// The copy is written into a content-addressed directory (-cache DIR writes
// DIR/SHA-256/): the same go-app, edits, go.mod and go.sum give the same
// path, so the wasm build is the same from one build to the next and the
// zopfli cache (keyed by the wasm's hash) hits.
//
//	wasmtrim -cache .cache/wasmtrim   # prints .cache/wasmtrim/KEY/go.wasm.mod
//	wasmtrim -out DIR                 # prints DIR/go.wasm.mod
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "", "directory to write the trimmed go-app and go.wasm.mod to")
	cache := flag.String("cache", "", "directory whose content-addressed subdirectory receives the trimmed go-app (reused when there)")
	flag.Parse()
	if (*out == "") == (*cache == "") || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: wasmtrim -cache DIR | -out DIR")
		os.Exit(2)
	}
	if err := run(*out, *cache); err != nil {
		fmt.Fprintln(os.Stderr, "wasmtrim:", err)
		os.Exit(1)
	}
}

func run(out, cache string) error {
	dir, version, err := module(goAppModule)
	if err != nil {
		return err
	}
	modFile, err := goEnv("GOMOD")
	if err != nil {
		return err
	}
	sumFile := strings.TrimSuffix(modFile, ".mod") + ".sum"
	var path string
	if cache != "" {
		var hit bool
		if path, hit, err = TrimCached(dir, version, modFile, sumFile, cache); err != nil {
			return err
		}
		state := "written"
		if hit {
			state = "reused"
		}
		fmt.Fprintf(os.Stderr, "wasmtrim: trimmed go-app %s (%s)\n", filepath.Dir(path), state)
	} else if path, err = Trim(dir, version, modFile, sumFile, out); err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

// module asks the go command where a module of the build list is and at
// which version, downloading it if needed.
func module(path string) (dir, version string, err error) {
	out, err := goCmd("list", "-m", "-f", "{{.Dir}}\t{{.Version}}", path)
	if err != nil {
		return "", "", err
	}
	dir, version, _ = strings.Cut(out, "\t")
	if dir == "" {
		return "", "", fmt.Errorf("go list -m %s: module not downloaded", path)
	}
	return dir, version, nil
}

func goEnv(name string) (string, error) { return goCmd("env", name) }

func goCmd(args ...string) (string, error) {
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		return "", fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
