package bridge

import (
	"errors"
	"strconv"
	"strings"

	"tokenscope/app/bridgeproto"
	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/app/token"
)

// Refused is the finding for a connection that did not stand: err is what
// Connect returned (nil with no bridge is a silent opener). inspectorURL is
// where a fresh bookmarklet can be dragged from.
func Refused(err error, inspectorURL string) diagnose.Finding {
	switch {
	case err == nil:
		return noAnswer(ErrNoAnswer)
	case errors.Is(err, ErrOpenerLost):
		return openerLost()
	case errors.Is(err, bridgeproto.ErrOutdated):
		return outdated(err, inspectorURL)
	case errors.Is(err, bridgeproto.ErrTooLarge):
		return replyTooLarge(err)
	case errors.Is(err, bridgeproto.ErrUntrusted):
		return untrustedOpener(err, inspectorURL)
	default:
		return noAnswer(err)
	}
}

// BackendRefused is bookmarklet.backend_refused: the bridge would not send
// probes to typed (hostOrigin is the app's page).
func BackendRefused(typed, hostOrigin string, err error) diagnose.Finding {
	return with(diagnose.Finding{
		Code: diagnose.CodeBridgeBackendRefused, Severity: diagnose.SeverityError, Token: -1,
		Title:  "The bridge does not send probes to " + typed,
		Detail: "The bridge in your app's page sends requests only to the backend origin typed here, and never to the app's own origin: a same-origin request would let this window read the app's own pages.",
		Fix:    "Type the Django backend's own URL (say " + probe.DefaultBackend + "). If the app reaches Django through its own origin (a Next.js rewrite), use the self-hosted inspector under the app's public/ folder (README: self-hosted), which needs no bridge.",
	}, "backend", typed, "host origin", hostOrigin, "error", err.Error())
}

// HostText turns the host's token entries into a paste the analysis reads:
// its token cookies as a Cookie header, each storage value on its own line.
func HostText(h HostInfo) string {
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

// HostFindings says what the bridge read. origin is the validated one.
func HostFindings(origin string, h HostInfo) []diagnose.Finding {
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

// Disconnected is bookmarklet.opener_lost after a connection stood: the
// app's tab was closed or its page went away.
func Disconnected(origin string, err error) diagnose.Finding {
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
