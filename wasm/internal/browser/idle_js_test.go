package browser

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestIdleWaitsForTheEventLoop: Idle returns once the browser ran its
// callback (in Node, which has no requestIdleCallback, a timer of the
// timeout), after a timer queued before it.
func TestIdleWaitsForTheEventLoop(t *testing.T) {
	eval(t, `(globalThis.__idleTimerFired = false, setTimeout(() => { globalThis.__idleTimerFired = true }, 0), 0)`)
	start := time.Now()
	if err := Idle(context.Background(), 20*time.Millisecond); err != nil {
		t.Fatalf("Idle: %v", err)
	}
	if fired, err := safejsGlobalBool("__idleTimerFired"); err != nil || !fired {
		t.Errorf("Idle returned before a timer queued ahead of it ran (fired %v, %v)", fired, err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("Idle with a 20 ms timeout waited %v", waited)
	}
}

// TestIdleCancelled: a cancelled wait returns at once with the context's
// error, and the callback that still fires later finds itself alive.
func TestIdleCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Idle(ctx, time.Millisecond); !errors.Is(err, context.Canceled) {
		t.Fatalf("Idle on a cancelled context = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Idle(ctx, 30*time.Millisecond) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Idle cancelled mid-wait = %v", err)
	}
	time.Sleep(100 * time.Millisecond) // the callback fires meanwhile
	if err := Idle(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Idle after a cancelled one: %v", err)
	}
}
