// Package sitesrv serves a built tokenscope site from a directory, under an
// optional URL prefix, the way a plain static host would. build.sh serve and
// the end-to-end tests share it so both see the same headers and redirects.
package sitesrv

import (
	"net/http"
	"strings"

	"tokenscope/internal/sitepolicy"
)

// Handler serves dir at prefix ("" or "/tools/tokenscope").
//
// Every response says Cache-Control: no-cache, so the browser revalidates
// and a rebuilt site shows up on reload; offline use is the service
// worker's job, not the HTTP cache's. Every response also carries the
// page's Content-Security-Policy (the one the page holds as a <meta>, plus
// frame-ancestors 'none', which only a header can set), nosniff, and
// Referrer-Policy no-referrer.
func Handler(dir, prefix string) http.Handler {
	prefix = strings.TrimRight(prefix, "/")
	files := http.FileServer(http.Dir(dir))
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
