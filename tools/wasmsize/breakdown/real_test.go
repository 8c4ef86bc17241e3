package breakdown

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// helloProgram links fmt, strings and encoding/json, so its binary holds
// runtime, its own main package and standard packages of several groups.
const helloProgram = `package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

type greeting struct{ Text string }

func main() {
	b, _ := json.Marshal(greeting{Text: strings.ToUpper("hello")})
	fmt.Println(string(b))
}
`

// buildHello builds helloProgram for js/wasm with the given -ldflags and
// returns the binary and the program's package list.
func buildHello(t *testing.T, ldflags string) ([]byte, []string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module hello\n\ngo 1.26\n", "main.go": helloProgram} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) []byte {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOFLAGS=")
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return out
	}
	run("build", "-trimpath", "-ldflags="+ldflags, "-o", "hello.wasm", ".")
	b, err := os.ReadFile(filepath.Join(dir, "hello.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return b, strings.Fields(string(run("list", "-deps", ".")))
}

func TestRealBinary(t *testing.T) {
	bin, deps := buildHello(t, "")
	m, err := Parse(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasNames || m.Imports == 0 || len(m.Funcs) < 1000 {
		t.Fatalf("HasNames %v, %d imports, %d funcs: not a Go binary with symbols", m.HasNames, m.Imports, len(m.Funcs))
	}
	b, err := Summarize(m, NewPackages(deps, "hello"), DefaultGroups)
	if err != nil {
		t.Fatal(err)
	}
	// The code section is its header, the body count and the bodies.
	if slack := m.CodeSection - b.FuncBytes; slack < 2 || slack > 11 {
		t.Errorf("code section %d bytes, bodies %d: %d bytes unaccounted", m.CodeSection, b.FuncBytes, slack)
	}
	if m.DataSection == 0 {
		t.Error("no data section")
	}
	pkgs := map[string]Row{}
	for _, r := range b.Packages {
		pkgs[r.Name] = r
	}
	for _, want := range []string{"runtime", "hello", "fmt", "encoding/json", "strings", "reflect", PkgAssembly} {
		if pkgs[want].Bytes == 0 {
			t.Errorf("package %q has no code; packages: %v", want, b.Packages)
		}
	}
	// Every name of a package function must resolve to a listed package:
	// only assembly, type algorithms of unnamed types and linknamed symbols
	// of unlinked packages may stay outside, and they are small.
	listed := map[string]bool{"hello": true, PkgAssembly: true, PkgTypeAlg: true}
	for _, d := range deps {
		listed[d] = true
	}
	unlisted := 0
	for _, r := range b.Packages {
		if !listed[r.Name] {
			unlisted += r.Bytes
		}
	}
	if unlisted*100 > b.FuncBytes {
		t.Errorf("%d of %d bytes in packages go list does not know", unlisted, b.FuncBytes)
	}
	groups := map[string]int{}
	for _, r := range b.Groups {
		groups[r.Name] = r.Bytes
	}
	if groups["runtime"] < b.FuncBytes/10 || groups["encoding/json"] == 0 || groups["fmt, reflect, strconv, unicode"] == 0 {
		t.Errorf("groups %v", b.Groups)
	}
	var out bytes.Buffer
	if err := b.Write(&out, 10); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"custom name", "encoding/json", "package (top 10 of", "data section", "largest functions"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRealBinaryStripped checks that -s, which the shipped app.wasm is built
// with, leaves no names, and Summarize says so rather than report nonsense.
func TestRealBinaryStripped(t *testing.T) {
	bin, deps := buildHello(t, "-s -w")
	m, err := Parse(bin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Summarize(m, NewPackages(deps, "hello"), DefaultGroups); !errors.Is(err, ErrNoNames) {
		t.Fatalf("Summarize of a stripped binary: %v, want ErrNoNames", err)
	}
}
