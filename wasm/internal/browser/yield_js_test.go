package browser

import (
	"context"
	"errors"
	"testing"

	"github.com/hack-pad/safejs"
)

// TestYieldRunsTheEventLoop: a loop that yields lets a JS timer fire, which
// a loop that does not yield never does (Go on wasm holds the event loop
// while any goroutine can run).
func TestYieldRunsTheEventLoop(t *testing.T) {
	eval(t, `(globalThis.__yieldTimerFired = false, setTimeout(() => { globalThis.__yieldTimerFired = true }, 0), 0)`)
	fired := func() bool {
		v, err := safejsGlobalBool("__yieldTimerFired")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if fired() {
		t.Fatal("the timer fired before any yield")
	}
	for i := 0; i < 10000 && !fired(); i++ {
		if err := Yield(context.Background()); err != nil {
			t.Fatalf("yield %d: %v", i, err)
		}
	}
	if !fired() {
		t.Fatal("10000 yields never let a timer run")
	}
}

func TestYieldReportsCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Yield(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Yield on a cancelled context = %v", err)
	}
}

func safejsGlobalBool(name string) (bool, error) {
	v, err := safejs.Global().Get(name)
	if err != nil {
		return false, err
	}
	return v.Truthy()
}

// TestYieldCancelledMidWait: a run cancelled while its yield waits for the
// message returns at once, and the message that still arrives afterwards
// finds its callback alive (released before it arrives, the call would
// panic and take the page down); later yields still work. The callback is
// released once that message has arrived.
func TestYieldCancelledMidWait(t *testing.T) {
	for i := 0; i < 100; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- yieldByMessage(ctx) }()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("run %d: %v, want context.Canceled", i, err)
		}
	}
	for i := 0; i < 10; i++ {
		if err := yieldByMessage(context.Background()); err != nil {
			t.Fatalf("yield after cancelled runs: %v", err)
		}
	}
}
