package bridge_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"tokenscope/app/bridge"
	"tokenscope/app/bridgeproto"
	"tokenscope/app/diagnose"
)

func TestRefusedNamesTheCause(t *testing.T) {
	const inspector = "https://inspector.example/"
	for _, c := range []struct {
		err      error
		code     diagnose.Code
		severity diagnose.Severity
	}{
		{nil, diagnose.CodeBridgeNoAnswer, diagnose.SeverityWarn},
		{bridge.ErrNoAnswer, diagnose.CodeBridgeNoAnswer, diagnose.SeverityWarn},
		{bridge.ErrOpenerLost, diagnose.CodeOpenerLost, diagnose.SeverityError},
		{fmt.Errorf("reading: %w", bridgeproto.ErrOutdated), diagnose.CodeBridgeOutdated, diagnose.SeverityWarn},
		{&bridgeproto.RefusedError{From: "http://evil.example", Err: bridgeproto.ErrTooLarge}, diagnose.CodeBridgeReplyTooLarge, diagnose.SeverityError},
		{&bridgeproto.RefusedError{From: "http://evil.example", Err: bridgeproto.ErrUntrusted}, diagnose.CodeBridgeUntrusted, diagnose.SeverityError},
		{&bridgeproto.RefusedError{Err: bridgeproto.ErrNoKey}, diagnose.CodeBridgeUntrusted, diagnose.SeverityError},
		{errors.New("timeout"), diagnose.CodeBridgeNoAnswer, diagnose.SeverityWarn},
	} {
		f := bridge.Refused(c.err, inspector)
		if f.Code != c.code || f.Severity != c.severity {
			t.Errorf("Refused(%v) = %s/%s, want %s/%s", c.err, f.Code, f.Severity, c.code, c.severity)
		}
		if f.Title == "" || f.Fix == "" {
			t.Errorf("Refused(%v): no title or fix: %+v", c.err, f)
		}
	}
}

// TestDisconnectedSaysHow: closing the tab and navigating away read
// differently, and both say how to reconnect.
func TestDisconnectedSaysHow(t *testing.T) {
	closed := bridge.Disconnected("http://localhost:3000", bridge.ErrOpenerClosed)
	gone := bridge.Disconnected("http://localhost:3000", bridge.ErrOpenerGone)
	if !strings.Contains(closed.Title, "was closed") || !strings.Contains(gone.Title, "went away") {
		t.Errorf("titles %q / %q", closed.Title, gone.Title)
	}
	for _, f := range []diagnose.Finding{closed, gone} {
		if f.Code != diagnose.CodeOpenerLost || !strings.Contains(f.Fix, "bookmarklet") {
			t.Errorf("%+v", f)
		}
	}
}

// TestHostFindingsHttpOnly: a host whose readable cookies hold no session
// cookie (or chunk of one) gets bookmarklet.httponly_session.
func TestHostFindingsHttpOnly(t *testing.T) {
	codes := func(h bridge.HostInfo) []diagnose.Code {
		var cs []diagnose.Code
		for _, f := range bridge.HostFindings("http://localhost:3000", h) {
			cs = append(cs, f.Code)
		}
		return cs
	}
	hidden := codes(bridge.HostInfo{Others: []bridge.Entry{{Area: bridgeproto.AreaCookie, Name: "csrftoken"}}})
	if len(hidden) != 2 || hidden[1] != diagnose.CodeHttpOnlySession {
		t.Errorf("session cookie hidden: %v", hidden)
	}
	chunk := codes(bridge.HostInfo{Others: []bridge.Entry{{Area: bridgeproto.AreaCookie, Name: "next-auth.session-token.1"}}})
	if len(chunk) != 1 {
		t.Errorf("chunk of a readable session cookie: %v", chunk)
	}
}
