package ui_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/bridge"
	"tokenscope/app/bridgeproto"
	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/app/ui"
)

// hostPage is a Bridge whose host data is fixed; its transport answers like
// SimpleJWT refusing the probe's invalid token, and it records the backend
// the inspector allowed.
type hostPage struct {
	info    bridge.HostInfo
	allowed *[]string
}

func (h hostPage) Origin() string                               { return h.info.Origin }
func (h hostPage) Host() bridge.HostInfo                        { return h.info }
func (h hostPage) Session(context.Context) (int, string, error) { return 200, "{}", nil }
func (h hostPage) AllowBackend(_ context.Context, origin string) error {
	if h.allowed != nil {
		*h.allowed = append(*h.allowed, origin)
	}
	return nil
}
func (h hostPage) Do(context.Context, probe.Request) (probe.Response, error) {
	return probe.Response{Status: 401, Body: `{"detail":"Token is invalid or expired","code":"token_not_valid"}`}, nil
}

func TestBridgeConnectedAnalysesHostData(t *testing.T) {
	v, now := vectors(t)
	in := newInspector(now)
	in.SetBridge(hostPage{info: bridge.HostInfo{
		Origin: "http://localhost:3000",
		Tokens: []bridge.Entry{{Area: "localStorage", Name: "access", Value: v["access_valid"]}},
		Others: []bridge.Entry{{Area: "cookie", Name: "theme"}, {Area: "cookie", Name: "csrftoken"}, {Area: "localStorage", Name: "prefs"}},
	}}, nil)
	r := in.Report()
	for _, code := range []string{"bookmarklet.connected", "bookmarklet.httponly_session", "simplejwt.token"} {
		if !r.Has(diagnose.Code(code)) {
			t.Errorf("missing %s", code)
		}
	}
	html := app.HTMLString(in)
	if !strings.Contains(html, `id="read-session"`) || !strings.Contains(html, "Connected to http://localhost:3000") {
		t.Error("bridge panel not rendered")
	}
	if !strings.Contains(html, "theme, csrftoken") {
		t.Error("the readable cookies' names are not listed")
	}
}

// TestBridgeReadableSessionCookie: a session cookie the page can read (its
// chunks, here) came with its value, so there is no HttpOnly finding, and
// the chunks reach the analysis as one Cookie header.
func TestBridgeReadableSessionCookie(t *testing.T) {
	_, now := vectors(t)
	in := newInspector(now)
	in.SetBridge(hostPage{info: bridge.HostInfo{
		Origin: "http://localhost:3000",
		Tokens: []bridge.Entry{{Area: "cookie", Name: "next-auth.session-token.0", Value: "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aaaa"}, {Area: "cookie", Name: "next-auth.session-token.1", Value: ".bbbb.cccc"}},
	}}, nil)
	if in.Report().Has(diagnose.CodeHttpOnlySession) {
		t.Error("httponly_session although the session cookie was readable")
	}
	if !in.Report().Has(diagnose.CodeChunksJoined) {
		t.Error("the session cookie's chunks were not joined")
	}
}

func TestBridgeFailures(t *testing.T) {
	_, now := vectors(t)
	const tried = "https://evil.example"
	for _, c := range []struct {
		err  error
		code string
	}{
		{bridge.ErrOpenerLost, "bookmarklet.opener_lost"},
		{bridge.ErrNoAnswer, "bookmarklet.no_answer"},
		{errors.New("x"), "bookmarklet.no_answer"},
		{&bridgeproto.RefusedError{From: tried, Err: bridgeproto.ErrWrongKey}, "bookmarklet.untrusted_opener"},
		{&bridgeproto.RefusedError{From: tried, Err: bridgeproto.ErrUnkeyedData}, "bookmarklet.untrusted_opener"},
		{&bridgeproto.RefusedError{From: tried, Err: bridgeproto.ErrOriginMismatch}, "bookmarklet.untrusted_opener"},
		{&bridgeproto.RefusedError{From: tried, Err: bridgeproto.ErrBadOrigin}, "bookmarklet.untrusted_opener"},
		{&bridgeproto.RefusedError{Err: bridgeproto.ErrNoKey}, "bookmarklet.untrusted_opener"},
		{&bridgeproto.RefusedError{From: tried, Err: bridgeproto.ErrOutdated}, "bookmarklet.outdated"},
		{&bridgeproto.RefusedError{From: tried, Err: bridgeproto.ErrTooLarge}, "bookmarklet.reply_too_large"},
	} {
		in := ui.NewInspector(ui.Env{Now: func() time.Time { return now }, InspectorURL: "https://tools.example/tokenscope/"})
		in.SetBridge(nil, c.err)
		r := in.Report()
		if !r.Has(diagnose.Code(c.code)) {
			t.Errorf("%v: missing %s", c.err, c.code)
		}
		html := app.HTMLString(in)
		if r.Has(diagnose.CodeBridgeConnected) || strings.Contains(html, "Connected to") || strings.Contains(html, `id="read-session"`) {
			t.Errorf("%v: shown as connected", c.err)
		}
		if c.code == "bookmarklet.untrusted_opener" || c.code == "bookmarklet.outdated" {
			f := finding(r, c.code)
			if !strings.Contains(f.Fix, "https://tools.example/tokenscope/") {
				t.Errorf("%s does not say where to get the bookmarklet: %q", c.code, f.Fix)
			}
			var re *bridgeproto.RefusedError
			errors.As(c.err, &re)
			if got := evidence(f, "page that tried") + evidence(f, "page"); got != re.From {
				t.Errorf("%s names %q as the page that tried, want %q", c.code, got, re.From)
			}
		}
	}
}

// TestUntrustedOpenerShowsNoHostData: whatever a refused bridge sent, the
// inspector shows only the finding: an empty paste, no claimed origin, no
// probe through it.
func TestUntrustedOpenerShowsNoHostData(t *testing.T) {
	_, now := vectors(t)
	var allowed []string
	in := newInspector(now)
	// Even a Bridge value handed over with the error is not used.
	in.SetBridge(hostPage{info: bridge.HostInfo{Origin: "http://claimed.example:3000", Others: []bridge.Entry{{Area: "cookie", Name: "canary_cookie"}}}, allowed: &allowed},
		&bridgeproto.RefusedError{From: "https://evil.example", Err: bridgeproto.ErrWrongKey})
	html := app.HTMLString(in)
	for _, leak := range []string{"canary_cookie", "claimed.example", "read-session"} {
		if strings.Contains(html, leak) {
			t.Errorf("the refused bridge's %q is on the page", leak)
		}
	}
	if len(in.Report().Tokens) != 0 {
		t.Error("the refused bridge's data was analysed")
	}
}

// memKeys is a KeyStore in memory.
type memKeys struct{ key string }

func (m *memKeys) LoadKey() (string, error) { return m.key, nil }
func (m *memKeys) StoreKey(k string) error  { m.key = k; return nil }

// TestBridgeKeyLifecycle: a normal visit makes the key and puts it in the
// bookmarklet; a window opened for a bridge never makes one, and without
// one it refuses without asking the opener anything.
func TestBridgeKeyLifecycle(t *testing.T) {
	const url = "https://tools.example/tokenscope/"
	now := func() time.Time { return time.Unix(0, 0) }
	keys := &memKeys{}
	var asked []string
	connect := func(_ context.Context, key string) (bridge.Bridge, error) {
		asked = append(asked, key)
		return nil, &bridgeproto.RefusedError{From: "https://evil.example", Err: bridgeproto.ErrWrongKey}
	}

	// Opened for a bridge in a browser that never visited: no key made, the
	// opener not asked, untrusted_opener with the "open it directly" fix.
	in := ui.NewInspector(ui.Env{Now: now, InspectorURL: url, BridgeKeys: keys, ConnectBridge: connect})
	ui.ConnectBridge(in)
	if keys.key != "" {
		t.Fatalf("a window opened for a bridge made a key")
	}
	if len(asked) != 0 {
		t.Errorf("the opener was asked %d time(s) without a key", len(asked))
	}
	f := finding(in.Report(), "bookmarklet.untrusted_opener")
	if !strings.Contains(f.Fix, "directly once") {
		t.Errorf("no-key fix: %q", f.Fix)
	}
	if html := app.HTMLString(in); strings.Contains(html, `id="bookmarklet"`) {
		t.Error("a bookmarklet offered without a key")
	}

	// A normal visit makes the key once and offers it in the bookmarklet.
	in = ui.NewInspector(ui.Env{Now: now, InspectorURL: url, BridgeKeys: keys})
	key := keys.key
	if !bridgeproto.ValidKey(key) {
		t.Fatalf("a normal visit made no valid key: %q", key)
	}
	if html := app.HTMLString(in); !strings.Contains(html, `id="bookmarklet"`) || !strings.Contains(html, key) {
		t.Error("the bookmarklet does not carry the key")
	}
	ui.NewInspector(ui.Env{Now: now, InspectorURL: url, BridgeKeys: keys})
	if keys.key != key {
		t.Error("a second visit replaced the key")
	}

	// Opened for a bridge now: the opener is asked, with that key.
	in = ui.NewInspector(ui.Env{Now: now, InspectorURL: url, BridgeKeys: keys, ConnectBridge: connect})
	ui.ConnectBridge(in)
	if len(asked) != 1 || asked[0] != key {
		t.Errorf("connect was called with %q, want [%s]", asked, key)
	}
	if !in.Report().Has(diagnose.CodeBridgeUntrusted) {
		t.Error("a wrong-key answer was not refused")
	}
}

// blockedKeys is storage the browser refuses, as localStorage throws when
// site data is blocked.
type blockedKeys struct{}

func (blockedKeys) LoadKey() (string, error) {
	return "", errors.New("SecurityError: access is denied")
}
func (blockedKeys) StoreKey(string) error { return errors.New("SecurityError: access is denied") }

func TestBridgeWithBlockedStorage(t *testing.T) {
	now := func() time.Time { return time.Unix(0, 0) }
	in := ui.NewInspector(ui.Env{Now: now, InspectorURL: "https://tools.example/tokenscope/", BridgeKeys: blockedKeys{}})
	if html := app.HTMLString(in); strings.Contains(html, `id="bookmarklet"`) || !strings.Contains(html, `id="bookmarklet-unavailable"`) {
		t.Error("a bookmarklet offered although no key can be kept")
	}
	in = ui.NewInspector(ui.Env{Now: now, InspectorURL: "https://tools.example/tokenscope/", BridgeKeys: blockedKeys{},
		ConnectBridge: func(context.Context, string) (bridge.Bridge, error) { t.Error("the opener was asked"); return nil, nil }})
	ui.ConnectBridge(in)
	if got := evidence(finding(in.Report(), "bookmarklet.untrusted_opener"), "reason"); !strings.Contains(got, "SecurityError") {
		t.Errorf("the refusal does not say storage is blocked: %q", got)
	}
}

// TestAllowBackend: through the bridge, the probe first names the typed
// backend's origin; the app's own origin is refused with a finding before
// the bridge is asked; a URL that is not http(s) is left to the prober.
func TestAllowBackend(t *testing.T) {
	for _, c := range []struct {
		typed   string
		allowed []string
		code    diagnose.Code
	}{
		{"http://127.0.0.1:8000/", []string{"http://127.0.0.1:8000"}, ""},
		{"https://API.example:443/auth/", []string{"https://api.example"}, ""},
		{"http://localhost:3000/api/token/refresh/", nil, diagnose.CodeBridgeBackendRefused},
		{"not a url", nil, ""},
	} {
		var allowed []string
		b := hostPage{info: bridge.HostInfo{Origin: "http://localhost:3000"}, allowed: &allowed}
		f, ok := ui.AllowBackend(context.Background(), b, c.typed)
		if !slices.Equal(allowed, c.allowed) || ok != (c.code == "") || f.Code != c.code {
			t.Errorf("%s: allowed %q, ok %t, finding %q", c.typed, allowed, ok, f.Code)
		}
	}
}

func finding(r diagnose.Report, code string) diagnose.Finding {
	for _, f := range r.Findings {
		if f.Code == diagnose.Code(code) {
			return f
		}
	}
	return diagnose.Finding{}
}

func evidence(f diagnose.Finding, name string) string {
	for _, e := range f.Evidence {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func TestBookmarkletLinkForThisPage(t *testing.T) {
	in := ui.NewInspector(ui.Env{Now: func() time.Time { return time.Unix(0, 0) }, InspectorURL: "https://tools.example/tokenscope/", BridgeKeys: &memKeys{}})
	html := app.HTMLString(in)
	if !strings.Contains(html, `id="bookmarklet"`) || !strings.Contains(html, "https://tools.example/tokenscope/") {
		t.Error("no bookmarklet link for the inspector's URL")
	}
}

// TestLosingTheOpenerStopsSayingConnected: once the app's page goes away
// the page says how to reconnect, drops the "connected" panel and finding,
// and keeps the host data already read.
func TestLosingTheOpenerStopsSayingConnected(t *testing.T) {
	v, now := vectors(t)
	for _, tc := range []struct {
		name  string
		err   error
		title string
	}{
		{"tab closed", bridge.ErrOpenerClosed, "tab (http://localhost:3000) was closed"},
		{"navigated away", bridge.ErrOpenerGone, "went away"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newInspector(now)
			b := hostPage{info: bridge.HostInfo{
				Origin: "http://localhost:3000",
				Tokens: []bridge.Entry{{Area: "localStorage", Name: "access", Value: v["access_valid"]}},
			}}
			in.SetBridge(b, nil)
			in.LoseBridge(tc.err)
			r := in.Report()
			if r.Has(diagnose.CodeBridgeConnected) || !r.Has(diagnose.CodeOpenerLost) || !r.Has(diagnose.CodeSimpleJWT) {
				t.Fatalf("findings after losing the opener: %v", r.Findings)
			}
			html := app.HTMLString(in)
			if strings.Contains(html, "Connected to") || strings.Contains(html, `id="read-session"`) {
				t.Error("still says connected")
			}
			for _, want := range []string{tc.title, "click the tokenscope bookmarklet there"} {
				if !strings.Contains(html, want) {
					t.Errorf("no %q in the page", want)
				}
			}
		})
	}
}
