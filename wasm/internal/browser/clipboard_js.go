package browser

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hack-pad/safejs"
)

// clipboardTimeout bounds a write: a browser that shows a permission prompt
// may never settle the promise if the user walks away.
const clipboardTimeout = 5 * time.Second

// Clipboard writes through navigator.clipboard.writeText.
type Clipboard struct{}

// WriteText copies text to the system clipboard. It blocks until the browser
// answers, so call it from a goroutine (go-app's ctx.Async), never directly
// in an event handler.
func (Clipboard) WriteText(text string) error {
	ctx, cancel := context.WithTimeout(context.Background(), clipboardTimeout)
	defer cancel()
	clip, err := navigatorClipboard()
	if err != nil {
		return err
	}
	promise, err := clip.Call("writeText", text)
	if err != nil {
		return fmt.Errorf("clipboard: writeText: %w", err)
	}
	if _, err := Await(ctx, promise); err != nil {
		return fmt.Errorf("clipboard: writeText: %w", err)
	}
	return nil
}

// errNoClipboard is returned on insecure origins (plain http other than
// localhost) where browsers hide navigator.clipboard.
var errNoClipboard = errors.New("clipboard: navigator.clipboard is not available (needs https or localhost)")

func navigatorClipboard() (safejs.Value, error) {
	nav, err := safejs.Global().Get("navigator")
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("clipboard: reading navigator: %w", err)
	}
	if nav.IsUndefined() || nav.IsNull() {
		return safejs.Undefined(), errNoClipboard
	}
	clip, err := nav.Get("clipboard")
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("clipboard: reading navigator.clipboard: %w", err)
	}
	if clip.IsUndefined() || clip.IsNull() {
		return safejs.Undefined(), errNoClipboard
	}
	return clip, nil
}
