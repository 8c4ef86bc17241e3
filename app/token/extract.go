package token

import (
	"bytes"
	"net/url"
	"strings"
	"unicode"
)

// maxJSONTries bounds how many lines of mixed text may start a JSON body.
const maxJSONTries = 4

// MaxCandidates bounds how many tokens one paste can yield, so a pathological
// paste cannot make the page unresponsive.
const MaxCandidates = 64

// Extraction is everything found in one paste: the token candidates and the
// JSON objects they sat in (a session or login response whose refresh field is
// missing is itself evidence, even when it holds no token).
type Extraction struct {
	Candidates []Candidate
	Objects    []Object
	// CookieHeaders measures each Cookie / Set-Cookie line, for size limits.
	CookieHeaders []CookieHeader

	// The bounds that applied, for findings that say so.

	// InputBytes is the paste's length; AnalysedBytes how much of it was
	// read (less when it is longer than MaxInputBytes, see CutInput).
	InputBytes, AnalysedBytes int
	// JSONTooDeep is set when a JSON document nested deeper than
	// MaxJSONDepth was refused (its lines were searched as plain text).
	JSONTooDeep bool
	// ChunkIndexTooLarge counts cookies named NAME.N with N above
	// MaxChunkIndex, read as cookies of their own; the first one's name is
	// FirstChunkIndexTooLarge.
	ChunkIndexTooLarge      int
	FirstChunkIndexTooLarge string
}

// CookieHeader is the size of one pasted Cookie or Set-Cookie header.
type CookieHeader struct {
	Origin Origin
	Line   int
	// Bytes is the header value's length, as a server counts it.
	Bytes int
	// Largest is the biggest single cookie (name=value) and its size.
	Largest      string
	LargestBytes int
	Count        int
}

// Extract finds every token in text and records where each came from. It
// accepts what developers copy: a bare JWT (quoted, wrapped over lines,
// percent-encoded), an Authorization header, a Cookie or Set-Cookie header,
// DevTools cookie-table rows, a JSON body (alone or after HTTP headers), a URL.
//
// Only the first MaxInputBytes are read (see CutInput); AnalysedBytes says
// how much.
func Extract(text string) Extraction {
	ex, _ := ExtractPaused(text, nil)
	return ex
}

type extractor struct {
	result Extraction
	seen   map[string]bool
	lower  []byte // scanLine's buffer

	// The pause hook (pace.go): called every PauseEveryBytes of the total
	// bytes; err is what it returned to stop the extraction.
	pause            Pause
	total, nextPause int
	err              error
	// base is the offset in the analysed text of the line (or JSON
	// document) being read, so that pauses inside it report progress.
	base int
}

func (ex *extractor) add(value string, src Source) {
	if len(ex.result.Candidates) >= MaxCandidates || value == "" {
		return
	}
	key := string(src.Origin) + "\x00" + src.Name + "\x00" + value
	if ex.seen == nil {
		ex.seen = map[string]bool{}
	}
	if ex.seen[key] {
		return
	}
	ex.seen[key] = true
	ex.result.Candidates = append(ex.result.Candidates, Candidate{Value: value, Source: src})
}

func (ex *extractor) run(text string) {
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return
	}
	unquoted, quoted := stripQuotes(trimmed)
	if ex.tryJSON(unquoted, 1) || ex.err != nil {
		return
	}
	if value, repairs, ok := bareToken(unquoted); ok {
		if quoted {
			repairs = append([]string{"quotes"}, repairs...)
		}
		ex.add(value, Source{Origin: OriginRaw, Line: 1, Repairs: repairs})
		return
	}
	ex.scanLines(text)
}

// tryJSON parses text as one JSON document; reports whether it was one.
func (ex *extractor) tryJSON(text string, line int) bool {
	if text == "" || (text[0] != '{' && text[0] != '[') {
		return false
	}
	if err := ex.readJSON(text, line, true); err != nil {
		ex.noteJSONError(err)
		return false
	}
	return true
}

// Headers are found with plain string search: Go's regexp NFA costs about
// 100 ns a byte with captures, and a pasted Cookie header is kilobytes long.

// headerValue finds `name` (lowercase; matched case-insensitively, at a word
// start) in line, whose ASCII-lowercased head is lower, and returns what
// follows it.
func headerValue(line string, lower []byte, name string) (string, bool) {
	from := 0
	for {
		i := bytes.Index(lower[from:], []byte(name))
		if i < 0 {
			return "", false
		}
		i += from
		if i == 0 || !isNameByte(lower[i-1]) {
			return line[i+len(name):], true
		}
		from = i + len(name)
	}
}

// headerSearchWindow is how far into a line a header name is looked for: far
// enough for a curl command's URL and flags, short of a multi-kilobyte value.
const headerSearchWindow = 1024

// asciiLower lowercases s's ASCII letters into buf (reused from line to
// line: a paste has tens of thousands of lines), so byte offsets stay those
// of s (strings.ToLower can change the length of non-ASCII text).
func asciiLower(buf []byte, s string) []byte {
	buf = append(buf[:0], s...)
	for i, c := range buf {
		if c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	return buf
}

func isNameByte(b byte) bool {
	return b == '-' || b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

// cookieValue cuts what a shell or an HTTP dump wraps around a Cookie
// header value: quotes and a trailing line-continuation backslash.
func cookieValue(v string) string {
	v = strings.TrimSpace(v)
	v = strings.TrimSpace(strings.TrimSuffix(v, "\\"))
	v = strings.Trim(v, `'"`)
	return strings.TrimSpace(v)
}

// bearerToken takes the token after "Bearer ", up to whatever ends it in a
// header, a curl command or JSON.
func bearerToken(v string) string {
	v = strings.TrimLeft(v, " \t")
	end := strings.IndexAny(v, " \t\"'\\,;")
	if end >= 0 {
		v = v[:end]
	}
	return v
}

// scanLines handles mixed text: headers, curl commands, cookie tables, and a
// JSON body following them.
func (ex *extractor) scanLines(text string) {
	jsonTries := 0
	// Lines are sliced out of text one at a time: strings.Split of a
	// 4 MiB paste allocates a slice of every line in one piece of work, and
	// the rest of the paste from a line on is just text[lineStart:].
	for n, lineStart := 1, 0; lineStart <= len(text); n++ {
		line, next := text[lineStart:], len(text)+1
		if end := strings.IndexByte(line, '\n'); end >= 0 {
			line, next = line[:end], lineStart+end+1
		}
		start := lineStart
		lineStart = next
		if ex.stopped(start) {
			return
		}
		ex.base = start
		if ex.scanLine(line, n) {
			continue
		}
		trimmed := strings.TrimSpace(line)
		// Each try parses the rest of the paste: a few tries find a body
		// after headers without going quadratic on a paste of many braces.
		if (strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")) && jsonTries < maxJSONTries {
			jsonTries++
			err := ex.readJSON(strings.TrimSpace(text[start:]), n, false)
			if err == nil || ex.err != nil {
				return
			}
			ex.noteJSONError(err)
		}
		for _, m := range findJWTs(line) {
			ex.add(m, Source{Origin: OriginRaw, Line: n})
		}
	}
}

// scanLine recognises one structured line; reports whether it consumed it.
func (ex *extractor) scanLine(line string, n int) bool {
	ex.lower = asciiLower(ex.lower, line[:min(len(line), headerSearchWindow)])
	lower := ex.lower
	if v, ok := headerValue(line, lower, "set-cookie:"); ok {
		v = strings.TrimSpace(v)
		cookies := parseSetCookie(v)
		ex.measure(OriginSetCookie, n, v, cookies)
		ex.addCookies(cookies, OriginSetCookie, n)
		return true
	}
	for _, name := range []string{"cookie:", "-b ", "--cookie "} {
		if v, ok := headerValue(line, lower, name); ok {
			v = cookieValue(v)
			cookies := parseCookieHeaderPaused(v, ex.stoppedAt)
			ex.measure(OriginCookie, n, v, cookies)
			ex.addCookies(cookies, OriginCookie, n)
			return true
		}
	}
	if v, ok := headerValue(line, lower, "bearer "); ok && bearerToken(v) != "" {
		value, repairs := repairValue(bearerToken(v))
		ex.add(value, Source{Origin: OriginBearer, Line: n, Repairs: repairs})
		return true
	}
	if urls := findURLs(line); len(urls) > 0 && ex.addURLTokens(urls, n) {
		return true
	}
	if cookies, ok := parseCookieTableRow(line); ok {
		ex.addCookies(cookies, OriginCookie, n)
		return true
	}
	if looksLikeCookieList(line) {
		v := strings.TrimSpace(line)
		cookies := parseCookieHeaderPaused(v, ex.stoppedAt)
		ex.measure(OriginCookie, n, v, cookies)
		ex.addCookies(cookies, OriginCookie, n)
		return true
	}
	return false
}

func (ex *extractor) measure(origin Origin, line int, value string, cookies []cookie) {
	h := CookieHeader{Origin: origin, Line: line, Bytes: len(value), Count: len(cookies)}
	for _, c := range cookies {
		if size := len(c.name) + 1 + len(c.value); size > h.LargestBytes {
			h.Largest, h.LargestBytes = c.name, size
		}
	}
	ex.result.CookieHeaders = append(ex.result.CookieHeaders, h)
}

func (ex *extractor) addCookies(cookies []cookie, origin Origin, line int) {
	joined, overflow, first := joinChunks(cookies)
	if overflow > 0 && ex.result.ChunkIndexTooLarge == 0 {
		ex.result.FirstChunkIndexTooLarge = first
	}
	ex.result.ChunkIndexTooLarge += overflow
	for _, c := range joined {
		if !isTokenCookie(c) {
			continue
		}
		if len(ex.result.Candidates) >= MaxCandidates {
			return
		}
		value, repairs := repairValue(c.value)
		src := Source{Origin: origin, Name: c.name, Line: line, Repairs: repairs}
		if j := c.join; j != nil {
			src.Chunks, src.ChunkLengths, src.MissingChunks, src.StaleBare = j.chunks, j.lengths, j.missing, j.staleBare
		}
		ex.add(value, src)
	}
}

// addURLTokens takes token-looking query and fragment parameters.
func (ex *extractor) addURLTokens(raw []string, line int) bool {
	found := false
	for _, r := range raw {
		u, err := url.Parse(r)
		if err != nil {
			continue
		}
		found = ex.addParams(u.RawQuery, OriginQuery, line) || found
		found = ex.addParams(u.Fragment, OriginFragment, line) || found
	}
	return found
}

func (ex *extractor) addParams(raw string, origin Origin, line int) bool {
	values, err := url.ParseQuery(raw)
	if err != nil && len(values) == 0 {
		return false
	}
	found := false
	for _, key := range sortedKeys(values) {
		for _, v := range values[key] {
			if IsTokenKey(key) && strings.Contains(v, ".") || looksLikeJWT(v) {
				ex.add(strings.TrimSpace(v), Source{Origin: origin, Name: key, Line: line})
				found = true
			}
		}
	}
	return found
}

// bareToken reports whether text is nothing but one token, possibly wrapped
// over several lines or percent-encoded, and returns it repaired. Words
// separated by spaces on one line are prose, not a wrapped token.
func bareToken(text string) (string, []string, bool) {
	var repairs []string
	whole := 0
	for line := range strings.SplitSeq(text, "\n") {
		if hasInnerSpace(line) {
			return "", nil, false
		}
		if looksLikeJWT(line) {
			whole++
		}
	}
	if whole > 1 {
		return "", nil, false // one token a line, not one token wrapped
	}
	compact := strings.Join(strings.Fields(text), "")
	if compact != text {
		repairs = append(repairs, "line breaks")
	}
	value, more := repairValue(compact)
	if value == "" || strings.ContainsAny(value, `;:{}[]"'<>,()`) || !strings.Contains(value, ".") {
		return "", nil, false
	}
	if !strings.HasPrefix(value, "eyJ") && (!hasTokenDots(value) || looksLikeCookieList(value)) {
		return "", nil, false
	}
	return value, append(repairs, more...), true
}

// hasInnerSpace reports whether line holds two or more words, without
// splitting it (a pasted line can be megabytes long).
func hasInnerSpace(line string) bool {
	t := strings.TrimSpace(line)
	return strings.IndexFunc(t, unicode.IsSpace) >= 0
}

// repairValue undoes percent-encoding and stray quotes from copy-paste.
func repairValue(v string) (string, []string) {
	var repairs []string
	if u, q := stripQuotes(strings.TrimSpace(v)); q {
		v, repairs = u, append(repairs, "quotes")
	}
	if strings.Contains(v, "%") {
		if dec, err := url.PathUnescape(v); err == nil && dec != v {
			v, repairs = dec, append(repairs, "percent-encoding")
		}
	}
	return v, repairs
}

// stripQuotes removes one pair of matching surrounding quotes or backticks.
func stripQuotes(s string) (string, bool) {
	if len(s) >= 2 {
		first, last := s[0], s[len(s)-1]
		if first == last && (first == '"' || first == '\'' || first == '`') {
			return strings.TrimSpace(s[1 : len(s)-1]), true
		}
	}
	return s, false
}

func normalizeNewlines(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// hasTokenDots reports the JWS (2 dots) or JWE (4 dots) shape.
func hasTokenDots(s string) bool {
	n := strings.Count(s, ".")
	return n == 2 || n == 4
}

// LooksLikeJWT reports whether a whole value has a JWS or JWE's shape: the
// rule JSON extraction applies to string fields.
func LooksLikeJWT(s string) bool { return looksLikeJWT(s) }

// looksLikeJWT is the cheap test used on arbitrary values: a base64url JSON
// header ("eyJ" is `{"`) and the JWS or JWE dot count.
func looksLikeJWT(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), "eyJ") && hasTokenDots(strings.TrimSpace(s))
}
