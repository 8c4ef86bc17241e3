//go:build js && wasm

package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hack-pad/safejs"

	"tokenscope/app/bridge"
	"tokenscope/app/bridgeproto"
	"tokenscope/app/probe"
)

// BridgeRequested reports whether the bookmarklet opened this window: it
// appends #bridge to the inspector's URL.
func BridgeRequested() bool {
	loc, err := safejs.Global().Get("location")
	if err != nil {
		return false
	}
	hash, err := loc.Get("hash")
	if err != nil {
		return false
	}
	s, err := hash.String()
	return err == nil && s == "#bridge"
}

// bridgeAnswerTimeout bounds the wait for the host's first answer.
const bridgeAnswerTimeout = 5 * time.Second

// Bridge is the inspector's end of the bookmarklet. It moves bytes: every
// message from the opener window goes through a bridgeproto.Conn, which
// checks this browser's key and pins the host's origin (the MessageEvent's,
// never the one a message claims); messages go to window.opener only, and
// after the first answer only to that origin.
type Bridge struct {
	opener safejs.Value
	onMsg  safejs.Func
	onHide safejs.Func
	host   bridge.HostInfo

	mu        sync.Mutex
	conn      *bridgeproto.Conn
	connected bool // the hello answer passed every check
	nextID    int
	pending   map[int]chan result
}

type result struct {
	reply bridgeproto.Reply
	err   error
}

var _ bridge.Bridge = (*Bridge)(nil)

// ConnectBridge reaches the bridge in the page that opened this window and
// trusts it only if its answers carry key.
func ConnectBridge(ctx context.Context, key string) (bridge.Bridge, error) {
	g := safejs.Global()
	opener, err := g.Get("opener")
	if err != nil || opener.IsNull() || opener.IsUndefined() {
		return nil, bridge.ErrOpenerLost
	}
	b := &Bridge{opener: opener, conn: bridgeproto.NewConn(key), pending: map[int]chan result{}}
	if err := b.listen(); err != nil {
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, bridgeAnswerTimeout)
	defer cancel()
	reply, err := b.call(actx, bridgeproto.NewRequest(0, bridgeproto.OpHello))
	if err == nil && reply.Err != "" {
		err = fmt.Errorf("%w: the host page answered %q", bridge.ErrNoAnswer, reply.Err)
	}
	var host bridge.HostInfo
	if err == nil {
		b.mu.Lock()
		origin := b.conn.Origin()
		b.mu.Unlock()
		host, err = bridgeproto.ParseHello(reply.OK, origin)
	}
	if err != nil {
		b.Close()
		if actx.Err() != nil && errors.Is(err, actx.Err()) {
			return nil, fmt.Errorf("%w within %s", bridge.ErrNoAnswer, bridgeAnswerTimeout)
		}
		return nil, err
	}
	b.mu.Lock()
	b.host, b.connected = host, true
	b.mu.Unlock()
	return b, nil
}

// listen installs the message handler, and says goodbye when this window
// goes away so the host removes its bridge at once.
func (b *Bridge) listen() error {
	var err error
	b.onMsg, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) > 0 {
			b.receive(args[0])
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bridge listener: %w", err)
	}
	b.onHide, err = safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		b.Close()
		return nil
	})
	if err != nil {
		return fmt.Errorf("bridge listener: %w", err)
	}
	g := safejs.Global()
	if _, err := g.Call("addEventListener", "message", b.onMsg); err != nil {
		return fmt.Errorf("bridge listener: %w", err)
	}
	_, err = g.Call("addEventListener", "pagehide", b.onHide)
	return err
}

// receive routes a message from the opener window to its caller. It runs
// inside a JS callback, so it only hands the data over; it never blocks.
func (b *Bridge) receive(ev safejs.Value) {
	src, err := ev.Get("source")
	if err != nil || !src.Equal(b.opener) {
		return
	}
	originV, err := ev.Get("origin")
	if err != nil {
		return
	}
	origin, err := originV.String()
	if err != nil {
		return
	}
	data, err := ev.Get("data")
	if err != nil {
		return
	}
	var reply bridgeproto.Reply
	text, size, err := jsonStringify(data)
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case err != nil:
		return // not JSON-able (a cycle, a function): not a bridge message
	case size > bridgeproto.MaxReplyBytes:
		// Refused before Go copies it.
		err = &bridgeproto.RefusedError{From: origin, Err: fmt.Errorf("%w: %d characters, over the %d-byte limit", bridgeproto.ErrTooLarge, size, bridgeproto.MaxReplyBytes)}
	default:
		reply, err = b.conn.Accept(origin, text)
	}
	switch {
	case errors.Is(err, bridgeproto.ErrNotBridge):
		return
	case err != nil && (!b.connected || errors.Is(err, bridgeproto.ErrTooLarge) && origin == b.conn.Origin()):
		// Before the connection stands, a refusal ends the hello; after,
		// only an oversized answer from the host itself fails its calls.
		// Other refused messages are dropped: a message that cannot be
		// trusted cannot cancel a call either.
		for id, ch := range b.pending {
			delete(b.pending, id)
			ch <- result{err: err}
		}
	case err == nil:
		if ch, ok := b.pending[reply.ID]; ok {
			delete(b.pending, reply.ID)
			ch <- result{reply: reply}
		}
	}
}

// call sends one request and waits for its answer.
func (b *Bridge) call(ctx context.Context, req bridgeproto.Request) (bridgeproto.Reply, error) {
	b.mu.Lock()
	b.nextID++
	req.ID = b.nextID
	ch := make(chan result, 1)
	b.pending[req.ID] = ch
	target := b.conn.Origin()
	b.mu.Unlock()
	if target == "" {
		// Only the hello goes out before the host's origin is known; it
		// carries nothing (requests never hold the key).
		target = "*"
	}
	msg, err := jsonParse(req)
	if err != nil {
		return bridgeproto.Reply{}, err
	}
	if _, err := b.opener.Call("postMessage", msg, target); err != nil {
		return bridgeproto.Reply{}, fmt.Errorf("posting to the host page: %w", err)
	}
	select {
	case r := <-ch:
		return r.reply, r.err
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, req.ID)
		b.mu.Unlock()
		return bridgeproto.Reply{}, ctx.Err()
	}
}

// Opener watch: how often opener.closed is read, how often and how long the
// bridge is pinged, and how many pings in a row may go unanswered (a busy
// host page, a long probe) before the page counts as gone.
const (
	openerPollInterval = 500 * time.Millisecond
	pingInterval       = time.Second
	pingTimeout        = 1500 * time.Millisecond
	pingMissesAllowed  = 1
)

// WatchOpener returns when the app's page goes away: ErrOpenerClosed when
// its tab closes (window.opener.closed, readable across origins), and
// ErrOpenerGone when it navigates away or reloads, which removes the bridge
// so pings go unanswered. Then the listeners are removed.
func (b *Bridge) WatchOpener(ctx context.Context) error {
	poll := time.NewTicker(openerPollInterval)
	defer poll.Stop()
	nextPing := time.Now().Add(pingInterval)
	misses := 0
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-poll.C:
		}
		if b.openerClosed() {
			b.Close()
			return bridge.ErrOpenerClosed
		}
		if time.Now().Before(nextPing) {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		_, err := b.call(pctx, bridgeproto.NewRequest(0, bridgeproto.OpPing))
		cancel()
		nextPing = time.Now().Add(pingInterval)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil:
			misses = 0
		case b.openerClosed():
			b.Close()
			return bridge.ErrOpenerClosed
		default:
			misses++
			if misses > pingMissesAllowed {
				b.Close()
				return fmt.Errorf("%w (%d pings in a row unanswered within %s)", bridge.ErrOpenerGone, misses, pingTimeout)
			}
		}
	}
}

// openerClosed reads window.opener.closed; an opener that cannot be read
// counts as closed.
func (b *Bridge) openerClosed() bool {
	v, err := b.opener.Get("closed")
	if err != nil {
		return true
	}
	closed, err := v.Bool()
	return err != nil || closed
}

// Origin is the host page's origin, as the browser reported it: probes
// leave from there.
func (b *Bridge) Origin() string { return b.host.Origin }

// Host is what the bridge read from the host page.
func (b *Bridge) Host() bridge.HostInfo { return b.host }

// AllowBackend names the one origin the bridge may send probes to.
func (b *Bridge) AllowBackend(ctx context.Context, origin string) error {
	ctx, cancel := context.WithTimeout(ctx, DefaultFetchTimeout)
	defer cancel()
	req := bridgeproto.NewRequest(0, bridgeproto.OpBackend)
	req.Backend = origin
	reply, err := b.call(ctx, req)
	if err != nil {
		return fmt.Errorf("naming the backend to the bridge: %w", err)
	}
	if reply.Err != "" {
		return fmt.Errorf("%w: the host page answered %q", bridgeproto.ErrBackendRefused, reply.Err)
	}
	return nil
}

// Do sends a probe request from the host page, to the backend named by
// AllowBackend. The bridge omits credentials and does not follow redirects
// in cors mode, whatever req says.
func (b *Bridge) Do(ctx context.Context, req probe.Request) (probe.Response, error) {
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	r := bridgeproto.NewRequest(0, bridgeproto.OpFetch)
	r.URL, r.Method, r.Headers, r.Body, r.Mode = req.URL, req.Method, req.Headers, req.Body, string(req.Mode)
	if r.Mode == "" {
		r.Mode = string(probe.ModeCORS)
	}
	r.Timeout = timeout.Milliseconds()
	cctx, cancel := context.WithTimeout(ctx, timeout+2*time.Second)
	defer cancel()
	reply, err := b.call(cctx, r)
	if err == nil && reply.Err != "" {
		err = fmt.Errorf("the host page refused: %s", reply.Err)
	}
	var res bridgeproto.FetchResult
	if err == nil {
		res, err = bridgeproto.ParseFetch(reply.OK)
	}
	if err != nil {
		return probe.Response{}, fmt.Errorf("probe through the bridge: %w", err)
	}
	switch res.Fail {
	case "csp":
		return probe.Response{}, &probe.CSPError{Directive: res.Directive, Blocked: req.URL}
	case "timeout":
		return probe.Response{}, probe.ErrTimeout
	case "network":
		return probe.Response{}, fmt.Errorf("%w: %s", probe.ErrNetwork, res.Msg)
	}
	headers := map[string]string{}
	for k, v := range res.Headers {
		headers[strings.ToLower(k)] = v
	}
	return probe.Response{
		Status: res.Status, Type: res.Type, Opaque: strings.HasPrefix(res.Type, "opaque"), Headers: headers, Body: res.Body,
		Elapsed: time.Duration(res.MS * float64(time.Millisecond)),
	}, nil
}

// Session GETs the host's /api/auth/session, with the host's cookies.
func (b *Bridge) Session(ctx context.Context) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultFetchTimeout)
	defer cancel()
	reply, err := b.call(ctx, bridgeproto.NewRequest(0, bridgeproto.OpSession))
	if err == nil && reply.Err != "" {
		err = fmt.Errorf("the host page answered %q", reply.Err)
	}
	var res bridgeproto.SessionResult
	if err == nil {
		res, err = bridgeproto.ParseSession(reply.OK)
	}
	if err != nil {
		return 0, "", fmt.Errorf("reading /api/auth/session: %w", err)
	}
	return res.Status, res.Body, nil
}

// Close tells a connected host to remove its bridge and drops the
// listeners. A host that was refused is told nothing.
func (b *Bridge) Close() {
	b.mu.Lock()
	connected, origin := b.connected, b.conn.Origin()
	b.mu.Unlock()
	if connected {
		if msg, err := jsonParse(bridgeproto.NewRequest(0, bridgeproto.OpBye)); err == nil {
			_, _ = b.opener.Call("postMessage", msg, origin)
		}
	}
	g := safejs.Global()
	_, _ = g.Call("removeEventListener", "message", b.onMsg)
	_, _ = g.Call("removeEventListener", "pagehide", b.onHide)
}

func jsonParse(v any) (safejs.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return safejs.Value{}, err
	}
	j, err := safejs.Global().Get("JSON")
	if err != nil {
		return safejs.Value{}, err
	}
	return j.Call("parse", string(b))
}

// jsonStringify returns JSON.stringify(v) and its length in UTF-16 units,
// read before the string is copied into Go (the UTF-8 copy is at least as
// long, so a length over a byte limit is over it in Go too).
func jsonStringify(v safejs.Value) (string, int, error) {
	j, err := safejs.Global().Get("JSON")
	if err != nil {
		return "", 0, err
	}
	s, err := j.Call("stringify", v)
	if err != nil {
		return "", 0, err
	}
	if s.Type() != safejs.TypeString {
		return "", 0, errors.New("not JSON")
	}
	// syscall/js reads properties of objects only: Object(s) is the
	// string's wrapper, whose length is the string's.
	wrapper, err := safejs.Global().Call("Object", s)
	if err != nil {
		return "", 0, err
	}
	length, err := wrapper.Get("length")
	if err != nil {
		return "", 0, err
	}
	n, err := length.Int()
	if err != nil {
		return "", 0, err
	}
	if n > bridgeproto.MaxReplyBytes {
		return "", n, nil
	}
	text, err := s.String()
	return text, n, err
}
