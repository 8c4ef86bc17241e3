// Package bridge is what the inspector knows about the bookmarklet's bridge,
// apart from the wire: the Bridge it talks to, the ways a bridge fails, and
// the findings that say so. The browser's bridge (wasm/internal/browser)
// implements Bridge; the page (app/ui) only shows what this package decides.
// The message format and its checks live in app/bridgeproto.
package bridge

import (
	"context"
	"errors"

	"tokenscope/app/bridgeproto"
	"tokenscope/app/probe"
)

// Errors a connection or a watch ends with.
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

// OpenerWatcher is a Bridge that notices its page going away. The browser's
// bridge implements it; a Bridge without it is trusted to stay.
type OpenerWatcher interface {
	// WatchOpener returns when the page that opened this window is closed
	// (ErrOpenerClosed), stops answering (ErrOpenerGone), or ctx ends.
	WatchOpener(ctx context.Context) error
}

// Connect is how the page reaches the bridge: the browser asks the window
// that opened it, trusting only answers that carry key.
type Connect func(ctx context.Context, key string) (Bridge, error)
