package bridgeproto_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"tokenscope/app/bridgeproto"
)

const (
	testKey  = "q7Vd0cFh2m1nB5sX9yZw8A"
	otherKey = "Zk3pL0aT6uYe1rQo4iWs2g"
	host     = "http://localhost:3000"
)

// reply builds a bridge message as bridge.js does.
func reply(t *testing.T, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func hello(origin string) map[string]any {
	return map[string]any{"o": origin, "t": [][]string{{"cookie", "next-auth.session-token.0", "eyJa.b.c"}}, "n": [][]string{{"cookie", "theme"}}}
}

func TestAcceptFirstReply(t *testing.T) {
	for _, c := range []struct {
		name   string
		key    string // this browser's key
		origin string // the MessageEvent's origin
		msg    map[string]any
		want   error // nil: accepted
	}{
		{"genuine", testKey, host, map[string]any{"tsb": 1, "v": 2, "k": testKey, "id": 1, "ok": hello(host)}, nil},
		{"genuine error answer", testKey, host, map[string]any{"tsb": 1, "v": 2, "k": testKey, "id": 1, "err": "op"}, nil},
		{"another profile's key", testKey, host, map[string]any{"tsb": 1, "v": 2, "k": otherKey, "id": 1, "ok": hello(host)}, bridgeproto.ErrWrongKey},
		{"no key in the reply", testKey, host, map[string]any{"tsb": 1, "v": 2, "id": 1, "ok": hello(host)}, bridgeproto.ErrWrongKey},
		{"key prefix", testKey, host, map[string]any{"tsb": 1, "v": 2, "k": testKey[:21], "id": 1}, bridgeproto.ErrWrongKey},
		{"key as a number", testKey, host, map[string]any{"tsb": 1, "v": 2, "k": 7, "id": 1}, bridgeproto.ErrNotBridge},
		{"this browser has no key", "", host, map[string]any{"tsb": 1, "v": 2, "k": otherKey, "id": 1, "ok": hello(host)}, bridgeproto.ErrNoKey},
		{"no key on either side", "", host, map[string]any{"tsb": 1, "v": 2, "k": "", "id": 1, "ok": hello(host)}, bridgeproto.ErrNoKey},
		{"the first bridge refusing hello", testKey, host, map[string]any{"tsb": 1, "id": 1, "err": "op"}, bridgeproto.ErrOutdated},
		{"unversioned reply with data", testKey, host, map[string]any{"tsb": 1, "id": 1, "ok": map[string]any{"origin": host, "cookie": "a=b"}}, bridgeproto.ErrUnkeyedData},
		{"unknown version", testKey, host, map[string]any{"tsb": 1, "v": 3, "k": testKey, "id": 1}, bridgeproto.ErrUnknownVersion},
		{"opaque origin", testKey, "null", map[string]any{"tsb": 1, "v": 2, "k": testKey, "id": 1, "ok": hello("null")}, bridgeproto.ErrBadOrigin},
		{"not a bridge message", testKey, host, map[string]any{"type": "webpackOk"}, bridgeproto.ErrNotBridge},
		{"other marker", testKey, host, map[string]any{"tsb": 2, "v": 2, "k": testKey}, bridgeproto.ErrNotBridge},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn := bridgeproto.NewConn(c.key)
			r, err := conn.Accept(c.origin, reply(t, c.msg))
			if c.want == nil {
				if err != nil || r.ID != 1 || conn.Origin() != c.origin {
					t.Fatalf("refused a genuine reply: %v (id %d, origin %q)", err, r.ID, conn.Origin())
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if conn.Origin() != "" {
				t.Errorf("a refused reply pinned the origin %q", conn.Origin())
			}
			if c.want == bridgeproto.ErrNotBridge {
				return
			}
			var re *bridgeproto.RefusedError
			if !errors.As(err, &re) || re.From != c.origin {
				t.Errorf("refusal does not name the MessageEvent origin: %#v", err)
			}
			wantUntrusted := c.want != bridgeproto.ErrOutdated
			if errors.Is(err, bridgeproto.ErrUntrusted) != wantUntrusted {
				t.Errorf("errors.Is(%v, ErrUntrusted) = %t", err, !wantUntrusted)
			}
		})
	}
}

func TestAcceptPinsTheFirstOrigin(t *testing.T) {
	conn := bridgeproto.NewConn(testKey)
	if _, err := conn.Accept(host, reply(t, map[string]any{"tsb": 1, "v": 2, "k": testKey, "id": 1, "ok": hello(host)})); err != nil {
		t.Fatal(err)
	}
	// The same window, navigated to another origin, still has the key only
	// if it stole it; either way its messages are not the connection's.
	_, err := conn.Accept("https://evil.example", reply(t, map[string]any{"tsb": 1, "v": 2, "k": testKey, "id": 2, "ok": map[string]any{"status": 200}}))
	if !errors.Is(err, bridgeproto.ErrOriginChanged) {
		t.Errorf("a later reply from another origin: %v", err)
	}
	if conn.Origin() != host {
		t.Errorf("origin moved to %q", conn.Origin())
	}
	if r, err := conn.Accept(host, reply(t, map[string]any{"tsb": 1, "v": 2, "k": testKey, "id": 3, "ok": map[string]any{"status": 200}})); err != nil || r.ID != 3 {
		t.Errorf("a later reply from the pinned origin: %v", err)
	}
}

func TestAcceptRefusesOversizedRepliesUnread(t *testing.T) {
	conn := bridgeproto.NewConn(testKey)
	big := `{"tsb":1,"v":2,"k":"` + testKey + `","id":1,"ok":{"o":"` + host + `","t":[],"n":[],"pad":"` + strings.Repeat("a", bridgeproto.MaxReplyBytes) + `"}}`
	_, err := conn.Accept(host, big)
	if !errors.Is(err, bridgeproto.ErrTooLarge) || !strings.Contains(err.Error(), fmt.Sprint(bridgeproto.MaxReplyBytes)) {
		t.Errorf("oversized reply: %v", err)
	}
	if conn.Origin() != "" {
		t.Error("an oversized reply pinned the origin")
	}
}

func TestParseHello(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tokens := func(n int) [][]string {
		var out [][]string
		for i := range n {
			out = append(out, []string{"localStorage", fmt.Sprint("k", i), "eyJa.b.c"})
		}
		return out
	}
	for _, c := range []struct {
		name string
		ok   map[string]any
		want error
	}{
		{"genuine", hello(host), nil},
		{"claims another origin", hello("http://localhost:8000"), bridgeproto.ErrOriginMismatch},
		{"claims no origin", map[string]any{"t": [][]string{}}, bridgeproto.ErrOriginMismatch},
		{"claims the origin with a path", hello(host + "/"), bridgeproto.ErrOriginMismatch},
		{"most token entries", map[string]any{"o": host, "t": tokens(bridgeproto.MaxTokenEntries)}, nil},
		{"too many token entries", map[string]any{"o": host, "t": tokens(bridgeproto.MaxTokenEntries + 1)}, bridgeproto.ErrTooLarge},
		{"longest value", map[string]any{"o": host, "t": [][]string{{"sessionStorage", "a", long(bridgeproto.MaxValueChars)}}}, nil},
		{"value too long", map[string]any{"o": host, "t": [][]string{{"sessionStorage", "a", long(bridgeproto.MaxValueChars + 1)}}}, bridgeproto.ErrTooLarge},
		{"name too long", map[string]any{"o": host, "n": [][]string{{"cookie", long(bridgeproto.MaxNameChars + 1)}}}, bridgeproto.ErrTooLarge},
		{"unknown area", map[string]any{"o": host, "t": [][]string{{"indexedDB", "a", "eyJa.b.c"}}}, bridgeproto.ErrMalformed},
		{"short entry", map[string]any{"o": host, "t": [][]string{{"cookie", "a"}}}, bridgeproto.ErrMalformed},
		{"not an object", nil, bridgeproto.ErrOriginMismatch},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, _ := json.Marshal(c.ok)
			h, err := bridgeproto.ParseHello(b, host)
			if c.want == nil {
				if err != nil || h.Origin != host {
					t.Fatalf("ParseHello: %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if h.Origin != "" || len(h.Tokens) > 0 {
				t.Errorf("a refused hello returned host data: %+v", h)
			}
		})
	}
}

func TestHostInfoCookies(t *testing.T) {
	b, _ := json.Marshal(map[string]any{"o": host, "x": 3,
		"t": [][]string{{"cookie", "next-auth.session-token.0", "eyJa.b.c"}, {"cookie", "next-auth.session-token.1", "tail"}, {"localStorage", "access", "eyJd.e.f"}},
		"n": [][]string{{"cookie", "theme"}, {"localStorage", "prefs"}}})
	h, err := bridgeproto.ParseHello(b, host)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.CookieHeader(); got != "next-auth.session-token.0=eyJa.b.c; next-auth.session-token.1=tail" {
		t.Errorf("CookieHeader = %q", got)
	}
	if got := strings.Join(h.CookieNames(), ","); got != "next-auth.session-token.0,next-auth.session-token.1,theme" {
		t.Errorf("CookieNames = %q", got)
	}
	if h.Dropped != 3 {
		t.Errorf("Dropped = %d", h.Dropped)
	}
}

func TestBodiesAreBounded(t *testing.T) {
	for _, c := range []struct {
		body string
		ok   bool
	}{
		{strings.Repeat("a", bridgeproto.MaxBodyBytes), true},
		// Invalid bytes decode to U+FFFD, three bytes each in Go: the bound
		// counts characters, one per byte read at most.
		{strings.Repeat("\uFFFD", bridgeproto.MaxBodyBytes), true},
		{strings.Repeat("a", bridgeproto.MaxBodyBytes+1), false},
	} {
		f, _ := json.Marshal(map[string]any{"status": 401, "body": c.body})
		if _, err := bridgeproto.ParseFetch(f); (err == nil) != c.ok || (err != nil && !errors.Is(err, bridgeproto.ErrTooLarge)) {
			t.Errorf("ParseFetch(%d-byte body): %v", len(c.body), err)
		}
		if _, err := bridgeproto.ParseSession(f); (err == nil) != c.ok {
			t.Errorf("ParseSession(%d-byte body): %v", len(c.body), err)
		}
	}
}

func TestBackendOrigin(t *testing.T) {
	for _, c := range []struct {
		typed, want string
		err         error
	}{
		{"http://127.0.0.1:8000", "http://127.0.0.1:8000", nil},
		{" http://127.0.0.1:8000/api/ ", "http://127.0.0.1:8000", nil},
		{"HTTPS://API.Example.COM:443/x?y#z", "https://api.example.com", nil},
		{"http://[::1]:8000/", "http://[::1]:8000", nil},
		{"http://localhost:3000/api/token/refresh/", "", bridgeproto.ErrBackendRefused},
		{"http://LOCALHOST:3000", "", bridgeproto.ErrBackendRefused},
		{"javascript:alert(1)", "", bridgeproto.ErrMalformed},
		{"data:text/plain,x", "", bridgeproto.ErrMalformed},
		{"/api/token/refresh/", "", bridgeproto.ErrMalformed},
		{"file:///etc/passwd", "", bridgeproto.ErrMalformed},
	} {
		got, err := bridgeproto.BackendOrigin(c.typed, host)
		if got != c.want || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("BackendOrigin(%q) = %q, %v; want %q, %v", c.typed, got, err, c.want, c.err)
		}
	}
}

func TestValidOrigin(t *testing.T) {
	for s, want := range map[string]bool{
		"http://localhost:3000":       true,
		"https://app.example":         true,
		"http://[::1]:3000":           true,
		"http://localhost:3000/":      false,
		"http://LOCALHOST:3000":       false,
		"http://localhost:80":         false,
		"null":                        false,
		"":                            false,
		"file://":                     false,
		"chrome-extension://abcdef":   false,
		"http://u@localhost":          false,
		`http://x"];import os;#`:      false,
		"http://localhost:3000?x":     false,
		"http://localhost:3000#x":     false,
		"http://localhost:3000/x\n":   false,
		"javascript:alert(1)":         false,
		"http://a.example:8080":       true,
		"https://a.example:443":       false,
		"http://evil.example\\@a.com": false,
	} {
		if got := bridgeproto.ValidOrigin(s); got != want {
			t.Errorf("ValidOrigin(%q) = %t, want %t", s, got, want)
		}
	}
}
