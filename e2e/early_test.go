package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPasteBeforeTheAppRuns: on a slow network the prerendered page shows
// a second or more before app.wasm runs, and go-app replaces that DOM when
// it mounts. A token pasted and a secret typed in that window are kept,
// analysed, and still shown in their boxes.
func TestPasteBeforeTheAppRuns(t *testing.T) {
	tok := newTestToken(t, time.Now()).raw
	tb := newTab(t)
	// Fill both boxes as soon as the prerendered DOM exists, long before
	// the wasm (preloaded, compiled while streaming) can run.
	tb.addInitScript(fmt.Sprintf(`document.addEventListener("DOMContentLoaded", () => {
		window.__earlyLoader = !!document.getElementById("app-wasm-loader");
		document.querySelector("textarea#input").value = %s;
		document.querySelector("textarea#secret").value = "SECRET_KEY=django-insecure-typed-early";
	})`, jsString(tok)))
	_, url := serveSite(t, rootSite, "")
	tb.open(url)
	if !eval[bool](tb, `window.__earlyLoader`) {
		t.Fatal("the app ran before DOMContentLoaded: nothing was typed early")
	}
	tb.finding("jwt.signature_invalid")
	if v := eval[string](tb, `document.querySelector("textarea#input").value`); v != tok {
		t.Errorf("the paste box holds %q after mount", v)
	}
	if v := eval[string](tb, `document.querySelector("textarea#secret").value`); !strings.Contains(v, "django-insecure-typed-early") {
		t.Errorf("the secrets box holds %q after mount", v)
	}
}
