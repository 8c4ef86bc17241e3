//go:build !js

package browser

import (
	"context"
	"errors"
	"time"

	"tokenscope/app/probe"
)

// Fetch is the browser's fetch transport. Natively there is no browser: it
// exists so that the module builds, vets and prerenders; Do always fails.
type Fetch struct{}

var _ probe.Transport = Fetch{}

// MaxBodyBytes bounds how much of a response body Do reads.
const MaxBodyBytes = 64 << 10

// DefaultFetchTimeout applies when probe.Request.Timeout is zero or negative.
const DefaultFetchTimeout = 30 * time.Second

// errNoFetch is what Do returns outside a browser. It is deliberately not
// probe.ErrNetwork: nothing was sent.
var errNoFetch = errors.New("fetch: needs a browser")

// Origin is empty: there is no page.
func (Fetch) Origin() string { return "" }

// Do always fails natively.
func (Fetch) Do(context.Context, probe.Request) (probe.Response, error) {
	return probe.Response{}, errNoFetch
}
