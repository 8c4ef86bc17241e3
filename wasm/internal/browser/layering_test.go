//go:build !js

package browser

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBrowserDoesNotImportThePage: the browser edge implements interfaces
// that app/ packages define; it never reaches up into the page (app/ui),
// so the page can change without the edge and the edge tests without the
// page. Checked for the wasm build, where the _js.go files count. go-app
// itself is allowed: app.Value is how the page hands a DOM object (a File
// from a drop) to the edge while still building natively.
func TestBrowserDoesNotImportThePage(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-test=false", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "tokenscope/app/ui" {
			t.Errorf("wasm/internal/browser depends on %s", pkg)
		}
	}
}
