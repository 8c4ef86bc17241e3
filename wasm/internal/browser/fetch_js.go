package browser

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hack-pad/safejs"

	"tokenscope/app/bridgeproto"
	"tokenscope/app/probe"
)

// Fetch sends probe requests with the browser's fetch. It implements
// probe.Transport.
//
// Request settings, fixed here so that every probe is sent the same way:
//
//   - mode: req.Mode ("cors" when empty); credentials: req.Credentials
//     ("omit" when empty); cache: "no-store"; the body is left out for GET,
//     HEAD and an empty Body.
//   - redirect: "manual" in cors mode. SimpleJWT behind Django's APPEND_SLASH
//     answers a POST to ".../refresh" with a 301, and a followed 301/302 turns
//     the POST into a GET: the verdict would be a misleading 405 from the
//     right URL. With "manual" the browser stops at the redirect and hands back
//     an "opaqueredirect" response (status 0, no headers, no body) that the
//     classifier can report as "this URL redirects".
//   - redirect: "follow" in no-cors mode. Chromium rejects a no-cors request
//     with redirect "manual" that meets a redirect (TypeError, exactly like an
//     unreachable host), which would turn a reachable server into
//     "unreachable". A no-cors response is opaque either way, and the no-cors
//     request only has to prove that the server answered.
//
// The response type ("basic", "cors", "opaque", "opaqueredirect", as
// Response.type says) goes in probe.Response.Type.
//
// Do blocks until the browser answers, so call it from a goroutine (go-app's
// ctx.Async), never from inside a JS callback. It never logs: bodies hold
// tokens.
type Fetch struct{}

var _ probe.Transport = Fetch{}

// MaxBodyBytes bounds how much of a response body Do reads; the rest is
// cancelled. A SimpleJWT answer is a few hundred bytes; Django's debug pages
// are the large ones.
const MaxBodyBytes = 64 << 10

// DefaultFetchTimeout applies when probe.Request.Timeout is zero or negative,
// so that a server that accepts the connection and never answers cannot hang
// a probe (browsers only give up after minutes).
const DefaultFetchTimeout = 30 * time.Second

// cspGrace is how long Do waits, after fetch rejected with a TypeError, for
// the securitypolicyviolation event that explains it: Chromium fires the
// event a task or two after it rejects the fetch (measured: ~2 ms later).
const cspGrace = 100 * time.Millisecond

// Origin returns location.origin, the origin the browser sends requests
// from; "" where there is no location (Node, workers without one).
func (Fetch) Origin() string {
	loc, err := safejs.Global().Get("location")
	if err != nil || loc.IsUndefined() || loc.IsNull() {
		return ""
	}
	origin, err := loc.Get("origin")
	if err != nil || origin.Type() != safejs.TypeString {
		return ""
	}
	s, err := origin.String()
	if err != nil {
		return ""
	}
	return s
}

// Do sends req and reads the response: status, the headers the browser
// exposes (lower-case keys), at most MaxBodyBytes of the body as text, and
// the elapsed time of the whole exchange (performance.now()).
//
// Errors, matched with errors.Is / errors.As:
//   - *probe.CSPError: the page's Content-Security-Policy blocked the request
//     (preferred over the TypeError fetch rejects with at the same time);
//   - probe.ErrNetwork: fetch rejected with a TypeError (CORS refusal,
//     connection refused, DNS, TLS, mixed content, ...), message included;
//   - probe.ErrTimeout: req.Timeout (or DefaultFetchTimeout) ran out; the
//     request was aborted through its AbortController;
//   - ctx.Err() (context.Canceled / DeadlineExceeded): ctx ended first; the
//     request was aborted too;
//   - anything else (a request the browser refuses to build, e.g. PUT in
//     no-cors mode or a malformed URL) is a plain error, never ErrNetwork,
//     so that a mistake in the request is not read as "server unreachable".
func (Fetch) Do(ctx context.Context, req probe.Request) (probe.Response, error) {
	method := req.Method
	if method == "" {
		method = "GET"
	}
	label := "fetch " + method + " " + req.URL
	if err := ctx.Err(); err != nil {
		return probe.Response{}, fmt.Errorf("%s: %w", label, err)
	}
	start := nowMillis()
	startGo := time.Now()

	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	controller, err := newAbortController()
	if err != nil {
		return probe.Response{}, fmt.Errorf("%s: %w", label, err)
	}
	request, target, err := newRequest(req, method, controller)
	if err != nil {
		return probe.Response{}, fmt.Errorf("%s: %w", label, err)
	}
	watch, err := watchCSP(target)
	if err != nil {
		return probe.Response{}, fmt.Errorf("%s: %w", label, err)
	}
	defer watch.stop()

	f := failer{label: label, ctx: ctx, tctx: tctx, timeout: timeout, controller: controller, csp: watch}
	promise, err := safejs.Global().Call("fetch", request)
	if err != nil {
		return probe.Response{}, fmt.Errorf("%s: calling fetch: %w", label, err)
	}
	resp, err := Await(tctx, promise)
	if err != nil {
		return probe.Response{}, f.fail(err)
	}

	out, err := readResponse(tctx, resp)
	if err != nil {
		return probe.Response{}, f.fail(err)
	}
	if end := nowMillis(); start >= 0 && end >= start {
		out.Elapsed = time.Duration((end - start) * float64(time.Millisecond))
	} else {
		out.Elapsed = time.Since(startGo)
	}
	return out, nil
}

// failer turns whatever stopped a fetch into one of the errors Do documents.
type failer struct {
	label      string
	ctx, tctx  context.Context
	timeout    time.Duration
	controller safejs.Value
	csp        *cspWatch
}

func (f failer) fail(err error) error {
	var rej *RejectedError
	isRej := errors.As(err, &rej)
	if f.tctx.Err() != nil || (isRej && (rej.Name == "AbortError" || rej.Name == "TimeoutError")) {
		// Abort the request (and its body stream). The promise Await gave up
		// on settles with an AbortError and releases its callbacks.
		_, _ = f.controller.Call("abort")
		if cerr := f.ctx.Err(); cerr != nil {
			return fmt.Errorf("%s: %w", f.label, cerr)
		}
		return fmt.Errorf("%s: %w after %v", f.label, probe.ErrTimeout, f.timeout)
	}
	if isRej && rej.Name == "TypeError" {
		if v := f.csp.wait(f.ctx, cspGrace); v != nil {
			return fmt.Errorf("%s: %w", f.label, v)
		}
		return fmt.Errorf("%s: %w: %s", f.label, probe.ErrNetwork, rej.Message)
	}
	return fmt.Errorf("%s: %w", f.label, err)
}

func newAbortController() (safejs.Value, error) {
	ctor, err := safejs.Global().Get("AbortController")
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("reading AbortController: %w", err)
	}
	if ctor.Type() != safejs.TypeFunction {
		return safejs.Undefined(), errors.New("AbortController is not available")
	}
	c, err := ctor.New()
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("new AbortController(): %w", err)
	}
	return c, nil
}

// target is the request URL as the browser resolved it, for matching CSP
// reports.
type target struct {
	href   string // without fragment
	origin string
}

// newRequest builds the JS Request up front, so that anything the browser
// refuses (a bad URL, a bad header name, PUT in no-cors mode) comes back as a
// synchronous error here instead of a TypeError rejection that would look
// like a network failure.
func newRequest(req probe.Request, method string, controller safejs.Value) (safejs.Value, target, error) {
	g := safejs.Global()
	mode := string(req.Mode)
	if mode == "" {
		mode = string(probe.ModeCORS)
	}
	credentials := req.Credentials
	if credentials == "" {
		credentials = "omit"
	}
	redirect := "manual"
	if mode == string(probe.ModeNoCORS) {
		redirect = "follow"
	}

	headersCtor, err := g.Get("Headers")
	if err != nil {
		return safejs.Undefined(), target{}, fmt.Errorf("reading Headers: %w", err)
	}
	headers, err := headersCtor.New()
	if err != nil {
		return safejs.Undefined(), target{}, fmt.Errorf("new Headers(): %w", err)
	}
	names := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, err := headers.Call("append", k, req.Headers[k]); err != nil {
			return safejs.Undefined(), target{}, fmt.Errorf("header %q: %w", k, err)
		}
	}
	signal, err := controller.Get("signal")
	if err != nil {
		return safejs.Undefined(), target{}, fmt.Errorf("reading AbortController.signal: %w", err)
	}

	init := map[string]any{
		"method":      method,
		"headers":     headers,
		"mode":        mode,
		"credentials": credentials,
		"cache":       "no-store",
		"redirect":    redirect,
		"signal":      signal,
	}
	if req.Body != "" && !strings.EqualFold(method, "GET") && !strings.EqualFold(method, "HEAD") {
		init["body"] = req.Body
	}
	requestCtor, err := g.Get("Request")
	if err != nil {
		return safejs.Undefined(), target{}, fmt.Errorf("reading Request: %w", err)
	}
	request, err := requestCtor.New(req.URL, init)
	if err != nil {
		return safejs.Undefined(), target{}, fmt.Errorf("building the request: %w", err)
	}
	t := target{}
	if u, err := request.Get("url"); err == nil && u.Type() == safejs.TypeString {
		href, _ := u.String()
		t.href, _, _ = strings.Cut(href, "#")
		t.origin = bridgeproto.OriginOf(t.href)
	}
	return request, t, nil
}

// readResponse reads what the page may read of a Response.
func readResponse(ctx context.Context, resp safejs.Value) (probe.Response, error) {
	var out probe.Response
	typ, err := resp.Get("type")
	if err != nil {
		return out, fmt.Errorf("reading response.type: %w", err)
	}
	rtype, err := typ.String()
	if err != nil {
		return out, fmt.Errorf("reading response.type: %w", err)
	}
	status, err := resp.Get("status")
	if err != nil {
		return out, fmt.Errorf("reading response.status: %w", err)
	}
	if out.Status, err = status.Int(); err != nil {
		return out, fmt.Errorf("reading response.status: %w", err)
	}
	out.Type = rtype
	out.Opaque = rtype == "opaque" || rtype == "opaqueredirect"
	if out.Headers, err = readHeaders(resp); err != nil {
		return out, err
	}
	if out.Body, err = readBody(ctx, resp, MaxBodyBytes); err != nil {
		return out, err
	}
	return out, nil
}

// readHeaders walks response.headers.entries(). The browser has already
// filtered out what the page may not see; repeated names are joined with
// ", " as Headers.get does.
func readHeaders(resp safejs.Value) (map[string]string, error) {
	out := map[string]string{}
	headers, err := resp.Get("headers")
	if err != nil {
		return nil, fmt.Errorf("reading response.headers: %w", err)
	}
	it, err := headers.Call("entries")
	if err != nil {
		return nil, fmt.Errorf("response.headers.entries(): %w", err)
	}
	for {
		step, err := it.Call("next")
		if err != nil {
			return nil, fmt.Errorf("iterating response headers: %w", err)
		}
		done, err := step.Get("done")
		if err != nil {
			return nil, fmt.Errorf("iterating response headers: %w", err)
		}
		if d, _ := done.Truthy(); d {
			return out, nil
		}
		pair, err := step.Get("value")
		if err != nil {
			return nil, fmt.Errorf("iterating response headers: %w", err)
		}
		k, err1 := indexString(pair, 0)
		v, err2 := indexString(pair, 1)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("reading a response header: %w", err)
		}
		k = strings.ToLower(k)
		if prev, ok := out[k]; ok {
			v = prev + ", " + v
		}
		out[k] = v
	}
}

func indexString(v safejs.Value, i int) (string, error) {
	x, err := v.Index(i)
	if err != nil {
		return "", err
	}
	return x.String()
}

// readBody reads at most limit bytes of response.body with a stream reader
// and cancels the rest. The bytes are decoded as UTF-8 the way
// response.text() would (BOM dropped, invalid sequences replaced), except
// that a character cut at the limit is dropped.
func readBody(ctx context.Context, resp safejs.Value, limit int) (string, error) {
	body, err := resp.Get("body")
	if err != nil {
		return "", fmt.Errorf("reading response.body: %w", err)
	}
	if body.IsNull() || body.IsUndefined() {
		return "", nil // opaque, opaqueredirect, HEAD, 204
	}
	reader, err := body.Call("getReader")
	if err != nil {
		return "", fmt.Errorf("response.body.getReader(): %w", err)
	}
	buf := make([]byte, 0, 1024)
	truncated := false
	for {
		promise, err := reader.Call("read")
		if err != nil {
			return "", fmt.Errorf("reading the body: %w", err)
		}
		chunk, err := Await(ctx, promise)
		if err != nil {
			return "", fmt.Errorf("reading the body: %w", err)
		}
		done, err := chunk.Get("done")
		if err != nil {
			return "", fmt.Errorf("reading the body: %w", err)
		}
		if d, _ := done.Truthy(); d {
			break
		}
		value, err := chunk.Get("value")
		if err != nil {
			return "", fmt.Errorf("reading the body: %w", err)
		}
		n, err := value.Length()
		if err != nil {
			return "", fmt.Errorf("reading the body: chunk length: %w", err)
		}
		room := limit - len(buf)
		take := min(n, room)
		if take > 0 {
			part := make([]byte, take)
			if _, err := safejs.CopyBytesToGo(part, value); err != nil {
				return "", fmt.Errorf("reading the body: %w", err)
			}
			buf = append(buf, part...)
		}
		if n > room || len(buf) >= limit {
			truncated = true
			break
		}
	}
	if truncated {
		// Stop the download. cancel() returns a promise; give it a native
		// no-op handler so a rejection is never "unhandled" (fatal in Node).
		if p, err := reader.Call("cancel"); err == nil {
			if noop, err := safejs.Global().Get("Function"); err == nil {
				if proto, err := noop.Get("prototype"); err == nil {
					_, _ = p.Call("catch", proto)
				}
			}
		}
	}
	return decodeText(buf, truncated), nil
}

// decodeText mirrors TextDecoder("utf-8") as response.text() uses it.
func decodeText(b []byte, truncated bool) string {
	b = trimBOM(b)
	if truncated {
		// Drop a multi-byte character cut in half by the limit.
		for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
			c := b[len(b)-i]
			if c < utf8.RuneSelf {
				break
			}
			if utf8.RuneStart(c) {
				if !utf8.FullRune(b[len(b)-i:]) {
					b = b[:len(b)-i]
				}
				break
			}
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// nowMillis is performance.now(), or -1 when there is no performance.
func nowMillis() float64 {
	perf, err := safejs.Global().Get("performance")
	if err != nil || perf.IsUndefined() || perf.IsNull() {
		return -1
	}
	v, err := perf.Call("now")
	if err != nil {
		return -1
	}
	ms, err := v.Float()
	if err != nil {
		return -1
	}
	return ms
}

// cspWatch listens on document for securitypolicyviolation while one
// request is in flight. Without a document (Node, workers) it does nothing.
type cspWatch struct {
	doc    safejs.Value
	fn     safejs.Func
	active bool
	found  chan *probe.CSPError
}

func watchCSP(t target) (*cspWatch, error) {
	w := &cspWatch{found: make(chan *probe.CSPError, 1)}
	doc, err := safejs.Global().Get("document")
	if err != nil {
		return nil, fmt.Errorf("reading document: %w", err)
	}
	if doc.IsUndefined() || doc.IsNull() || t.href == "" {
		return w, nil
	}
	// The handler runs on the JS event loop: it only reads the event and
	// hands a match over without blocking.
	w.fn, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if v := cspViolation(firstArg(args), t); v != nil {
			select {
			case w.found <- v:
			default: // keep the first
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("making the securitypolicyviolation listener: %w", err)
	}
	if _, err := doc.Call("addEventListener", "securitypolicyviolation", w.fn); err != nil {
		w.fn.Release()
		return nil, fmt.Errorf("listening for securitypolicyviolation: %w", err)
	}
	w.doc, w.active = doc, true
	return w, nil
}

// wait returns a violation seen for the request, waiting up to grace for
// one that has not been dispatched yet.
func (w *cspWatch) wait(ctx context.Context, grace time.Duration) *probe.CSPError {
	if !w.active {
		return nil
	}
	select {
	case v := <-w.found:
		return v
	default:
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case v := <-w.found:
		return v
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return nil
	}
}

// stop removes the listener and releases it. Safe to call more than once.
func (w *cspWatch) stop() {
	if !w.active {
		return
	}
	w.active = false
	_, _ = w.doc.Call("removeEventListener", "securitypolicyviolation", w.fn)
	w.fn.Release()
}

// cspViolation reads a SecurityPolicyViolationEvent and returns it as a
// CSPError when it blocked (disposition "enforce", not "report") the
// request's URL or origin.
func cspViolation(ev safejs.Value, t target) *probe.CSPError {
	if ev.Type() != safejs.TypeObject {
		return nil
	}
	if d, err := stringProp(ev, "disposition"); err == nil && d != "" && d != "enforce" {
		return nil
	}
	blocked, err := stringProp(ev, "blockedURI")
	if err != nil || !cspMatches(blocked, t) {
		return nil
	}
	directive, _ := stringProp(ev, "effectiveDirective")
	if directive == "" {
		directive, _ = stringProp(ev, "violatedDirective")
	}
	return &probe.CSPError{Directive: directive, Blocked: blocked}
}

// cspMatches says whether a report's blockedURI is the request: the same URL
// (Chromium reports the full URL), or the same origin (reports may strip a
// cross-origin URL to its origin, or name the pre-redirect origin).
func cspMatches(blocked string, t target) bool {
	if blocked == "" || t.href == "" {
		return false
	}
	blocked, _, _ = strings.Cut(blocked, "#")
	if blocked == t.href {
		return true
	}
	o := bridgeproto.OriginOf(blocked)
	return o != "" && o == t.origin
}
