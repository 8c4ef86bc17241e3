package sitesrv

import (
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
