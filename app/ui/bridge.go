package ui

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/bridge"
	"tokenscope/app/bridgeproto"
	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/web"
)

// hostBridge is the bookmarklet bridge's state.
type hostBridge struct {
	// conn is set once the bookmarklet's bridge answered.
	conn     bridge.Bridge
	findings []diagnose.Finding
	// ownTransport and ownPageURL are this page's own, kept while a bridge
	// stands in for them and restored when its page goes away.
	ownTransport probe.Transport
	ownPageURL   string
	// gen counts bridges connected, so a watch that ends late cannot drop
	// a newer bridge.
	gen int
	// key is this browser's bridge key ("" when it has none).
	key    string
	keyErr error
}

// loadBridgeKey reads this browser's bridge key. A normal visit makes one
// the first time; a window opened for a bridge never does, so a browser
// that never opened the inspector directly trusts no bookmarklet.
func (in *Inspector) loadBridgeKey() {
	store := in.env.BridgeKeys
	if store == nil {
		return
	}
	if in.env.ConnectBridge != nil {
		in.host.key, in.host.keyErr = bridgeproto.LoadKey(store)
		return
	}
	random := in.env.Random
	if random == nil {
		random = rand.Reader
	}
	in.host.key, in.host.keyErr = bridgeproto.EnsureKey(store, random)
}

// OnMount keeps what was typed before the app ran, and connects to the
// bookmarklet's bridge when the page was opened by it.
func (in *Inspector) OnMount(ctx app.Context) {
	in.analysis.Attach(ctx) // from now on analyses run off the UI goroutine
	in.takeEarlyInput()
	if in.env.ConnectBridge == nil {
		return
	}
	ctx.Async(func() {
		b, err := in.connectBridge(context.Background())
		ctx.Dispatch(func(ctx app.Context) {
			in.applyBridge(b, err)
			if err == nil {
				in.showInput()
				in.watchOpener(ctx, b)
			}
		})
	})
}

// watchOpener waits, off the UI goroutine, for the connected page to go
// away, then says so instead of "connected".
func (in *Inspector) watchOpener(ctx app.Context, b bridge.Bridge) {
	w, ok := b.(bridge.OpenerWatcher)
	if !ok {
		return
	}
	gen := in.host.gen
	ctx.Async(func() {
		err := w.WatchOpener(ctx)
		if ctx.Err() != nil {
			return // the page itself is going away
		}
		ctx.Dispatch(func(ctx app.Context) {
			if gen == in.host.gen { // still the bridge that was watched
				in.LoseBridge(err)
			}
		})
	})
}

// LoseBridge drops a bridge whose page went away (err says how): the
// "connected" panel and finding go, bookmarklet.opener_lost says how to
// reconnect, and probes leave from this page again. The host data already
// pasted stays. Without a bridge it does nothing.
func (in *Inspector) LoseBridge(err error) {
	if in.host.conn == nil {
		return
	}
	origin := in.host.conn.Origin()
	in.host.conn = nil
	in.env.Transport, in.env.PageURL = in.host.ownTransport, in.host.ownPageURL
	in.host.findings = []diagnose.Finding{bridge.Disconnected(origin, err)}
	in.analyse()
}

// connectBridge asks the opener for its data, trusting only answers that
// carry this browser's key. Without a key no bridge can prove it is ours,
// so the opener is not even asked.
func (in *Inspector) connectBridge(ctx context.Context) (bridge.Bridge, error) {
	if in.host.key == "" {
		err := bridgeproto.ErrNoKey
		if in.host.keyErr != nil {
			// Storage is blocked: say so, or "open it directly once" would
			// be advice that cannot work.
			err = fmt.Errorf("%w (%w)", bridgeproto.ErrNoKey, in.host.keyErr)
		}
		return nil, &bridgeproto.RefusedError{Err: err}
	}
	return in.env.ConnectBridge(ctx, in.host.key)
}

// SetBridge applies a connection outcome, as OnMount does; tests call it.
func (in *Inspector) SetBridge(b bridge.Bridge, err error) { in.applyBridge(b, err) }

// applyBridge shows the outcome. Only a connected bridge's data reaches the
// paste box; every refusal shows the finding alone.
func (in *Inspector) applyBridge(b bridge.Bridge, err error) {
	if err != nil || b == nil {
		in.host.findings = []diagnose.Finding{bridge.Refused(err, in.env.InspectorURL)}
		in.analyse()
		return
	}
	in.host.ownTransport, in.host.ownPageURL = in.env.Transport, in.env.PageURL
	in.host.conn = b
	in.host.gen++
	in.env.Transport = b
	in.env.PageURL = b.Origin() + "/" // mixed content is judged for the host page
	in.host.findings = bridge.HostFindings(b.Origin(), b.Host())
	in.paste.text = bridge.HostText(b.Host())
	in.analyse()
}

// showInput writes in.input into the paste box. The textarea is not bound
// to in.input (typing is read back from the DOM), so without this the host's
// data would be analysed but not shown, and the next keystroke in the box
// would replace it with the keystroke alone.
func (in *Inspector) showInput() {
	box := in.boxText()
	if !app.IsClient {
		return
	}
	if ta := app.Window().GetElementByID("input"); ta.Truthy() {
		ta.Set("value", box)
	}
}

// allowBackend tells the bridge which origin the probe is about to use. A
// typed URL that is not http(s) passes: the prober reports it and sends
// nothing.
func allowBackend(ctx context.Context, b bridge.Bridge, typed string) (diagnose.Finding, bool) {
	origin, err := bridgeproto.BackendOrigin(typed, b.Origin())
	if errors.Is(err, bridgeproto.ErrMalformed) {
		return diagnose.Finding{}, true
	}
	if err == nil {
		if err = b.AllowBackend(ctx, origin); err == nil {
			return diagnose.Finding{}, true
		}
	}
	return bridge.BackendRefused(typed, b.Origin(), err), false
}

// onReadSession asks the host for /api/auth/session (after the warning shown
// beside the button) and adds the answer to the paste.
func (in *Inspector) onReadSession(ctx app.Context, e app.Event) {
	b := in.host.conn
	if b == nil {
		return
	}
	ctx.Async(func() {
		status, body, err := b.Session(context.Background())
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				in.status = "Reading /api/auth/session failed: " + err.Error()
				return
			}
			in.paste.text = strings.TrimRight(in.paste.text, "\n") + "\n" + body + "\n"
			in.showInput()
			in.status = ""
			in.analyse() // may set the timing status: say what was read first
			in.status = strings.TrimSpace("Read /api/auth/session: status " + strconv.Itoa(status) + ". " + in.status)
		})
	})
}

func (in *Inspector) renderBridge() app.UI {
	if in.host.conn == nil {
		return app.Text("")
	}
	return app.Section().ID("bridge-panel").Class("probe").Body(
		app.H2().Text("Connected to "+in.host.conn.Origin()),
		app.P().ID("session-warning").Class("warning").Text("Reading /api/auth/session runs your app's jwt callback, which may refresh — and so rotate — the backend token stored in the session."),
		app.Button().ID("read-session").Type("button").Aria("describedby", "session-warning").Text("Read /api/auth/session").OnClick(in.onReadSession),
	)
}

// renderBookmarklet offers the bookmarklet for this inspector's own URL.
func (in *Inspector) renderBookmarklet() app.UI {
	return app.Section().ID("bookmarklet-panel").Class("probe").Aria("labelledby", "bookmarklet-title").Body(
		app.H2().ID("bookmarklet-title").Text("Inspect from your app's own page"),
		app.P().Class("help").Text("CORS is judged per origin, and the session lives in your app's cookies. Drag this link to the bookmarks bar, open your app (say http://localhost:3000), and click it: the inspector opens in its own window and probes leave from your app's page, with its Origin."),
		app.If(in.env.InspectorURL != "" && in.host.key != "", func() app.UI {
			return app.P().Body(
				app.A().ID("bookmarklet").Class("bookmarklet").Href(web.Bookmarklet(in.env.InspectorURL, in.host.key)).Text("tokenscope"),
				app.Span().Class("help").Text(" ← drag to the bookmarks bar (Ctrl+Shift+B shows it)"),
			)
		}).ElseIf(in.host.keyErr != nil, func() app.UI {
			return app.P().ID("bookmarklet-unavailable").Class("warning").Text("This browser does not let the inspector keep its bookmarklet key (site storage is blocked for this page), so no bookmarklet is offered: a bookmarklet works only with the key of the browser it was made in.")
		}),
		app.P().Class("help").Text("The bookmarklet only opens this page and answers it: it sends the readable cookies and web-storage entries of your app that hold a token (only the names of the others), sends the probes you start to the backend you typed, and reads /api/auth/session when you ask. It carries a key this browser keeps for tokenscope, so this page trusts only the bookmarklet it gave you. It is removed when you close this window. If your app sends Cross-Origin-Opener-Policy: same-origin or a strict Content-Security-Policy, host this inspector under your app's public/ folder instead (README: self-hosted)."),
	)
}
