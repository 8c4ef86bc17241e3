package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// AnalysisHost mounts an Inspector in go-app's test engine and attaches its
// analysis runner, as OnMount does in the browser (go-app calls OnMount only
// there; natively the test engine calls OnPreRender, so the host uses that).
type AnalysisHost struct {
	app.Compo
	In *Inspector
	// Slice, when set, replaces the runner's slice budget: a nanosecond
	// makes a run yield at its first pause on any machine.
	Slice time.Duration
}

// OnPreRender attaches the inspector's runner to the test engine.
func (h *AnalysisHost) OnPreRender(ctx app.Context) {
	h.In.analysis.slice = h.Slice
	h.In.analysis.Attach(ctx)
}

// Render implements app.Composer.
func (h *AnalysisHost) Render() app.UI { return h.In }
