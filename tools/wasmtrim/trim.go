package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// goAppModule is the module the edits apply to; goAppVersion is the
// version they were written against (go.mod must require exactly it).
const (
	goAppModule  = "github.com/maxence-charriere/go-app/v10"
	goAppVersion = "v10.1.3"
)

// goAppPackages are the module's directories the app builds from; only
// their non-test .go files are copied (and the module's go.mod and
// LICENSE), not the module's 35 MB of docs.
var goAppPackages = []string{"pkg/app", "pkg/errors", "pkg/logs"}

// Errors Trim reports; the build stops on each.
var (
	ErrEditMismatch = errors.New("go-app file does not match the edit (go-app upgraded? see tools/wasmtrim)")
	ErrWrongVersion = errors.New("go.mod requires another go-app than the edits were written for")
	ErrReplaced     = errors.New("go.mod already replaces go-app")
)

// replace is one textual edit: old must occur exactly once.
type replace struct{ old, new string }

// fileEdit is what happens to one file of the module: left out, or edited.
type fileEdit struct {
	path     string // relative to the module root
	deleted  bool
	replaces []replace
}

// goAppEdits leave go-app's server side and its router's *regexp.Regexp
// out of the wasm build (main.go says why). None changes what the browser
// runs: the build would fail if anything on the browser's side still used
// what is removed.
var goAppEdits = []fileEdit{
	{path: "pkg/app/http.go", deleted: true},
	{path: "pkg/app/wasm.go", replaces: []replace{
		{old: "import (\n\t\"runtime\"\n\n\t\"github.com/maxence-charriere/go-app/v10/pkg/errors\"\n)\n", new: ""},
		{old: "func GenerateStaticWebsite(dir string, h *Handler, pages ...string) error {\n" +
			"\tpanic(errors.New(\"unsupported instruction\").\n" +
			"\t\tWithTag(\"architecture\", runtime.GOARCH))\n}\n", new: ""},
	}},
	{path: "pkg/app/resource.go", replaces: []replace{
		{old: "import (\n\t\"net/http\"\n\t\"strings\"\n)", new: "import (\n\t\"strings\"\n)"},
		{old: "\t\tHandler:   http.FileServer(http.Dir(directory)),\n", new: ""},
		{old: "type localResourceResolver struct {\n\thttp.Handler\n", new: "type localResourceResolver struct {\n"},
	}},
	{path: "pkg/app/route.go", replaces: []replace{
		{old: "\tregexp       *regexp.Regexp\n", new: "\tregexp       interface{ MatchString(string) bool }\n"},
	}},
}

// Trim copies go-app (moduleDir, at version) into out/go-app with
// goAppEdits applied, and writes out/go.wasm.mod (mainGoMod with a replace
// of go-app by that copy) and out/go.wasm.sum (a copy of mainGoSum). It
// returns the go.mod to pass to `go build -modfile`.
func Trim(moduleDir, version, mainGoMod, mainGoSum, out string) (string, error) {
	if version != goAppVersion {
		return "", fmt.Errorf("%w: %s %s, edits are for %s", ErrWrongVersion, goAppModule, version, goAppVersion)
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(out, "go-app")
	if err := copyModule(moduleDir, dst); err != nil {
		return "", err
	}
	for _, e := range goAppEdits {
		path := filepath.Join(dst, filepath.FromSlash(e.path))
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrEditMismatch, err)
		}
		if e.deleted {
			if err := os.Remove(path); err != nil {
				return "", err
			}
			continue
		}
		text, err := apply(string(b), e.replaces)
		if err != nil {
			return "", fmt.Errorf("%s: %w", e.path, err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return "", err
		}
	}

	mod, err := os.ReadFile(mainGoMod)
	if err != nil {
		return "", err
	}
	if strings.Contains(string(mod), "replace "+goAppModule) || strings.Contains(string(mod), "\t"+goAppModule+" =>") {
		return "", ErrReplaced
	}
	mod = fmt.Appendf(mod, "\nreplace %s %s => %s\n", goAppModule, version, dst)
	modPath := filepath.Join(out, "go.wasm.mod")
	if err := os.WriteFile(modPath, mod, 0o644); err != nil {
		return "", err
	}
	sum, err := os.ReadFile(mainGoSum)
	if err != nil {
		return "", err
	}
	return modPath, os.WriteFile(filepath.Join(out, "go.wasm.sum"), sum, 0o644)
}

// copyModule copies go.mod, LICENSE and the non-test .go files of
// goAppPackages. The module cache's files are read-only; the copies are not.
func copyModule(src, dst string) error {
	files := []string{"go.mod", "LICENSE"}
	for _, pkg := range goAppPackages {
		entries, err := os.ReadDir(filepath.Join(src, filepath.FromSlash(pkg)))
		if err != nil {
			return fmt.Errorf("%w: %v", ErrEditMismatch, err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.Type().IsRegular() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
				files = append(files, pkg+"/"+name)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(f)))
		if err != nil {
			return err
		}
		path := filepath.Join(dst, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// apply makes each edit in turn; an edit whose old text is not there
// exactly once is an ErrEditMismatch.
func apply(text string, replaces []replace) (string, error) {
	for _, r := range replaces {
		if n := strings.Count(text, r.old); n != 1 {
			return "", fmt.Errorf("%w: %q found %d times, want 1", ErrEditMismatch, firstLine(r.old), n)
		}
		text = strings.Replace(text, r.old, r.new, 1)
	}
	return text, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimLeft(s, "\t"), "\n")
	return line
}
