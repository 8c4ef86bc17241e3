package probe

import "strings"

// The backend field's recognisers, one a pattern. They were regular
// expressions; package regexp cost app.wasm about 200 KB gzip, more than the
// size budget allowed. Each says in its comment the expression it replaces
// and agrees with it on every input: target_oracle_test.go keeps the
// expressions and fuzzes the two against each other. RE2's classes are
// ASCII: \s is [\t\n\f\r ], \w is [0-9A-Za-z_], and . is any character but
// \n. Every run below is the longest one: where an expression's greedy run
// could give bytes back, the byte after it would still not fit what follows.

func isSpaceRE(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

func isWord(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

// runOf returns the index after the run of bytes in starting at i.
func runOf(s string, i int, in func(byte) bool) int {
	for i < len(s) && in(s[i]) {
		i++
	}
	return i
}

func skipSpace(s string, i int) int { return runOf(s, i, isSpaceRE) }

// matchTemplate reads a field that starts with a variable:
// ${process.env.BACKEND_URL}/rest, ${API_URL}, {{BASE}}, $API. It returns
// the variable's expression and the rest of the field, which must be one
// line:
// `^(?:\$\{\s*([A-Za-z_$][\w$.]*)\s*\}|\{\{\s*([A-Za-z_][\w.]*)\s*\}\}|\$([A-Za-z_]\w*))(.*)$`.
func matchTemplate(s string) (expr, rest string, ok bool) {
	var start, end, after int
	switch {
	case strings.HasPrefix(s, "${"): // ${ expr }
		start = skipSpace(s, 2)
		if start == len(s) || !(isLetter(s[start]) || s[start] == '_' || s[start] == '$') {
			return "", "", false
		}
		end = runOf(s, start+1, func(c byte) bool { return isWord(c) || c == '$' || c == '.' })
		after = skipSpace(s, end)
		if after == len(s) || s[after] != '}' {
			return "", "", false
		}
		after++
	case strings.HasPrefix(s, "{{"): // {{ expr }}
		start = skipSpace(s, 2)
		if start == len(s) || !(isLetter(s[start]) || s[start] == '_') {
			return "", "", false
		}
		end = runOf(s, start+1, func(c byte) bool { return isWord(c) || c == '.' })
		after = skipSpace(s, end)
		if !strings.HasPrefix(s[after:], "}}") {
			return "", "", false
		}
		after += 2
	case strings.HasPrefix(s, "$"): // $NAME
		start = 1
		if start == len(s) || !(isLetter(s[start]) || s[start] == '_') {
			return "", "", false
		}
		end = runOf(s, start+1, isWord)
		after = end
	default:
		return "", "", false
	}
	if strings.IndexByte(s[after:], '\n') >= 0 {
		return "", "", false
	}
	return s[start:end], s[after:], true
}

// matchConcat reads an expression plus a string literal at the start of s,
// process.env.BACKEND_URL + "/api/token/refresh/", and returns the length
// read, the expression and the literal's content:
// `^([A-Za-z_$][\w$.]*)\s*\+\s*(?:"([^"]*)"|'([^']*)'|` + "`([^`]*)`)".
func matchConcat(s string) (n int, expr, literal string, ok bool) {
	if s == "" || !(isLetter(s[0]) || s[0] == '_' || s[0] == '$') {
		return 0, "", "", false
	}
	end := runOf(s, 1, func(c byte) bool { return isWord(c) || c == '$' || c == '.' })
	i := skipSpace(s, end)
	if i == len(s) || s[i] != '+' {
		return 0, "", "", false
	}
	i = skipSpace(s, i+1)
	if i == len(s) || (s[i] != '"' && s[i] != '\'' && s[i] != '`') {
		return 0, "", "", false
	}
	close := strings.IndexByte(s[i+1:], s[i])
	if close < 0 {
		return 0, "", "", false
	}
	return i + 1 + close + 1, s[:end], s[i+1 : i+1+close], true
}

// callArgStart finds the first fetch or axios call and returns where its
// first argument starts (after the parenthesis and any spaces):
// `\b(?:fetch|axios(?:\.(?:post|request))?)\s*\(\s*`.
func callArgStart(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != 'f' && s[i] != 'a' || i > 0 && isWord(s[i-1]) {
			continue
		}
		var names []string
		switch {
		case strings.HasPrefix(s[i:], "fetch"):
			names = []string{"fetch"}
		case strings.HasPrefix(s[i:], "axios"):
			names = []string{"axios.post", "axios.request", "axios"}
		}
		for _, name := range names {
			if !strings.HasPrefix(s[i:], name) {
				continue
			}
			j := skipSpace(s, i+len(name))
			if j < len(s) && s[j] == '(' {
				return skipSpace(s, j+1), true
			}
		}
	}
	return 0, false
}

// urlScheme is the scheme at the start of s with its colon ("https:",
// "javascript:"), or "": `^[A-Za-z][A-Za-z0-9+.-]*:`.
func urlScheme(s string) string {
	if s == "" || !isLetter(s[0]) {
		return ""
	}
	end := runOf(s, 1, func(c byte) bool {
		return isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-'
	})
	if end < len(s) && s[end] == ':' {
		return s[:end+1]
	}
	return ""
}

// hasRefreshField says a JSON, JS or form body has a refresh field
// ({"refresh": …}, {refresh: …}, refresh=…, {refresh}):
// `(?:^|[{,&\s"'])refresh["']?\s*[:=,}]`.
func hasRefreshField(body string) bool {
	const name = "refresh"
	for off := 0; ; {
		k := strings.Index(body[off:], name)
		if k < 0 {
			return false
		}
		p := off + k
		off = p + 1
		if p > 0 && !isSpaceRE(body[p-1]) && strings.IndexByte(`{,&"'`, body[p-1]) < 0 {
			continue
		}
		i := p + len(name)
		if i < len(body) && (body[i] == '"' || body[i] == '\'') {
			i++
		}
		i = skipSpace(body, i)
		if i < len(body) && strings.IndexByte(":=,}", body[i]) >= 0 {
			return true
		}
	}
}

// callMethod reads a fetch option's method ("method: 'POST'"):
// `\bmethod\s*:\s*["'` + "`" + `]([A-Za-z]+)`.
func callMethod(s string) (string, bool) {
	const name = "method"
	for off := 0; ; {
		k := strings.Index(s[off:], name)
		if k < 0 {
			return "", false
		}
		p := off + k
		off = p + 1
		if p > 0 && isWord(s[p-1]) {
			continue
		}
		i := skipSpace(s, p+len(name))
		if i == len(s) || s[i] != ':' {
			continue
		}
		i = skipSpace(s, i+1)
		if i == len(s) || strings.IndexByte("\"'`", s[i]) < 0 {
			continue
		}
		end := runOf(s, i+1, isLetter)
		if end > i+1 {
			return s[i+1 : end], true
		}
	}
}
