//go:build !js

package main

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/internal/sitepolicy"
)

// workerJS replaces go-app's DefaultAppWorkerJS, whose install and activate
// handlers do not use event.waitUntil and so do not reliably cache the site,
// and which serves whatever Cache Storage holds. sealWorker writes this
// build's manifest into it.
//
//go:embed app-worker.js
var workerJS string

// siteOptions are what changes between two builds of the site.
type siteOptions struct {
	out        string // output directory
	prefix     string // URL path the site is served under ("" or "/tools/tokenscope")
	version    string // go-app's version; the content hash of app.wasm
	wasmLength int64  // raw size of app.wasm, for the loading percentage
	wasmPath   string // app.wasm to copy into the site ("": none)
	webDir     string // static assets to copy into web/ ("": none)
	wasmExec   string // wasm_exec.js to copy over go-app's ("": keep go-app's)
}

func generate(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	if err := app.GenerateStaticWebsite(o.out, newHandler(o)); err != nil {
		return fmt.Errorf("generating site in %s: %w", o.out, err)
	}
	if err := fixIndex(filepath.Join(o.out, "index.html")); err != nil {
		return err
	}
	if err := fixAppJS(filepath.Join(o.out, "app.js")); err != nil {
		return err
	}
	if err := fixManifest(filepath.Join(o.out, "manifest.webmanifest"), o.prefix); err != nil {
		return err
	}
	if err := o.addFiles(); err != nil {
		return err
	}
	// Last: the worker's manifest hashes the finished site.
	return sealWorker(o.out)
}

// addFiles copies what go-app does not write: the web/ assets, app.wasm and
// the toolchain's wasm_exec.js (go-app bundles its own copy; the one that
// matches the compiler that built app.wasm is the toolchain's). Each is
// optional, so tests can generate a site without a wasm build.
func (o siteOptions) addFiles() error {
	if o.webDir != "" {
		if err := copyWeb(o.webDir, filepath.Join(o.out, "web")); err != nil {
			return err
		}
	}
	if o.wasmPath != "" {
		if err := copyFile(o.wasmPath, filepath.Join(o.out, filepath.FromSlash(siteWasmPath))); err != nil {
			return err
		}
	}
	if o.wasmExec != "" {
		if err := copyFile(o.wasmExec, filepath.Join(o.out, "wasm_exec.js")); err != nil {
			return err
		}
	}
	return nil
}

// copyWeb copies the static assets, leaving out Go sources and any
// app.wasm left over from an older layout (the site's comes from -wasm).
func copyWeb(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case strings.HasSuffix(path, ".go") || rel == "app.wasm":
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copying into the site: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("copying into the site: %w", err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return fmt.Errorf("copying into the site: %w", err)
	}
	return nil
}

// metaTag matches one <meta> element as go-app writes it (attribute order
// varies from build to build: go-app keeps attributes in a map).
var metaTag = regexp.MustCompile(`\s*<meta [^>]*>`)

// cspMeta is the page's Content-Security-Policy (sitepolicy.CSP) as a
// <meta>. It goes right after <meta charset>: a policy in a <meta> covers
// only what the parser meets after it, so it must precede every <link> and
// <script>. go-app's RawHeaders would put it at the end of <head>.
var cspMeta = `<meta http-equiv="Content-Security-Policy" content="` + html.EscapeString(sitepolicy.CSP) + `">`

// fixIndex drops og:url and og:image, and adds the CSP. Without a
// Handler.Domain go-app writes og:url and og:image as "https://" + path
// ("https:///tools/tokenscope"), and a static site does not know the domain
// it will be served from.
func fixIndex(path string) error {
	return rewrite(path, func(b []byte) ([]byte, error) {
		b = metaTag.ReplaceAllFunc(b, func(tag []byte) []byte {
			s := string(tag)
			isOG := strings.Contains(s, `property="og:url"`) || strings.Contains(s, `property="og:image"`)
			if isOG && (strings.Contains(s, `content="https://"`) || strings.Contains(s, `content="https:///`)) {
				return nil
			}
			return tag
		})
		const charset = `<meta charset="UTF-8">`
		if bytes.Count(b, []byte(charset)) != 1 || bytes.Contains(b, []byte(`http-equiv="Content-Security-Policy"`)) {
			return nil, errors.New("index.html: go-app's <meta charset> not found once, or a CSP already there; update fixIndex")
		}
		return bytes.Replace(b, []byte(charset), []byte(charset+"\n    "+cspMeta), 1), nil
	})
}

// wasmFetchJS is added to go-app's app.js. When the service worker already
// controls the page, app.wasm comes from Cache Storage: fetching it directly
// lets Chromium reuse the code it compiled on an earlier visit, where go-app's
// progress wrapper (a new Response around a ReadableStream) forces a fresh
// compile of 10 MB on every load. There is no download to show progress for.
const wasmFetchJS = `
// tokenscope: see wasmFetchJS in wasm/site.go.
function tokenscopeFetchWasm(url, progress) {
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    progress(100);
    return fetch(url).then(tokenscopeCheckWasm);
  }
  return fetchWithProgress(url, progress);
}

// A worker that refused app.wasm (it failed its integrity check) answers
// 500 with a plain message: show that message, which go-app puts in its
// loading label, rather than a MIME type error.
async function tokenscopeCheckWasm(response) {
  if (!response.ok) {
    throw new Error((await response.text()).trim() || "app.wasm: HTTP " + response.status);
  }
  return response;
}
`

// fixAppJS routes go-app's wasm download through tokenscopeFetchWasm.
func fixAppJS(path string) error {
	return rewrite(path, func(b []byte) ([]byte, error) {
		s := string(b)
		const call = "fetchWithProgress("
		i := strings.Index(s, call)
		if i < 0 || strings.Count(s, call) != 2 { // the call, and the definition
			return nil, errors.New("app.js: go-app's fetchWithProgress call not found; update fixAppJS")
		}
		return []byte(s[:i] + "tokenscopeFetchWasm(" + s[i+len(call):] + wasmFetchJS), nil
	})
}

// fixManifest sets the manifest's scope, which go-app hard-codes to "/", to
// the prefix the site lives under, so an installed app stays inside it.
func fixManifest(path, prefix string) error {
	return rewrite(path, func(b []byte) ([]byte, error) {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		m["scope"] = prefix + "/"
		m["start_url"] = prefix + "/"
		return json.Marshal(m)
	})
}

func rewrite(path string, edit func([]byte) ([]byte, error)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("rewriting: %w", err)
	}
	if b, err = edit(b); err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("rewriting: %w", err)
	}
	return nil
}

func parseFlags(args []string) (siteOptions, error) {
	flags := flag.NewFlagSet("wasm", flag.ContinueOnError)
	var o siteOptions
	flags.StringVar(&o.out, "out", "", "write the static site to `dir` (required)")
	flags.StringVar(&o.prefix, "prefix", "", "serve the site under this URL `path`, e.g. /tools/tokenscope")
	flags.StringVar(&o.wasmPath, "wasm", "", "the built app.wasm `file`, copied to web/app.wasm: its size and content hash set -wasm-size and -version")
	flags.StringVar(&o.version, "version", "", "app version (default: content hash of -wasm)")
	flags.Int64Var(&o.wasmLength, "wasm-size", 0, "raw size of app.wasm in bytes (default: size of -wasm)")
	flags.StringVar(&o.webDir, "web", "", "copy the static assets in `dir` into the site's web/")
	flags.StringVar(&o.wasmExec, "wasm-exec", "", "the toolchain's wasm_exec.js `file`, replacing go-app's copy")
	if err := flags.Parse(args); err != nil {
		return o, err
	}
	if o.out == "" {
		return o, errors.New("-out is required (use ./build.sh site)")
	}
	prefix, err := cleanPrefix(o.prefix)
	if err != nil {
		return o, err
	}
	o.prefix = prefix
	if o.wasmPath != "" {
		if err := o.fromWasm(o.wasmPath); err != nil {
			return o, err
		}
	}
	if o.version == "" || o.wasmLength <= 0 {
		return o, errors.New("need -wasm, or both -version and -wasm-size")
	}
	return o, nil
}

// fromWasm fills the version and size from the wasm file, unless set by flag.
func (o *siteOptions) fromWasm(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading wasm: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("hashing %s: %w", path, err)
	}
	if o.version == "" {
		o.version = hex.EncodeToString(h.Sum(nil))[:16]
	}
	if o.wasmLength <= 0 {
		o.wasmLength = n
	}
	return nil
}

// cleanPrefix normalises "tools/tokenscope/" to "/tools/tokenscope" and "/"
// to "". Anything that would end up inside HTML or JS unescaped is refused.
func cleanPrefix(p string) (string, error) {
	p = "/" + strings.Trim(p, "/")
	if p == "/" {
		return "", nil
	}
	for _, r := range p {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/-_.~", r)
		if !ok {
			return "", fmt.Errorf("prefix %q: only letters, digits and /-_.~ are allowed", p)
		}
	}
	if strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") || strings.HasSuffix(p, "/.") {
		return "", fmt.Errorf("prefix %q: empty, . or .. path segment", p)
	}
	return p, nil
}

// newHandler is the go-app configuration of the page. Every URL in it is
// local: the defaults for Icon point at raw.githubusercontent.com, and
// Preconnect and Fonts stay empty so the page asks no third party for anything.
func newHandler(o siteOptions) *app.Handler {
	return &app.Handler{
		Name:        "tokenscope",
		ShortName:   "tokenscope",
		Title:       "tokenscope: JWT, cookie and session inspector",
		Description: "Paste a JWT, a Cookie header or a session JSON and see every token decoded and judged. Runs entirely in your browser; nothing you paste leaves the page.",
		Lang:        "en",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		BackgroundColor: "#1b1d23",
		ThemeColor:      "#1b1d23",
		// Shown by go-app's loader; web/loader.js mirrors the number into a
		// progress bar. No quotes: go-app pastes it into a JS string literal.
		LoadingLabel: "Loading tokenscope {progress}%",
		Styles:       []string{"/web/tokenscope.css"},
		Scripts:      []string{"/web/loader.js defer"},
		// go-app caches Icon.Default/Large/Maskable but not Icon.SVG, the
		// favicon; without it an offline page would request it and fail.
		CacheableResources:    []string{"/web/icon.svg"},
		Resources:             resources(o.prefix),
		Version:               o.version,
		WasmContentLength:     strconv.FormatInt(o.wasmLength, 10),
		ServiceWorkerTemplate: workerJS,
	}
}

// resources maps go-app's root-relative paths ("/app.js", "/web/x") onto the
// URL path the site is served under.
func resources(prefix string) app.ResourceResolver {
	if prefix == "" {
		return app.LocalDir("")
	}
	return app.PrefixedLocation(prefix)
}

// workerBuildPlaceholder is where sealWorker writes the build manifest into
// app-worker.js.
const workerBuildPlaceholder = "/*tokenscope:build*/ null"

// workerBuild is what the service worker knows about this build: the SHA-256
// of each file by its URL path under the worker's scope, and an id (a hash
// of those) that names the build's cache.
type workerBuild struct {
	ID    string            `json:"id"`
	Files map[string]string `json:"files"`
	// SelfReported are files the worker checks only when they are fetched,
	// not again before serving the page, because the page itself shows a
	// refusal: app.wasm, whose fetch goes through tokenscopeCheckWasm.
	SelfReported []string `json:"selfReported"`
}

// siteWasmPath is app.wasm's path under the site root, where go-app loads it.
const siteWasmPath = "web/app.wasm"

// sealWorker writes the manifest of the finished site into app-worker.js.
func sealWorker(dir string) error {
	files, err := siteManifest(dir)
	if err != nil {
		return err
	}
	list, err := json.Marshal(files) // keys sorted: the id is stable
	if err != nil {
		return fmt.Errorf("encoding the worker manifest: %w", err)
	}
	id := sha256.Sum256(list)
	b, err := json.Marshal(workerBuild{ID: hex.EncodeToString(id[:8]), Files: files, SelfReported: []string{siteWasmPath}})
	if err != nil {
		return fmt.Errorf("encoding the worker manifest: %w", err)
	}
	return rewrite(filepath.Join(dir, "app-worker.js"), func(js []byte) ([]byte, error) {
		if bytes.Count(js, []byte(workerBuildPlaceholder)) != 1 {
			return nil, fmt.Errorf("app-worker.js: %s must appear once", workerBuildPlaceholder)
		}
		return bytes.Replace(js, []byte(workerBuildPlaceholder), b, 1), nil
	})
}

// siteManifest hashes every file of the site but the worker itself (the
// browser checks the worker, byte for byte, on each update). Paths are as
// the worker sees them, URL paths relative to its scope; index.html is ""
// because the page is requested as the scope URL (a static host may
// redirect "index.html" to it).
func siteManifest(dir string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "app-worker.js" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		key := (&url.URL{Path: rel}).EscapedPath()
		if rel == "index.html" {
			key = ""
		}
		files[key] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hashing the site for the worker: %w", err)
	}
	return files, nil
}
