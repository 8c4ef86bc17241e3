package ui

import (
	"context"
	"io"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"tokenscope/app/bridge"

	"tokenscope/app/bridgeproto"
	"tokenscope/app/probe"
)

// Env is what the inspector needs from the browser. The wasm/ edge provides
// the real implementation; native tests pass a fake. Keeping syscall/js out of
// app/ means every component here builds and tests with plain `go test`.
type Env struct {
	// Now is the clock every analysis reads. Tests pin it.
	Now func() time.Time
	// Zone names the viewer's time zone ("Europe/Berlin") and gives the
	// location used to show local times.
	Zone Zone
	// Clipboard receives text from the copy buttons.
	Clipboard Clipboard
	// Transport sends refresh probes (the browser's fetch). Nil: probing is
	// unavailable (native tests, prerendering).
	Transport probe.Transport
	// PageURL is the page's own URL, for the mixed-content check.
	PageURL string
	// InspectorURL is where this inspector is served (origin and path, ending
	// in "/"): the bookmarklet the page offers opens it.
	InspectorURL string
	// ConnectBridge reaches the bookmarklet's bridge in the page that opened
	// this window, trusting only answers that carry key (this browser's
	// bridge key). Nil unless the page was opened by the bookmarklet.
	ConnectBridge bridge.Connect
	// BridgeKeys keeps this browser's bridge key in the inspector's own
	// storage. Nil: no bookmarklet is offered and none is trusted
	// (prerendering).
	BridgeKeys bridgeproto.KeyStore
	// Random is where a new bridge key comes from; nil is crypto/rand.
	Random io.Reader
	// Yield hands the event loop back to the browser once, so it paints and
	// handles input in the middle of a long analysis, and reports ctx.Err()
	// when the analysis was superseded or cancelled. Nil: never yield
	// (native tests, prerendering).
	Yield func(ctx context.Context) error
	// EarlyInput returns what was typed into the prerendered page before
	// the app mounted (mounting replaces that DOM). Nil: nothing to keep.
	EarlyInput func() EarlyInput
	// Files reads a file chosen in input#file or dropped on the page, in
	// memory. Nil: files are not offered (native tests, prerendering); tests
	// hand bytes to Inspector.LoadFile instead.
	Files FileReader
	// ShowTiming displays how long each analysis took (and exposes it as
	// data-analysis-us on #findings for the benchmark). Off in golden tests,
	// whose output must not depend on the machine's speed.
	ShowTiming bool
}

// FileReader reads a file the user chose or dropped: locally, into memory,
// never stored. The wasm/ edge implements it with Blob.slice and
// Blob.arrayBuffer.
type FileReader interface {
	// ReadFile returns the first limit bytes of file (a DOM File taken from
	// input#file's or a drop's FileList) and the file's whole size.
	ReadFile(ctx context.Context, file app.Value, limit int) (data []byte, size int, err error)
}

// Zone is the viewer's time zone.
type Zone interface {
	// Name is the IANA name when the browser knows it, else a "UTC+1" label.
	Name() string
	// Location converts instants to the viewer's wall clock.
	Location() *time.Location
}

// Clipboard writes text to the system clipboard.
type Clipboard interface {
	WriteText(text string) error
}

// FixedZone is a Zone with a known name and location; used natively and in tests.
type FixedZone struct {
	ZoneName string
	Loc      *time.Location
}

// Name implements Zone.
func (z FixedZone) Name() string { return z.ZoneName }

// Location implements Zone.
func (z FixedZone) Location() *time.Location {
	if z.Loc == nil {
		return time.UTC
	}
	return z.Loc
}
