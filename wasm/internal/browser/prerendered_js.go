package browser

import "github.com/hack-pad/safejs"

// PrerenderedValue is the value of the prerendered form field with this id
// ("" when there is none). Read it before go-app mounts: mounting replaces
// the prerendered DOM, and with it whatever the user typed while app.wasm
// was still downloading.
func PrerenderedValue(id string) string {
	doc, err := safejs.Global().Get("document")
	if err != nil {
		return ""
	}
	el, err := doc.Call("getElementById", id)
	if err != nil || el.IsNull() || el.IsUndefined() {
		return ""
	}
	v, err := el.Get("value")
	if err != nil || v.Type() != safejs.TypeString {
		return ""
	}
	s, err := v.String()
	if err != nil {
		return ""
	}
	return s
}
