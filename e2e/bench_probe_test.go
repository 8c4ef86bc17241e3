//go:build bench

package e2e

import (
	"fmt"
	"os"
	"testing"
	"time"

	"tokenscope/e2e/backend"
)

// TestBenchProbe times the side-effect-free probe of the given endpoint (one
// request: the candidate paths are tried only after a 404) against a local
// Django backend: from the click on button#probe to
// the verdict on screen, median of benchRuns. Gated like TestBenchBrowser;
// it appends its line to the same output file.
func TestBenchProbe(t *testing.T) {
	out := os.Getenv("TOKENSCOPE_BENCH_OUT")
	if out == "" {
		t.Fatal("set TOKENSCOPE_BENCH_OUT to the file that receives the table (./build.sh bench does)")
	}
	tb, srv, _ := probeSetup(t, backend.Config{}, true)
	_, refresh := login(t, srv)
	tb.paste(refresh)
	tb.waitFor(firstToken)
	var ms []float64
	for i := range benchRuns {
		steps := i + 1
		start := time.Now()
		tb.click("button#probe")
		tb.waitJS("the probe verdict", fmt.Sprintf(`document.querySelectorAll("ol#timeline li.step").length >= %d && !!document.querySelector('[data-code="probe.endpoint_ok"]')`, steps), 30*time.Second)
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	line := fmt.Sprintf("%-34s %12s %13.0f ms %10s\n", "probe of the given endpoint", "", median(ms, func(f float64) float64 { return f }), "-")
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		t.Fatal(err)
	}
	fmt.Print(line)
}
