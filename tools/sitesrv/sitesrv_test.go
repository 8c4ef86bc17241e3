package sitesrv

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tokenscope/internal/sitepolicy"
)

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hi</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "web", "app.wasm"), []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prefix, path string
		code         int
		location     string
		contentType  string
	}{
		{"", "/", 200, "", "text/html; charset=utf-8"},
		{"", "/web/app.wasm", 200, "", "application/wasm"},
		{"/tools/ts", "/tools/ts/", 200, "", "text/html; charset=utf-8"},
		{"/tools/ts", "/tools/ts", 301, "/tools/ts/", ""},
		{"/tools/ts/", "/tools/ts/web/app.wasm", 200, "", "application/wasm"},
		{"/tools/ts", "/", 404, "", ""},
		{"/tools/ts", "/tools/tsx/", 404, "", ""},
	} {
		rec := httptest.NewRecorder()
		Handler(dir, tc.prefix).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.code {
			t.Errorf("%q %s: code %d, want %d", tc.prefix, tc.path, rec.Code, tc.code)
		}
		if got := rec.Header().Get("Location"); got != tc.location {
			t.Errorf("%q %s: Location %q, want %q", tc.prefix, tc.path, got, tc.location)
		}
		if got := rec.Header().Get("Content-Type"); tc.contentType != "" && got != tc.contentType {
			t.Errorf("%q %s: Content-Type %q, want %q", tc.prefix, tc.path, got, tc.contentType)
		}
		for name, want := range map[string]string{
			"Content-Security-Policy": sitepolicy.Header,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
		} {
			if got := rec.Header().Get(name); got != want {
				t.Errorf("%q %s: %s %q, want %q", tc.prefix, tc.path, name, got, want)
			}
		}
	}
}

// TestHeaderPolicy: the header is the page's policy plus frame-ancestors,
// which a <meta> cannot carry.
func TestHeaderPolicy(t *testing.T) {
	if !strings.HasPrefix(sitepolicy.Header, sitepolicy.CSP+";") || !strings.HasSuffix(sitepolicy.Header, "frame-ancestors 'none'") {
		t.Errorf("Header %q is not CSP plus frame-ancestors", sitepolicy.Header)
	}
	for _, d := range []string{"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src *", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(sitepolicy.CSP, d+";") && !strings.HasSuffix(sitepolicy.CSP, d) {
			t.Errorf("CSP lacks %s", d)
		}
	}
	if strings.Contains(sitepolicy.CSP, "unsafe-inline") || strings.Contains(sitepolicy.CSP, "'unsafe-eval'") || strings.Contains(sitepolicy.CSP, "frame-ancestors") {
		t.Errorf("CSP %q", sitepolicy.CSP)
	}
}

// TestHosts: a plain host sends every file as it is on disk; a gzip host
// compresses text and wasm for a client that accepts gzip, labels .gz files
// with Content-Encoding and the inner type, and leaves images, 304s and
// clients that do not accept gzip alone.
func TestHosts(t *testing.T) {
	dir := t.TempDir()
	css := strings.Repeat("body { color: red }\n", 100)
	for name, body := range map[string]string{
		"index.html":      "<p>hi</p>",
		"web/x.css":       css,
		"web/app.wasm.gz": "\x1f\x8b fake gzip",
		"web/icon.png":    "\x89PNG fake",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		host            Host
		path, accept    string
		encoding, ctype string
		body            string // decoded body; "" for not checked
	}{
		{Plain, "/web/x.css", "gzip, br", "", "text/css; charset=utf-8", css},
		{Plain, "/web/app.wasm.gz", "gzip", "", "", "\x1f\x8b fake gzip"},
		{Gzip, "/web/x.css", "gzip, br", "gzip", "text/css; charset=utf-8", css},
		{Gzip, "/web/x.css", "br", "", "text/css; charset=utf-8", css},
		{Gzip, "/web/x.css", "gzip;q=0", "", "text/css; charset=utf-8", css},
		{Gzip, "/web/app.wasm.gz", "gzip", "gzip", "application/wasm", "\x1f\x8b fake gzip"},
		{Gzip, "/web/app.wasm.gz", "", "", "", "\x1f\x8b fake gzip"},
		{Gzip, "/web/icon.png", "gzip", "", "image/png", "\x89PNG fake"},
	} {
		name := tc.host.String() + " " + tc.path + " " + tc.accept
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		req.Header.Set("Accept-Encoding", tc.accept)
		rec := httptest.NewRecorder()
		HostHandler(dir, "", tc.host).ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: code %d", name, rec.Code)
		}
		if got := rec.Header().Get("Content-Encoding"); got != tc.encoding {
			t.Errorf("%s: Content-Encoding %q, want %q", name, got, tc.encoding)
		}
		if got := rec.Header().Get("Content-Type"); tc.ctype != "" && got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", name, got, tc.ctype)
		}
		body := rec.Body.Bytes()
		if tc.encoding == "gzip" && !strings.HasSuffix(tc.path, ".gz") {
			if rec.Header().Get("Content-Length") != "" {
				t.Errorf("%s: a Content-Length on a body compressed on the fly", name)
			}
			r, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if body, err = io.ReadAll(r); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if string(body) != tc.body {
			t.Errorf("%s: body %.40q, want %.40q", name, body, tc.body)
		}
	}

	// A revalidation is a bodiless 304 on either host.
	for _, host := range []Host{Plain, Gzip} {
		rec := httptest.NewRecorder()
		HostHandler(dir, "", host).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/web/x.css", nil))
		req := httptest.NewRequest(http.MethodGet, "/web/x.css", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("If-Modified-Since", rec.Header().Get("Last-Modified"))
		rec = httptest.NewRecorder()
		HostHandler(dir, "", host).ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s host revalidation: %d, %d bytes, encoding %q; want a bare 304", host, rec.Code, rec.Body.Len(), rec.Header().Get("Content-Encoding"))
		}
	}
}

func TestParseHost(t *testing.T) {
	for in, want := range map[string]Host{"plain": Plain, "gzip": Gzip} {
		if got, err := ParseHost(in); err != nil || got != want {
			t.Errorf("ParseHost(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseHost("brotli"); err == nil {
		t.Error("ParseHost(brotli): want an error")
	}
}
