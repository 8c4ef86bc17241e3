// Package probe asks a SimpleJWT backend what it does with a refresh token,
// carefully: a side-effect-free probe first (an obviously invalid token
// proves endpoint, method, body format and CORS), the real token only with
// the user's consent. It talks to the network only through Transport, so the
// classification is plain Go, tested natively; the browser's fetch lives in
// wasm/.
package probe

import (
	"context"
	"errors"
	"time"
)

// Mode is the fetch mode. A "no-cors" request gets an opaque response the
// page cannot read, but that it resolves at all proves the server answered.
type Mode string

// Fetch modes.
const (
	ModeCORS   Mode = "cors"
	ModeNoCORS Mode = "no-cors"
)

// Request is one HTTP request the probe wants sent.
type Request struct {
	Method  string
	URL     string
	Headers map[string]string
	Body    string
	Mode    Mode
	// Credentials is the fetch credentials mode: "omit" or "include".
	Credentials string
	Timeout     time.Duration
}

// Response is what the sender could read. In cors mode cross-origin, only the
// CORS-safelisted headers and those in Access-Control-Expose-Headers appear.
type Response struct {
	Status int
	// Opaque is set for a no-cors response: status 0, nothing readable.
	Opaque bool
	// Type is fetch's Response.type: "basic", "cors", "opaque" or
	// "opaqueredirect" (a redirect met with redirect: "manual"). Empty from
	// transports that have no such notion (net/http in tests).
	Type string
	// Headers are keyed by lower-case name.
	Headers map[string]string
	Body    string
	Elapsed time.Duration
}

// Transport sends requests. The browser implementation uses fetch; tests use
// net/http against a real Django server, or a scripted fake.
type Transport interface {
	Do(ctx context.Context, req Request) (Response, error)
	// Origin is the origin requests are sent from ("http://localhost:3000"),
	// as the server sees it in the Origin header.
	Origin() string
}

// Transport errors, matched with errors.Is / errors.As.
var (
	// ErrNetwork is fetch's TypeError: a CORS refusal and a network failure
	// look the same from the page.
	ErrNetwork = errors.New("network error (fetch failed)")
	// ErrTimeout is the request aborted after Request.Timeout.
	ErrTimeout = errors.New("timed out")
)

// CSPError is a request the page's Content-Security-Policy blocked.
type CSPError struct {
	Directive string // the violated directive, e.g. "connect-src"
	Blocked   string // the blocked URI as the browser reports it
}

func (e *CSPError) Error() string {
	return "blocked by the page's Content-Security-Policy (" + e.Directive + ")"
}
