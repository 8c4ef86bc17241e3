package diagnose

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The log line recognisers, one a pattern. They were regular expressions;
// package regexp (regexp/syntax and the unicode tables it keeps) cost app.wasm
// about 200 KB gzip, more than the size budget allowed. Each recogniser says
// in its comment the expression it replaces, and agrees with it on every
// input: logscan_oracle_test.go keeps the expressions and fuzzes the two
// against each other. Go's RE2 classes are ASCII: \s is [\t\n\f\r ], \w is
// [0-9A-Za-z_] (isWordByte; \b holds between a word byte and any other),
// \d is [0-9] (isDigit), and . is any character but \n.

// isLogSpace is RE2's \s.
func isLogSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// skipLogSpace returns the index after the run of \s starting at i.
func skipLogSpace(s string, i int) int {
	for i < len(s) && isLogSpace(s[i]) {
		i++
	}
	return i
}

// span returns the index after the run of bytes in starting at i.
func span(s string, i int, in func(byte) bool) int {
	for i < len(s) && in(s[i]) {
		i++
	}
	return i
}

// restOfLine is `\s*(.*)$` at i: the text after the spaces, when no line
// break follows it (. stops at \n, $ is the end of the text).
func restOfLine(s string, i int, lastNL int) (string, bool) {
	i = skipLogSpace(s, i)
	if lastNL >= i {
		return "", false
	}
	return s[i:], true
}

// stripANSIEscapes removes the CSI sequences terminals colour with:
// `\x1b\[[0-9;?]*[ -/]*[@-~]`. A lone ESC or an unfinished sequence stays.
func stripANSIEscapes(line string) string {
	i := strings.IndexByte(line, 0x1b)
	if i < 0 {
		return line
	}
	var b strings.Builder
	b.Grow(len(line))
	for i >= 0 {
		end := ansiEscapeEnd(line, i)
		if end < 0 {
			b.WriteString(line[:i+1])
		} else {
			b.WriteString(line[:i])
		}
		if end < 0 {
			end = i + 1
		}
		line = line[end:]
		i = strings.IndexByte(line, 0x1b)
	}
	b.WriteString(line)
	return b.String()
}

// ansiEscapeEnd returns the end of the CSI sequence at i, or -1: ESC [, the
// parameter bytes [0-9;?], the intermediate bytes [ -/], one final byte
// [@-~]. The three classes are disjoint, so the longest runs are the match.
func ansiEscapeEnd(s string, i int) int {
	if i+1 >= len(s) || s[i] != 0x1b || s[i+1] != '[' {
		return -1
	}
	j := span(s, i+2, func(c byte) bool { return c >= '0' && c <= '9' || c == ';' || c == '?' })
	j = span(s, j, func(c byte) bool { return c >= ' ' && c <= '/' })
	if j < len(s) && s[j] >= '@' && s[j] <= '~' {
		return j + 1
	}
	return -1
}

// runnerPrefixLen is the length of the prefix that turborepo, nx, pnpm -r
// and docker compose put in front of each line ("web:dev: ",
// "@app/web:start: ", "web-1  | "), or 0:
// `^(?:[@A-Za-z0-9_./-]+:[A-Za-z0-9_-]+:\s|[A-Za-z0-9_.-]+\s+\|\s)`.
func runnerPrefixLen(line string) int {
	// "package:task: "
	if i := span(line, 0, func(c byte) bool { return isAlnum(c) || strings.IndexByte("@_./-", c) >= 0 }); i > 0 && i < len(line) && line[i] == ':' {
		j := span(line, i+1, func(c byte) bool { return isAlnum(c) || c == '_' || c == '-' })
		if j > i+1 && j+1 < len(line) && line[j] == ':' && isLogSpace(line[j+1]) {
			return j + 2
		}
	}
	// "service-1  | "
	if i := span(line, 0, func(c byte) bool { return isAlnum(c) || c == '_' || c == '.' || c == '-' }); i > 0 {
		j := skipLogSpace(line, i)
		if j > i && j+1 < len(line) && line[j] == '|' && isLogSpace(line[j+1]) {
			return j + 2
		}
	}
	return 0
}

// isLogIdent is [A-Za-z0-9_] (RE2's \w, isWordByte), the bytes of a
// logger's error code.
func isLogIdent(c byte) bool { return isWordByte(c) }

// matchNextAuthLine reads next-auth v4's logger prefix,
// "[next-auth][error][JWT_SESSION_ERROR]":
// `\[next-auth\]\[(error|warn)\]\[([A-Za-z0-9_]+)\]`.
func matchNextAuthLine(line string) (level, code string, ok bool) {
	const marker = "[next-auth]["
	for off := 0; ; {
		k := strings.Index(line[off:], marker)
		if k < 0 {
			return "", "", false
		}
		i := off + k + len(marker)
		off += k + 1 // markers may overlap: "[auth][auth][error]"
		lvl, n := logLevel(line[i:])
		if n == 0 || i+n >= len(line) || line[i+n] != '[' {
			continue
		}
		start := i + n + 1
		end := span(line, start, isLogIdent)
		if end > start && end < len(line) && line[end] == ']' {
			return lvl, line[start:end], true
		}
	}
}

// logLevel reads "error]" or "warn]" and returns the level and the bytes read.
func logLevel(s string) (string, int) {
	switch {
	case strings.HasPrefix(s, "error]"):
		return "error", len("error]")
	case strings.HasPrefix(s, "warn]"):
		return "warn", len("warn]")
	}
	return "", 0
}

// matchNextAuthErrorsURL reads the line next-auth prints after its prefix,
// "https://next-auth.js.org/errors#jwt_session_error MESSAGE {":
// `https://next-auth\.js\.org/errors#([a-z0-9_]+)\s*(.*)$`.
func matchNextAuthErrorsURL(line string) (code, message string, ok bool) {
	const marker = "https://next-auth.js.org/errors#"
	lastNL := strings.LastIndexByte(line, '\n')
	for off := 0; ; {
		k := strings.Index(line[off:], marker)
		if k < 0 {
			return "", "", false
		}
		start := off + k + len(marker)
		off += k + 1
		end := span(line, start, func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' })
		if end == start {
			continue
		}
		if rest, ok := restOfLine(line, end, lastNL); ok {
			return line[start:end], rest, true
		}
	}
}

// matchAuthJSLine reads @auth/core's logger prefix, "[auth][error]
// JWTSessionError: ..." or, in older betas, "[auth][error][JWTSessionError]:":
// `\[auth\]\[(error|warn)\]\s*(?:\[([A-Za-z0-9_]+)\]:?|([A-Za-z0-9_]+)\b)`.
func matchAuthJSLine(line string) (level, typ string, ok bool) {
	const marker = "[auth]["
	for off := 0; ; {
		k := strings.Index(line[off:], marker)
		if k < 0 {
			return "", "", false
		}
		i := off + k + len(marker)
		off += k + 1 // markers may overlap: "[auth][auth][error]"
		lvl, n := logLevel(line[i:])
		if n == 0 {
			continue
		}
		start := skipLogSpace(line, i+n)
		bracketed := start < len(line) && line[start] == '['
		if bracketed {
			start++
		}
		end := span(line, start, isLogIdent)
		if end == start || bracketed && (end == len(line) || line[end] != ']') {
			continue
		}
		return lvl, line[start:end], true
	}
}

// matchAuthJSCause reads "[auth][cause]: JWEDecryptionFailed: ...":
// `\[auth\]\[cause\]:\s*(.*)$`.
func matchAuthJSCause(line string) (string, bool) {
	const marker = "[auth][cause]:"
	lastNL := strings.LastIndexByte(line, '\n')
	for off := 0; ; {
		k := strings.Index(line[off:], marker)
		if k < 0 {
			return "", false
		}
		off += k + 1
		if rest, ok := restOfLine(line, off-1+len(marker), lastNL); ok {
			return rest, true
		}
	}
}

// matchBackendRefreshFailed reads the guide's jwt callback line, "Backend
// refresh failed with status 401 {body}":
// `Backend refresh failed with status (\d{3})\s*(.*)$`.
func matchBackendRefreshFailed(line string) (status, body string, ok bool) {
	const marker = "Backend refresh failed with status "
	lastNL := strings.LastIndexByte(line, '\n')
	for off := 0; ; {
		k := strings.Index(line[off:], marker)
		if k < 0 {
			return "", "", false
		}
		i := off + k + len(marker)
		off += k + 1
		if !threeDigits(line, i) {
			continue
		}
		if rest, ok := restOfLine(line, i+3, lastNL); ok {
			return line[i : i+3], rest, true
		}
	}
}

// threeDigits says s[i:i+3] is \d{3}.
func threeDigits(s string, i int) bool {
	return i+3 <= len(s) && isDigit(s[i]) && isDigit(s[i+1]) && isDigit(s[i+2])
}

// matchDjangoRefused reads Django's request logger, "Unauthorized:
// /api/token/refresh/" (and "Forbidden: PATH"):
// `\b(Unauthorized|Forbidden): (/\S*)`.
func matchDjangoRefused(line string) (reason, path string, ok bool) {
	// next finds the next occurrence of a phrase at or after off; each
	// phrase's position is kept until passed, so the scan stays linear.
	next := func(phrase string, pos, off int) int {
		if pos >= off || pos == -1 {
			return pos
		}
		if k := strings.Index(line[off:], phrase); k >= 0 {
			return off + k
		}
		return -1
	}
	const unauthorized, forbidden = "Unauthorized: /", "Forbidden: /"
	u, f := -2, -2 // -2: not searched yet, -1: none left
	for off := 0; ; {
		u, f = next(unauthorized, u, off), next(forbidden, f, off)
		var i int
		switch {
		case u < 0 && f < 0:
			return "", "", false
		case f < 0 || u >= 0 && u < f:
			i, reason = u, "Unauthorized"
		default:
			i, reason = f, "Forbidden"
		}
		off = i + 1
		if i > 0 && isWordByte(line[i-1]) {
			continue
		}
		start := i + len(reason) + len(": ")
		end := span(line, start+1, func(c byte) bool { return !isLogSpace(c) })
		return reason, line[start:end], true
	}
}

// matchDjangoAccess reads runserver's access line, `[30/Nov/2026 07:11:03]
// "POST /api/token/refresh/ HTTP/1.1" 401 58`:
// `\[[^\]]+\] "([A-Z]+) (\S+) HTTP/[0-9.]+" (\d{3}) \d+`.
func matchDjangoAccess(line string) (method, path, status string, ok bool) {
	// Every '[' before the same ']' leads to the same request part, so
	// each ']' is tried once: linear in the line.
	tried := -1
	for i := strings.IndexByte(line, '['); i >= 0; {
		close := tried
		if close <= i {
			j := strings.IndexByte(line[i+1:], ']')
			if j < 0 {
				return "", "", "", false
			}
			close = i + 1 + j
		}
		if close > i+1 && close != tried {
			tried = close
			if method, path, status, ok = djangoRequest(line, close+1); ok {
				return method, path, status, true
			}
		}
		next := strings.IndexByte(line[i+1:], '[')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return "", "", "", false
}

// djangoRequest is ` "([A-Z]+) (\S+) HTTP/[0-9.]+" (\d{3}) \d+` at i.
func djangoRequest(s string, i int) (method, path, status string, ok bool) {
	if !strings.HasPrefix(s[i:], ` "`) {
		return
	}
	m := i + 2
	p := span(s, m, func(c byte) bool { return c >= 'A' && c <= 'Z' })
	if p == m || p >= len(s) || s[p] != ' ' {
		return
	}
	p++
	q := span(s, p, func(c byte) bool { return !isLogSpace(c) })
	if q == p || !strings.HasPrefix(s[q:], " HTTP/") {
		return
	}
	v := q + len(" HTTP/")
	w := span(s, v, func(c byte) bool { return isDigit(c) || c == '.' })
	if w == v || !strings.HasPrefix(s[w:], `" `) || !threeDigits(s, w+2) {
		return
	}
	st := w + 2
	if st+4 >= len(s) || s[st+3] != ' ' || !isDigit(s[st+4]) {
		return
	}
	return s[m : p-1], s[p:q], s[st : st+3], true
}

// decryptionFailurePhrases are what jose and next-auth say when a session
// cookie does not open with the secret: the session secret or salt.
var decryptionFailurePhrases = []string{"decryption operation failed", "no matching decryption secret", "JWEDecryptionFailed", "JWEInvalid"}

// mentionsDecryptionFailure says text names a decryption failure, in any
// case: `(?i)decryption operation failed|no matching decryption secret|JWEDecryptionFailed|JWEInvalid`.
func mentionsDecryptionFailure(text string) bool {
	for _, p := range decryptionFailurePhrases {
		if containsFold(text, p) {
			return true
		}
	}
	return false
}

// containsFold says text holds ascii (an ASCII phrase) under Unicode simple
// case folding, as (?i) matches: "ſ" (U+017F) is an "s" and "K" (U+212A)
// a "k".
func containsFold(text, ascii string) bool {
	if ascii == "" {
		return true
	}
	first := ascii[0] | 0x20 // the phrases start with a letter
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf && c|0x20 != first {
			i++
			continue
		}
		if hasPrefixFold(text[i:], ascii) {
			return true
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	return false
}

// hasPrefixFold says s starts with ascii under simple case folding.
func hasPrefixFold(s, ascii string) bool {
	for k := 0; k < len(ascii); k++ {
		if s == "" {
			return false
		}
		r, n := utf8.DecodeRuneInString(s)
		if !equalFoldRune(r, rune(ascii[k])) {
			return false
		}
		s = s[n:]
	}
	return true
}

// equalFoldRune says r folds to the ASCII rune a.
func equalFoldRune(r, a rune) bool {
	if r == a {
		return true
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if r == f {
			return true
		}
	}
	return false
}
