// Package browser is the small, typed edge between tokenscope and the
// browser APIs it needs. It holds:
//
//   - Await: a JS promise awaited from a goroutine, with cancellation;
//   - Yield: the event loop handed back to the browser in a long analysis;
//   - Idle: a wait for a moment the browser has nothing else to do;
//   - Fetch: the probe transport (window.fetch, CORS and network failures
//     told apart, bodies read with a size cap);
//   - ConnectBridge: the bookmarklet's postMessage bridge to the app's tab
//     (the rules live in app/bridgeproto; this package only moves bytes);
//   - LocalKeys: this browser's bridge key in the inspector's localStorage;
//   - Files: a file chosen in input#file or dropped, read through
//     Blob.stream into memory, handing the event loop back every MiB;
//   - Clipboard and LocalZone: copy buttons and the viewer's time zone.
//
// Everything that touches syscall/js goes through hack-pad/safejs, so a JS
// exception comes back as an error instead of a panic. The *_js.go files are
// the real implementations; the *_other.go files let the module build, vet and
// prerender natively.
package browser
