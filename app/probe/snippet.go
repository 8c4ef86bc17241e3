package probe

import (
	"encoding/json"
	"sort"
	"strings"
)

// Redacted stands for the token in snippets until the user reveals it.
const Redacted = "<REFRESH_TOKEN>"

// jsonString encodes s as a JSON string without HTML escaping, so snippets
// read as typed ("<REFRESH_TOKEN>", not "\u003c...").
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// body returns the request body with the token hidden unless reveal.
func (r Request) body(reveal bool, token string) string {
	if reveal || token == "" || token == InvalidToken {
		return r.Body
	}
	return strings.ReplaceAll(r.Body, jsonString(token), jsonString(Redacted))
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Curl is the request as a curl command, sending the same Origin so the
// backend's CORS answer can be read in the -i output.
func (r Request) Curl(origin, token string, reveal bool) string {
	parts := []string{"curl -i -X " + r.Method, shellQuote(r.URL)}
	if origin != "" {
		parts = append(parts, "-H "+shellQuote("Origin: "+origin))
	}
	for _, k := range sortedHeaderNames(r.Headers) {
		parts = append(parts, "-H "+shellQuote(k+": "+r.Headers[k]))
	}
	if r.Body != "" {
		parts = append(parts, "--data "+shellQuote(r.body(reveal, token)))
	}
	return strings.Join(parts, " \\\n  ")
}

// Fetch is the request as a fetch() call to paste into the app's console.
func (r Request) Fetch(token string, reveal bool) string {
	var b strings.Builder
	b.WriteString("await fetch(" + jsonString(r.URL) + ", {\n  method: " + jsonString(r.Method) + ",\n")
	if len(r.Headers) > 0 {
		var hs []string
		for _, k := range sortedHeaderNames(r.Headers) {
			hs = append(hs, jsonString(k)+": "+jsonString(r.Headers[k]))
		}
		b.WriteString("  headers: { " + strings.Join(hs, ", ") + " },\n")
	}
	if body := r.body(reveal, token); body != "" {
		if json.Valid([]byte(body)) {
			b.WriteString("  body: JSON.stringify(" + body + "),\n")
		} else {
			b.WriteString("  body: " + jsonString(body) + ",\n")
		}
	}
	b.WriteString("  mode: " + jsonString(string(r.Mode)) + ",\n  credentials: " + jsonString(r.Credentials) + ",\n})")
	return b.String()
}

func sortedHeaderNames(h map[string]string) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
