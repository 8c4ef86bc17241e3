// Package sitesrv serves a built tokenscope site from a directory, under an
// optional URL prefix, the way a static host would. build.sh serve and the
// end-to-end tests share it so both see the same headers and redirects.
package sitesrv

import (
	"compress/gzip"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"

	"tokenscope/internal/sitepolicy"
)

// Host is the kind of static host the server behaves like.
type Host int

const (
	// Plain sends every file as it is on disk, compressing nothing: what
	// python -m http.server, nginx with its default types and many
	// public/ folders do. It is the default, so ./build.sh serve shows what
	// most users get. web/app.wasm.gz goes out as an ordinary file, and the
	// page's loader decompresses it.
	Plain Host = iota
	// Gzip compresses text and application/wasm on the fly when the request
	// accepts gzip, and sends .gz files with Content-Encoding: gzip and the
	// type of the name without .gz (Apache's AddEncoding x-gzip .gz, nginx's
	// gzip_static): the browser then hands the page app.wasm already
	// decoded, and the loader passes it through.
	Gzip
)

// ParseHost reads "plain" or "gzip".
func ParseHost(s string) (Host, error) {
	switch s {
	case "plain":
		return Plain, nil
	case "gzip":
		return Gzip, nil
	}
	return Plain, fmt.Errorf("host %q: want plain or gzip", s)
}

func (h Host) String() string {
	if h == Gzip {
		return "gzip"
	}
	return "plain"
}

// Handler serves dir at prefix ("" or "/tools/tokenscope") as a plain host.
func Handler(dir, prefix string) http.Handler { return HostHandler(dir, prefix, Plain) }

// HostHandler serves dir at prefix as host does.
//
// Every response says Cache-Control: no-cache, so the browser revalidates
// and a rebuilt site shows up on reload; offline use is the service
// worker's job, not the HTTP cache's. Every response also carries the
// page's Content-Security-Policy (the one the page holds as a <meta>, plus
// frame-ancestors 'none', which only a header can set), nosniff, and
// Referrer-Policy no-referrer.
func HostHandler(dir, prefix string, host Host) http.Handler {
	prefix = strings.TrimRight(prefix, "/")
	var files http.Handler = http.FileServer(http.Dir(dir))
	if host == Gzip {
		files = gzipHost(files)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Security-Policy", sitepolicy.Header)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if prefix == "" {
			files.ServeHTTP(w, r)
			return
		}
		// "/prefix" must become "/prefix/": the service worker's scope and
		// every relative lookup assume the trailing slash.
		if r.URL.Path == prefix {
			http.Redirect(w, r, prefix+"/", http.StatusMovedPermanently)
			return
		}
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.NotFound(w, r)
			return
		}
		http.StripPrefix(prefix, files).ServeHTTP(w, r)
	})
}

// gzipHost wraps a file server the way a compressing host does.
func gzipHost(files http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r) {
			files.ServeHTTP(w, r)
			return
		}
		// A compressed body has other byte offsets: no ranges, like most
		// hosts that compress on the fly.
		r.Header.Del("Range")
		if strings.HasSuffix(r.URL.Path, ".gz") {
			if t := mime.TypeByExtension(path.Ext(strings.TrimSuffix(r.URL.Path, ".gz"))); t != "" {
				w.Header().Set("Content-Type", t)
			}
			w.Header().Set("Content-Encoding", "gzip")
			files.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		files.ServeHTTP(gw, r)
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// compressible is what a compressing host compresses: text, scripts, JSON
// and WebAssembly, but not images or archives, which are compressed already.
func compressible(contentType string) bool {
	t, _, _ := strings.Cut(contentType, ";")
	t = strings.TrimSpace(t)
	return strings.HasPrefix(t, "text/") || t == "application/javascript" || t == "application/json" ||
		t == "application/manifest+json" || t == "application/wasm" || t == "image/svg+xml"
}

// gzipWriter compresses a 200 response whose type is compressible; anything
// else (a 304, a redirect, an image) goes through as it is.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (g *gzipWriter) WriteHeader(code int) {
	if !g.decided {
		g.decided = true
		h := g.Header()
		if code == http.StatusOK && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
			h.Del("Content-Length")
			h.Set("Content-Encoding", "gzip")
			g.gz, _ = gzip.NewWriterLevel(g.ResponseWriter, gzip.DefaultCompression)
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipWriter) close() {
	if g.gz != nil {
		_ = g.gz.Close()
	}
}
