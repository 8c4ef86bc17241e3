package ui_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/ui"
	"tokenscope/internal/testvectors"
)

// blockingYield stands in for the browser's event loop: a run that yields
// stays parked there until its context ends, so a test can start a second
// run, or cancel, while the first is surely in flight.
type blockingYield struct{ yields atomic.Int32 }

func (y *blockingYield) yield(ctx context.Context) error {
	y.yields.Add(1)
	<-ctx.Done()
	return ctx.Err()
}

// mounted is an inspector mounted in go-app's test engine with a Yield, so
// that analyses run as in the page: in a goroutine, published by a dispatch.
func mounted(t *testing.T, now time.Time, y *blockingYield) (*ui.Inspector, app.TestEngine) {
	return mountedSliced(t, now, y.yield, 0)
}

// mountedWith is mounted with yield as the browser's event loop.
func mountedWith(t *testing.T, now time.Time, yield func(context.Context) error) (*ui.Inspector, app.TestEngine) {
	return mountedSliced(t, now, yield, 0)
}

// mountedSliced is mounted with the runner's slice budget set to slice.
func mountedSliced(t *testing.T, now time.Time, yield func(context.Context) error, slice time.Duration) (*ui.Inspector, app.TestEngine) {
	t.Helper()
	in := ui.NewInspector(ui.Env{
		Now:   func() time.Time { return now },
		Zone:  ui.FixedZone{ZoneName: "UTC", Loc: time.UTC},
		Yield: yield,
	})
	e := app.NewTestEngine()
	if err := e.Load(&ui.AnalysisHost{In: in, Slice: slice}); err != nil {
		t.Fatalf("loading the inspector: %v", err)
	}
	e.ConsumeAll() // OnPreRender attaches the runner
	return in, e
}

// The slowest capped input: enough work that the run yields at least once.
func slowInput(t *testing.T) string {
	t.Helper()
	return testvectors.ChunkedCookieFlood(4 << 20)
}

func TestAnalysisSupersededRunNeverPublishes(t *testing.T) {
	vs, now := vectors(t)
	y := &blockingYield{}
	in, e := mounted(t, now, y)

	in.SetInput(slowInput(t))
	if got := in.Report(); len(got.Findings) != 0 {
		t.Fatal("a run in the page published before its dispatch")
	}
	in.SetInput(vs["access_valid"])
	e.ConsumeAll()

	r := in.Report()
	if len(r.Tokens) != 1 || r.Has(diagnose.CodeChunkIndexTooHigh) {
		t.Errorf("report of %d bytes with %d tokens: want the second paste's alone", r.InputBytes, len(r.Tokens))
	}
	if r.InputBytes != len(vs["access_valid"]) {
		t.Errorf("report for %d bytes, want the second paste's %d", r.InputBytes, len(vs["access_valid"]))
	}
}

func TestAnalysisCancel(t *testing.T) {
	_, now := vectors(t)
	y := &blockingYield{}
	// A nanosecond's slice: the run parks at its first pause however fast
	// the machine is (with 30 ms a quick run could finish unparked).
	in, e := mountedSliced(t, now, y.yield, time.Nanosecond)

	in.SetInput(slowInput(t))
	// Wait until the run is parked in a yield: it is surely in flight.
	for deadline := time.Now().Add(30 * time.Second); y.yields.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the run never yielded")
		}
	}
	in.CancelAnalysis()
	e.ConsumeAll()
	if r := in.Report(); len(r.Findings) != 0 || r.InputBytes != 0 {
		t.Errorf("a cancelled run published %d findings", len(r.Findings))
	}
	html := app.HTMLString(in.Render()) // the state now, not the last mounted render
	if !strings.Contains(html, "Analysis cancelled") {
		t.Error("the status does not say the analysis was cancelled")
	}
	if strings.Contains(html, `id="findings"`) || strings.Contains(html, `id="analysis-progress"`) {
		t.Error("findings or the progress bar outlived the cancelled run")
	}
}

// Without a mounted page (golden tests, prerendering) analyses stay
// synchronous even with a Yield: the report is there when SetInput returns.
func TestAnalysisSynchronousUnmounted(t *testing.T) {
	vs, now := vectors(t)
	y := &blockingYield{}
	in := ui.NewInspector(ui.Env{Now: func() time.Time { return now }, Yield: y.yield})
	in.SetInput(vs["access_valid"])
	if len(in.Report().Tokens) != 1 {
		t.Error("no report right after SetInput")
	}
}
