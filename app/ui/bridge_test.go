package ui_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/app/ui"
)

// hostPage is a Bridge whose host data is fixed; its transport answers like
// SimpleJWT refusing the probe's invalid token.
type hostPage struct{ info ui.HostInfo }

func (h hostPage) Origin() string                               { return h.info.Origin }
func (h hostPage) Host() ui.HostInfo                            { return h.info }
func (h hostPage) Session(context.Context) (int, string, error) { return 200, "{}", nil }
func (h hostPage) Do(context.Context, probe.Request) (probe.Response, error) {
	return probe.Response{Status: 401, Body: `{"detail":"Token is invalid or expired","code":"token_not_valid"}`}, nil
}

func TestBridgeConnectedAnalysesHostData(t *testing.T) {
	v, now := vectors(t)
	in := newInspector(now)
	in.SetBridge(hostPage{ui.HostInfo{
		Origin:  "http://localhost:3000",
		Cookie:  "theme=dark; csrftoken=abc",
		Storage: []ui.StorageEntry{{Area: "localStorage", Key: "access", Value: v["access_valid"]}},
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
}

func TestBridgeFailures(t *testing.T) {
	_, now := vectors(t)
	for err, code := range map[error]string{
		ui.ErrOpenerLost: "bookmarklet.opener_lost",
		ui.ErrNoAnswer:   "bookmarklet.no_answer",
		errors.New("x"):  "bookmarklet.no_answer",
	} {
		in := newInspector(now)
		in.SetBridge(nil, err)
		if !in.Report().Has(diagnose.Code(code)) {
			t.Errorf("%v: missing %s", err, code)
		}
	}
}

func TestBookmarkletLinkForThisPage(t *testing.T) {
	in := ui.NewInspector(ui.Env{Now: func() time.Time { return time.Unix(0, 0) }, InspectorURL: "https://tools.example/tokenscope/"})
	html := app.HTMLString(in)
	if !strings.Contains(html, `id="bookmarklet"`) || !strings.Contains(html, "https://tools.example/tokenscope/") {
		t.Error("no bookmarklet link for the inspector's URL")
	}
}
