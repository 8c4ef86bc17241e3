// Package sitepolicy is the one source of the page's Content-Security-Policy:
// the site generator writes CSP into the page as a <meta>, and the bundled
// server (tools/sitesrv, used by ./build.sh serve and the browser tests)
// sends Header, so a static host that sets no headers and the local server
// enforce the same rules.
package sitepolicy

// CSP is the policy for the page's <meta http-equiv="Content-Security-Policy">.
const CSP = "" +
	// Everything not named below: this origin only.
	"default-src 'self'; " +
	// Scripts are the site's own files: go-app's page has no inline script
	// and no inline handler. 'wasm-unsafe-eval' is there because under a
	// CSP, compiling WebAssembly (WebAssembly.instantiateStreaming, which
	// go-app's app.js uses for app.wasm) is gated by script-src; it allows
	// wasm compilation only, not eval() or new Function().
	"script-src 'self' 'wasm-unsafe-eval'; " +
	// Refresh probes go to whatever backend URL the user types (any host,
	// port, http or https), so connections cannot be limited to a list.
	// Nothing is sent without the user pressing a button.
	"connect-src *; " +
	// The icons, and data: for images a browser may synthesise.
	"img-src 'self' data:; " +
	// Stylesheets from this origin only. The page has no style attributes
	// (none in go-app's prerendered HTML, none in this UI), which
	// style-src without 'unsafe-inline' would block.
	"style-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'none'; " +
	"form-action 'none'"

// Header is CSP plus what a <meta> cannot carry: frame-ancestors, so no
// other site can frame the inspector and trick a click on its buttons.
const Header = CSP + "; frame-ancestors 'none'"
