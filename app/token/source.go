package token

import (
	"strconv"
	"strings"
)

// Origin says what kind of text a token was found in.
type Origin string

// Origins a candidate can come from.
const (
	OriginRaw       Origin = "raw"        // a bare token, possibly wrapped in quotes or lines
	OriginBearer    Origin = "bearer"     // Authorization: Bearer <token>
	OriginCookie    Origin = "cookie"     // a Cookie header or DevTools cookie table row
	OriginSetCookie Origin = "set-cookie" // a single Set-Cookie line
	OriginJSON      Origin = "json"       // a string field of a JSON document
	OriginQuery     Origin = "url-query"  // ?access_token=...
	OriginFragment  Origin = "url-fragment"
)

// Source records where a candidate came from, precisely enough that the user
// can find it again: the cookie name, the JSON path, the query key.
type Source struct {
	Origin Origin
	// Name is the cookie name, the JSON path (user.backendRefresh) or the URL
	// parameter; empty for raw and bearer tokens.
	Name string
	// Line is the 1-based line of the pasted text where it started; 0 if unknown.
	Line int
	// Chunks lists the cookie names joined to build the value (NAME.0, NAME.1, ...),
	// in the order they were joined. Empty when the cookie was not chunked.
	Chunks []string
	// ChunkLengths are the lengths of Chunks' values, in the same order.
	ChunkLengths []int
	// MissingChunks lists the runs of chunk indexes absent between 0 and the
	// highest seen (at most one run per chunk present).
	MissingChunks []ChunkRange
	// StaleBare is set when an unchunked NAME cookie sat beside NAME.0, NAME.1...:
	// NextAuth joins every cookie starting with NAME, so this corrupts the value.
	StaleBare bool
	// Repairs lists what was undone from copy-paste: "quotes", "line breaks",
	// "percent-encoding", "whitespace".
	Repairs []string
}

// MissingChunkCount is how many chunk indexes are absent.
func (s Source) MissingChunkCount() int {
	n := 0
	for _, r := range s.MissingChunks {
		n += r.Len()
	}
	return n
}

// Describe is a short human label: `cookie next-auth.session-token (2 chunks)`.
func (s Source) Describe() string {
	var b strings.Builder
	switch s.Origin {
	case OriginRaw:
		b.WriteString("pasted token")
	case OriginBearer:
		b.WriteString("Authorization: Bearer header")
	case OriginCookie:
		b.WriteString("cookie " + s.Name)
	case OriginSetCookie:
		b.WriteString("Set-Cookie " + s.Name)
	case OriginJSON:
		b.WriteString("JSON field " + s.Name)
	case OriginQuery:
		b.WriteString("URL query parameter " + s.Name)
	case OriginFragment:
		b.WriteString("URL fragment parameter " + s.Name)
	default:
		b.WriteString(string(s.Origin))
	}
	if n := len(s.Chunks); n > 0 {
		b.WriteString(" (" + strconv.Itoa(n) + " chunks joined)")
	}
	return b.String()
}

// LeafName is the last element of Name: "backendRefresh" for
// "user.backendRefresh", the cookie name for a cookie.
func (s Source) LeafName() string {
	name := s.Name
	if i := strings.LastIndexAny(name, ".["); i >= 0 && s.Origin == OriginJSON {
		name = strings.TrimSuffix(name[i+1:], "]")
	}
	return name
}

// Candidate is one token-looking value and where it came from.
type Candidate struct {
	Value  string
	Source Source
}

// Chunk sizes: a value longer than this is split, and every chunk but the
// last has exactly this length (next-auth/core/lib/cookie.js: 4096 − 163;
// @auth/core/lib/utils/cookie.js: 4096 − 160).
const (
	ChunkSizeNextAuthV4 = 3933
	ChunkSizeAuthJS     = 3936
)

// ChunkProblems explains chunk sets NextAuth cannot have written: a bare
// cookie beside chunks, a gap, a lone first chunk, or a short chunk followed
// by more (a leftover from an earlier, larger session).
func (s Source) ChunkProblems() []string {
	var out []string
	if s.StaleBare {
		out = append(out, "a stale unchunked "+s.Name+" cookie sits beside the chunks, and NextAuth joins it in")
	}
	for _, r := range s.MissingChunks {
		if r.Len() == 1 {
			out = append(out, s.Name+"."+strconv.Itoa(r.From)+" is missing")
			continue
		}
		out = append(out, s.Name+"."+strconv.Itoa(r.From)+".."+strconv.Itoa(r.To)+" are missing: "+strconv.Itoa(r.Len())+" chunks")
	}
	switch n := len(s.ChunkLengths); {
	case n == 1:
		out = append(out, "only "+s.Chunks[0]+" is present: NextAuth writes chunks only for values longer than one chunk, so a later chunk is missing")
	case n > 1:
		for i, l := range s.ChunkLengths[:n-1] {
			if l != ChunkSizeNextAuthV4 && l != ChunkSizeAuthJS {
				out = append(out, s.Chunks[i]+" holds "+strconv.Itoa(l)+" characters yet more chunks follow (a full chunk holds 3933 for NextAuth v4, 3936 for Auth.js): the later chunks are left over from an earlier, larger session")
				break
			}
		}
	}
	return out
}
