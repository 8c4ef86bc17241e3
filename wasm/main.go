// Command wasm is tokenscope's entry point on both sides of the build.
//
// Compiled to WebAssembly it is the app: go-app routes "/" to the inspector
// and takes over the page. Run natively (go run ./wasm -out dist ...) it
// prerenders the same routes and writes the static site around app.wasm;
// build.sh drives both.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/ui"
	"tokenscope/wasm/internal/browser"
)

func main() {
	// Read before go-app mounts and replaces the prerendered page.
	early := ui.EarlyInput{Input: browser.PrerenderedValue("input"), Secrets: browser.PrerenderedValue("secret")}
	app.Route("/", func() app.Composer {
		env := newEnv()
		env.EarlyInput = func() ui.EarlyInput {
			e := early
			early = ui.EarlyInput{} // once: a later navigation starts empty
			return e
		}
		return ui.NewInspector(env)
	})

	if app.IsClient {
		go warmCollector(context.Background())
	}
	// In the browser this never returns.
	app.RunWhenOnBrowser()

	if err := generate(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tokenscope:", err)
		os.Exit(1)
	}
}

// newEnv wires the inspector to the browser: the real clock, the viewer's
// zone and the clipboard. Natively (prerendering) the same calls give the
// build machine's zone and a clipboard that refuses.
func newEnv() ui.Env {
	env := ui.Env{
		Now:        time.Now,
		Zone:       browser.LocalZone(),
		Clipboard:  browser.Clipboard{},
		ShowTiming: true,
	}
	// Probes exist only in the browser: the prerendered page shows the probe
	// panel disabled until the wasm app takes over.
	if app.IsClient {
		u := app.Window().URL()
		env.Transport = browser.Fetch{}
		env.Yield = browser.Yield
		env.Files = browser.Files{}
		env.PageURL = u.String()
		env.InspectorURL = u.Scheme + "://" + u.Host + u.Path[:strings.LastIndex(u.Path, "/")+1]
		// The bridge key lives in this origin's localStorage: made on a
		// normal visit, only read when the bookmarklet opened this window.
		env.BridgeKeys = browser.LocalKeys{}
		if browser.BridgeRequested() {
			env.ConnectBridge = browser.ConnectBridge
		}
	}
	return env
}
