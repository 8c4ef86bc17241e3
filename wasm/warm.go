package main

import (
	"context"
	"runtime"
	"time"

	"tokenscope/wasm/internal/browser"
)

// warmCollector runs Go's garbage collector a few times in the idle moments
// after start-up, while the heap is small. V8 compiles wasm functions on
// their first call and optimises them once they run hot, so the first
// collections in a fresh tab run cold code: after a 1 MiB paste a
// collection that fell inside a slice or a render took 100 to 270 ms, and
// with the collector warmed the same paste's longest task stayed under
// 115 ms (./build.sh bench, the hostile pastes). Each warm-up is a few ms
// of a small heap, in a moment the browser had nothing else to do.
func warmCollector(ctx context.Context) {
	for range collectorWarmups {
		if browser.Idle(ctx, warmupWait) != nil {
			return
		}
		runtime.GC()
	}
}

const (
	// collectorWarmups is how many collections warm the collector's code:
	// one compiles it, the next let V8 optimise the hot loops.
	collectorWarmups = 3
	// warmupWait bounds the wait for an idle moment: a page kept busy from
	// the start still gets its warm-ups.
	warmupWait = 5 * time.Second
)
