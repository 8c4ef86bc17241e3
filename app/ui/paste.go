package ui

import (
	"slices"
	"time"
	"unsafe"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// pasteBox is the paste box's state.
type pasteBox struct {
	// text is what is analysed: the box's value, or a big paste kept in
	// memory instead of in the box.
	text string
	// held is set while a big paste is kept in memory (text holds it).
	held *heldPaste
	// expanded lists the member tables shown whole ("show all N claims"),
	// by table id; cleared when the paste changes.
	expanded map[string]bool
	// generation counts edits, so a debounced analysis of an older text
	// does not run.
	generation int
}

// A big paste is kept out of the paste box. Chromium spends seconds laying
// out a textarea holding megabytes (a bare page with only a textarea does
// the same), so the page handles such a paste itself: it keeps the text in
// memory, analyses that, and puts only a preview in the box.
const (
	// PasteInMemoryBytes is the paste size from which the page keeps the
	// text in memory instead of in the box.
	PasteInMemoryBytes = 256 << 10
	// PastePreviewBytes is how much of an in-memory paste the box shows.
	// Laying the preview out is part of the paste's first render: 64 KiB
	// of a cookie header took 30 to 110 ms of layout (text shaping) on the
	// bench machine, 16 KiB about 8 ms.
	PastePreviewBytes = 16 << 10
)

// heldPaste is a paste kept in memory (Inspector.input holds its text).
type heldPaste struct {
	bytes    int // the whole paste
	preview  int // bytes shown in the box
	analysed int // bytes analysed (token.MaxInputBytes at most)
	// reading is set while the run copies the paste out of the browser
	// (pasteBig): its size is not known yet.
	reading bool
}

// PasteText handles a paste of text into the box the way the page does and
// returns what the box must then show and whether the page took the paste
// (the browser must not insert it). Small pastes are left to the browser,
// unless a big paste is held: a new paste then replaces it, since the box
// shows only a preview of what it would be inserted into.
func (in *Inspector) PasteText(text string) (box string, handled bool) {
	if len(text) < PasteInMemoryBytes && in.paste.held == nil {
		return "", false
	}
	in.resetView()
	in.paste.text = text
	return in.boxText(), true
}

// boxText is what the paste box shows for the current input: all of it, or
// for a big input a preview, with the input then held in memory.
func (in *Inspector) boxText() string {
	in.paste.held = nil
	if len(in.paste.text) < PasteInMemoryBytes {
		return in.paste.text
	}
	box, _ := token.CutAt(in.paste.text, PastePreviewBytes)
	analysed, _ := token.CutInput(in.paste.text)
	in.paste.held = &heldPaste{bytes: len(in.paste.text), preview: len(box), analysed: len(analysed)}
	return box
}

// ClearInput empties the box and drops a held paste.
func (in *Inspector) ClearInput() {
	in.resetView()
	in.paste.held = nil
	in.paste.text = ""
	if in.har.pasted {
		in.har.clear()
	}
	in.analyse()
}

// summary is the line under the box while a big paste is held.
func (h heldPaste) summary() string {
	if h.reading {
		return "Reading the pasted text; showing the first " + diagnose.ByteSize(h.preview) + ". Typing in the box replaces the pasted text with what the box shows."
	}
	s := "Pasted " + diagnose.ByteSize(h.bytes) + "; showing the first " + diagnose.ByteSize(h.preview) + "; "
	if h.analysed < h.bytes {
		s += "analysed the first " + diagnose.ByteSize(h.analysed) + "."
	} else {
		s += "analysed all of it."
	}
	return s + " Typing in the box replaces the pasted text with what the box shows."
}

// pasteReadUnits is how much of a big paste (in UTF-16 code units, the JS
// string's length) is copied into Go at a time: a millisecond or two, so
// that reading a 50 MB paste is many short slices, not one long task.
const pasteReadUnits = 64 << 10

// onPaste takes a big paste out of the browser's hands before it reaches the
// box. go-app runs the handler before the event returns to the browser, so
// preventDefault still applies. The clipboard's text stays a JS string: only
// its length and the preview are read here; the rest is copied into Go in
// slices by the analysis run (pasteBig).
func (in *Inspector) onPaste(ctx app.Context, e app.Event) {
	data := e.Get("clipboardData")
	if !data.Truthy() {
		return
	}
	in.takeText(ctx, e, jsString(data.Call("getData", "text/plain")))
}

// onTextDrop takes a big text dropped on the box, as onPaste does for a paste:
// the browser would otherwise lay it out in the box. Dropped files are not
// text and are left alone.
func (in *Inspector) onTextDrop(ctx app.Context, e app.Event) {
	data := e.Get("dataTransfer")
	if !data.Truthy() {
		return
	}
	text := jsString(data.Call("getData", "text/plain"))
	if text.Length() < PasteInMemoryBytes && in.paste.held == nil {
		return // small: the browser inserts it where it was dropped
	}
	in.takeText(ctx, e, text)
}

// takeText handles a text arriving in the box (a paste or a drop; a String
// object, see jsString): small ones are left to the browser; big ones are
// held (pasteBig).
func (in *Inspector) takeText(ctx app.Context, e app.Event, text app.Value) {
	units := text.Length()
	if units >= PasteInMemoryBytes {
		e.PreventDefault()
		in.paste.generation++
		in.pasteBig(ctx.JSSrc(), text, units)
		return
	}
	// Under PasteInMemoryBytes code units: at most three times as many
	// bytes, quick to copy.
	box, handled := in.PasteText(text.Call("toString").String())
	if !handled {
		return
	}
	e.PreventDefault()
	ctx.JSSrc().Set("value", box)
	if in.routePastedHAR(ctx, true) {
		in.paste.generation++
		in.analyse()
		return
	}
	in.paste.generation++
	in.setAnalysisStatus("Analysing the paste…")
	in.analyse()
}

// pasteBig holds a text of units UTF-16 code units (a String object; at least
// PasteInMemoryBytes bytes): the box shows a preview at once, and one run
// copies the text into Go in slices and analyses it. Typing, another paste or
// the cancel button supersede the run wherever it is.
func (in *Inspector) pasteBig(box, text app.Value, units int) {
	preview, _ := token.CutAt(text.Call("substring", 0, PastePreviewBytes).String(), PastePreviewBytes)
	box.Set("value", preview)
	in.resetView()
	// Until the run has read it all, the input is what the box shows.
	in.paste.text = preview
	in.paste.held = &heldPaste{preview: len(preview), reading: true}
	in.setAnalysisStatus("Reading the paste…")
	opts := in.analysisOptions()
	in.analysis.Start(func(p *Pacer) (func(), error) {
		start := time.Now()
		// Let the paste event's task end with the preview painted: the
		// goroutine would otherwise start its first slice inside it.
		if err := p.Yield(); err != nil {
			return nil, err
		}
		p.SetPhase("Reading the paste")
		whole, err := readJSString(text, units, p)
		if err != nil {
			return nil, err
		}
		p.SetPhase("Analysing")
		opts.Pause = p.Pause
		report, err := diagnose.RunPaused(whole, opts)
		if err != nil {
			return nil, err
		}
		took := time.Since(start)
		analysed, _ := token.CutInput(whole)
		held := &heldPaste{bytes: len(whole), preview: len(preview), analysed: len(analysed)}
		return func() {
			in.paste.text, in.paste.held = whole, held
			in.showReport(report, len(whole), took, p)
		}, nil
	})
}

// jsString wraps a JS string in a String object: syscall/js reads
// properties and calls methods of objects only. The wrapper shares the
// string's characters, it copies nothing. Anything else becomes "".
func jsString(s app.Value) app.Value {
	if s.Type() != app.TypeString {
		return app.Window().Get("String").New("")
	}
	return app.Window().Get("String").New(s)
}

// readJSString copies a String object of units UTF-16 code units into Go,
// pasteReadUnits at a time, pausing between slices. Each slice is encoded
// to UTF-8 by the browser (TextEncoder.encodeInto) into one scratch array
// and copied straight into one Go buffer: reading 50 MB leaves no garbage
// behind for the Go collector (js.Value.String allocates twice per call).
// A slice never ends between the two halves of a surrogate pair.
func readJSString(text app.Value, units int, p *Pacer) (string, error) {
	encoder := app.Window().Get("TextEncoder").New()
	// UTF-8 needs at most three bytes for one UTF-16 code unit.
	scratch := app.Window().Get("Uint8Array").New(3 * pasteReadUnits)
	buf := make([]byte, 0, units) // exact for ASCII; grown otherwise
	for at := 0; at < units; {
		end := min(at+pasteReadUnits, units)
		if end < units {
			if c := text.Call("charCodeAt", end-1).Int(); c >= 0xD800 && c <= 0xDBFF {
				end--
			}
		}
		n := encoder.Call("encodeInto", text.Call("substring", at, end), scratch).Get("written").Int()
		start := len(buf)
		buf = slices.Grow(buf, n)[:start+n]
		app.CopyBytesToGo(buf[start:], scratch.Call("subarray", 0, n))
		at = end
		if err := p.Pause(at, units); err != nil {
			return "", err
		}
	}
	// buf is never written again: the string shares it instead of copying
	// megabytes in one piece of work.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

func (in *Inspector) onClearInput(ctx app.Context, e app.Event) {
	in.paste.generation++
	in.ClearInput()
	in.status = "Cleared the paste"
	if box := app.Window().GetElementByID("input"); box.Truthy() {
		box.Set("value", "")
		box.Call("focus")
	}
}

func (in *Inspector) renderHeldPaste() app.UI {
	return app.P().ID("paste-summary").Class("paste-summary").
		DataSet("reading", in.paste.held.reading).
		DataSet("bytes", in.paste.held.bytes).
		DataSet("analysed-bytes", in.paste.held.analysed).
		Body(
			app.Span().Text(in.paste.held.summary()+" "),
			app.Button().ID("input-clear").Type("button").Text("Clear the paste").OnClick(in.onClearInput),
		)
}
