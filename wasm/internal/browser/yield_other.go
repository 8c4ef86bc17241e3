//go:build !js

package browser

import (
	"context"
	"runtime"
)

// Yield lets other goroutines run. Natively there is no event loop to hand
// back to; it only reports a cancelled ctx.
func Yield(ctx context.Context) error {
	runtime.Gosched()
	return ctx.Err()
}
