package ui

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/bridgeproto"
	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/app/token"
	"tokenscope/web"
)

// Bridge errors, returned by Env.ConnectBridge.
var (
	// ErrOpenerLost: opened by the bookmarklet, but window.opener is gone
	// (the host sends Cross-Origin-Opener-Policy: same-origin).
	ErrOpenerLost = errors.New("the inspector has no link back to the page that opened it")
	// ErrNoAnswer: the host page's bridge did not answer.
	ErrNoAnswer = errors.New("the host page's bridge did not answer")
	// ErrOpenerClosed: after connecting, the app's tab was closed
	// (window.opener.closed).
	ErrOpenerClosed = errors.New("the app's tab was closed")
	// ErrOpenerGone: after connecting, the app's page stopped answering the
	// inspector's ping: it navigated away or was reloaded, which removes the
	// bridge.
	ErrOpenerGone = errors.New("the app's page stopped answering: it navigated away or was reloaded")
)

// OpenerWatcher is a Bridge that notices its page going away. The browser's
// bridge implements it; a Bridge without it is trusted to stay.
type OpenerWatcher interface {
	// WatchOpener returns when the page that opened this window is closed
	// (ErrOpenerClosed), stops answering (ErrOpenerGone), or ctx ends.
	WatchOpener(ctx context.Context) error
}

// HostInfo is what the bridge read from the host page; Entry is one of its
// cookies or storage items.
type (
	HostInfo = bridgeproto.HostInfo
	Entry    = bridgeproto.Entry
)

// Bridge is the inspector's end of the bookmarklet: a probe transport whose
// requests leave from the host page (with its Origin), plus the host's data.
// Origin is the host's origin as the browser reported it (MessageEvent
// origin), never what the host claimed.
type Bridge interface {
	probe.Transport
	Host() HostInfo
	// Session GETs the host's /api/auth/session with its cookies.
	Session(ctx context.Context) (status int, body string, err error)
	// AllowBackend names the one origin the bridge may send probes to from
	// now on: the typed backend's. The bridge refuses anything else, and
	// refuses its own page's origin outright.
	AllowBackend(ctx context.Context, origin string) error
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
		in.bridgeKey, in.bridgeKeyErr = bridgeproto.LoadKey(store)
		return
	}
	random := in.env.Random
	if random == nil {
		random = rand.Reader
	}
	in.bridgeKey, in.bridgeKeyErr = bridgeproto.EnsureKey(store, random)
}

// OnMount connects to the bookmarklet's bridge when the page was opened by
// it.
func (in *Inspector) OnMount(ctx app.Context) {
	in.analysis.Attach(ctx) // from now on analyses run off the UI goroutine
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
func (in *Inspector) watchOpener(ctx app.Context, b Bridge) {
	w, ok := b.(OpenerWatcher)
	if !ok {
		return
	}
	gen := in.bridgeGen
	ctx.Async(func() {
		err := w.WatchOpener(ctx)
		if ctx.Err() != nil {
			return // the page itself is going away
		}
		ctx.Dispatch(func(ctx app.Context) {
			if gen == in.bridgeGen { // still the bridge that was watched
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
	if in.bridge == nil {
		return
	}
	origin := in.bridge.Origin()
	in.bridge = nil
	in.env.Transport, in.env.PageURL = in.ownTransport, in.ownPageURL
	in.bridgeFindings = []diagnose.Finding{openerLostLater(origin, err)}
	in.analyse()
}

// connectBridge asks the opener for its data, trusting only answers that
// carry this browser's key. Without a key no bridge can prove it is ours,
// so the opener is not even asked.
func (in *Inspector) connectBridge(ctx context.Context) (Bridge, error) {
	if in.bridgeKey == "" {
		err := bridgeproto.ErrNoKey
		if in.bridgeKeyErr != nil {
			// Storage is blocked: say so, or "open it directly once" would
			// be advice that cannot work.
			err = fmt.Errorf("%w (%w)", bridgeproto.ErrNoKey, in.bridgeKeyErr)
		}
		return nil, &bridgeproto.RefusedError{Err: err}
	}
	return in.env.ConnectBridge(ctx, in.bridgeKey)
}

// SetBridge applies a connection outcome, as OnMount does; tests call it.
func (in *Inspector) SetBridge(b Bridge, err error) { in.applyBridge(b, err) }

// applyBridge shows the outcome. Only a connected bridge's data reaches the
// paste box; every refusal shows the finding alone.
func (in *Inspector) applyBridge(b Bridge, err error) {
	switch {
	case errors.Is(err, ErrOpenerLost):
		in.bridgeFindings = []diagnose.Finding{openerLost()}
	case errors.Is(err, bridgeproto.ErrOutdated):
		in.bridgeFindings = []diagnose.Finding{outdated(err, in.env.InspectorURL)}
	case errors.Is(err, bridgeproto.ErrTooLarge):
		in.bridgeFindings = []diagnose.Finding{replyTooLarge(err)}
	case errors.Is(err, bridgeproto.ErrUntrusted):
		in.bridgeFindings = []diagnose.Finding{untrustedOpener(err, in.env.InspectorURL)}
	case err != nil:
		in.bridgeFindings = []diagnose.Finding{noAnswer(err)}
	case b == nil:
		in.bridgeFindings = []diagnose.Finding{noAnswer(ErrNoAnswer)}
	default:
		in.ownTransport, in.ownPageURL = in.env.Transport, in.env.PageURL
		in.bridge = b
		in.bridgeGen++
		in.env.Transport = b
		host := b.Host()
		in.env.PageURL = b.Origin() + "/" // mixed content is judged for the host page
		in.bridgeFindings = hostFindings(b.Origin(), host)
		in.input = hostText(host)
	}
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

// hostText turns the host's token entries into a paste the analysis reads:
// its token cookies as a Cookie header, each storage value on its own line.
func hostText(h HostInfo) string {
	var b strings.Builder
	if c := h.CookieHeader(); c != "" {
		b.WriteString("Cookie: " + c + "\n")
	}
	for _, e := range h.Tokens {
		if e.Area != bridgeproto.AreaCookie {
			b.WriteString(e.Value + "\n")
		}
	}
	return b.String()
}

// hostFindings says what the bridge read. origin is the validated one.
func hostFindings(origin string, h HostInfo) []diagnose.Finding {
	names := h.CookieNames()
	readable := "none"
	if len(names) > 0 {
		readable = strings.Join(names, ", ")
	}
	connected := diagnose.Finding{
		Code: diagnose.CodeBridgeConnected, Severity: diagnose.SeverityInfo, Token: -1,
		Title:  "Connected to " + origin + " through the bookmarklet",
		Detail: "Probes are now sent from that page, with its Origin. Its readable cookies and web-storage entries that hold a token are analysed below; of the others the bridge sent only the names. The bridge goes away when this window closes.",
		Evidence: []diagnose.Evidence{{Name: "host origin", Value: origin},
			{Name: "readable cookies", Value: readable},
			{Name: "token entries", Value: strconv.Itoa(len(h.Tokens))}},
	}
	if h.Dropped > 0 {
		connected.Evidence = append(connected.Evidence, diagnose.Evidence{Name: "entries left out",
			Value: strconv.Itoa(h.Dropped) + " (the bridge sends at most " + strconv.Itoa(bridgeproto.MaxTokenEntries) + " token entries and " + strconv.Itoa(bridgeproto.MaxNames) + " names)"})
	}
	fs := []diagnose.Finding{connected}
	for _, name := range names {
		if token.IsSessionCookie(chunkBase(name)) {
			return fs
		}
	}
	return append(fs, diagnose.Finding{
		Code: diagnose.CodeHttpOnlySession, Severity: diagnose.SeverityInfo, Token: -1,
		Title:  "The session cookie is HttpOnly: the page cannot read it",
		Detail: "NextAuth sets next-auth.session-token (Auth.js: authjs.session-token) HttpOnly, so no script — the bridge included — can see it. That is correct; copy it by hand to decode it.",
		Fix:    "In the app's tab open DevTools → Application → Cookies → " + origin + ", select the session-token row (and .0, .1 … chunks), copy the Value column, and paste it here as `Cookie: next-auth.session-token=<value>`; or copy the whole Cookie request header from DevTools → Network.",
	})
}

// chunkBase drops a NextAuth chunk suffix: next-auth.session-token.1 is a
// piece of next-auth.session-token.
func chunkBase(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

// refusedFrom is the page a refused message came from (its MessageEvent
// origin), or "" when the opener was never asked.
func refusedFrom(err error) (from, reason string) {
	var re *bridgeproto.RefusedError
	if errors.As(err, &re) {
		return re.From, re.Err.Error()
	}
	return "", err.Error()
}

func untrustedOpener(err error, inspectorURL string) diagnose.Finding {
	from, reason := refusedFrom(err)
	f := diagnose.Finding{
		Code: diagnose.CodeBridgeUntrusted, Severity: diagnose.SeverityError, Token: -1,
		Title:  "Refused: the page that opened this window is not your tokenscope bookmarklet",
		Detail: "Its answer does not carry this browser's bridge key, so nothing it sent is shown or used and no request goes through it. A bookmarklet made in another browser or profile carries another key; a page that opens tokenscope by itself has none.",
		Fix:    "Open " + inspectorURL + " directly in this browser, drag its tokenscope link to the bookmarks bar, and click that one on your app's page. If you did not click a tokenscope bookmarklet just now, close this window: a page tried to pose as your app.",
	}
	if errors.Is(err, bridgeproto.ErrNoKey) {
		f.Title = "Refused: this browser has not opened tokenscope directly yet, so it trusts no bookmarklet"
		f.Detail = "The inspector trusts a bridge only when it carries the key this browser keeps for tokenscope, and a browser gets that key the first time it opens tokenscope directly. Nothing from the page that opened this window is shown or used."
		f.Fix = "Open " + inspectorURL + " directly once, drag the tokenscope link from there to the bookmarks bar, and click that one on your app's page."
	}
	if from != "" {
		f.Evidence = append(f.Evidence, diagnose.Evidence{Name: "page that tried", Value: from})
	}
	return with(f, "reason", reason)
}

func outdated(err error, inspectorURL string) diagnose.Finding {
	from, _ := refusedFrom(err)
	f := diagnose.Finding{
		Code: diagnose.CodeBridgeOutdated, Severity: diagnose.SeverityWarn, Token: -1,
		Title:  "This bookmarklet is from an older tokenscope",
		Detail: "It speaks the first bridge protocol, without a version or this browser's key, so it was not connected and sent no data from the page.",
		Fix:    "Drag the new bookmarklet from " + inspectorURL + " to the bookmarks bar (replace the old one), then click it on your app's page.",
	}
	if from != "" {
		f.Evidence = []diagnose.Evidence{{Name: "page", Value: from}}
	}
	return f
}

func replyTooLarge(err error) diagnose.Finding {
	from, reason := refusedFrom(err)
	f := diagnose.Finding{
		Code: diagnose.CodeBridgeReplyTooLarge, Severity: diagnose.SeverityError, Token: -1,
		Title:  "Refused: the bridge's answer is over the inspector's size limit",
		Detail: "The inspector reads at most " + strconv.Itoa(bridgeproto.MaxReplyBytes>>10) + " KiB from the bridge, " + strconv.Itoa(bridgeproto.MaxTokenEntries) + " token entries of at most " + strconv.Itoa(bridgeproto.MaxValueChars) + " characters, and " + strconv.Itoa(bridgeproto.MaxNames) + " names. The bookmarklet keeps within this, so a larger answer came from something else; it was not read.",
		Fix:    "Drag a fresh bookmarklet from this page and click it again on your app's page. To inspect a very large storage value, copy it from DevTools → Application and paste it here.",
	}
	if from != "" {
		f.Evidence = append(f.Evidence, diagnose.Evidence{Name: "page", Value: from})
	}
	return with(f, "limit", reason)
}

// allowBackend tells the bridge which origin the probe is about to use. A
// typed URL that is not http(s) passes: the prober reports it and sends
// nothing.
func allowBackend(ctx context.Context, b Bridge, typed string) (diagnose.Finding, bool) {
	origin, err := bridgeproto.BackendOrigin(typed, b.Origin())
	if errors.Is(err, bridgeproto.ErrMalformed) {
		return diagnose.Finding{}, true
	}
	if err == nil {
		if err = b.AllowBackend(ctx, origin); err == nil {
			return diagnose.Finding{}, true
		}
	}
	return with(diagnose.Finding{
		Code: diagnose.CodeBridgeBackendRefused, Severity: diagnose.SeverityError, Token: -1,
		Title:  "The bridge does not send probes to " + typed,
		Detail: "The bridge in your app's page sends requests only to the backend origin typed here, and never to the app's own origin: a same-origin request would let this window read the app's own pages.",
		Fix:    "Type the Django backend's own URL (say " + probe.DefaultBackend + "). If the app reaches Django through its own origin (a Next.js rewrite), use the self-hosted inspector under the app's public/ folder (README: self-hosted), which needs no bridge.",
	}, "backend", typed, "host origin", b.Origin(), "error", err.Error()), false
}

func with(f diagnose.Finding, kv ...string) diagnose.Finding {
	for i := 0; i+1 < len(kv); i += 2 {
		f.Evidence = append(f.Evidence, diagnose.Evidence{Name: kv[i], Value: kv[i+1]})
	}
	return f
}

// reconnectFix is how to get a bridge back, for every way of losing it.
const reconnectFix = "Go back to your app's tab (open it again if it was closed, and sign in), then click the tokenscope bookmarklet there: it reconnects this window. "

func openerLost() diagnose.Finding {
	return diagnose.Finding{
		Code: diagnose.CodeOpenerLost, Severity: diagnose.SeverityError, Token: -1,
		Title:  "The bookmarklet opened this window, but the link back to your app's page was cut",
		Detail: "The app's page sends Cross-Origin-Opener-Policy: same-origin, which puts a window it opens on another origin in a separate browsing context group: window.opener is null here, so no message can pass between the two. (The same finding appears later if the app's tab is closed or navigates away.)",
		Fix:    reconnectFix + "If this appears right after clicking it, the page's COOP cuts the link every time: use the self-hosted inspector: build it for a path (`./build.sh site --prefix /tokenscope`), copy dist/ to the app's public/tokenscope/, and open http://<your app>/tokenscope/ — same origin, no bridge needed. Or relax COOP to same-origin-allow-popups while debugging.",
	}
}

// openerLostLater is bookmarklet.opener_lost after a connection stood: the
// app's tab was closed or its page went away.
func openerLostLater(origin string, err error) diagnose.Finding {
	title := "Disconnected: the app's page at " + origin + " went away"
	if errors.Is(err, ErrOpenerClosed) {
		title = "Disconnected: the app's tab (" + origin + ") was closed"
	}
	reason := "unknown"
	if err != nil {
		reason = err.Error()
	}
	return diagnose.Finding{
		Code: diagnose.CodeOpenerLost, Severity: diagnose.SeverityError, Token: -1,
		Title:    title,
		Detail:   "The bookmarklet's bridge lives in the app's page and goes away with it, so nothing more comes from that page: probes now leave from this page's own origin, and reading /api/auth/session is off. The host data already read stays in the paste box.",
		Fix:      reconnectFix + "If it happens right after connecting, see whether the page sends Cross-Origin-Opener-Policy: same-origin, or use the self-hosted inspector (README: self-hosted).",
		Evidence: []diagnose.Evidence{{Name: "host origin", Value: origin}, {Name: "how", Value: reason}},
	}
}

func noAnswer(err error) diagnose.Finding {
	return diagnose.Finding{
		Code: diagnose.CodeBridgeNoAnswer, Severity: diagnose.SeverityWarn, Token: -1,
		Title:    "The app's page did not answer the inspector",
		Detail:   "This window was opened for the bookmarklet, but the bridge in the app's page did not reply: the page was reloaded or navigated away, or it is no longer open.",
		Fix:      "Go back to the app's tab and click the bookmarklet again.",
		Evidence: []diagnose.Evidence{{Name: "error", Value: err.Error()}},
	}
}

// onReadSession asks the host for /api/auth/session (after the warning shown
// beside the button) and adds the answer to the paste.
func (in *Inspector) onReadSession(ctx app.Context, e app.Event) {
	b := in.bridge
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
			in.input = strings.TrimRight(in.input, "\n") + "\n" + body + "\n"
			in.showInput()
			in.status = ""
			in.analyse() // may set the timing status: say what was read first
			in.status = strings.TrimSpace("Read /api/auth/session: status " + strconv.Itoa(status) + ". " + in.status)
		})
	})
}

func (in *Inspector) renderBridge() app.UI {
	if in.bridge == nil {
		return app.Text("")
	}
	return app.Section().ID("bridge-panel").Class("probe").Body(
		app.H2().Text("Connected to "+in.bridge.Origin()),
		app.P().ID("session-warning").Class("warning").Text("Reading /api/auth/session runs your app's jwt callback, which may refresh — and so rotate — the backend token stored in the session."),
		app.Button().ID("read-session").Type("button").Aria("describedby", "session-warning").Text("Read /api/auth/session").OnClick(in.onReadSession),
	)
}

// renderBookmarklet offers the bookmarklet for this inspector's own URL.
func (in *Inspector) renderBookmarklet() app.UI {
	return app.Section().ID("bookmarklet-panel").Class("probe").Aria("labelledby", "bookmarklet-title").Body(
		app.H2().ID("bookmarklet-title").Text("Inspect from your app's own page"),
		app.P().Class("help").Text("CORS is judged per origin, and the session lives in your app's cookies. Drag this link to the bookmarks bar, open your app (say http://localhost:3000), and click it: the inspector opens in its own window and probes leave from your app's page, with its Origin."),
		app.If(in.env.InspectorURL != "" && in.bridgeKey != "", func() app.UI {
			return app.P().Body(
				app.A().ID("bookmarklet").Class("bookmarklet").Href(web.Bookmarklet(in.env.InspectorURL, in.bridgeKey)).Text("tokenscope"),
				app.Span().Class("help").Text(" ← drag to the bookmarks bar (Ctrl+Shift+B shows it)"),
			)
		}).ElseIf(in.bridgeKeyErr != nil, func() app.UI {
			return app.P().ID("bookmarklet-unavailable").Class("warning").Text("This browser does not let the inspector keep its bookmarklet key (site storage is blocked for this page), so no bookmarklet is offered: a bookmarklet works only with the key of the browser it was made in.")
		}),
		app.P().Class("help").Text("The bookmarklet only opens this page and answers it: it sends the readable cookies and web-storage entries of your app that hold a token (only the names of the others), sends the probes you start to the backend you typed, and reads /api/auth/session when you ask. It carries a key this browser keeps for tokenscope, so this page trusts only the bookmarklet it gave you. It is removed when you close this window. If your app sends Cross-Origin-Opener-Policy: same-origin or a strict Content-Security-Policy, host this inspector under your app's public/ folder instead (README: self-hosted)."),
	)
}
