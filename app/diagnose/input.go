package diagnose

import (
	"strconv"
	"strings"

	"tokenscope/app/token"
)

func (r *Report) checkInput(text string, ex token.Extraction) {
	trimmed := strings.TrimSpace(text)
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
	r.add(Finding{
		Code: CodeNoToken, Severity: SeverityWarn, Token: -1,
		Title:  "No token found in the paste",
		Detail: "Looked for a JWT (three base64url segments, usually starting with eyJ), a JWE session token (five segments), an Authorization: Bearer header, Cookie / Set-Cookie headers, JSON fields such as access, refresh, backendAccess, backendRefresh, and token parameters in URLs.",
		Fix:    "Copy one of: the next-auth.session-token cookie value (DevTools → Application → Cookies), the request's Cookie or Authorization header (DevTools → Network → Headers), or the body of /api/auth/session or of the backend's /api/token/ response.",
	}).with("input length", strconv.Itoa(len(text)))
}

func signedOut(s string) bool {
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
