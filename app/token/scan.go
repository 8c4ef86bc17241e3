package token

import "strings"

// Hand-written scanners replace the package's regular expressions: each is a
// few lines, runs in one pass, and keeps regexp's parser and compiler (about
// 40 KB of gzipped wasm) out of the page.

// isCookieName reports whether s is an RFC 6265 cookie name (an HTTP token).
func isCookieName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// splitChunkName splits "NAME.3" into "NAME" and 3.
func splitChunkName(name string) (string, int, bool) {
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 || dot == len(name)-1 || len(name)-dot > 4 {
		return "", 0, false
	}
	n := 0
	for _, c := range name[dot+1:] {
		if c < '0' || c > '9' {
			return "", 0, false
		}
		n = n*10 + int(c-'0')
	}
	return name[:dot], n, true
}

func isTokenChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// findJWTs returns every JWS- or JWE-shaped run in s: "eyJ" (a base64url
// JSON header), then base64url segments joined by two to four dots.
func findJWTs(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "eyJ")
		if j < 0 {
			break
		}
		start := i + j
		end := start
		for end < len(s) && isTokenChar(s[end]) {
			end++
		}
		if m := jwtPrefix(s[start:end]); m != "" {
			out = append(out, m)
		}
		i = end
	}
	return out
}

// jwtPrefix keeps at most five segments of a dotted run and requires three.
func jwtPrefix(run string) string {
	parts := strings.SplitN(run, ".", 6)
	if len(parts) > 5 {
		parts = parts[:5]
	}
	if len(parts) < 3 {
		return ""
	}
	return strings.Join(parts, ".")
}

// findURLs returns the http(s) URLs in s, up to whitespace, a quote or an
// angle bracket.
func findURLs(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "http")
		if j < 0 {
			break
		}
		start := i + j
		rest := s[start:]
		if !strings.HasPrefix(rest, "http://") && !strings.HasPrefix(rest, "https://") {
			i = start + 4
			continue
		}
		end := strings.IndexAny(rest, " \t\n\r\"'<>")
		if end < 0 {
			end = len(rest)
		}
		out = append(out, rest[:end])
		i = start + end
	}
	return out
}
