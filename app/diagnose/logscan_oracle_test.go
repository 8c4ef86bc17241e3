package diagnose

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tokenscope/e2e/harfixtures"
)

// The regular expressions the log recognisers replaced (logscan_match.go),
// kept here as the oracle: the recognisers must give exactly what these
// gave, on the recorded logs and on whatever the fuzzer makes of them.
var (
	oracleANSIEscape     = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)
	oracleRunnerPrefix   = regexp.MustCompile(`^(?:[@A-Za-z0-9_./-]+:[A-Za-z0-9_-]+:\s|[A-Za-z0-9_.-]+\s+\|\s)`)
	oracleNextAuthLine   = regexp.MustCompile(`\[next-auth\]\[(error|warn)\]\[([A-Za-z0-9_]+)\]`)
	oracleNextAuthURL    = regexp.MustCompile(`https://next-auth\.js\.org/errors#([a-z0-9_]+)\s*(.*)$`)
	oracleAuthJSLine     = regexp.MustCompile(`\[auth\]\[(error|warn)\]\s*(?:\[([A-Za-z0-9_]+)\]:?|([A-Za-z0-9_]+)\b)`)
	oracleAuthJSCause    = regexp.MustCompile(`\[auth\]\[cause\]:\s*(.*)$`)
	oracleBackendFailed  = regexp.MustCompile(`Backend refresh failed with status (\d{3})\s*(.*)$`)
	oracleDjangoUnauth   = regexp.MustCompile(`\b(Unauthorized|Forbidden): (/\S*)`)
	oracleDjangoAccess   = regexp.MustCompile(`\[[^\]]+\] "([A-Z]+) (\S+) HTTP/[0-9.]+" (\d{3}) \d+`)
	oracleDecryptFailure = regexp.MustCompile(`(?i)decryption operation failed|no matching decryption secret|JWEDecryptionFailed|JWEInvalid`)
)

// submatch is FindStringSubmatch's groups (without the whole match), or
// nil: the shape both sides are compared in.
func submatch(re *regexp.Regexp, s string) []string {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	return m[1:]
}

func some(ok bool, groups ...string) []string {
	if !ok {
		return nil
	}
	return groups
}

// checkLogRecognisers compares every recogniser with its expression on s.
func checkLogRecognisers(t *testing.T, s string) {
	t.Helper()
	same := func(name string, got, want []string) {
		t.Helper()
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") || (got == nil) != (want == nil) {
			t.Errorf("%s(%q) = %q, the expression gives %q", name, s, got, want)
		}
	}
	if got, want := stripANSIEscapes(s), oracleANSIEscape.ReplaceAllString(s, ""); got != want {
		t.Errorf("stripANSIEscapes(%q) = %q, the expression gives %q", s, got, want)
	}
	if got, want := s[runnerPrefixLen(s):], oracleRunnerPrefix.ReplaceAllString(s, ""); got != want {
		t.Errorf("runnerPrefixLen(%q) leaves %q, the expression leaves %q", s, got, want)
	}
	want := oracleRunnerPrefix.ReplaceAllString(oracleANSIEscape.ReplaceAllString(strings.TrimRight(s, "\r"), ""), "")
	if got := cleanLogLine(s); got != want {
		t.Errorf("cleanLogLine(%q) = %q, the expressions give %q", s, got, want)
	}

	level, code, ok := matchNextAuthLine(s)
	same("matchNextAuthLine", some(ok, level, code), submatch(oracleNextAuthLine, s))
	code, message, ok := matchNextAuthErrorsURL(s)
	same("matchNextAuthErrorsURL", some(ok, code, message), submatch(oracleNextAuthURL, s))

	level, typ, ok := matchAuthJSLine(s)
	var wantAuthJS []string
	if m := submatch(oracleAuthJSLine, s); m != nil {
		wantAuthJS = []string{m[0], m[1] + m[2]} // one of the two is empty
	}
	same("matchAuthJSLine", some(ok, level, typ), wantAuthJS)
	cause, ok := matchAuthJSCause(s)
	same("matchAuthJSCause", some(ok, cause), submatch(oracleAuthJSCause, s))

	status, body, ok := matchBackendRefreshFailed(s)
	same("matchBackendRefreshFailed", some(ok, status, body), submatch(oracleBackendFailed, s))
	reason, path, ok := matchDjangoRefused(s)
	same("matchDjangoRefused", some(ok, reason, path), submatch(oracleDjangoUnauth, s))
	method, path, status, ok := matchDjangoAccess(s)
	same("matchDjangoAccess", some(ok, method, path, status), submatch(oracleDjangoAccess, s))

	if got, want := mentionsDecryptionFailure(s), oracleDecryptFailure.MatchString(s); got != want {
		t.Errorf("mentionsDecryptionFailure(%q) = %v, the expression gives %v", s, got, want)
	}
}

// logRecogniserCases are the edges of each expression: where greedy runs,
// alternatives, anchors, \b, \s and (?i) decide.
var logRecogniserCases = []string{
	"",
	"\x1b[31m[auth][error]\x1b[0m JWTSessionError",
	"\x1b", "\x1b[", "\x1b[31", "\x1b[31;1", "\x1b[?25l", "\x1b[1 q", "\x1b[ !@", "\x1b[31\x1b[0m", "a\x1b\x1b[0mb", "\x1b[\x80m", "\x1b[3;",
	"web:dev: x", "@app/web:start: x", "web-1  | x", "web-1 |x", "web-1\t|\tx", "web:dev:x", ":dev: x", "web:: x", "a:b:c: x",
	"web-1 | ", "web.1 \n| x", "web:dev:\nx", "web/x-1 | y", "web:dev: \x1b[31m", "\x1b[0mweb:dev: x",
	"[next-auth][error][JWT_SESSION_ERROR] ", "[next-auth][warn][NO_SECRET]", "[next-auth][debug][X]", "[next-auth][error][]",
	"[next-auth][error][X", "[next-auth][error]x [next-auth][warn][Y]", "[next-auth][next-auth][error][Z]", "[next-auth][error][A-B]",
	"https://next-auth.js.org/errors#jwt_session_error no matching decryption secret {",
	"https://next-auth.js.org/errors#", "https://next-auth.js.org/errors#A", "https://next-auth.js.org/errors#code\nfoo",
	"https://next-auth.js.org/errors#code\n\nfoo\nbar", "https://next-auth.js.org/errors#a\nhttps://next-auth.js.org/errors#b c",
	"https://next-auth.js.org/errors#codeX", "https://next-auth.js.org/errors#c \t ", "https://next-auth.js.org/errors#c \n",
	"https://next-auth.js.org/errors#c\u00e9\n", "https://next-auth.js.org/errors#c \x80",
	"[auth][error] JWTSessionError: Read more", "[auth][error][JWTSessionError]: x", "[auth][warn]  \t Foo", "[auth][error] [X",
	"[auth][error] [X] ", "[auth][error]", "[auth][error] ", "[auth][error] -x", "[auth][error] [X [auth][warn] Y", "[auth][error]\n\nÉ",
	"[auth][error]x\u00e9", "[auth][error] [] z", "[auth][auth][error]Q",
	"[auth][cause]: JWEDecryptionFailed: decryption operation failed", "[auth][cause]:", "[auth][cause]:\n", "[auth][cause]: a\nb",
	"[auth][cause]: a\n[auth][cause]: b", "[auth][cause]:\n x", "[auth][cause]x",
	"Backend refresh failed with status 401", "Backend refresh failed with status 40", "Backend refresh failed with status 4011 x",
	"Backend refresh failed with status 401\n{}", "Backend refresh failed with status 401 {\n}", "Backend refresh failed with status x Backend refresh failed with status 403 y",
	"Backend refresh failed with status 401\n", "Backend refresh failed with status ٤٠١",
	"Unauthorized: /api/token/refresh/", "Forbidden: /", "xUnauthorized: /a", "x Unauthorized: /a", "éUnauthorized: /a",
	"xUnauthorized: /a Forbidden: /b", "Forbidden: /b Unauthorized: /a", "Unauthorized: /a\tb", "Unauthorized: /\x80\xff z",
	"Unauthorized: a", "_Forbidden: /x -Forbidden: /y", "Unauthorized: /a?token=1#f",
	`[30/Nov/2026 07:11:03] "POST /api/token/refresh/ HTTP/1.1" 401 58`, `[x] "GET / HTTP/1.1" 200 0`, `[] "GET / HTTP/1.1" 401 0`,
	`[a [b] "GET / HTTP/1.1" 401 0`, `[[] "GET / HTTP/1.1" 401 0`, `[x] junk [y] "GET / HTTP/1.1" 403 1`, `[x] "get / HTTP/1.1" 401 0`,
	`[x] "GET / HTTP/1.1" 401 `, `[x] "GET / HTTP/1.1" 401 5`, `[x] "GET /a b HTTP/1.1" 401 5`, `[x] "GET  / HTTP/1.1" 401 5`,
	`[x] "GET / HTTP/" 401 5`, `[x] "GET / HTTP/1.1 " 401 5`, `[x] "GET / HTTP/1.1" 40 5`, "[x\n] \"GET /\x80 HTTP/1.1\" 401 5",
	`[x] "GET / HTTP/1.1" 4011 5`, `[a] "GET / HTTP/1.1" 200 5 [b] "PUT /x HTTP/2" 401 7`, "[[[[", "]]]][",
	"decryption operation failed", "DECRYPTION OPERATION FAILED", "no matching decryption ſecret", "jwedecryptionfailed",
	"JWEInvalid", "JWEInvali", "no matching decryption secre", "decryption operation faileD", "\xffjweinvalid",
	"KJWEInvalid", "no matching decryption \u212a",
}

func TestLogRecognisersAgreeWithRegexp(t *testing.T) {
	for _, s := range logRecogniserCases {
		checkLogRecognisers(t, s)
	}
	for _, s := range recordedLogs(t) {
		checkLogRecognisers(t, s)
		for _, line := range strings.Split(s, "\n") {
			checkLogRecognisers(t, line)
		}
	}
}

// recordedLogs are the log fixtures recorded from next-auth, @auth/core and
// Django (e2e/harfixtures).
func recordedLogs(tb testing.TB) []string {
	matches, err := filepath.Glob(filepath.Join(harfixtures.Dir(), "*.log"))
	if err != nil || len(matches) < 5 {
		tb.Fatalf("log fixtures: %v, %d files", err, len(matches))
	}
	var out []string
	for _, p := range matches {
		raw, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(raw))
	}
	return out
}

// FuzzLogRecognisersAgreeWithRegexp is the differential test: on any input,
// every recogniser gives what the expression it replaced gave. Seeds: the
// edge cases above and every line of the recorded logs.
func FuzzLogRecognisersAgreeWithRegexp(f *testing.F) {
	for _, s := range logRecogniserCases {
		f.Add(s)
	}
	for _, s := range recordedLogs(f) {
		for _, line := range strings.Split(s, "\n") {
			f.Add(line)
		}
	}
	f.Fuzz(checkLogRecognisers)
}
