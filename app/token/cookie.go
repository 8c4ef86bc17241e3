package token

import (
	"sort"
	"strings"
)

// cookie is one name=value pair, or after joinChunks one logical cookie
// rebuilt from NAME.0, NAME.1, ... chunks. It stays small: a pasted header
// can hold tens of thousands of cookies, and only joined ones carry more.
type cookie struct {
	name  string
	value string
	join  *chunkJoin // nil unless joined from chunks
}

// chunkJoin says how a cookie was rebuilt from chunks.
type chunkJoin struct {
	chunks    []string // the chunk cookies' names, as pasted, in join order
	lengths   []int
	missing   []ChunkRange
	staleBare bool
}

// MaxChunkIndex is the highest NAME.N suffix read as a chunk of NAME.
// NextAuth splits a value into chunks of about 3.9 KB, and servers refuse
// request headers past 8 to 16 KB, so a real session has a handful; a
// larger N is read as a cookie of its own (Extraction.ChunkIndexTooLarge
// counts them), which keeps reassembly's work bounded by the paste.
const MaxChunkIndex = 63

// ChunkRange is a run of chunk indexes, From to To inclusive.
type ChunkRange struct{ From, To int }

// Len is how many indexes the range holds.
func (r ChunkRange) Len() int { return r.To - r.From + 1 }

// parseCookieHeader splits `a=1; b=2` (the Cookie request header value).
func parseCookieHeader(header string) []cookie {
	return parseCookieHeaderPaused(header, nil)
}

// parseCookieHeaderPaused is parseCookieHeader asking stop, when not nil,
// after each cookie whether to stop (a header can be megabytes of cookies);
// stop is given how many bytes of header were read.
func parseCookieHeaderPaused(header string, stop func(read int) bool) []cookie {
	out := make([]cookie, 0, strings.Count(header, ";")+1)
	for rest, more := header, true; more; {
		if stop != nil && stop(len(header)-len(rest)) {
			return out
		}
		var part string
		part, rest, more = strings.Cut(rest, ";")
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
	if !strings.Contains(line, "\t") {
		return nil, false
	}
	fields := strings.SplitN(strings.TrimSpace(line), "\t", 3)
	if len(fields) < 2 || !isCookieName(fields[0]) {
		return nil, false
	}
	return []cookie{{name: fields[0], value: strings.TrimSpace(fields[1])}}, true
}

// looksLikeCookieList reports whether a line is `name=value(; name=value)*`,
// the value of a Cookie header copied without its name.
func looksLikeCookieList(line string) bool {
	seen := 0
	for rest, more := strings.TrimSpace(line), true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ";")
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
// the server sees. Unchunked cookies pass through unchanged, and so do names
// whose suffix is above MaxChunkIndex; the second result counts those, the
// third names the first of them.
func joinChunks(cookies []cookie) ([]cookie, int, string) {
	type group struct {
		parts map[int]cookie
		order int
	}
	overflow, firstOverflow, chunked := 0, "", false
	for _, c := range cookies {
		if _, idx, ok := splitChunkName(c.name); ok && idx > MaxChunkIndex {
			if overflow == 0 {
				firstOverflow = c.name
			}
			overflow++
		} else if ok {
			chunked = true
		}
	}
	if !chunked {
		return cookies, overflow, firstOverflow
	}
	groups := map[string]*group{}
	out := make([]cookie, 0, len(cookies))
	for _, c := range cookies {
		base, idx, ok := splitChunkName(c.name)
		if !ok || idx > MaxChunkIndex {
			out = append(out, c)
			continue
		}
		g := groups[base]
		if g == nil {
			g = &group{parts: map[int]cookie{}, order: len(out)}
			groups[base] = g
			out = append(out, cookie{name: base})
		}
		g.parts[idx] = c
	}
	if len(groups) == 0 {
		return out, overflow, firstOverflow
	}
	stale := map[string]bool{}
	for i, c := range out {
		if g := groups[c.name]; g != nil && i != g.order {
			stale[c.name] = true
			out[i].name = "" // the stale value is reported on the joined cookie
		}
	}
	for base, g := range groups {
		joined := assemble(base, g.parts)
		joined.join.staleBare = stale[base]
		out[g.order] = joined
	}
	return compactCookies(out), overflow, firstOverflow
}

// assemble joins the chunks in index order. Gaps are recorded as ranges, so
// the work is that of the chunks present, whatever their indexes.
func assemble(base string, parts map[int]cookie) cookie {
	idx := make([]int, 0, len(parts))
	for i := range parts {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	j := &chunkJoin{chunks: make([]string, 0, len(idx)), lengths: make([]int, 0, len(idx))}
	var b strings.Builder
	next := 0
	for _, i := range idx {
		if next < i {
			j.missing = append(j.missing, ChunkRange{From: next, To: i - 1})
		}
		next = i + 1
		b.WriteString(parts[i].value)
		j.chunks = append(j.chunks, parts[i].name)
		j.lengths = append(j.lengths, len(parts[i].value))
	}
	return cookie{name: base, value: b.String(), join: j}
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

// SessionCookieNames are the cookies NextAuth (v4) and Auth.js keep
// sessions in, plain and with the __Secure- prefix they use on https. The
// page offers them as the name of a bare pasted session token, since
// Auth.js derives its key from it.
func SessionCookieNames() []string {
	return append([]string(nil), sessionCookieNames...)
}

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
