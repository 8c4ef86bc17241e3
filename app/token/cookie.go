package token

import (
	"sort"
	"strconv"
	"strings"
)

// cookie is one name=value pair, or after joinChunks one logical cookie
// rebuilt from NAME.0, NAME.1, ... chunks.
type cookie struct {
	name      string
	value     string
	chunks    []string
	lengths   []int
	missing   []int
	staleBare bool
}

// parseCookieHeader splits `a=1; b=2` (the Cookie request header value).
func parseCookieHeader(header string) []cookie {
	var out []cookie
	for _, part := range strings.Split(header, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			continue
		}
		out = append(out, cookie{name: name, value: strings.TrimSpace(value)})
	}
	return out
}

// parseSetCookie takes the name=value of a Set-Cookie line and ignores its
// attributes (Path, HttpOnly, ...).
func parseSetCookie(line string) []cookie {
	first, _, _ := strings.Cut(line, ";")
	cookies := parseCookieHeader(first)
	if len(cookies) > 1 {
		cookies = cookies[:1]
	}
	return cookies
}

// parseCookieTableRow reads a row copied from DevTools' Application → Cookies
// table: tab-separated name, value, domain, path, ...
func parseCookieTableRow(line string) ([]cookie, bool) {
	fields := strings.Split(strings.TrimSpace(line), "\t")
	if len(fields) < 2 || !isCookieName(fields[0]) {
		return nil, false
	}
	return []cookie{{name: fields[0], value: strings.TrimSpace(fields[1])}}, true
}

// looksLikeCookieList reports whether a line is `name=value(; name=value)*`,
// the value of a Cookie header copied without its name.
func looksLikeCookieList(line string) bool {
	parts := strings.Split(strings.TrimSpace(line), ";")
	seen := 0
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, _, ok := strings.Cut(part, "=")
		if !ok || !isCookieName(name) || strings.HasPrefix(name, "eyJ") {
			return false
		}
		seen++
	}
	return seen > 0
}

// joinChunks rebuilds NextAuth's chunked cookies. Above 4096 bytes NextAuth
// splits a value into NAME.0, NAME.1, ... and joins every cookie whose name
// starts with NAME in suffix order when reading, so the joined value is what
// the server sees. Unchunked cookies pass through unchanged.
func joinChunks(cookies []cookie) []cookie {
	type group struct {
		parts map[int]string
		order int
	}
	groups := map[string]*group{}
	var out []cookie
	bare := map[string]int{}
	for _, c := range cookies {
		if base, idx, ok := splitChunkName(c.name); ok {
			g := groups[base]
			if g == nil {
				g = &group{parts: map[int]string{}, order: len(out)}
				groups[base] = g
				out = append(out, cookie{name: base})
			}
			g.parts[idx] = c.value
			continue
		}
		bare[c.name] = len(out)
		out = append(out, c)
	}
	for base, g := range groups {
		joined := assemble(base, g.parts)
		if i, ok := bare[base]; ok {
			joined.staleBare = true
			out[i].name = "" // the stale value is reported on the joined cookie
		}
		out[g.order] = joined
	}
	return compactCookies(out)
}

func assemble(base string, parts map[int]string) cookie {
	idx := make([]int, 0, len(parts))
	for i := range parts {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	c := cookie{name: base}
	var b strings.Builder
	next := 0
	for _, i := range idx {
		for ; next < i; next++ {
			c.missing = append(c.missing, next)
		}
		next = i + 1
		b.WriteString(parts[i])
		c.chunks = append(c.chunks, base+"."+strconv.Itoa(i))
		c.lengths = append(c.lengths, len(parts[i]))
	}
	c.value = b.String()
	return c
}

func compactCookies(in []cookie) []cookie {
	out := in[:0]
	for _, c := range in {
		if c.name != "" {
			out = append(out, c)
		}
	}
	return out
}

// sessionCookieNames are the cookies NextAuth and Auth.js keep sessions in.
var sessionCookieNames = []string{
	"next-auth.session-token", "__Secure-next-auth.session-token",
	"authjs.session-token", "__Secure-authjs.session-token",
}

// IsSessionCookie reports whether name is a NextAuth or Auth.js session cookie.
func IsSessionCookie(name string) bool {
	for _, n := range sessionCookieNames {
		if name == n {
			return true
		}
	}
	return false
}

// isTokenCookie keeps cookies worth decoding: session cookies, and anything
// shaped like a JWS or JWE. csrftoken, callback-url and friends are skipped.
func isTokenCookie(c cookie) bool {
	v := strings.TrimSpace(c.value)
	if v == "" {
		return IsSessionCookie(c.name)
	}
	return IsSessionCookie(c.name) || hasTokenDots(v) || strings.HasPrefix(v, "eyJ")
}
