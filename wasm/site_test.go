//go:build !js

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/ui"
)

func init() {
	// main() registers the route; tests generate without running main.
	app.Route("/", func() app.Composer { return ui.NewInspector(newEnv()) })
}

func generateSite(t *testing.T, prefix string) string {
	t.Helper()
	out := t.TempDir()
	args := []string{"-out", out, "-version", "v123", "-wasm-size", "4242"}
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
		`"` + prefix + `/web/app.wasm"`,
		`"` + prefix + `/app-worker.js"`,
		`"GOAPP_ROOT_PREFIX":"` + prefix + `"`,
		`goappWasmContentLength = "4242"`,
	} {
		if !strings.Contains(appJS, want) {
			t.Errorf("app.js lacks %s", want)
		}
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
	if strings.Contains(worker, "{{") {
		t.Error("app-worker.js has an unfilled placeholder")
	}
	for _, want := range []string{
		`const cacheName = cachePrefix + "v123";`,
		`"/web/app.wasm"`,
		`"/web/icon.svg"`,
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
