package sitesrv

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
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
	}
}
