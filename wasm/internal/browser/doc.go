// Package browser is the small, typed edge between tokenscope and the browser
// APIs it needs: awaiting promises, the clipboard and the viewer's time zone.
//
// Everything that touches syscall/js goes through hack-pad/safejs, so a JS
// exception comes back as an error instead of a panic. The *_js.go files are
// the real implementations; the *_other.go files let the module build, vet and
// prerender natively.
package browser
