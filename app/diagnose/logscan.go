package diagnose

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// This file recognises server log lines people paste: NextAuth v4's and
// Auth.js's loggers, the app's own "Backend refresh failed with status N"
// line, and Django's runserver loggers. It lives in diagnose rather than in
// a package of its own because Run calls it on every paste (a log is just
// another paste), and diagnose cannot import a package that imports it.
// Tokens inside log lines are still found by token.Extract as before.

// MaxLogLines bounds the lines scanned; a paste is already cut at
// token.MaxInputBytes, this bounds the work on a paste of short lines.
const MaxLogLines = 100000

// maxLogGroups bounds the distinct findings one paste yields per code.
const maxLogGroups = 16

// cleanLogLine strips ANSI colour codes and a task-runner prefix.
func cleanLogLine(line string) string {
	line = stripANSIEscapes(strings.TrimRight(line, "\r"))
	return line[runnerPrefixLen(line):]
}

// logGroup collects repeated lines of one kind into one finding.
type logGroup struct {
	f     Finding
	count int
	first int // 1-based line
}

type logScan struct {
	groups map[string]*logGroup
	order  []string
}

func (s *logScan) add(key string, line int, make func() Finding) *logGroup {
	if g, ok := s.groups[key]; ok {
		g.count++
		return g
	}
	if len(s.order) >= maxLogGroups*4 {
		return nil
	}
	g := &logGroup{f: make(), count: 1, first: line}
	s.groups[key] = g
	s.order = append(s.order, key)
	return g
}

// ScanLog returns the findings for the log lines in text. Lines that are
// not log lines are ignored, so any paste can be scanned.
func ScanLog(text string) []Finding {
	if !hasLogMarker(text) {
		return nil // most pastes: one pass per marker, no line splitting
	}
	s := &logScan{groups: map[string]*logGroup{}}
	lines := strings.Split(text, "\n")
	if len(lines) > MaxLogLines {
		lines = lines[:MaxLogLines]
	}
	for i := 0; i < len(lines); i++ {
		line := cleanLogLine(lines[i])
		switch {
		case strings.Contains(line, "[next-auth]["):
			i = s.nextAuth(lines, i, line)
		case strings.Contains(line, "[auth]["):
			i = s.authJS(lines, i, line)
		case strings.Contains(line, "Backend refresh failed with status"):
			s.backendRefresh(i, line)
		case strings.Contains(line, "Unauthorized: ") || strings.Contains(line, "Forbidden: ") || strings.Contains(line, "\" 401 ") || strings.Contains(line, "\" 403 "):
			s.django(i, line)
		}
	}
	var out []Finding
	for _, k := range s.order {
		g := s.groups[k]
		f := g.f
		f.Evidence = append(f.Evidence, Evidence{Name: "first line", Value: strconv.Itoa(g.first + 1)})
		if g.count > 1 {
			f.Evidence = append(f.Evidence, Evidence{Name: "lines", Value: strconv.Itoa(g.count)})
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity.Rank() < out[j].Severity.Rank() })
	return out
}

// logMarkers are the substrings every recognised line contains.
var logMarkers = []string{"[next-auth][", "[auth][", "Backend refresh failed", "Unauthorized: ", "Forbidden: ", "\" 401 ", "\" 403 "}

func hasLogMarker(text string) bool {
	for _, m := range logMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// block returns the cleaned lines after i that belong to the same logger
// call: until a blank line or the next logger line, at most 40.
func block(lines []string, i int) []string {
	var out []string
	for j := i + 1; j < len(lines) && j <= i+40; j++ {
		l := cleanLogLine(lines[j])
		if strings.TrimSpace(l) == "" || strings.Contains(l, "[next-auth][") || strings.Contains(l, "[auth][error]") ||
			strings.Contains(l, "[auth][warn]") || strings.Contains(l, "Backend refresh failed") {
			break
		}
		out = append(out, l)
	}
	return out
}

func (s *logScan) nextAuth(lines []string, i int, line string) int {
	level, code, ok := matchNextAuthLine(line)
	if !ok {
		return i
	}
	rest := block(lines, i)
	message := ""
	for _, l := range rest {
		if _, m, ok := matchNextAuthErrorsURL(l); ok {
			message = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m), "{"))
			break
		}
	}
	cause := logCause(message, rest)
	sev := SeverityError
	if level == "warn" {
		sev = SeverityWarn
	}
	s.add("nextauth\x00"+code+"\x00"+message, i, func() Finding {
		f := Finding{Code: CodeLogNextAuthError, Severity: sev, Token: -1,
			Title:  fmt.Sprintf("NextAuth logged %s %s", level, code),
			Detail: nextAuthDetail(code, cause),
			Fix:    cause.fix,
			Cause:  cause.cause,
		}
		f.with("code", code)
		if message != "" {
			f.with("message", message)
		}
		if cause.name != "" {
			f.with("cause", cause.name)
		}
		f.with("errors page", "https://next-auth.js.org/errors#"+strings.ToLower(code))
		return f
	})
	return i + len(rest)
}

func (s *logScan) authJS(lines []string, i int, line string) int {
	level, typ, ok := matchAuthJSLine(line)
	if !ok {
		return i // [auth][cause] / [auth][details] outside an error block
	}
	rest := block(lines, i)
	causeText := ""
	for _, l := range rest {
		if c, ok := matchAuthJSCause(l); ok {
			causeText = strings.TrimSpace(c)
			break
		}
	}
	cause := logCause(causeText, rest)
	sev := SeverityError
	if level == "warn" {
		sev = SeverityWarn
	}
	s.add("authjs\x00"+typ+"\x00"+causeText, i, func() Finding {
		f := Finding{Code: CodeLogAuthJSError, Severity: sev, Token: -1,
			Title:  "Auth.js logged " + typ + causeSuffix(causeText),
			Detail: authJSDetail(typ, cause),
			Fix:    cause.fix,
			Cause:  cause.cause,
		}
		f.with("error", typ)
		if causeText != "" {
			f.with("cause", causeText)
		}
		f.with("errors page", "https://errors.authjs.dev#"+strings.ToLower(typ))
		return f
	})
	return i + len(rest)
}

func causeSuffix(c string) string {
	if c == "" {
		return ""
	}
	return ": " + c
}

// logCause names what a logged message means for the refresh.
type causeInfo struct {
	name  string
	fix   string
	cause Cause // the verdict's cause: the session secret for a decryption failure
}

func logCause(message string, rest []string) causeInfo {
	text := message + "\n" + strings.Join(rest, "\n")
	if mentionsDecryptionFailure(text) {
		return causeInfo{
			name:  "the session secret or salt: the cookie was encrypted with another NEXTAUTH_SECRET / AUTH_SECRET (or, for Auth.js, under another cookie name)",
			fix:   "Give every instance of the app the same NEXTAUTH_SECRET / AUTH_SECRET (keep the old one as AUTH_SECRET_1 while rotating), keep the cookie name stable between http and https, and sign in again. Paste the session cookie here with the secret to see which one opens it.",
			cause: CauseSessionSecret,
		}
	}
	return causeInfo{fix: "Read the errors page named in the evidence, and the lines after this one in the server log."}
}

func nextAuthDetail(code string, c causeInfo) string {
	d := "next-auth's logger reported " + code + "."
	if code == "JWT_SESSION_ERROR" {
		d += " The session cookie could not be decoded, so NextAuth treats the user as signed out and clears the cookie."
	}
	if c.name != "" {
		d += " Cause: " + c.name + "."
	}
	return d
}

func authJSDetail(typ string, c causeInfo) string {
	d := "@auth/core's logger reported " + typ + "."
	if typ == "JWTSessionError" {
		d += " The session cookie could not be decrypted or verified; Auth.js answers the session read with null and clears the cookie."
	}
	if c.name != "" {
		d += " Cause: " + c.name + "."
	}
	return d
}

func (s *logScan) backendRefresh(i int, line string) {
	status, body, ok := matchBackendRefreshFailed(line)
	if !ok {
		return
	}
	body = strings.TrimSpace(body)
	b := parseSimpleJWTBody(body)
	s.add("backend\x00"+status+"\x00"+b.detail, i, func() Finding {
		f := Finding{Code: CodeLogBackendRefresh, Severity: SeverityError, Token: -1,
			Title:  "The app's refresh was refused: status " + status + causeSuffix(b.detail),
			Detail: "The jwt callback's POST to the backend's refresh endpoint failed, so the session got its error marker (RefreshAccessTokenError or the like) and every backend call fails until the user signs in again.",
			Fix:    "See the SimpleJWT finding for this body; without a body, log `await res.text()` beside the status in the jwt callback.",
		}
		f.with("status", status)
		if b.detail != "" {
			f.with("detail", b.detail)
		}
		if b.code != "" {
			f.with("code", b.code)
		}
		return f
	})
	if code, title := b.simpleJWTCode(status); code != "" {
		s.add("simplejwt\x00"+string(code), i, func() Finding {
			f := Finding{Code: code, Severity: SeverityError, Token: -1, Title: title,
				Detail: "From the body the app logged with its failed refresh: " + b.detail,
				Fix:    simpleJWTFix(code)}
			f.with("status", status).with("detail", b.detail)
			return f
		})
	}
}

func (s *logScan) django(i int, line string) {
	method, path, status := "", "", ""
	if reason, p, ok := matchDjangoRefused(line); ok {
		path, status = p, map[string]string{"Unauthorized": "401", "Forbidden": "403"}[reason]
	} else if m, p, st, ok := matchDjangoAccess(line); ok && (st == "401" || st == "403") {
		method, path, status = m, p, st
	} else {
		return
	}
	// The logger's "Unauthorized: PATH" and the access line describe the
	// same request: one group per path.
	if q := strings.IndexAny(path, "?#"); q >= 0 {
		path = path[:q] // a query may carry a token
	}
	g := s.add("django\x00"+path, i, func() Finding {
		f := Finding{Code: CodeLogDjangoUnauth, Severity: SeverityWarn, Token: -1,
			Title:  "Django refused " + path + " (" + status + ")",
			Detail: "Django logs \"Unauthorized: PATH\" for every 401 and the runserver access line with the status. On the refresh endpoint this is SimpleJWT refusing the refresh token; the response body (in the app's log or a HAR) says why.",
			Fix:    "Match the time with the app's \"Backend refresh failed\" line or the HAR entry; for \"Token is blacklisted\" see the refresh race and dropped-rotation findings.",
		}
		f.with("path", path).with("status", status)
		if method != "" {
			f.with("method", method)
		}
		return f
	})
	if g != nil && method != "" && g.count > 1 {
		g.count-- // the access line repeats the logger line just before it
	}
}

// simpleJWTBody is a DRF / SimpleJWT error body, read leniently.
type simpleJWTBody struct{ detail, code string }

func parseSimpleJWTBody(body string) simpleJWTBody {
	start := strings.IndexByte(body, '{')
	if start < 0 {
		return simpleJWTBody{}
	}
	var v struct {
		Detail json.RawMessage `json:"detail"`
		Code   string          `json:"code"`
	}
	if json.Unmarshal([]byte(body[start:]), &v) != nil {
		return simpleJWTBody{}
	}
	var d string
	if json.Unmarshal(v.Detail, &d) != nil {
		d = string(v.Detail)
	}
	return simpleJWTBody{detail: d, code: v.Code}
}

// simpleJWTCode maps a logged body to the code the probe's classifier gives
// the same body (app/probe classify.go; a test in app/timeline keeps them
// in step over the recorded bodies).
func (b simpleJWTBody) simpleJWTCode(status string) (Code, string) {
	low := strings.ToLower(b.detail)
	switch {
	case status != "401" && status != "403":
		return "", ""
	case strings.Contains(low, "blacklisted"):
		return CodeBlacklisted, "Token is blacklisted: this refresh token was already used"
	case strings.Contains(low, "wrong type"):
		return CodeWrongTokenType, "Token has wrong type: an access token was sent as the refresh token"
	case b.code == "no_active_account" || strings.Contains(low, "no active account"):
		return CodeNoActiveAccount, "The user is inactive or deleted: " + b.detail
	case b.code == "token_not_valid":
		return CodeTokenInvalid, "SimpleJWT refused the refresh token: " + b.detail
	}
	return "", ""
}

func simpleJWTFix(code Code) string {
	switch code {
	case CodeBlacklisted:
		return "Store the rotated token: `backendRefresh: data.refresh ?? token.backendRefresh`, and serialise refreshes (one in-flight refresh per session); or turn BLACKLIST_AFTER_ROTATION off. Sign in again now."
	case CodeWrongTokenType:
		return "Send the refresh token: `{\"refresh\": token.backendRefresh}`, and store `user.refresh` at sign-in, not `user.access`."
	case CodeNoActiveAccount:
		return "Reactivate the user or sign in as another; send the user to sign-in on this error."
	default:
		return "Paste the refresh token to see its exp, and type the signing key to check its signature."
	}
}
