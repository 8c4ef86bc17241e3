package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	tests := []struct {
		name, text string
		replaces   []replace
		want       string
		err        error
	}{
		{"one edit", "a\nb\nc\n", []replace{{"b\n", "B\n"}}, "a\nB\nc\n", nil},
		{"edits in turn", "a b", []replace{{"a", "x"}, {"x b", "y"}}, "y", nil},
		{"missing", "a b", []replace{{"c", "d"}}, "", ErrEditMismatch},
		{"twice", "a a", []replace{{"a", "b"}}, "", ErrEditMismatch},
		{"second edit missing", "a b", []replace{{"a", "x"}, {"a", "y"}}, "", ErrEditMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apply(tt.text, tt.replaces)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("apply = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// goApp returns the real go-app module's directory and version.
func goApp(t *testing.T) (dir, version string) {
	t.Helper()
	dir, version, err := module(goAppModule)
	if err != nil {
		t.Fatal(err)
	}
	return dir, version
}

func mainModFiles(t *testing.T) (mod, sum string) {
	t.Helper()
	mod, err := goEnv("GOMOD")
	if err != nil {
		t.Fatal(err)
	}
	return mod, strings.TrimSuffix(mod, ".mod") + ".sum"
}

// TestTrimLeavesServerOut is the point of the tool: with the trimmed go-app,
// the wasm app no longer imports net/http or crypto/tls, and it builds.
func TestTrimLeavesServerOut(t *testing.T) {
	dir, version := goApp(t)
	mod, sum := mainModFiles(t)
	out := t.TempDir()
	modfile, err := Trim(dir, version, mod, sum, out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "go-app", "pkg", "app", "http.go")); !os.IsNotExist(err) {
		t.Errorf("http.go still in the copy: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "go-app", "LICENSE")); err != nil {
		t.Errorf("the copy lacks go-app's LICENSE: %v", err)
	}
	goJS := func(args ...string) string {
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Dir(mod)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	deps := strings.Fields(goJS("list", "-modfile="+modfile, "-deps", "./wasm"))
	for _, d := range deps {
		if d == "net/http" || d == "crypto/tls" || d == "mime" {
			t.Errorf("the wasm app still imports %s", d)
		}
	}
	// The edited go-app compiles (the whole app is built by ./build.sh site,
	// which the browser tests run).
	goJS("build", "-modfile="+modfile, goAppModule+"/pkg/app")
	// The untrimmed build does import net/http: the test above can fail.
	if !strings.Contains(" "+goJS("list", "-deps", "./wasm")+" ", "\nnet/http\n") {
		t.Error("the untrimmed wasm app does not import net/http: is the trim still needed?")
	}
}

func TestTrimRefuses(t *testing.T) {
	dir, version := goApp(t)
	mod, sum := mainModFiles(t)

	if _, err := Trim(dir, "v10.1.2", mod, sum, t.TempDir()); !errors.Is(err, ErrWrongVersion) {
		t.Errorf("another version: %v, want ErrWrongVersion", err)
	}

	replaced := filepath.Join(t.TempDir(), "go.mod")
	if err := os.WriteFile(replaced, []byte("module x\n\nreplace "+goAppModule+" => ../go-app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Trim(dir, version, replaced, sum, t.TempDir()); !errors.Is(err, ErrReplaced) {
		t.Errorf("go.mod replacing go-app: %v, want ErrReplaced", err)
	}

	// A go-app whose route.go changed: the edit must not apply quietly.
	changed := t.TempDir()
	if err := copyModule(dir, changed); err != nil {
		t.Fatal(err)
	}
	route := filepath.Join(changed, "pkg", "app", "route.go")
	b, err := os.ReadFile(route)
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.Replace(string(b), "*regexp.Regexp", "*regexp.Regexp // changed", 1))
	if err := os.WriteFile(route, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Trim(changed, version, mod, sum, t.TempDir()); !errors.Is(err, ErrEditMismatch) {
		t.Errorf("changed route.go: %v, want ErrEditMismatch", err)
	}
}
