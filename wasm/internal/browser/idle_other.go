//go:build !js

package browser

import (
	"context"
	"time"
)

// Idle waits for timeout or ctx, whichever ends first. Natively there is
// no event loop to be idle.
func Idle(ctx context.Context, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
