//go:build !js

package main

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// workerJS replaces go-app's DefaultAppWorkerJS, whose install and activate
// handlers do not use event.waitUntil and so do not reliably cache the site.
//
//go:embed app-worker.js
var workerJS string

// siteOptions are what changes between two builds of the site.
type siteOptions struct {
	out        string // output directory
	prefix     string // URL path the site is served under ("" or "/tools/tokenscope")
	version    string // cache key; the content hash of app.wasm
	wasmLength int64  // raw size of app.wasm, for the loading percentage
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
	return fixManifest(filepath.Join(o.out, "manifest.webmanifest"), o.prefix)
}

// metaTag matches one <meta> element as go-app writes it (attribute order
// varies from build to build: go-app keeps attributes in a map).
var metaTag = regexp.MustCompile(`\s*<meta [^>]*>`)

// fixIndex drops og:url and og:image. Without a Handler.Domain go-app
// writes them as "https://" + path ("https:///tools/tokenscope"), and a static
// site does not know the domain it will be served from.
func fixIndex(path string) error {
	return rewrite(path, func(b []byte) ([]byte, error) {
		return metaTag.ReplaceAllFunc(b, func(tag []byte) []byte {
			s := string(tag)
			isOG := strings.Contains(s, `property="og:url"`) || strings.Contains(s, `property="og:image"`)
			if isOG && (strings.Contains(s, `content="https://"`) || strings.Contains(s, `content="https:///`)) {
				return nil
			}
			return tag
		}), nil
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
    return fetch(url);
  }
  return fetchWithProgress(url, progress);
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
	fs := flag.NewFlagSet("wasm", flag.ContinueOnError)
	var o siteOptions
	var wasmPath string
	fs.StringVar(&o.out, "out", "", "write the static site to `dir` (required)")
	fs.StringVar(&o.prefix, "prefix", "", "serve the site under this URL `path`, e.g. /tools/tokenscope")
	fs.StringVar(&wasmPath, "wasm", "", "the built app.wasm `file`: its size and content hash set -wasm-size and -version")
	fs.StringVar(&o.version, "version", "", "app version (default: content hash of -wasm)")
	fs.Int64Var(&o.wasmLength, "wasm-size", 0, "raw size of app.wasm in bytes (default: size of -wasm)")
	if err := fs.Parse(args); err != nil {
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
	if wasmPath != "" {
		if err := o.fromWasm(wasmPath); err != nil {
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
