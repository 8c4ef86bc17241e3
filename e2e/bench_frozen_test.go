//go:build bench

package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchFrozenPastes are the big pastes of issue 10, item 4: one token in
// log lines, delivered by a real paste event.
var benchFrozenPastes = []struct {
	name  string
	bytes int
}{
	{"1 MiB", 1 << 20},
	{"10 MiB", 10 << 20},
	{"50 MB", 50_000_000},
}

// TestBenchFrozen measures the big pastes in Chromium: the longest
// main-thread task from the paste until the page settled (a
// PerformanceObserver 'longtask' recorder; the test fills the clipboard,
// DataTransfer.setData, in a task before the paste and reports that apart,
// since a real paste has the browser read the system clipboard; the page's
// getData copy is inside the first task), the time until the token's card is on screen, the animation
// frames painted meanwhile, and how the analysis was sliced (from #findings:
// data-yields, data-longest-slice-us). It writes its table to
// TOKENSCOPE_BENCH_OUT, with the machine's load average: on a shared machine
// the figures are not budgets.
func TestBenchFrozen(t *testing.T) {
	out := os.Getenv("TOKENSCOPE_BENCH_OUT")
	if out == "" {
		t.Fatal("set TOKENSCOPE_BENCH_OUT to the file that receives the table (./build.sh bench does)")
	}
	load, _ := os.ReadFile("/proc/loadavg")
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nbig paste, sliced analysis (one run each; load average %s)\n", strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	fmt.Fprintf(&sb, "(the test fills the clipboard, DataTransfer.setData, in a task before the paste: the fill column, not the page's work)\n")
	fmt.Fprintf(&sb, "%-10s %10s %14s %14s %8s %8s %14s %10s\n", "paste", "fill", "longest task", "token shown", "frames", "slices", "longest slice", "budget")
	for _, p := range benchFrozenPastes {
		tok := newTestToken(t, time.Now())
		tb := openInspector(t)
		tb.stageBigText("__tsBig", p.bytes, tok.raw)
		r := tb.runBigPaste("__tsBig", tok.marker, "", time.Second)
		if r.Outcome != "result" {
			t.Fatalf("%s: outcome %q", p.name, r.Outcome)
		}
		slices, _ := strconv.Atoi(tb.attr("#findings", "data-yields"))
		longest, _ := strconv.ParseFloat(tb.attr("#findings", "data-longest-slice-us"), 64)
		fmt.Fprintf(&sb, "%-10s %7.0f ms %11.0f ms %11.0f ms %8d %8d %11.0f ms %10s  (longest slice ended at: %s)\n", p.name, r.Fill, r.LongTask, r.Took, r.Frames, slices, longest/1000, "100 ms", tb.attr("#findings", "data-longest-slice-at"))
	}
	t.Log(sb.String())
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(sb.String()); err != nil {
		t.Fatal(err)
	}
}
