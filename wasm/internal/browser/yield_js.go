package browser

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hack-pad/safejs"
)

// Yield hands the event loop back to the browser once, so it can paint and
// handle input, and returns when the browser runs the continuation. It
// returns ctx.Err() when ctx ended meanwhile, so a superseded analysis stops
// at its next yield.
//
// Go on wasm returns to the event loop only when every goroutine is
// blocked; a long loop in one goroutine is one long task. Waiting here on a
// channel that a JS callback closes is that block. scheduler.yield (Chromium
// 129+) queues the continuation ahead of other tasks; elsewhere a
// MessageChannel message does the same without setTimeout's 4 ms clamp.
//
// Every fairEvery-th yield goes through a MessageChannel message even where
// scheduler.yield exists: see fairEvery.
//
// Call it from a goroutine (ctx.Async), never from a JS callback.
func Yield(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if yields.Add(1)%fairEvery != 0 {
		if p, ok := schedulerYield(); ok {
			if _, err := Await(ctx, p); err != nil && ctx.Err() == nil {
				return fmt.Errorf("yielding to the browser: %w", err)
			}
			return ctx.Err()
		}
	}
	return yieldByMessage(ctx)
}

// fairEvery bounds how long a run keeps the browser's ordinary tasks
// waiting. A scheduler.yield continuation runs ahead of every other task of
// its priority: input and painting still come first, but timers, network
// callbacks, postMessage replies (the bookmarklet's bridge) and DevTools
// commands waited until the whole run was over (seen in CI: a second HAR
// set through DevTools while the first was analysed arrived only after its
// two-second run). A message is queued behind the tasks already waiting, so
// with 30 ms slices they get in at least every 120 ms.
const fairEvery = 4

// yields counts Yield's calls, for fairEvery.
var yields atomic.Uint64

// schedulerYield calls scheduler.yield() when the browser has it.
func schedulerYield() (safejs.Value, bool) {
	scheduler, err := safejs.Global().Get("scheduler")
	if err != nil || scheduler.IsUndefined() || scheduler.IsNull() {
		return safejs.Undefined(), false
	}
	fn, err := scheduler.Get("yield")
	if err != nil || fn.Type() != safejs.TypeFunction {
		return safejs.Undefined(), false
	}
	p, err := scheduler.Call("yield")
	if err != nil {
		return safejs.Undefined(), false
	}
	return p, true
}

// yieldByMessage posts a message to itself through a MessageChannel and
// waits for it to arrive.
func yieldByMessage(ctx context.Context) error {
	ctor, err := safejs.Global().Get("MessageChannel")
	if err != nil {
		return fmt.Errorf("yielding to the browser: %w", err)
	}
	channel, err := ctor.New()
	if err != nil {
		return fmt.Errorf("yielding to the browser: %w", err)
	}
	onMessage, arrived, err := oneShotCallback()
	if err != nil {
		return fmt.Errorf("yielding to the browser: %w", err)
	}
	port1, _ := channel.Get("port1")
	port2, _ := channel.Get("port2")
	if err := port1.Set("onmessage", onMessage); err != nil {
		onMessage.Release()
		return fmt.Errorf("yielding to the browser: %w", err)
	}
	if _, err := port2.Call("postMessage", nil); err != nil {
		onMessage.Release()
		return fmt.Errorf("yielding to the browser: %w", err)
	}
	waitCalled(ctx, arrived, func() {
		onMessage.Release()
		_, _ = port1.Call("close")
	})
	return ctx.Err()
}

// oneShotCallback is a JS function that closes called when the browser
// calls it (once).
func oneShotCallback() (safejs.Func, <-chan struct{}, error) {
	called := make(chan struct{})
	var once sync.Once
	fn, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		once.Do(func() { close(called) })
		return nil
	})
	return fn, called, err
}

// waitCalled waits until a oneShotCallback was called or ctx ended, and
// runs release once the callback was called: a callback that is still to
// be called (the message posted, the idle callback requested) must stay
// alive until it is, or the browser's call panics and takes the page down.
func waitCalled(ctx context.Context, called <-chan struct{}, release func()) {
	select {
	case <-called:
		release()
	case <-ctx.Done():
		go func() {
			<-called
			release()
		}()
	}
}
