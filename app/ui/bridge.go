package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

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
)

// StorageEntry is a web-storage item on the host page that holds a JWT.
type StorageEntry struct {
	Area  string // localStorage or sessionStorage
	Key   string
	Value string
}

// HostInfo is what the bridge reads from the host page.
type HostInfo struct {
	Origin  string
	Cookie  string // document.cookie: never the HttpOnly session cookie
	Storage []StorageEntry
}

// Bridge is the inspector's end of the bookmarklet: a probe transport whose
// requests leave from the host page (with its Origin), plus the host's data.
type Bridge interface {
	probe.Transport
	Host() HostInfo
	// Session GETs the host's /api/auth/session with its cookies.
	Session(ctx context.Context) (status int, body string, err error)
}

// OnMount connects to the bookmarklet's bridge when the page was opened by
// it.
func (in *Inspector) OnMount(ctx app.Context) {
	connect := in.env.ConnectBridge
	if connect == nil {
		return
	}
	ctx.Async(func() {
		b, err := connect(context.Background())
		ctx.Dispatch(func(ctx app.Context) {
			in.applyBridge(b, err)
			if err == nil {
				in.showInput()
			}
		})
	})
}

// SetBridge applies a connection outcome, as OnMount does; tests call it.
func (in *Inspector) SetBridge(b Bridge, err error) { in.applyBridge(b, err) }

func (in *Inspector) applyBridge(b Bridge, err error) {
	switch {
	case errors.Is(err, ErrOpenerLost):
		in.bridgeFindings = []diagnose.Finding{openerLost()}
	case err != nil:
		in.bridgeFindings = []diagnose.Finding{noAnswer(err)}
	default:
		in.bridge = b
		in.env.Transport = b
		host := b.Host()
		in.env.PageURL = host.Origin + "/" // mixed content is judged for the host page
		in.bridgeFindings = hostFindings(host)
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

// hostText turns the host's readable data into a paste the analysis reads:
// its cookies as a Cookie header, each storage entry on its own line.
func hostText(h HostInfo) string {
	var b strings.Builder
	if h.Cookie != "" {
		b.WriteString("Cookie: " + h.Cookie + "\n")
	}
	for _, e := range h.Storage {
		b.WriteString(e.Value + "\n")
	}
	return b.String()
}

func hostFindings(h HostInfo) []diagnose.Finding {
	fs := []diagnose.Finding{{
		Code: diagnose.CodeBridgeConnected, Severity: diagnose.SeverityInfo, Token: -1,
		Title:  "Connected to " + h.Origin + " through the bookmarklet",
		Detail: "Probes are now sent from that page, with its Origin, and its readable cookies and web storage are analysed below. The bridge goes away when this window closes.",
		Evidence: []diagnose.Evidence{{Name: "host origin", Value: h.Origin},
			{Name: "readable cookies", Value: cookieNames(h.Cookie)}},
	}}
	for _, c := range token.Extract("Cookie: " + h.Cookie).Candidates {
		if token.IsSessionCookie(c.Source.Name) {
			return fs
		}
	}
	return append(fs, diagnose.Finding{
		Code: diagnose.CodeHttpOnlySession, Severity: diagnose.SeverityInfo, Token: -1,
		Title:  "The session cookie is HttpOnly: the page cannot read it",
		Detail: "NextAuth sets next-auth.session-token (Auth.js: authjs.session-token) HttpOnly, so no script — the bridge included — can see it. That is correct; copy it by hand to decode it.",
		Fix:    "In the app's tab open DevTools → Application → Cookies → " + h.Origin + ", select the session-token row (and .0, .1 … chunks), copy the Value column, and paste it here as `Cookie: next-auth.session-token=<value>`; or copy the whole Cookie request header from DevTools → Network.",
	})
}

func cookieNames(cookie string) string {
	var names []string
	for _, part := range strings.Split(cookie, ";") {
		if name, _, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func openerLost() diagnose.Finding {
	return diagnose.Finding{
		Code: diagnose.CodeOpenerLost, Severity: diagnose.SeverityError, Token: -1,
		Title:  "The bookmarklet opened this window, but the link back to your app's page was cut",
		Detail: "The app's page sends Cross-Origin-Opener-Policy: same-origin, which puts a window it opens on another origin in a separate browsing context group: window.opener is null here, so no message can pass between the two.",
		Fix:    "Use the self-hosted inspector: build it for a path (`./build.sh site --prefix /tokenscope`), copy dist/ to the app's public/tokenscope/, and open http://<your app>/tokenscope/ — same origin, no bridge needed. Or relax COOP to same-origin-allow-popups while debugging.",
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
		app.If(in.env.InspectorURL != "", func() app.UI {
			return app.P().Body(
				app.A().ID("bookmarklet").Class("bookmarklet").Href(web.Bookmarklet(in.env.InspectorURL)).Text("tokenscope"),
				app.Span().Class("help").Text(" ← drag to the bookmarks bar (Ctrl+Shift+B shows it)"),
			)
		}),
		app.P().Class("help").Text("The bookmarklet only opens this page and answers it: it reads your app's readable cookies and web storage, sends the probes you start, and reads /api/auth/session when you ask. It is removed when you close this window. If your app sends Cross-Origin-Opener-Policy: same-origin or a strict Content-Security-Policy, host this inspector under your app's public/ folder instead (README: self-hosted)."),
	)
}
