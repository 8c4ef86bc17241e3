package browser

import (
	"context"
	"fmt"
	"time"

	"github.com/hack-pad/safejs"
)

// Idle waits until the browser has nothing else to do (requestIdleCallback)
// or timeout has passed, whichever comes first, and returns ctx.Err() when
// ctx ended meanwhile. Where requestIdleCallback is missing (Node, older
// Safari) it waits for a timer of timeout instead.
//
// Call it from a goroutine, never from a JS callback.
func Idle(ctx context.Context, timeout time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	callback, fired, err := oneShotCallback()
	if err != nil {
		return fmt.Errorf("waiting for an idle moment: %w", err)
	}
	ms := timeout.Milliseconds()
	if ric, err := safejs.Global().Get("requestIdleCallback"); err == nil && ric.Type() == safejs.TypeFunction {
		opts, err := safejs.ValueOf(map[string]any{"timeout": ms})
		if err == nil {
			_, err = safejs.Global().Call("requestIdleCallback", callback, opts)
		}
		if err != nil {
			callback.Release()
			return fmt.Errorf("waiting for an idle moment: %w", err)
		}
	} else if _, err := safejs.Global().Call("setTimeout", callback, ms); err != nil {
		callback.Release()
		return fmt.Errorf("waiting for an idle moment: %w", err)
	}
	waitCalled(ctx, fired, callback.Release)
	return ctx.Err()
}
