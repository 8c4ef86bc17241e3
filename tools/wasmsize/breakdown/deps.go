package breakdown

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// Package is one package of a program's build, as `go list -deps -json`
// describes it.
type Package struct {
	ImportPath string
	Name       string
	Imports    []string
	DepOnly    bool // false for the package(s) named on the command line
}

// ListDeps lists pattern's packages and everything they import, built for
// js/wasm from dir (the module root), with modfile as `go build -modfile`
// when it is not "". The listing is `go list -deps`, so it follows the
// build constraints exactly as the build does.
func ListDeps(dir, modfile, pattern string) ([]Package, error) {
	args := []string{"list", "-deps", "-json=ImportPath,Name,Imports,DepOnly"}
	if modfile != "" {
		args = append(args, "-modfile="+modfile)
	}
	cmd := exec.Command("go", append(args, pattern)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps %s: %w\n%s", pattern, err, stderr.Bytes())
	}
	var pkgs []Package
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return pkgs, nil
		} else if err != nil {
			return nil, fmt.Errorf("go list -deps %s: %w", pattern, err)
		}
		pkgs = append(pkgs, p)
	}
}

// ImportChain returns a shortest chain of imports from the package from to
// the package to, both ends included ("tokenscope/wasm",
// "github.com/maxence-charriere/go-app/v10/pkg/app", "net/http"), or nil
// when from does not reach to.
func ImportChain(pkgs []Package, from, to string) []string {
	imports := make(map[string][]string, len(pkgs))
	for _, p := range pkgs {
		imports[p.ImportPath] = p.Imports
	}
	if _, ok := imports[from]; !ok {
		return nil
	}
	parent := map[string]string{from: ""}
	for queue := []string{from}; len(queue) > 0; queue = queue[1:] {
		cur := queue[0]
		if cur == to {
			var chain []string
			for p := cur; p != ""; p = parent[p] {
				chain = append([]string{p}, chain...)
			}
			return chain
		}
		for _, next := range imports[cur] {
			if _, seen := parent[next]; !seen {
				parent[next] = cur
				queue = append(queue, next)
			}
		}
	}
	return nil
}
