package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
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
// the wasm app no longer imports net/http, crypto/tls or regexp, and it
// builds.
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
		if d == "net/http" || d == "crypto/tls" || d == "mime" || d == "regexp" {
			t.Errorf("the wasm app still imports %s", d)
		}
	}
	// The edited go-app compiles (the whole app is built by ./build.sh site,
	// which the browser tests run).
	goJS("build", "-modfile="+modfile, goAppModule+"/pkg/app")
	// A wasm that used actions or states would not compile against the
	// copy (their managers are cut, not left to fail at run time), and it
	// does compile against go-app itself.
	misuse := filepath.Join(t.TempDir(), "main.go")
	src := "package main\n\nimport \"" + goAppModule + "/pkg/app\"\n\n" +
		"func main() {\n\tvar ctx app.Context\n\tctx.SetState(\"s\", 1)\n\tctx.ObserveState(\"s\", nil)\n" +
		"\tctx.NewAction(\"a\")\n\tctx.Handle(\"a\", nil)\n\tapp.Handle(\"a\", nil)\n}\n"
	if err := os.WriteFile(misuse, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	goJS("build", "-o", os.DevNull, misuse)
	cmd := exec.Command("go", "build", "-modfile="+modfile, "-o", os.DevNull, misuse)
	cmd.Dir = filepath.Dir(mod)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	b, err := cmd.CombinedOutput()
	for _, name := range []string{"SetState", "ObserveState", "NewAction", "ctx.Handle", "app.Handle"} {
		if err == nil || !strings.Contains(string(b), name) {
			t.Errorf("a wasm calling %s compiles against the trimmed go-app: %v\n%s", name, err, b)
		}
	}

	// The untrimmed build does import net/http: the test above can fail.
	untrimmed := "\n" + goJS("list", "-deps", "./wasm")
	for _, pkg := range []string{"net/http", "regexp"} {
		if !strings.Contains(untrimmed, "\n"+pkg+"\n") {
			t.Errorf("the untrimmed wasm app does not import %s: is the trim still needed?", pkg)
		}
	}
}

// TestTrimCached: the same inputs give the same directory, written once
// and reused, with what Trim writes; builds that start together all get a
// whole entry; another go.sum is another entry; stale entries go.
func TestTrimCached(t *testing.T) {
	dir, version := goApp(t)
	mod, sum := mainModFiles(t)
	cache := t.TempDir()

	stale := filepath.Join(cache, ".tmp-died")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-MaxCacheAge - time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}

	const builds = 4
	paths := make([]string, builds)
	hits := make([]bool, builds)
	errs := make([]error, builds)
	var wg sync.WaitGroup
	for i := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], hits[i], errs[i] = TrimCached(dir, version, mod, sum, cache)
		}()
	}
	wg.Wait()
	for i := range builds {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if paths[i] != paths[0] {
			t.Fatalf("concurrent builds got %s and %s", paths[0], paths[i])
		}
	}
	if !slices.Contains(hits, false) {
		t.Error("no build wrote the entry")
	}
	again, hit, err := TrimCached(dir, version, mod, sum, cache)
	if err != nil || again != paths[0] || !hit {
		t.Fatalf("second build: %s, hit %v, %v; want %s, a hit", again, hit, err, paths[0])
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary directory is still there: %v", err)
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != 1 {
		t.Errorf("cache holds %d entries, want 1 (no temporary directory left)", len(entries))
	}

	// The entry is what Trim writes, its go.mod pointing into the entry.
	plain, err := Trim(dir, version, mod, sum, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	entry, plainDir := filepath.Dir(again), filepath.Dir(plain)
	if err := filepath.WalkDir(plainDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(plainDir, path)
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(entry, rel))
		if err != nil {
			return err
		}
		want = []byte(strings.ReplaceAll(string(want), plainDir, entry))
		if string(got) != string(want) {
			t.Errorf("%s differs from Trim's", rel)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	otherSum := filepath.Join(t.TempDir(), "go.sum")
	if err := os.WriteFile(otherSum, []byte("example.com/x v1.0.0 h1:x=\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other, hit, err := TrimCached(dir, version, mod, otherSum, cache)
	if err != nil || hit || other == again {
		t.Errorf("another go.sum: %s, hit %v, %v; want a new entry", other, hit, err)
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

// copyModule copies what readModule reads into dst. The module cache's
// files are read-only; the copies are not.
func copyModule(src, dst string) error {
	files, err := readModule(src)
	if err != nil {
		return err
	}
	for name, b := range files {
		path := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
