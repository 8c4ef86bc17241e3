package diagnose

import (
	"fmt"
	"strings"

	"tokenscope/app/token"
)

// checkObjects looks at the JSON documents of the paste: a login or session
// response whose refresh token is absent, null or empty explains a refresh
// 401 before any token is decoded.
func (r *Report) checkObjects(objects []token.Object) {
	for _, o := range objects {
		r.checkRefreshPresence(o)
		r.checkSessionError(o)
	}
}

type docKind int

const (
	docOther docKind = iota
	docLogin
	docSession
)

// classify tells a backend login/refresh response from a NextAuth session.
func classify(o token.Object) docKind {
	_, hasExpires := o.Get("expires")
	_, hasUser := o.Get("user")
	if hasExpires && hasUser {
		return docSession
	}
	for _, key := range []string{"access", "access_token"} {
		if _, ok := o.Get(key); ok {
			return docLogin
		}
	}
	return docOther
}

func membersWithRole(o token.Object, role token.Role) []token.Member {
	var out []token.Member
	for _, m := range o.Members {
		if token.RoleOf(m.Key) == role {
			out = append(out, m)
		}
	}
	return out
}

// refreshSettled reports whether o's refresh field decides the verdict: an
// empty or null one is reported here; a present one needs nothing more.
func (r *Report) refreshSettled(o token.Object) bool {
	refresh := membersWithRole(o, token.RoleRefresh)
	for _, m := range refresh {
		if m.Kind == token.KindNull || (m.Kind == token.KindString && strings.TrimSpace(m.Text()) == "") {
			r.reportEmptyRefresh(o, m)
			return true
		}
	}
	return len(refresh) > 0
}

func (r *Report) checkRefreshPresence(o token.Object) {
	if r.refreshSettled(o) {
		return
	}
	switch kind := classify(o); {
	case kind == docLogin:
		r.reportAbsentRefreshLogin(o)
	case kind == docSession && len(membersWithRole(o, token.RoleAccess)) > 0:
		r.reportAbsentRefreshSession(o)
	}
}

func pathOf(o token.Object, key string) string {
	if o.Path == "" {
		return key
	}
	return o.Path + "." + key
}

func (r *Report) reportEmptyRefresh(o token.Object, m token.Member) {
	r.add(Finding{
		Code: CodeRefreshMissing, Severity: SeverityError, Token: -1, Cause: loginCause(o),
		Title:  fmt.Sprintf("No refresh token: %s is %s", pathOf(o, m.Key), string(m.Raw)),
		Detail: "With nothing to send, the refresh POST carries an empty or null refresh field: SimpleJWT answers 400 {\"refresh\":[\"This field may not be blank.\"]} or, when the app sends \"undefined\", 401 \"Token is invalid or expired\". dj-rest-auth with JWT_AUTH_HTTPONLY returns \"refresh\": \"\" from login because it put the refresh token in an HttpOnly cookie on the Django host instead.",
		Fix:    "If the backend is dj-rest-auth, set REST_AUTH = {\"JWT_AUTH_HTTPONLY\": False} (older versions: JWT_AUTH_HTTPONLY = False) so login returns the refresh token in the body; otherwise make the jwt callback store it at sign-in: `if (user) { token.backendRefresh = user.refresh }`.",
	}).with("field", pathOf(o, m.Key)).with("value", string(m.Raw))
}

func (r *Report) reportAbsentRefreshLogin(o token.Object) {
	r.add(Finding{
		Code: CodeRefreshMissing, Severity: SeverityWarn, Token: -1, Cause: CauseLoginMissingRefresh,
		Title:  "No refresh token in this response: it has an access token only",
		Detail: "If this is the login response (POST /api/token/), the app never receives a refresh token and every later refresh fails. If it is a refresh response (POST /api/token/refresh/), this is normal without ROTATE_REFRESH_TOKENS: keep the refresh token you already have.",
		Fix:    "For login: use SimpleJWT's TokenObtainPairView (returns access and refresh), or return `str(RefreshToken.for_user(user))` as \"refresh\" from a custom view. For refresh: in the jwt callback keep the old one: `backendRefresh: data.refresh ?? token.backendRefresh`.",
	}).with("object", describeObject(o))
}

// loginCause is the cause of a missing refresh token in o: the login
// response's (dj-rest-auth's "refresh": "" included) is the guide's "login
// never returned a refresh token"; in a session it is the code's own.
func loginCause(o token.Object) Cause {
	if classify(o) == docLogin {
		return CauseLoginMissingRefresh
	}
	return ""
}

func (r *Report) reportAbsentRefreshSession(o token.Object) {
	r.add(Finding{
		Code: CodeRefreshMissing, Severity: SeverityWarn, Token: -1,
		Title:  "The session exposes a backend access token but no refresh token",
		Detail: "The session callback decides what /api/auth/session shows. Leaving the refresh token out of it is good practice, so this alone does not prove the encrypted session token lacks it.",
		Fix:    "Check the session token itself (paste the next-auth.session-token cookie), or log `token.backendRefresh` in the jwt callback. It must be set at sign-in: `if (user) { token.backendRefresh = user.refresh }`.",
	}).with("object", describeObject(o))
}

func (r *Report) checkSessionError(o token.Object) {
	if classify(o) == docLogin {
		return // "error" in a backend response is not a session marker
	}
	m, ok := o.Get("error")
	if !ok || m.Kind != token.KindString || m.Text() == "" {
		return
	}
	r.add(Finding{
		Code: CodeSessionError, Severity: SeverityError, Token: -1,
		Title:  fmt.Sprintf("The session carries the error %q", m.Text()),
		Detail: "The app's jwt callback sets this marker when its backend refresh failed (the NextAuth refresh-token-rotation recipe). From then on the session holds an expired backend access token and every API call 401s.",
		Fix:    "On the client, react to it: `if (session?.error === \"" + m.Text() + "\") signIn()`. Then find why the refresh failed: paste the session token here, or the refresh response the server logged.",
	}).with("field", pathOf(o, "error")).with("value", m.Text())
}

func describeObject(o token.Object) string {
	keys := make([]string, len(o.Members))
	for i, m := range o.Members {
		keys[i] = m.Key
	}
	where := "root"
	if o.Path != "" {
		where = o.Path
	}
	return where + " {" + strings.Join(keys, ", ") + "}"
}
