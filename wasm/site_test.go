//go:build !js

package main

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
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
	args := []string{"-out", out, "-version", "v123", "-wasm-size", "4242", "-wasm-gz-size", "1717"}
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
		`tokenscopeFetchWasm("` + prefix + `/web/app.wasm.gz"`,
		`"` + prefix + `/app-worker.js"`,
		`"GOAPP_ROOT_PREFIX":"` + prefix + `"`,
		`goappWasmContentLength = "1717"`,
		"  return { gzip: 1717, raw: 4242 };",
		"\ntokenscopeRegisterLater(goappInitServiceWorker);\n",
		`new DecompressionStream("gzip")`,
	} {
		if !strings.Contains(appJS, want) {
			t.Errorf("app.js lacks %s", want)
		}
	}
	if strings.Contains(appJS, "\ngoappInitServiceWorker();") || strings.Contains(appJS, `fetchWithProgress("`) {
		t.Error("app.js still registers the worker before the wasm download, or still fetches with go-app's loader")
	}
	if want := `<link rel="preload" href="` + prefix + `/web/app.wasm.gz" as="fetch" crossorigin="anonymous">`; !strings.Contains(index, want) {
		t.Errorf("index.html lacks %s", want)
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
		`fetchChecked(path, "reload")`,
		`fetchChecked(path, "no-cache")`,
		"build.decoded[path]",
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
		"web/app.wasm.gz":      "stale",
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
	if got := gunzip(t, filepath.Join(out, "web", "app.wasm.gz")); got != "\x00asm fresh" {
		t.Errorf("web/app.wasm.gz decompresses to %q, want the -wasm file", got)
	}
	if _, err := os.Stat(filepath.Join(out, "web", "app.wasm")); err == nil {
		t.Error("web/app.wasm was copied into the site: only the .gz ships")
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
	for _, path := range []string{"", "app.js", "app.css", "manifest.webmanifest", "wasm_exec.js", "web/app.wasm.gz", "web/sub/dir/deep.txt"} {
		if _, ok := b.Files[path]; !ok {
			t.Errorf("manifest lacks %q", path)
		}
	}
	if len(b.ID) != 16 {
		t.Errorf("build id %q", b.ID)
	}
	if len(b.SelfReported) != 1 || b.SelfReported[0] != "web/app.wasm.gz" || b.Files["web/app.wasm.gz"] == "" {
		t.Errorf("self-reported files %q: want web/app.wasm.gz, which is in the manifest", b.SelfReported)
	}
	rawSum := sha256.Sum256([]byte("\x00asm fresh"))
	if want := map[string]string{"web/app.wasm.gz": hex.EncodeToString(rawSum[:])}; !reflect.DeepEqual(b.Decoded, want) {
		t.Errorf("decoded hashes %v, want %v: a host that decodes the .gz hands the worker the raw wasm", b.Decoded, want)
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

func gunzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(b)
}

// TestWasmGz: a -wasm-gz is shipped byte for byte, and one that does not
// decompress to -wasm is refused, so the version and hashes always describe
// the code that runs.
func TestWasmGz(t *testing.T) {
	src := t.TempDir()
	raw := filepath.Join(src, "app.wasm")
	if err := os.WriteFile(raw, []byte("\x00asm fresh"), 0o644); err != nil {
		t.Fatal(err)
	}
	good, err := gzipBest([]byte("\x00asm fresh"))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := gzipBest([]byte("\x00asm other"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"good.gz": good, "bad.gz": bad, "notgzip.gz": []byte("\x00asm fresh")} {
		if err := os.WriteFile(filepath.Join(src, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	if err := generate([]string{"-out", out, "-wasm", raw, "-wasm-gz", filepath.Join(src, "good.gz")}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "web", "app.wasm.gz")); got != string(good) {
		t.Error("the -wasm-gz file was not shipped as it is")
	}
	if appJS := read(t, filepath.Join(out, "app.js")); !strings.Contains(appJS, fmt.Sprintf("{ gzip: %d, raw: %d }", len(good), len("\x00asm fresh"))) {
		t.Error("app.js does not carry the compressed and raw sizes")
	}
	for _, name := range []string{"bad.gz", "notgzip.gz"} {
		err := generate([]string{"-out", t.TempDir(), "-wasm", raw, "-wasm-gz", filepath.Join(src, name)})
		if !errors.Is(err, errGzipMismatch) {
			t.Errorf("-wasm-gz %s: %v, want errGzipMismatch", name, err)
		}
	}
}
