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
// 115 ms (./build.sh bench, the hostile pastes). The first warm-up is the
// cold one (42 to 100 ms for a 200 KiB heap: V8 compiling the collector),
// the next ones 5 to 17 ms, each in a moment the browser had nothing else
// to do.
//
// The warm-ups stop once the heap is past warmupHeapLimit: the page is then
// at work on a paste or a file, whose own collections warm the code, and a
// forced collection of its heap would be a long task of its own (seen in
// the bench: a warm-up that fell after a 10 MiB paste's run).
func warmCollector(ctx context.Context) {
	var m runtime.MemStats
	for range collectorWarmups {
		if browser.Idle(ctx, warmupWait) != nil {
			return
		}
		if runtime.ReadMemStats(&m); m.HeapAlloc > warmupHeapLimit {
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
	// warmupHeapLimit is the live heap past which the page is at work: the
	// app after start-up holds about 200 KiB.
	warmupHeapLimit = 2 << 20
)
