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
