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

	"tokenscope/app/probe"
	"tokenscope/app/ui"
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

// Bridge is the inspector's end of the bookmarklet. Messages go to
// window.opener only, and replies are accepted only from that window and,
// after the first answer, only from its origin.
type Bridge struct {
	opener  safejs.Value
	onMsg   safejs.Func
	onHide  safejs.Func
	host    ui.HostInfo
	mu      sync.Mutex
	origin  string // the host's origin, pinned by its first answer
	nextID  int
	pending map[int]chan bridgeReply
}

type bridgeReply struct {
	OK  json.RawMessage `json:"ok"`
	Err string          `json:"err"`
}

var _ ui.Bridge = (*Bridge)(nil)

// ConnectBridge reaches the bridge in the page that opened this window.
func ConnectBridge(ctx context.Context) (ui.Bridge, error) {
	g := safejs.Global()
	opener, err := g.Get("opener")
	if err != nil || opener.IsNull() || opener.IsUndefined() {
		return nil, ui.ErrOpenerLost
	}
	b := &Bridge{opener: opener, pending: map[int]chan bridgeReply{}}
	if err := b.listen(); err != nil {
		return nil, err
	}
	var info struct {
		Origin  string     `json:"origin"`
		Cookie  string     `json:"cookie"`
		Storage [][]string `json:"storage"`
	}
	actx, cancel := context.WithTimeout(ctx, bridgeAnswerTimeout)
	defer cancel()
	if err := b.call(actx, map[string]any{"op": "info"}, &info); err != nil {
		b.Close()
		if actx.Err() != nil {
			return nil, fmt.Errorf("%w within %s", ui.ErrNoAnswer, bridgeAnswerTimeout)
		}
		return nil, err
	}
	b.host = ui.HostInfo{Origin: info.Origin, Cookie: info.Cookie}
	for _, e := range info.Storage {
		if len(e) == 3 {
			b.host.Storage = append(b.host.Storage, ui.StorageEntry{Area: e[0], Key: e[1], Value: e[2]})
		}
	}
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

// receive routes a reply to its caller. It runs inside a JS callback, so it
// only hands the data over; it never blocks.
func (b *Bridge) receive(ev safejs.Value) {
	src, err := ev.Get("source")
	if err != nil || !src.Equal(b.opener) {
		return
	}
	originV, _ := ev.Get("origin")
	origin, _ := originV.String()
	data, err := ev.Get("data")
	if err != nil {
		return
	}
	text, err := jsonStringify(data)
	if err != nil {
		return
	}
	var msg struct {
		TSB int `json:"tsb"`
		ID  int `json:"id"`
		bridgeReply
	}
	if json.Unmarshal([]byte(text), &msg) != nil || msg.TSB != 1 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.origin == "" {
		b.origin = origin
	}
	if origin != b.origin {
		return
	}
	if ch, ok := b.pending[msg.ID]; ok {
		delete(b.pending, msg.ID)
		ch <- msg.bridgeReply
	}
}

// call sends one operation and decodes its answer into out.
func (b *Bridge) call(ctx context.Context, op map[string]any, out any) error {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan bridgeReply, 1)
	b.pending[id] = ch
	target := b.origin
	b.mu.Unlock()
	if target == "" {
		// Only the first message ("info", which carries nothing) goes out
		// before the host's origin is known.
		target = "*"
	}
	op["tsb"], op["id"] = 1, id
	msg, err := jsonParse(op)
	if err != nil {
		return err
	}
	if _, err := b.opener.Call("postMessage", msg, target); err != nil {
		return fmt.Errorf("posting to the host page: %w", err)
	}
	select {
	case r := <-ch:
		if r.Err != "" {
			return errors.New("host page: " + r.Err)
		}
		if out != nil {
			return json.Unmarshal(r.OK, out)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return ctx.Err()
	}
}

// Origin is the host page's origin: probes leave from there.
func (b *Bridge) Origin() string { return b.host.Origin }

// Host is what the bridge read from the host page.
func (b *Bridge) Host() ui.HostInfo { return b.host }

// Do sends a probe request from the host page.
func (b *Bridge) Do(ctx context.Context, req probe.Request) (probe.Response, error) {
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	init := map[string]any{"method": req.Method, "mode": string(req.Mode), "cache": "no-store", "headers": req.Headers}
	if req.Body != "" {
		init["body"] = req.Body
	}
	if req.Mode == probe.ModeCORS {
		init["redirect"] = "manual" // see Fetch: a followed 301 turns the POST into a GET
	}
	var r struct {
		Status    int               `json:"status"`
		Type      string            `json:"type"`
		Headers   map[string]string `json:"headers"`
		Body      string            `json:"body"`
		MS        float64           `json:"ms"`
		Fail      string            `json:"fail"`
		Directive string            `json:"directive"`
		Msg       string            `json:"msg"`
	}
	cctx, cancel := context.WithTimeout(ctx, timeout+2*time.Second)
	defer cancel()
	op := map[string]any{"op": "fetch", "url": req.URL, "timeout": timeout.Milliseconds(), "init": init}
	if err := b.call(cctx, op, &r); err != nil {
		return probe.Response{}, fmt.Errorf("probe through the bridge: %w", err)
	}
	switch r.Fail {
	case "csp":
		return probe.Response{}, &probe.CSPError{Directive: r.Directive, Blocked: req.URL}
	case "timeout":
		return probe.Response{}, probe.ErrTimeout
	case "network":
		return probe.Response{}, fmt.Errorf("%w: %s", probe.ErrNetwork, r.Msg)
	}
	headers := map[string]string{ResponseTypeHeader: r.Type}
	for k, v := range r.Headers {
		headers[strings.ToLower(k)] = v
	}
	return probe.Response{
		Status: r.Status, Opaque: strings.HasPrefix(r.Type, "opaque"), Headers: headers, Body: r.Body,
		Elapsed: time.Duration(r.MS * float64(time.Millisecond)),
	}, nil
}

// Session GETs the host's /api/auth/session, with the host's cookies.
func (b *Bridge) Session(ctx context.Context) (int, string, error) {
	var r struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultFetchTimeout)
	defer cancel()
	if err := b.call(ctx, map[string]any{"op": "session"}, &r); err != nil {
		return 0, "", fmt.Errorf("reading /api/auth/session: %w", err)
	}
	return r.Status, r.Body, nil
}

// Close tells the host to remove its bridge and drops the listeners.
func (b *Bridge) Close() {
	if b.origin != "" {
		if msg, err := jsonParse(map[string]any{"tsb": 1, "op": "bye"}); err == nil {
			_, _ = b.opener.Call("postMessage", msg, b.origin)
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

func jsonStringify(v safejs.Value) (string, error) {
	j, err := safejs.Global().Get("JSON")
	if err != nil {
		return "", err
	}
	s, err := j.Call("stringify", v)
	if err != nil {
		return "", err
	}
	return s.String()
}
