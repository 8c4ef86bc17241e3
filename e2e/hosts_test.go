package e2e

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"tokenscope/tools/sitesrv"
)

// firstVisitBudget is the most a first visit may transfer on a plain host
// (one that compresses nothing), the service worker's install included:
// the site ships app.wasm gzip-compressed and the loader decompresses it.
const firstVisitBudget = 2_400_000

// wasmEntryJS reads the Resource Timing entries of web/app.wasm.gz: how
// many there are, who started the first, and its sizes.
const wasmEntryJS = `(() => {
	const es = performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname.endsWith("/web/app.wasm.gz"));
	const e = es[0] || {};
	return {count: es.length, initiator: e.initiatorType || "", encoded: e.encodedBodySize || 0, decoded: e.decodedBodySize || 0};
})()`

type wasmEntry struct {
	Count     int    `json:"count"`
	Initiator string `json:"initiator"`
	Encoded   int64  `json:"encoded"`
	Decoded   int64  `json:"decoded"`
}

// TestHosts loads, decodes and goes offline on a plain host (the site's
// app.wasm.gz arrives as it is and the page decompresses it) and on a gzip
// host (the browser decodes it, Content-Encoding: gzip, and the page passes
// the wasm through), at "/" and under a sub-path. Resource Timing says which
// happened: the encoded and decoded sizes of the one download.
func TestHosts(t *testing.T) {
	for _, tc := range []struct {
		host   sitesrv.Host
		prefix string
	}{
		{sitesrv.Plain, ""},
		{sitesrv.Gzip, ""},
		{sitesrv.Gzip, subPath},
	} {
		t.Run(tc.host.String()+strings.ReplaceAll(tc.prefix, "/", "_"), func(t *testing.T) {
			dir := rootSite
			if tc.prefix != "" {
				dir = mustPrefixSite(t)
			}
			// Each build compresses its own app.wasm: two builds of the
			// same code may differ in the build ID, and so by a few bytes.
			gzSize, rawSize := wasmSizes(t, dir)
			tb := newTab(t)
			srv, url := serveSiteAs(t, dir, tc.prefix, tc.host)
			tb.open(url)
			e := eval[wasmEntry](tb, wasmEntryJS)
			wantDecoded := gzSize // a plain host: the page gets the gzip bytes
			if tc.host == sitesrv.Gzip {
				wantDecoded = rawSize // the browser decoded Content-Encoding: gzip
			}
			if e.Count != 1 || e.Encoded != gzSize || e.Decoded != wantDecoded {
				t.Errorf("app.wasm.gz: %+v; want one download of %d bytes, %d decoded", e, gzSize, wantDecoded)
			}
			tb.paste(newTestToken(t, time.Now()).raw)
			tb.waitFor(firstToken)

			tb.waitServiceWorker()
			srv.Close()
			tb.goOffline()
			tb.reload()
			tb.paste(newTestToken(t, time.Now()).raw)
			tb.waitFor(firstToken)
			if errs := tb.log.errors(); len(errs) > 0 {
				t.Errorf("console errors: %v", errs)
			}
		})
	}
}

// TestFirstVisitBytes counts, at the server, every byte a first visit on a
// plain host costs: the page, its scripts, app.wasm.gz, and the service
// worker's install, which fetches every file of the site. app.wasm.gz must
// go out once: the preload in the <head> is the download the loader uses,
// and the worker, registered after it, revalidates (304) instead of
// downloading it again.
func TestFirstVisitBytes(t *testing.T) {
	counter := &byteCounter{files: sitesrv.Handler(rootSite, "")}
	srv := httptest.NewServer(counter)
	t.Cleanup(srv.Close)
	tb := newTab(t)
	tb.open(srv.URL + "/")
	tb.paste(newTestToken(t, time.Now()).raw)
	tb.waitFor(firstToken)
	tb.waitServiceWorker()
	tb.waitNetworkIdle(500 * time.Millisecond)

	total, full := counter.report()
	t.Logf("first visit on a plain host: %d bytes\n%s", total, counter.table())
	if total > firstVisitBudget {
		t.Errorf("the first visit transferred %d bytes, over the budget of %d", total, firstVisitBudget)
	}
	if n := full["/web/app.wasm.gz"]; n != 1 {
		t.Errorf("app.wasm.gz was sent in full %d times, want once", n)
	}
	if e := eval[wasmEntry](tb, wasmEntryJS); e.Count != 1 || e.Initiator != "link" {
		t.Errorf("app.wasm.gz in Resource Timing: %+v; want one entry, started by the <link rel=preload>", e)
	}
}

// byteCounter serves the site and counts what goes over the wire for each
// path: the status line, the headers and the body.
type byteCounter struct {
	files http.Handler
	mu    sync.Mutex
	bytes map[string]int64
	codes map[string][]int
}

func (c *byteCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cw := &countingWriter{ResponseWriter: w}
	c.files.ServeHTTP(cw, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes == nil {
		c.bytes, c.codes = map[string]int64{}, map[string][]int{}
	}
	c.bytes[r.URL.Path] += cw.n
	c.codes[r.URL.Path] = append(c.codes[r.URL.Path], cw.code)
}

// report is the total, and how many times each path went out as a 200.
func (c *byteCounter) report() (int64, map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var total int64
	full := map[string]int{}
	for path, n := range c.bytes {
		total += n
		for _, code := range c.codes[path] {
			if code == http.StatusOK {
				full[path]++
			}
		}
	}
	return total, full
}

func (c *byteCounter) table() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	paths := make([]string, 0, len(c.bytes))
	for p := range c.bytes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "  %-28s %9d bytes  statuses %v\n", p, c.bytes[p], c.codes[p])
	}
	return b.String()
}

type countingWriter struct {
	http.ResponseWriter
	n    int64
	code int
}

func (w *countingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
		// What net/http writes: status line, headers, blank line. Date and
		// Content-Length are added by the server after this point; an
		// estimate of 60 bytes covers them.
		var b strings.Builder
		bw := bufio.NewWriter(&b)
		fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
		_ = w.Header().Write(bw)
		_ = bw.Flush()
		w.n += int64(b.Len()) + 2 + 60
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

// wasmSizes are the sizes of a built site's app.wasm.gz and of the wasm
// inside it (from the loader's constants in app.js, checked against the file).
func wasmSizes(t *testing.T, dir string) (gz, raw int64) {
	t.Helper()
	st, err := os.Stat(filepath.Join(dir, "web", "app.wasm.gz"))
	if err != nil {
		t.Fatal(err)
	}
	appJS, err := os.ReadFile(filepath.Join(dir, "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	const decl = "function tokenscopeWasmSize() {\n  return "
	i := strings.Index(string(appJS), decl)
	if i < 0 {
		t.Fatal("app.js lacks the loader's sizes")
	}
	if _, err := fmt.Sscanf(string(appJS[i:]), decl+"{ gzip: %d, raw: %d };", &gz, &raw); err != nil {
		t.Fatalf("app.js: the loader's sizes: %v", err)
	}
	if gz != st.Size() {
		t.Fatalf("app.js says app.wasm.gz has %d bytes, the file has %d", gz, st.Size())
	}
	return gz, raw
}
