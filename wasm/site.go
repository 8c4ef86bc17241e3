//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
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
	wasmLength int64  // raw size of app.wasm, for the loading percentage of a decoded download
	wasmSum    string // SHA-256 of the raw app.wasm, which the worker accepts from a host that decoded the .gz
	wasmPath   string // app.wasm, shipped gzip-compressed as web/app.wasm.gz ("": none)
	wasmGz     string // app.wasm already gzip-compressed (zopfli, by build.sh) ("": compress wasmPath here)
	gz         []byte // web/app.wasm.gz
	gzLength   int64  // size of web/app.wasm.gz, for the loading percentage
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
	if err := fixIndex(filepath.Join(o.out, "index.html"), o.prefix); err != nil {
		return err
	}
	if err := fixAppJS(filepath.Join(o.out, "app.js"), o); err != nil {
		return err
	}
	if err := fixManifest(filepath.Join(o.out, "manifest.webmanifest"), o.prefix); err != nil {
		return err
	}
	if err := o.addFiles(); err != nil {
		return err
	}
	// Last: the worker's manifest hashes the finished site.
	return sealWorker(o.out, o.wasmSum)
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
		if err := writeFile(filepath.Join(o.out, filepath.FromSlash(siteWasmPath)), o.gz); err != nil {
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
		case strings.HasSuffix(path, ".go") || rel == "app.wasm" || rel == "app.wasm.gz":
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
	return writeFile(dst, b)
}

func writeFile(dst string, b []byte) error {
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

// fixIndex drops og:url and og:image, and adds the CSP and the preload of
// web/app.wasm.gz (see wasmFetchJS). Without a
// Handler.Domain go-app writes og:url and og:image as "https://" + path
// ("https:///tools/tokenscope"), and a static site does not know the domain
// it will be served from.
func fixIndex(path, prefix string) error {
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
		return bytes.Replace(b, []byte(charset), []byte(charset+"\n    "+cspMeta+"\n    "+wasmPreload(prefix)), 1), nil
	})
}

// wasmFetchJS replaces go-app's wasm download in app.js (fixAppJS).
//
// The site ships app.wasm gzip-compressed (web/app.wasm.gz), because a plain
// static host (python -m http.server, nginx's default types, this project's
// own ./build.sh serve) sends application/wasm uncompressed: 10 MB instead
// of 2.3. The loader streams the download through DecompressionStream into
// WebAssembly.instantiateStreaming, so compiling overlaps downloading. A
// host that labels .gz files Content-Encoding: gzip has the browser decode
// them already: the first bytes are then "\0asm", not gzip's 1f 8b, and pass
// through as they are. The progress bar counts the bytes that arrive
// against the size of whichever of the two came.
//
// The download starts with the HTML: index.html preloads web/app.wasm.gz
// (as="fetch" crossorigin, which the fetch here matches, so the browser
// uses the preloaded response instead of downloading it again).
//
// The service worker is registered when the download is over, not while it
// runs: its install fetches every file of the site, and by then the HTTP
// cache has them, so it revalidates (304) instead of downloading app.wasm.gz
// a second time on the first visit.
const wasmFetchJS = `
// tokenscope: see wasmFetchJS in wasm/site.go.
// Function declarations only above tokenscopeFetchWasm: app.js calls
// tokenscopeRegisterLater and tokenscopeFetchWasm from its top, before a
// const or let down here would be initialised.
function tokenscopeWasmSize() {
  return { gzip: %d, raw: %d };
}

// tokenscopeWasmDownload is a promise that settles when the wasm download
// is over, however it ended.
function tokenscopeWasmDownload() {
  if (!tokenscopeWasmDownload.done) {
    tokenscopeWasmDownload.done = new Promise((resolve) => {
      tokenscopeWasmDownload.settle = resolve;
    });
  }
  return tokenscopeWasmDownload.done;
}

function tokenscopeWasmSettled() {
  tokenscopeWasmDownload();
  tokenscopeWasmDownload.settle();
}

function tokenscopeRegisterLater(register) {
  if (!goappCanLoadWebAssembly()) {
    register(); // ?wasm=false or a crawler: no download to wait for
    return;
  }
  tokenscopeWasmDownload().then(register);
}

async function tokenscopeFetchWasm(url, progress) {
  try {
    if (typeof DecompressionStream !== "function") {
      throw new Error("This browser cannot decompress app.wasm (no DecompressionStream): update it.");
    }
    const response = await fetch(url);
    if (!response.ok) {
      // A worker that refused app.wasm.gz (it failed its integrity check)
      // answers 500 with a plain message: show that message, which go-app
      // puts in its loading label, rather than a compile error.
      throw new Error((await response.text()).trim() || url + ": HTTP " + response.status);
    }
    return await tokenscopeWasmResponse(response, progress);
  } catch (err) {
    tokenscopeWasmSettled();
    throw err;
  }
}

async function tokenscopeWasmResponse(response, progress) {
  const reader = response.body.getReader();
  const head = [];
  let headLength = 0;
  while (headLength < 2) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    head.push(value);
    headLength += value.byteLength;
  }
  const start = new Uint8Array(headLength);
  head.reduce((at, chunk) => (start.set(chunk, at), at + chunk.byteLength), 0);
  const gzipped = headLength >= 2 && start[0] === 0x1f && start[1] === 0x8b;
  const total = gzipped ? tokenscopeWasmSize().gzip : tokenscopeWasmSize().raw;
  let loaded = 0;
  let shown = -1;
  const count = (n) => {
    loaded += n;
    const percent = Math.min(100, Math.floor((loaded * 100) / total));
    if (percent !== shown) {
      shown = percent;
      progress(percent);
    }
  };
  const body = new ReadableStream({
    start(controller) {
      count(headLength);
      if (headLength > 0) {
        controller.enqueue(start);
      }
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          progress(100);
          tokenscopeWasmSettled();
          controller.close();
          return;
        }
        count(value.byteLength);
        controller.enqueue(value);
      } catch (err) {
        tokenscopeWasmSettled();
        controller.error(err);
      }
    },
    cancel(reason) {
      tokenscopeWasmSettled();
      return reader.cancel(reason);
    },
  });
  const wasm = gzipped ? body.pipeThrough(new DecompressionStream("gzip")) : body;
  return new Response(wasm, { headers: { "Content-Type": "application/wasm" } });
}
`

// wasmPreload starts the wasm download as soon as the browser reads the
// <head>, in parallel with app.js and wasm_exec.js rather than after them.
// as="fetch" with crossorigin (mode cors, same-origin credentials) is what
// fetch(url) in app.js asks for, so the browser hands that fetch the
// preloaded response.
func wasmPreload(prefix string) string {
	return `<link rel="preload" href="` + prefix + "/" + siteWasmPath + `" as="fetch" crossorigin="anonymous">`
}

// fixAppJS points go-app's wasm download at tokenscopeFetchWasm and
// web/app.wasm.gz, and holds the worker's registration until the download
// is over (see wasmFetchJS).
func fixAppJS(path string, o siteOptions) error {
	return rewrite(path, func(b []byte) ([]byte, error) {
		s := string(b)
		call := `fetchWithProgress("` + o.prefix + "/web/app.wasm" + `"`
		if strings.Count(s, call) != 1 {
			return nil, errors.New("app.js: go-app's fetchWithProgress call not found once; update fixAppJS")
		}
		s = strings.Replace(s, call, `tokenscopeFetchWasm("`+o.prefix+"/"+siteWasmPath+`"`, 1)
		const register = "\ngoappInitServiceWorker();\n"
		if strings.Count(s, register) != 1 {
			return nil, errors.New("app.js: go-app's goappInitServiceWorker() call not found once; update fixAppJS")
		}
		s = strings.Replace(s, register, "\ntokenscopeRegisterLater(goappInitServiceWorker);\n", 1)
		return []byte(s + fmt.Sprintf(wasmFetchJS, o.gzLength, o.wasmLength)), nil
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
	flags.StringVar(&o.wasmPath, "wasm", "", "the built app.wasm `file`, shipped gzip-compressed as web/app.wasm.gz: its size and content hash set -wasm-size and -version")
	flags.StringVar(&o.wasmGz, "wasm-gz", "", "the -wasm file already gzip-compressed (by zopfli), shipped as is (default: compress -wasm with Go's gzip -9)")
	flags.StringVar(&o.version, "version", "", "app version (default: content hash of -wasm)")
	flags.Int64Var(&o.wasmLength, "wasm-size", 0, "raw size of app.wasm in bytes (default: size of -wasm)")
	flags.Int64Var(&o.gzLength, "wasm-gz-size", 0, "size of web/app.wasm.gz in bytes, without -wasm")
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
	if o.version == "" || o.wasmLength <= 0 || o.gzLength <= 0 {
		return o, errors.New("need -wasm, or -version, -wasm-size and -wasm-gz-size")
	}
	return o, nil
}

// fromWasm fills the version, sizes and hash from the wasm file (unless set
// by flag) and reads or makes the gzip-compressed copy the site ships.
func (o *siteOptions) fromWasm(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading wasm: %w", err)
	}
	sum := sha256.Sum256(raw)
	o.wasmSum = hex.EncodeToString(sum[:])
	if o.version == "" {
		o.version = o.wasmSum[:16]
	}
	if o.wasmLength <= 0 {
		o.wasmLength = int64(len(raw))
	}
	if o.wasmGz != "" {
		if o.gz, err = os.ReadFile(o.wasmGz); err != nil {
			return fmt.Errorf("reading the compressed wasm: %w", err)
		}
		if err := checkGzip(o.gz, raw); err != nil {
			return fmt.Errorf("%s: %w", o.wasmGz, err)
		}
	} else if o.gz, err = gzipBest(raw); err != nil {
		return err
	}
	o.gzLength = int64(len(o.gz))
	return nil
}

// gzipBest is the fallback compressor when build.sh did not hand over a
// zopfli-compressed copy (tests, a bare go run ./wasm): Go's level 9 is
// about 1% larger than gzip -9 and 5% larger than zopfli.
func gzipBest(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, fmt.Errorf("compressing wasm: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compressing wasm: %w", err)
	}
	return b.Bytes(), nil
}

// errGzipMismatch is a -wasm-gz that does not decompress to -wasm: shipping
// it would run another build than the version and hashes say.
var errGzipMismatch = errors.New("does not decompress to the -wasm file")

func checkGzip(gz, raw []byte) error {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return fmt.Errorf("%w: %w", errGzipMismatch, err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("%w: %w", errGzipMismatch, err)
	}
	if !bytes.Equal(got, raw) {
		return errGzipMismatch
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
		WasmContentLength:     strconv.FormatInt(o.gzLength, 10),
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
	// refusal: app.wasm.gz, whose fetch goes through tokenscopeFetchWasm.
	SelfReported []string `json:"selfReported"`
	// Decoded is, for a compressed file, the SHA-256 of its decompressed
	// bytes: a host that serves .gz files with Content-Encoding: gzip hands
	// the worker's fetch the decoded bytes, which are this build's as well.
	Decoded map[string]string `json:"decoded"`
}

// siteWasmPath is the compressed app.wasm's path under the site root, where
// the loader fetches it.
const siteWasmPath = "web/app.wasm.gz"

// sealWorker writes the manifest of the finished site into app-worker.js.
func sealWorker(dir, wasmSum string) error {
	files, err := siteManifest(dir)
	if err != nil {
		return err
	}
	list, err := json.Marshal(files) // keys sorted: the id is stable
	if err != nil {
		return fmt.Errorf("encoding the worker manifest: %w", err)
	}
	id := sha256.Sum256(list)
	decoded := map[string]string{}
	if _, ok := files[siteWasmPath]; ok && wasmSum != "" {
		decoded[siteWasmPath] = wasmSum
	}
	b, err := json.Marshal(workerBuild{ID: hex.EncodeToString(id[:8]), Files: files, SelfReported: []string{siteWasmPath}, Decoded: decoded})
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
