package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// A big paste is kept out of the paste box. Chromium spends seconds laying
// out a textarea holding megabytes (a bare page with only a textarea does
// the same), so the page handles such a paste itself: it keeps the text in
// memory, analyses that, and puts only a preview in the box.
const (
	// PasteInMemoryBytes is the paste size from which the page keeps the
	// text in memory instead of in the box.
	PasteInMemoryBytes = 256 << 10
	// PastePreviewBytes is how much of an in-memory paste the box shows.
	PastePreviewBytes = 64 << 10
)

// heldPaste is a paste kept in memory (Inspector.input holds its text).
type heldPaste struct {
	bytes    int // the whole paste
	preview  int // bytes shown in the box
	analysed int // bytes analysed (token.MaxInputBytes at most)
}

// PasteText handles a paste of text into the box the way the page does and
// returns what the box must then show and whether the page took the paste
// (the browser must not insert it). Small pastes are left to the browser,
// unless a big paste is held: a new paste then replaces it, since the box
// shows only a preview of what it would be inserted into.
func (in *Inspector) PasteText(text string) (box string, handled bool) {
	if len(text) < PasteInMemoryBytes && in.held == nil {
		return "", false
	}
	in.resetView()
	in.input = text
	return in.boxText(), true
}

// boxText is what the paste box shows for the current input: all of it, or
// for a big input a preview, with the input then held in memory.
func (in *Inspector) boxText() string {
	in.held = nil
	if len(in.input) < PasteInMemoryBytes {
		return in.input
	}
	box, _ := token.CutAt(in.input, PastePreviewBytes)
	analysed, _ := token.CutInput(in.input)
	in.held = &heldPaste{bytes: len(in.input), preview: len(box), analysed: len(analysed)}
	return box
}

// ClearInput empties the box and drops a held paste.
func (in *Inspector) ClearInput() {
	in.resetView()
	in.held = nil
	in.input = ""
	if in.har.pasted {
		in.har.clear()
	}
	in.analyse()
}

// summary is the line under the box while a big paste is held.
func (h heldPaste) summary() string {
	s := "Pasted " + diagnose.ByteSize(h.bytes) + "; showing the first " + diagnose.ByteSize(h.preview) + "; "
	if h.analysed < h.bytes {
		s += "analysed the first " + diagnose.ByteSize(h.analysed) + "."
	} else {
		s += "analysed all of it."
	}
	return s + " Typing in the box replaces the pasted text with what the box shows."
}

// onPaste takes a big paste out of the browser's hands before it reaches the
// box. go-app runs the handler before the event returns to the browser, so
// preventDefault still applies.
func (in *Inspector) onPaste(ctx app.Context, e app.Event) {
	data := e.Get("clipboardData")
	if !data.Truthy() {
		return
	}
	box, handled := in.PasteText(data.Call("getData", "text/plain").String())
	if !handled {
		return
	}
	e.PreventDefault()
	ctx.JSSrc().Set("value", box)
	if in.routePastedHAR(ctx, true) {
		in.generation++
		in.analyse()
		return
	}
	in.generation++
	gen := in.generation
	in.status = "Analysing the paste…"
	// The analysis runs in a task of its own, after the box and the summary
	// are painted, so no single task holds the page for both.
	ctx.After(time.Millisecond, func(ctx app.Context) {
		if gen == in.generation {
			in.analyse()
			if !in.env.ShowTiming {
				in.status = ""
			}
		}
	})
}

func (in *Inspector) onClearInput(ctx app.Context, e app.Event) {
	in.generation++
	in.ClearInput()
	in.status = "Cleared the paste"
	if box := app.Window().GetElementByID("input"); box.Truthy() {
		box.Set("value", "")
		box.Call("focus")
	}
}

func (in *Inspector) renderHeldPaste() app.UI {
	return app.P().ID("paste-summary").Class("paste-summary").
		DataSet("bytes", in.held.bytes).
		DataSet("analysed-bytes", in.held.analysed).
		Body(
			app.Span().Text(in.held.summary()+" "),
			app.Button().ID("input-clear").Type("button").Text("Clear the paste").OnClick(in.onClearInput),
		)
}
