package probe

import (
	"encoding/json"
	"sort"
	"strings"
)

// Redacted stands for the token in snippets until the user reveals it.
const Redacted = "<REFRESH_TOKEN>"

// redact returns req with the token, which refreshRequest puts in the body
// as a JSON string, replaced by Redacted: the request as the timeline keeps
// it. Only that exact JSON string is replaced, so a short token cannot
// blank out a matching piece of the URL. The probe's invalid token is not
// a secret.
func redact(req Request, token string) Request {
	if token == "" || token == InvalidToken {
		return req
	}
	out := req
	out.Body = strings.ReplaceAll(req.Body, jsString(token), jsString(Redacted))
	return out
}

// Curl is the request as a curl command, sending the same Origin so the
// backend's CORS answer can be read in the -i output. Every value is one
// shell word (shellQuote), whatever it holds.
func (r Request) Curl(origin string) string {
	parts := []string{"curl -i -X " + shellQuote(r.Method), shellQuote(r.URL)}
	if origin != "" {
		parts = append(parts, "-H "+shellQuote("Origin: "+origin))
	}
	for _, k := range sortedHeaderNames(r.Headers) {
		parts = append(parts, "-H "+shellQuote(k+": "+r.Headers[k]))
	}
	if r.Body != "" {
		parts = append(parts, "--data "+shellQuote(r.Body))
	}
	return strings.Join(parts, " \\\n  ")
}

// Fetch is the request as a fetch() call to paste into the app's console.
// Every value is a JavaScript string literal (jsString); a JSON body is
// pasted as the object literal it is, which JavaScript reads as the same
// value.
func (r Request) Fetch() string {
	var b strings.Builder
	b.WriteString("await fetch(" + jsString(r.URL) + ", {\n  method: " + jsString(r.Method) + ",\n")
	if len(r.Headers) > 0 {
		var hs []string
		for _, k := range sortedHeaderNames(r.Headers) {
			hs = append(hs, jsString(k)+": "+jsString(r.Headers[k]))
		}
		b.WriteString("  headers: { " + strings.Join(hs, ", ") + " },\n")
	}
	if r.Body != "" {
		if isJSONObject(r.Body) {
			b.WriteString("  body: JSON.stringify(" + r.Body + "),\n")
		} else {
			b.WriteString("  body: " + jsString(r.Body) + ",\n")
		}
	}
	b.WriteString("  mode: " + jsString(string(r.Mode)) + ",\n  credentials: " + jsString(r.Credentials) + ",\n})")
	return b.String()
}

// isJSONObject is a body that is one JSON object whose strings JavaScript
// reads the same: JSON is a subset of JavaScript since ES2019 (U+2028 and
// U+2029 included), so the object literal round-trips.
func isJSONObject(body string) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal([]byte(body), &m) == nil && strings.HasPrefix(strings.TrimSpace(body), "{")
}

// Curl is the step's request as a curl command from the origin it was sent
// from. Without reveal the refresh token is Redacted; with it, the token
// that was sent, kept with this step in memory (never re-read from the
// current paste, which may hold another token by now, or none).
func (s Step) Curl(reveal bool) string {
	return s.shown(reveal).Curl(s.Origin)
}

// Fetch is the step's request as a fetch() call; reveal as for Curl.
func (s Step) Fetch(reveal bool) string {
	return s.shown(reveal).Fetch()
}

func (s Step) shown(reveal bool) Request {
	if reveal && s.sent != nil {
		return *s.sent
	}
	return s.Request
}

// Revealable says the step holds a token that reveal would show.
func (s Step) Revealable() bool { return s.sent != nil }

func sortedHeaderNames(h map[string]string) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
