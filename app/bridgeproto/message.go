package bridgeproto

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Marker and Version tag every message. Marker (the "tsb" field) is the one
// the first bridge used too, so an old bookmarklet still answers; Version
// ("v") is 2 for bridges that carry the key. The first bridge sent no v.
const (
	Marker  = 1
	Version = 2
)

// Operations the inspector asks of the bridge.
const (
	// OpHello asks for the host's origin and its token-holding cookies and
	// storage entries. The first bridge does not know it and answers with
	// the error "op", so an outdated bookmarklet sends no host data.
	OpHello = "hello"
	// OpBackend names the one origin the bridge may then send probes to.
	OpBackend = "be"
	// OpFetch sends one probe request to that origin.
	OpFetch = "fetch"
	// OpSession reads the host's /api/auth/session.
	OpSession = "session"
	// OpBye removes the bridge.
	OpBye = "bye"
	// OpPing asks whether the bridge is still there. The bridge has no
	// such operation: it answers with the error "op", which still carries
	// the key, so the op costs no bookmarklet bytes and proves the bridge
	// answers.
	OpPing = "ping"
)

// Bounds. bridge.js holds the same numbers under short names (L, V, N, M);
// a test in web/ keeps them equal.
const (
	// MaxBodyBytes is how much of a response body the bridge reads (L). A
	// body decoded from that many bytes has at most that many characters.
	MaxBodyBytes = 64 << 10
	// MaxValueChars is the longest cookie or storage value the bridge sends
	// (V); a longer one is sent by name only.
	MaxValueChars = 16 << 10
	// MaxTokenEntries is how many token-holding entries it sends (N).
	MaxTokenEntries = 16
	// MaxNames is how many names of other entries it sends (M).
	MaxNames = 64
	// MaxNameChars is the longest name it sends; longer ones are cut.
	MaxNameChars = 256
	// MaxReplyBytes is the largest message the inspector reads at all, as
	// JSON. A genuine bridge stays far below it with the bounds above.
	MaxReplyBytes = 1 << 20
)

// Host-page areas an Entry comes from.
const (
	AreaCookie         = "cookie"
	AreaLocalStorage   = "localStorage"
	AreaSessionStorage = "sessionStorage"
)

// Refusals. Every one means the message was not used: nothing in it is
// shown or analysed.
var (
	// ErrUntrusted is the family of refusals that mean "not your
	// bookmarklet": bookmarklet.untrusted_opener.
	ErrUntrusted = errors.New("not this browser's bookmarklet")
	// ErrNoKey: this browser never ran the inspector directly, so it has no
	// key and trusts no bridge.
	ErrNoKey = fmt.Errorf("%w: this browser has no bridge key yet", ErrUntrusted)
	// ErrWrongKey: the reply carries another key, or none.
	ErrWrongKey = fmt.Errorf("%w: the reply does not carry this browser's key", ErrUntrusted)
	// ErrUnkeyedData: a reply without a version that carries data; the
	// first bridge never sends data in answer to OpHello.
	ErrUnkeyedData = fmt.Errorf("%w: an unversioned reply carries host data", ErrUntrusted)
	// ErrUnknownVersion: a version this inspector does not speak.
	ErrUnknownVersion = fmt.Errorf("%w: unknown protocol version", ErrUntrusted)
	// ErrBadOrigin: the reply came from an origin that is not http(s).
	ErrBadOrigin = fmt.Errorf("%w: the reply came from an origin that is not http(s)", ErrUntrusted)
	// ErrOriginMismatch: the origin the reply claims is not the one it came
	// from.
	ErrOriginMismatch = fmt.Errorf("%w: the origin the reply claims is not the origin it came from", ErrUntrusted)
	// ErrOriginChanged: a later reply came from another origin than the
	// first.
	ErrOriginChanged = fmt.Errorf("%w: the reply came from another origin than the connection's", ErrUntrusted)

	// ErrOutdated: the first bridge (no version, no key) answered.
	ErrOutdated = errors.New("the bookmarklet is from an older tokenscope")
	// ErrTooLarge: the reply is over a bound above.
	ErrTooLarge = errors.New("the bridge's reply is over the size limit")
	// ErrMalformed: the reply does not have the protocol's shape.
	ErrMalformed = errors.New("the bridge's reply is malformed")
	// ErrNotBridge: not a bridge message at all (no marker); ignored.
	ErrNotBridge = errors.New("not a bridge message")
)

// RefusedError says which page a refused message came from: the
// MessageEvent's origin, the only origin the inspector may name.
type RefusedError struct {
	From string
	Err  error
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refused the message from %s: %v", e.From, e.Err)
}

func (e *RefusedError) Unwrap() error { return e.Err }

func refused(from string, err error) error { return &RefusedError{From: from, Err: err} }

// Request is one message to the bridge. It never carries the key: the first
// one goes out before the inspector knows who opened it.
type Request struct {
	TSB     int               `json:"tsb"`
	V       int               `json:"v"`
	ID      int               `json:"id"`
	Op      string            `json:"op"`
	Backend string            `json:"b,omitempty"`
	URL     string            `json:"url,omitempty"`
	Method  string            `json:"method,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	Mode    string            `json:"mode,omitempty"`
	Timeout int64             `json:"timeout,omitempty"` // ms
}

// NewRequest starts a request for op with the protocol's tags.
func NewRequest(id int, op string) Request {
	return Request{TSB: Marker, V: Version, ID: id, Op: op}
}

// Reply is an accepted message from the bridge: the answer to request ID.
type Reply struct {
	ID  int
	OK  json.RawMessage
	Err string
}

type envelope struct {
	TSB int             `json:"tsb"`
	V   int             `json:"v"`
	K   string          `json:"k"`
	ID  int             `json:"id"`
	OK  json.RawMessage `json:"ok"`
	Err string          `json:"err"`
}

// Conn is the inspector's side of one bridge. It checks each message from
// the opener window against this browser's key and pins the host's origin
// to the MessageEvent origin of the first reply it accepts.
type Conn struct {
	key    string
	origin string
}

// NewConn checks replies against key ("" when this browser has none: then
// every reply is refused).
func NewConn(key string) *Conn { return &Conn{key: key} }

// Origin is the host's origin, pinned by the first accepted reply; "" before.
func (c *Conn) Origin() string { return c.origin }

// Accept checks one message that came from the window that opened the
// inspector (the caller checks event.source): eventOrigin is the
// MessageEvent's origin and data its payload as JSON. Nothing in a message
// that fails is used.
func (c *Conn) Accept(eventOrigin, data string) (Reply, error) {
	if len(data) > MaxReplyBytes {
		return Reply{}, refused(eventOrigin, fmt.Errorf("%w: %d bytes, over the %d-byte limit", ErrTooLarge, len(data), MaxReplyBytes))
	}
	var m envelope
	if json.Unmarshal([]byte(data), &m) != nil || m.TSB != Marker {
		return Reply{}, ErrNotBridge
	}
	switch {
	case m.V == 0 && isNull(m.OK):
		return Reply{}, refused(eventOrigin, ErrOutdated)
	case m.V == 0:
		return Reply{}, refused(eventOrigin, ErrUnkeyedData)
	case m.V != Version:
		return Reply{}, refused(eventOrigin, fmt.Errorf("%w %d", ErrUnknownVersion, m.V))
	case c.key == "":
		return Reply{}, refused(eventOrigin, ErrNoKey)
	case !sameKey(m.K, c.key):
		return Reply{}, refused(eventOrigin, ErrWrongKey)
	case c.origin != "" && eventOrigin != c.origin:
		return Reply{}, refused(eventOrigin, ErrOriginChanged)
	case !ValidOrigin(eventOrigin):
		return Reply{}, refused(eventOrigin, ErrBadOrigin)
	}
	c.origin = eventOrigin
	return Reply{ID: m.ID, OK: m.OK, Err: m.Err}, nil
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// Entry is one cookie or web-storage item of the host page. Value is empty
// for entries the bridge named only.
type Entry struct {
	Area  string // AreaCookie, AreaLocalStorage or AreaSessionStorage
	Name  string
	Value string
}

// HostInfo is what the bridge read from the host page.
type HostInfo struct {
	// Origin is the host's origin: the MessageEvent origin of its replies,
	// which the origin it claimed had to equal.
	Origin string
	// Tokens are the entries holding a token (JWT/JWE-shaped, or a session
	// cookie or one of its chunks), with their values.
	Tokens []Entry
	// Others are every other readable entry, by name only.
	Others []Entry
	// Dropped counts entries the bridge left out past MaxTokenEntries or
	// MaxNames.
	Dropped int
}

// CookieHeader is the token cookies as a Cookie header value.
func (h HostInfo) CookieHeader() string {
	var parts []string
	for _, e := range h.Tokens {
		if e.Area == AreaCookie {
			parts = append(parts, e.Name+"="+e.Value)
		}
	}
	return strings.Join(parts, "; ")
}

// CookieNames lists every readable cookie's name, token or not.
func (h HostInfo) CookieNames() []string {
	var names []string
	for _, list := range [][]Entry{h.Tokens, h.Others} {
		for _, e := range list {
			if e.Area == AreaCookie {
				names = append(names, e.Name)
			}
		}
	}
	return names
}

// ParseHello reads the answer to OpHello from the connection's origin. The
// origin the bridge claims must be that origin.
func ParseHello(ok json.RawMessage, origin string) (HostInfo, error) {
	var raw struct {
		O string     `json:"o"`
		T [][]string `json:"t"`
		N [][]string `json:"n"`
		X int        `json:"x"`
	}
	if err := json.Unmarshal(ok, &raw); err != nil {
		return HostInfo{}, refused(origin, fmt.Errorf("%w: %v", ErrMalformed, err))
	}
	if raw.O != origin {
		return HostInfo{}, refused(origin, ErrOriginMismatch)
	}
	if len(raw.T) > MaxTokenEntries || len(raw.N) > MaxNames {
		return HostInfo{}, refused(origin, fmt.Errorf("%w: %d token entries and %d names, over %d and %d", ErrTooLarge, len(raw.T), len(raw.N), MaxTokenEntries, MaxNames))
	}
	h := HostInfo{Origin: origin, Dropped: max(raw.X, 0)}
	for _, t := range raw.T {
		e, err := entry(t, 3)
		if err != nil {
			return HostInfo{}, refused(origin, err)
		}
		h.Tokens = append(h.Tokens, e)
	}
	for _, n := range raw.N {
		e, err := entry(n, 2)
		if err != nil {
			return HostInfo{}, refused(origin, err)
		}
		h.Others = append(h.Others, e)
	}
	return h, nil
}

func entry(fields []string, want int) (Entry, error) {
	if len(fields) != want {
		return Entry{}, fmt.Errorf("%w: an entry has %d fields, want %d", ErrMalformed, len(fields), want)
	}
	e := Entry{Area: fields[0], Name: fields[1]}
	if want == 3 {
		e.Value = fields[2]
	}
	switch e.Area {
	case AreaCookie, AreaLocalStorage, AreaSessionStorage:
	default:
		return Entry{}, fmt.Errorf("%w: unknown area %.20q", ErrMalformed, e.Area)
	}
	if n := utf8.RuneCountInString(e.Name); n > MaxNameChars {
		return Entry{}, fmt.Errorf("%w: a name of %d characters, over %d", ErrTooLarge, n, MaxNameChars)
	}
	if n := utf8.RuneCountInString(e.Value); n > MaxValueChars {
		return Entry{}, fmt.Errorf("%w: a value of %d characters, over %d", ErrTooLarge, n, MaxValueChars)
	}
	return e, nil
}

// FetchResult is the answer to OpFetch: a response, or why there was none.
type FetchResult struct {
	Status    int               `json:"status"`
	Type      string            `json:"type"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	MS        float64           `json:"ms"`
	Fail      string            `json:"fail"` // "csp", "timeout", "network"
	Directive string            `json:"directive"`
	Msg       string            `json:"msg"`
}

// ParseFetch reads the answer to OpFetch.
func ParseFetch(ok json.RawMessage) (FetchResult, error) {
	var r FetchResult
	if err := json.Unmarshal(ok, &r); err != nil {
		return FetchResult{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return r, checkBody(r.Body)
}

// SessionResult is the answer to OpSession.
type SessionResult struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// ParseSession reads the answer to OpSession.
func ParseSession(ok json.RawMessage) (SessionResult, error) {
	var r SessionResult
	if err := json.Unmarshal(ok, &r); err != nil {
		return SessionResult{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return r, checkBody(r.Body)
}

func checkBody(body string) error {
	if n := utf8.RuneCountInString(body); n > MaxBodyBytes {
		return fmt.Errorf("%w: a body of %d characters, more than %d bytes can decode to", ErrTooLarge, n, MaxBodyBytes)
	}
	return nil
}

// ErrBackendRefused: the typed backend is one the bridge will not send to.
var ErrBackendRefused = errors.New("the bridge sends probes only to another origin than the app's own")

// BackendOrigin is the origin the inspector declares to the bridge before
// probing: the typed URL's, never the host's own. A URL that is not http(s)
// is ErrMalformed (the probe says invalid_url and sends nothing).
func BackendOrigin(typed, host string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(typed))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: %q is not an http(s) URL", ErrMalformed, typed)
	}
	o := canonicalOrigin(u)
	if o == host {
		return "", fmt.Errorf("%w: %s is the app's own origin", ErrBackendRefused, o)
	}
	return o, nil
}

// ValidOrigin reports whether s is a serialised http(s) origin, as
// MessageEvent.origin gives it: scheme, host, a port only when not the
// default, nothing else. "null" (sandboxed or file pages) is not.
func ValidOrigin(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.ContainsAny(s, "?#") {
		return false
	}
	return canonicalOrigin(u) == s
}

// OriginOf is raw's origin as a browser serialises it (MessageEvent.origin,
// a CSP report's blocked URI): scheme://host[:port], lower-case, the
// scheme's default port dropped. "" for a URL without a host ("inline",
// "eval", data:).
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return canonicalOrigin(u)
}

// canonicalOrigin serialises u's origin as browsers do: lower-case scheme
// and host, the default port dropped.
func canonicalOrigin(u *url.URL) string {
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if port == "80" && scheme == "http" || port == "443" && scheme == "https" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}
