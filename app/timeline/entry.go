package timeline

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/probe"
	"tokenscope/app/token"
)

// Entry is one kept (auth-relevant) HAR entry on the time axis.
type Entry struct {
	// Index is the entry's position in the HAR's log.entries.
	Index  int
	Method string
	// Path is the URL's path without query or fragment: a query may carry
	// a token, the path does not.
	Path   string
	Host   string
	Status int
	Start  time.Time
	End    time.Time
	// Sent and Received are the backend tokens the request carried and the
	// response delivered (session cookies opened with the typed secrets).
	Sent, Received []Token
	// SentSession / ReceivedSession say a session cookie was sent or set,
	// and whether it opened.
	SentSession, ReceivedSession SessionState
	// SessionError is the error marker of the session this response carried.
	SessionError string
	// Overlaps are the Indexes of other kept entries whose [Start, End]
	// overlaps this one's.
	Overlaps []int
	// Backend is the probe classifier's verdict on a refused client-side
	// refresh (the same simplejwt.* code a probe would give).
	Backend *diagnose.Finding
	// ClientRefresh marks a browser POST to the backend's refresh endpoint.
	ClientRefresh bool
}

// SessionState says what happened to a session cookie of an entry.
type SessionState string

// Session cookie states.
const (
	SessionNone     SessionState = ""
	SessionOpened   SessionState = "opened"
	SessionLocked   SessionState = "not opened: no typed secret fits"
	SessionNoSecret SessionState = "not opened: no secret typed"
	SessionCleared  SessionState = "cleared"
)

// Label names the entry for findings: "#5 GET /api/auth/session".
func (e Entry) Label() string { return "#" + strconv.Itoa(e.Index) + " " + e.Method + " " + e.Path }

// sentOf and receivedOf return the first token of a type.
func firstOfType(ts []Token, typ string) (Token, bool) {
	for _, t := range ts {
		if t.Type == typ {
			return t, true
		}
	}
	return Token{}, false
}

// analyser holds what is shared across entries: the secrets and a cache of
// opened session cookies (the same cookie rides on many requests).
type analyser struct {
	secrets []string
	opened  map[string]openedSession
}

type openedSession struct {
	state  SessionState
	tokens []rawToken
	err    string
}

type rawToken struct {
	raw, name string
	role      token.Role
}

// relevant says whether an entry belongs on the timeline: NextAuth's
// routes, a backend token endpoint, or anything carrying a token. Bodies are
// checked for the "eyJ" that starts every JWS header; a preflight carries
// nothing and is left out.
func relevant(e *harEntry, u *url.URL) bool {
	if e.Request.Method == "OPTIONS" {
		return false
	}
	p := u.Path
	if strings.Contains(p, "/api/auth/") || isTokenEndpoint(p) {
		return true
	}
	for _, h := range e.Request.Headers {
		if strings.EqualFold(h.Name, "authorization") || strings.EqualFold(h.Name, "cookie") && carriesToken(h.Value) {
			return true
		}
	}
	for _, c := range e.Request.Cookies {
		if isSessionName(c.Name) || strings.HasPrefix(c.Value, "eyJ") {
			return true
		}
	}
	for _, h := range e.Response.Headers {
		if strings.EqualFold(h.Name, "set-cookie") && carriesToken(h.Value) {
			return true
		}
	}
	if e.Request.PostData != nil && strings.Contains(e.Request.PostData.Text, "eyJ") {
		return true
	}
	return strings.Contains(bodyText(e.Response.Content), "eyJ")
}

func carriesToken(v string) bool {
	return strings.Contains(v, "session-token") || strings.Contains(v, "eyJ")
}

// isTokenEndpoint matches SimpleJWT's and dj-rest-auth's obtain and refresh
// paths: /api/token/, /api/token/refresh/, /dj-rest-auth/login/, ...
func isTokenEndpoint(p string) bool {
	p = strings.ToLower(p)
	return strings.Contains(p, "/token/") || strings.HasSuffix(p, "/token") || strings.HasSuffix(p, "/token/refresh") ||
		strings.HasSuffix(p, "/login/") || strings.HasSuffix(p, "/login")
}

func isRefreshEndpoint(p string) bool {
	p = strings.ToLower(strings.TrimSuffix(p, "/"))
	return strings.HasSuffix(p, "/refresh")
}

// bodyText is the response body as text, base64 decoded when the HAR says
// so (Firefox and Playwright encode non-UTF-8 and sometimes JSON bodies).
func bodyText(c harContent) string {
	if c.Encoding != "base64" {
		return c.Text
	}
	b, err := base64.StdEncoding.DecodeString(c.Text)
	if err != nil {
		return ""
	}
	return string(b)
}

func isSessionName(name string) bool { return token.IsSessionCookie(sessionBase(name)) }

// sessionBase strips a chunk suffix: next-auth.session-token.1 → next-auth.session-token.
func sessionBase(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

// cookiePair is one cookie by name.
type cookiePair struct{ name, value string }

// requestCookies reads the Cookie header(s), falling back to cookies[] when
// the export has no header (some tools fill only the array).
func requestCookies(r harRequest) []cookiePair {
	var out []cookiePair
	for _, h := range r.Headers {
		if !strings.EqualFold(h.Name, "cookie") {
			continue
		}
		for _, part := range strings.Split(h.Value, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok {
				out = append(out, cookiePair{name, value})
			}
		}
	}
	if len(out) == 0 {
		for _, c := range r.Cookies {
			out = append(out, cookiePair{c.Name, c.Value})
		}
	}
	return out
}

// responseCookies reads Set-Cookie headers (Firefox joins several with
// newlines in one header), skipping deletions (empty value, Max-Age=0, an
// Expires in the past); without headers it falls back to cookies[].
func responseCookies(r harResponse, at time.Time) []cookiePair {
	var out []cookiePair
	seenHeader := false
	for _, h := range r.Headers {
		if !strings.EqualFold(h.Name, "set-cookie") {
			continue
		}
		seenHeader = true
		for _, line := range strings.Split(h.Value, "\n") {
			if c, ok := parseSetCookie(line, at); ok {
				out = append(out, c)
			}
		}
	}
	if !seenHeader {
		for _, c := range r.Cookies {
			if c.Value != "" {
				out = append(out, cookiePair{c.Name, c.Value})
			}
		}
	}
	return out
}

func parseSetCookie(line string, at time.Time) (cookiePair, bool) {
	parts := strings.Split(line, ";")
	name, value, ok := strings.Cut(strings.TrimSpace(parts[0]), "=")
	if !ok || name == "" || value == "" {
		return cookiePair{}, false
	}
	for _, attr := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(attr), "=")
		switch strings.ToLower(k) {
		case "max-age":
			if n, err := strconv.Atoi(v); err == nil && n <= 0 {
				return cookiePair{}, false
			}
		case "expires":
			if t, err := time.Parse(time.RFC1123, v); err == nil && !at.IsZero() && t.Before(at) {
				return cookiePair{}, false
			}
		}
	}
	return cookiePair{name, value}, true
}

// sessionCookies joins each session cookie's chunks in suffix order, as
// NextAuth and Auth.js read them. The result maps the base name to the value.
func sessionCookies(cs []cookiePair) map[string]string {
	type chunk struct {
		n     int
		value string
	}
	by := map[string][]chunk{}
	for _, c := range cs {
		base := sessionBase(c.name)
		if !token.IsSessionCookie(base) {
			continue
		}
		n := -1
		if base != c.name {
			n, _ = strconv.Atoi(c.name[len(base)+1:])
			if n > token.MaxChunkIndex {
				continue
			}
		}
		by[base] = append(by[base], chunk{n, c.value})
	}
	out := map[string]string{}
	for base, chunks := range by {
		sort.SliceStable(chunks, func(i, j int) bool { return chunks[i].n < chunks[j].n })
		var b strings.Builder
		for _, c := range chunks {
			b.WriteString(c.value)
		}
		out[base] = b.String()
	}
	return out
}

// open decrypts a session cookie with the typed secrets (cached by value)
// and lists the backend tokens inside.
func (a *analyser) open(name, value string) openedSession {
	key := name + "=" + value
	if s, ok := a.opened[key]; ok {
		return s
	}
	s := a.openUncached(name, value)
	if len(a.opened) < maxOpenedCache {
		a.opened[key] = s
	}
	return s
}

// maxOpenedCache bounds the decrypted-cookie cache; a HAR cannot grow it
// without limit by sending a new cookie on every entry.
const maxOpenedCache = 4096

func (a *analyser) openUncached(name, value string) openedSession {
	t := token.Decode(token.Candidate{Value: value, Source: token.Source{Origin: token.OriginCookie, Name: name}})
	if t.Form == token.FormJWS {
		return openedSession{state: SessionOpened, tokens: payloadTokens(t.Claims)}
	}
	if len(a.secrets) == 0 {
		return openedSession{state: SessionNoSecret}
	}
	d, err := token.Decrypt(t, a.secrets, name)
	if err != nil && d.Payload == nil {
		return openedSession{state: SessionLocked, err: err.Error()}
	}
	members, perr := token.ParseObject(d.Payload)
	if perr != nil {
		return openedSession{state: SessionLocked, err: perr.Error()}
	}
	return openedSession{state: SessionOpened, tokens: payloadTokens(members)}
}

// payloadTokens lists a session payload's backend tokens (string members
// whose name has a token role, as token.RoleOf knows them) and its error.
func payloadTokens(ms []token.Member) []rawToken {
	var out []rawToken
	for _, m := range ms {
		if m.Kind != token.KindString {
			continue
		}
		if m.Key == "error" {
			out = append(out, rawToken{raw: m.Text(), name: "error"})
			continue
		}
		if role := token.RoleOf(m.Key); role == token.RoleAccess || role == token.RoleRefresh {
			out = append(out, rawToken{raw: m.Text(), name: m.Key, role: role})
		}
	}
	return out
}

// analyse fills an Entry from a HAR entry.
func (a *analyser) analyse(i int, e *harEntry, u *url.URL) Entry {
	start := parseTime(e.StartedDateTime)
	dur := e.Time
	if dur < 0 || math64IsBad(dur) {
		dur = 0
	}
	out := Entry{
		Index: i, Method: e.Request.Method, Path: u.Path, Host: u.Host, Status: e.Response.Status,
		Start: start, End: start.Add(time.Duration(dur * float64(time.Millisecond))),
	}
	// Sent: session cookies, other token cookies, Authorization, body.
	reqCookies := requestCookies(e.Request)
	for name, value := range sessionCookies(reqCookies) {
		s := a.open(name, value)
		out.SentSession = s.state
		out.Sent = append(out.Sent, s.tokensAt("cookie "+name, start)...)
	}
	for _, c := range reqCookies {
		if !isSessionName(c.name) && strings.HasPrefix(c.value, "eyJ") {
			if t, ok := newToken(c.value, "cookie "+c.name, string(token.RoleOf(c.name)), start); ok {
				out.Sent = append(out.Sent, t)
			}
		}
	}
	for _, h := range e.Request.Headers {
		if strings.EqualFold(h.Name, "authorization") {
			for _, raw := range findJWS(h.Value, maxTokensPerPart) {
				if t, ok := newToken(raw, "Authorization header", "access", start); ok {
					out.Sent = append(out.Sent, t)
				}
			}
		}
	}
	if e.Request.PostData != nil {
		for _, raw := range findJWS(e.Request.PostData.Text, maxTokensPerPart) {
			if t, ok := newToken(raw, "request body", "", start); ok {
				out.Sent = append(out.Sent, t)
			}
		}
	}
	// Received: Set-Cookie sessions and token cookies, then the body.
	for name, value := range sessionCookies(responseCookies(e.Response, start)) {
		s := a.open(name, value)
		out.ReceivedSession = s.state
		out.Received = append(out.Received, s.tokensAt("Set-Cookie "+name, start)...)
		if s.state == SessionOpened {
			out.SessionError = s.errorMarker()
		}
	}
	body := bodyText(e.Response.Content)
	for _, raw := range findJWS(body, maxTokensPerPart) {
		if t, ok := newToken(raw, "response body", "", start); ok {
			out.Received = append(out.Received, t)
		}
	}
	if out.SessionError == "" && strings.Contains(u.Path, "/api/auth/") {
		out.SessionError = bodyError(body)
	}
	out.ClientRefresh = e.Request.Method == "POST" && isRefreshEndpoint(u.Path) && hasType(out.Sent, "refresh")
	if out.ClientRefresh && out.Status != 200 {
		local := probe.Local{Index: -1}
		if t, ok := firstOfType(out.Sent, "refresh"); ok && !t.Exp.IsZero() {
			local = probe.Local{Known: true, Expired: t.ExpiredAtEntry, Exp: t.Exp, Type: t.Type, Index: -1}
		}
		resp := probe.Response{Status: out.Status, Body: body, Elapsed: out.End.Sub(out.Start)}
		o := probe.Classify(probe.PurposeRefresh, u.Scheme+"://"+u.Host+u.Path, resp, local)
		f := o.Finding
		f.Token = -1
		f.Evidence = append(f.Evidence, diagnose.Evidence{Name: "HAR entry", Value: out.Label() + " at " + out.Start.UTC().Format("15:04:05.000")})
		out.Backend = &f
	}
	return out
}

// maxTokensPerPart bounds the tokens taken from one header or body.
const maxTokensPerPart = 16

func hasType(ts []Token, typ string) bool {
	_, ok := firstOfType(ts, typ)
	return ok
}

func (s openedSession) tokensAt(where string, at time.Time) []Token {
	var out []Token
	for _, rt := range s.tokens {
		if rt.name == "error" {
			continue
		}
		if t, ok := newToken(rt.raw, where+" › "+rt.name, string(rt.role), at); ok {
			out = append(out, t)
		}
	}
	return out
}

func (s openedSession) errorMarker() string {
	for _, rt := range s.tokens {
		if rt.name == "error" {
			return rt.raw
		}
	}
	return ""
}

// bodyError reads the error marker of a session JSON response.
func bodyError(body string) string {
	b := strings.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' || len(b) > maxSessionBody {
		return ""
	}
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal([]byte(b), &v) != nil || len(v.Error) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v.Error, &s) == nil {
		return s
	}
	if string(v.Error) == "null" {
		return ""
	}
	return string(v.Error)
}

// maxSessionBody bounds the JSON read for a session's error marker.
const maxSessionBody = 1 << 20

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func math64IsBad(f float64) bool { return f != f || f > 1e12 }
