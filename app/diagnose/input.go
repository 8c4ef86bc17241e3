package diagnose

import (
	"strconv"
	"strings"

	"tokenscope/app/token"
)

func (r *Report) checkInput(text string, ex token.Extraction) {
	r.checkBounds(ex)
	trimmed := strings.TrimSpace(text[:ex.AnalysedBytes])
	if trimmed == "" {
		return
	}
	if len(ex.Candidates) >= token.MaxCandidates || r.truncated {
		r.add(Finding{
			Code: CodeTooManyCandidates, Severity: SeverityWarn, Token: -1,
			Title:  "Only the first " + strconv.Itoa(token.MaxCandidates) + " tokens were analysed",
			Detail: "The paste holds more tokens than the page analyses at once.",
			Fix:    "Paste the cookie, header or response you are investigating on its own.",
		})
	}
	if len(ex.Candidates) > 0 {
		return
	}
	if signedOut(trimmed) {
		r.add(Finding{
			Code: CodeSignedOut, Severity: SeverityInfo, Token: -1,
			Title:  "Signed out: this is what /api/auth/session returns with no session",
			Detail: "NextAuth v4 answers {} and Auth.js answers null when there is no session cookie, or when it failed to decrypt (then the server log shows JWT_SESSION_ERROR and the cookie is cleared).",
			Fix:    "Sign in and copy /api/auth/session again; if you were signed in, check the server log for JWT_SESSION_ERROR (a changed NEXTAUTH_SECRET signs everyone out).",
		})
		return
	}
	if len(ex.Objects) > 0 && hasRefreshField(ex.Objects) {
		return // the session checks already explain a document without tokens
	}
	if r.logFound {
		return // a server log: its lines are the findings
	}
	r.add(Finding{
		Code: CodeNoToken, Severity: SeverityWarn, Token: -1,
		Title:  "No token found in the paste",
		Detail: "Looked for a JWT (three base64url segments, usually starting with eyJ), a JWE session token (five segments), an Authorization: Bearer header, Cookie / Set-Cookie headers, JSON fields such as access, refresh, backendAccess, backendRefresh, and token parameters in URLs.",
		Fix:    "Copy one of: the next-auth.session-token cookie value (DevTools → Application → Cookies), the request's Cookie or Authorization header (DevTools → Network → Headers), or the body of /api/auth/session or of the backend's /api/token/ response.",
	}).with("input length", strconv.Itoa(len(text)))
}

// checkBounds says which of Extract's bounds applied, so a user never takes
// a partial analysis for a whole one.
func (r *Report) checkBounds(ex token.Extraction) {
	if ex.AnalysedBytes < ex.InputBytes {
		r.add(Finding{
			Code: CodeInputTooLarge, Severity: SeverityWarn, Token: -1,
			Title:  "Only the first " + ByteSize(ex.AnalysedBytes) + " of " + ByteSize(ex.InputBytes) + " were analysed",
			Detail: "The page reads at most " + ByteSize(token.MaxInputBytes) + " of a paste, cut at the last line break before that, so that one paste cannot freeze it. Tokens after the cut were not looked for.",
			Fix:    "Paste the part you are investigating on its own: the Cookie or Authorization header, the session JSON, or the one token.",
		}).with("analysed", "the first "+ByteSize(ex.AnalysedBytes)+" of "+ByteSize(ex.InputBytes)).
			with("analysed bytes", strconv.Itoa(ex.AnalysedBytes)).
			with("input bytes", strconv.Itoa(ex.InputBytes)).
			with("limit", strconv.Itoa(token.MaxInputBytes))
	}
	if ex.JSONTooDeep {
		r.add(Finding{
			Code: CodeJSONTooDeep, Severity: SeverityWarn, Token: -1,
			Title:  "JSON nested deeper than " + strconv.Itoa(token.MaxJSONDepth) + " levels was read as plain text",
			Detail: "Session and login responses are a few levels deep. A deeper document is not parsed, so its fields are not checked; tokens in it are still found as text, without their JSON path.",
			Fix:    "Paste the object that holds the tokens (the body of /api/auth/session or of the backend's token response) on its own.",
		}).with("limit", strconv.Itoa(token.MaxJSONDepth))
	}
	if ex.ChunkIndexTooLarge > 0 {
		r.add(Finding{
			Code: CodeChunkIndexTooHigh, Severity: SeverityWarn, Token: -1,
			Title:  plural(ex.ChunkIndexTooLarge, "cookie name") + " such as " + ex.FirstChunkIndexTooLarge + " end in a chunk number above " + strconv.Itoa(token.MaxChunkIndex) + ": read as cookies of their own",
			Detail: "NextAuth splits a session cookie into chunks of about 3.9 KB, NAME.0, NAME.1, …; a real session needs a handful. A higher number is not a NextAuth chunk, so it was not joined.",
			Fix:    "If these are session chunks, something other than NextAuth wrote them: delete the cookies for the site and sign in again.",
		}).with("first", ex.FirstChunkIndexTooLarge).
			with("count", strconv.Itoa(ex.ChunkIndexTooLarge)).
			with("limit", strconv.Itoa(token.MaxChunkIndex))
	}
}

// ByteSize is a byte count as a person reads it: 512 bytes, 64.0 KiB, 10.0 MiB.
func ByteSize(n int) string {
	switch {
	case n < 1<<10:
		return plural(n, "byte")
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	default:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func signedOut(s string) bool {
	if len(s) > 64 {
		return false // "{}" or "null", give or take whitespace
	}
	compact := strings.Join(strings.Fields(s), "")
	return compact == "{}" || compact == "null"
}

func hasRefreshField(objects []token.Object) bool {
	for _, o := range objects {
		if len(membersWithRole(o, token.RoleRefresh)) > 0 || classify(o) != docOther {
			return true
		}
	}
	return false
}
