//go:build !js

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/ui"
	"tokenscope/internal/sitepolicy"
)

func init() {
	// main() registers the route; tests generate without running main.
	app.Route("/", func() app.Composer { return ui.NewInspector(newEnv()) })
}

func generateSite(t *testing.T, prefix string) string {
	t.Helper()
	out := t.TempDir()
	args := []string{"-out", out, "-version", "v123", "-wasm-size", "4242"}
	if prefix != "" {
		args = append(args, "-prefix", prefix)
	}
	if err := generate(args); err != nil {
		t.Fatal(err)
	}
	return out
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// urlAttr finds every URL the page would load or link to.
var urlAttr = regexp.MustCompile(`(?:src|href|content)="([^"]*)"`)

func TestSiteLoadsNothingFromElsewhere(t *testing.T) {
	for _, prefix := range []string{"", "/tools/tokenscope"} {
		out := generateSite(t, prefix)
		index := read(t, filepath.Join(out, "index.html"))
		for _, m := range urlAttr.FindAllStringSubmatch(index, -1) {
			if u := m[1]; strings.Contains(u, "://") || strings.HasPrefix(u, "//") {
				t.Errorf("prefix %q: index.html refers to %q", prefix, u)
			}
		}
		for _, name := range []string{"index.html", "app.js", "app-worker.js", "manifest.webmanifest"} {
			s := read(t, filepath.Join(out, name))
			for _, bad := range []string{"githubusercontent", "googleapis", "gstatic", "preconnect", "analytics"} {
				if strings.Contains(s, bad) {
					t.Errorf("prefix %q: %s mentions %q", prefix, name, bad)
				}
			}
		}
	}
}

func TestSiteUnderPrefix(t *testing.T) {
	const prefix = "/tools/tokenscope"
	out := generateSite(t, prefix)
	index := read(t, filepath.Join(out, "index.html"))
	for _, m := range urlAttr.FindAllStringSubmatch(index, -1) {
		if u := m[1]; strings.HasPrefix(u, "/") && !strings.HasPrefix(u, prefix+"/") {
			t.Errorf("index.html refers to %q outside %s", u, prefix)
		}
	}
	appJS := read(t, filepath.Join(out, "app.js"))
	for _, want := range []string{
		`"` + prefix + `/web/app.wasm"`,
		`"` + prefix + `/app-worker.js"`,
		`"GOAPP_ROOT_PREFIX":"` + prefix + `"`,
		`goappWasmContentLength = "4242"`,
	} {
		if !strings.Contains(appJS, want) {
			t.Errorf("app.js lacks %s", want)
		}
	}
	var manifest struct {
		Scope    string `json:"scope"`
		StartURL string `json:"start_url"`
	}
	if err := json.Unmarshal([]byte(read(t, filepath.Join(out, "manifest.webmanifest"))), &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Scope != prefix+"/" || manifest.StartURL != prefix+"/" {
		t.Errorf("manifest scope %q start_url %q, want %s/", manifest.Scope, manifest.StartURL, prefix)
	}
}

func TestWorker(t *testing.T) {
	worker := read(t, filepath.Join(generateSite(t, ""), "app-worker.js"))
	if strings.Contains(worker, "{{") || strings.Contains(worker, workerBuildPlaceholder) {
		t.Error("app-worker.js has an unfilled placeholder")
	}
	for _, want := range []string{
		"const cacheName = cachePrefix + build.id;",
		`crypto.subtle.digest("SHA-256"`,
		`cache: "reload"`,
		"status: 500",
		"event.waitUntil(",
		"skipWaiting()",
		"clients.claim()",
		`request.method !== "GET"`,
		"url.origin !== self.location.origin",
	} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js lacks %s", want)
		}
	}
	if strings.Contains(worker, "console.") {
		t.Error("app-worker.js logs to the console")
	}
}

// workerManifest reads the build manifest sealWorker wrote into the worker.
func workerManifest(t *testing.T, dir string) workerBuild {
	t.Helper()
	worker := read(t, filepath.Join(dir, "app-worker.js"))
	const decl = "const build = "
	i := strings.Index(worker, decl)
	if i < 0 {
		t.Fatal("app-worker.js has no build manifest")
	}
	var b workerBuild
	if err := json.NewDecoder(strings.NewReader(worker[i+len(decl):])).Decode(&b); err != nil {
		t.Fatalf("app-worker.js build manifest: %v", err)
	}
	return b
}

// TestWorkerManifest: the manifest lists every file of the finished site
// (web/ assets, app.wasm and wasm_exec.js included) with its SHA-256, the
// page under "" and not the worker itself; Go sources and a stale
// web/app.wasm are not copied.
func TestWorkerManifest(t *testing.T) {
	src := t.TempDir()
	for name, body := range map[string]string{
		"web/tokenscope.css":   "body{}",
		"web/fonts/x.woff2":    "font",
		"web/web.go":           "package web",
		"web/app.wasm":         "stale",
		"app.wasm":             "\x00asm fresh",
		"wasm_exec.js":         "// toolchain",
		"web/with space.svg":   "<svg/>",
		"web/loader.js":        "(() => {})()",
		"web/icon.svg":         "<svg/>",
		"web/icon-192.png":     "png",
		"web/icon-512.png":     "png",
		"web/bridge.js":        "bridge",
		"web/sub/dir/deep.txt": "deep",
	} {
		path := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	err := generate([]string{"-out", out, "-prefix", "/tools/ts", "-wasm", filepath.Join(src, "app.wasm"),
		"-web", filepath.Join(src, "web"), "-wasm-exec", filepath.Join(src, "wasm_exec.js")})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "web", "app.wasm")); got != "\x00asm fresh" {
		t.Errorf("web/app.wasm = %q, want the -wasm file", got)
	}
	if got := read(t, filepath.Join(out, "wasm_exec.js")); got != "// toolchain" {
		t.Errorf("wasm_exec.js = %q, want the -wasm-exec file", got)
	}
	if _, err := os.Stat(filepath.Join(out, "web", "web.go")); err == nil {
		t.Error("web/web.go was copied into the site")
	}

	b := workerManifest(t, out)
	want := map[string]string{}
	err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		rel = filepath.ToSlash(rel)
		switch rel {
		case "app-worker.js":
			return nil
		case "index.html":
			rel = ""
		case "web/with space.svg":
			rel = "web/with%20space.svg"
		}
		sum := sha256.Sum256([]byte(read(t, path)))
		want[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.Files, want) {
		t.Errorf("manifest files\n%v\nwant\n%v", b.Files, want)
	}
	for _, path := range []string{"", "app.js", "app.css", "manifest.webmanifest", "wasm_exec.js", "web/app.wasm", "web/sub/dir/deep.txt"} {
		if _, ok := b.Files[path]; !ok {
			t.Errorf("manifest lacks %q", path)
		}
	}
	if len(b.ID) != 16 {
		t.Errorf("build id %q", b.ID)
	}
	if len(b.SelfReported) != 1 || b.SelfReported[0] != "web/app.wasm" || b.Files["web/app.wasm"] == "" {
		t.Errorf("self-reported files %q: want web/app.wasm, which is in the manifest", b.SelfReported)
	}

	// Another byte anywhere is another build, with its own cache.
	if err := os.WriteFile(filepath.Join(src, "web", "sub", "dir", "deep.txt"), []byte("deeper"), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := t.TempDir()
	if err := generate([]string{"-out", out2, "-prefix", "/tools/ts", "-wasm", filepath.Join(src, "app.wasm"), "-web", filepath.Join(src, "web")}); err != nil {
		t.Fatal(err)
	}
	if b2 := workerManifest(t, out2); b2.ID == b.ID {
		t.Error("a changed file kept the build id")
	}
}

// TestPageCSP: the page carries the policy as its first <meta> after the
// charset, ahead of every link and script, and holds nothing the policy
// would block: no inline script, no inline handler, no style attribute.
func TestPageCSP(t *testing.T) {
	for _, prefix := range []string{"", "/tools/tokenscope"} {
		index := read(t, filepath.Join(generateSite(t, prefix), "index.html"))
		if n := strings.Count(index, `http-equiv="Content-Security-Policy"`); n != 1 {
			t.Fatalf("prefix %q: %d CSP metas", prefix, n)
		}
		want := `<meta charset="UTF-8">` + "\n    " + `<meta http-equiv="Content-Security-Policy" content="` + html.EscapeString(sitepolicy.CSP) + `">`
		if !strings.Contains(index, want) {
			t.Errorf("prefix %q: no CSP meta right after the charset", prefix)
		}
		csp := strings.Index(index, `http-equiv="Content-Security-Policy"`)
		for _, tag := range []string{"<link", "<script", "<style", "<img"} {
			if i := strings.Index(index, tag); i >= 0 && i < csp {
				t.Errorf("prefix %q: %s before the CSP meta", prefix, tag)
			}
		}
		for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(index, -1) {
			if !strings.Contains(m, " src=") {
				t.Errorf("prefix %q: inline script %s", prefix, m)
			}
		}
		if strings.Contains(index, "<style") || regexp.MustCompile(`\sstyle=`).MatchString(index) {
			t.Errorf("prefix %q: inline style", prefix)
		}
		if m := regexp.MustCompile(`\son[a-z]+=`).FindString(index); m != "" {
			t.Errorf("prefix %q: inline handler %q", prefix, m)
		}
		if strings.Contains(index, "javascript:") {
			t.Errorf("prefix %q: a javascript: URL in the prerendered page", prefix)
		}
	}
}

func TestCleanPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"/":                  "",
		"tools/tokenscope":   "/tools/tokenscope",
		"/tools/tokenscope/": "/tools/tokenscope",
		"/a-b_c.d~e":         "/a-b_c.d~e",
	} {
		if got, err := cleanPrefix(in); err != nil || got != want {
			t.Errorf("cleanPrefix(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`/a"b`, "/a b", "/a/../b", "/a//b", "/<x>", "/..", "/a/."} {
		if got, err := cleanPrefix(in); err == nil {
			t.Errorf("cleanPrefix(%q) = %q, want an error", in, got)
		}
	}
}

func TestParseFlagsNeedsVersion(t *testing.T) {
	if _, err := parseFlags([]string{"-out", t.TempDir()}); err == nil {
		t.Error("no -wasm and no -version: want an error")
	}
	if _, err := parseFlags(nil); err == nil {
		t.Error("no -out: want an error")
	}
}
