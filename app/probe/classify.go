package probe

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// Purpose says which request a response answers: the side-effect-free probe
// with an invalid token, or the real refresh.
type Purpose string

// Request purposes.
const (
	PurposeProbe   Purpose = "side-effect-free probe"
	PurposeRefresh Purpose = "refresh with your token"
)

// Local is what the page knows about the refresh token sent, for telling
// "expired" from "bad signature" when SimpleJWT 5.2.2 says only "Token is
// invalid or expired".
type Local struct {
	Known   bool
	Expired bool
	Exp     time.Time
	Type    string // token_type claim
	Index   int    // token index in the report; -1 when unknown
}

// Outcome is one response judged.
type Outcome struct {
	Finding diagnose.Finding
	// EndpointWorks is set when the answer proves a SimpleJWT refresh view.
	EndpointWorks bool
	// Found is false for a 404 (the path does not exist).
	Found bool
}

func finding(code diagnose.Code, sev diagnose.Severity, title, detail, fix string) diagnose.Finding {
	return diagnose.Finding{Code: code, Severity: sev, Title: title, Detail: detail, Fix: fix, Token: -1}
}

func with(f diagnose.Finding, kv ...string) diagnose.Finding {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			f.Evidence = append(f.Evidence, diagnose.Evidence{Name: kv[i], Value: kv[i+1]})
		}
	}
	return f
}

// Classify judges one readable response.
func Classify(purpose Purpose, url string, resp Response, local Local) Outcome {
	r := parseReply(resp.Body)
	out := Outcome{Found: true}
	switch {
	case resp.Opaque:
		out.Finding = redirected(url, resp)
	case resp.Status == 200:
		out.Finding, out.EndpointWorks = refreshed(purpose, r), true
	case resp.Status == 401 || resp.Status == 403:
		out.Finding, out.EndpointWorks = unauthorized(purpose, r, local)
	case resp.Status == 404:
		out.Found = false
		out.Finding = finding(diagnose.CodeEndpointNotFound, diagnose.SeverityError,
			"No refresh endpoint at "+url+" (404)",
			"Django has no URL pattern for this path. SimpleJWT's TokenRefreshView is usually at /api/token/refresh/; dj-rest-auth's at /api/auth/token/refresh/ or /dj-rest-auth/token/refresh/.",
			"Use the path your urls.py maps to TokenRefreshView: `path(\"api/token/refresh/\", TokenRefreshView.as_view())`, and the same in the NextAuth refresh call.")
	case resp.Status == 405:
		out.Finding = finding(diagnose.CodeMethodNotAllowed, diagnose.SeverityError,
			"405 Method Not Allowed at "+url,
			"The view at this path does not accept POST, so it is not SimpleJWT's refresh view (or the request was redirected and became a GET). "+r.Detail,
			"POST to the TokenRefreshView path; if a redirect turned the POST into a GET, add the trailing slash.")
	case resp.Status == 400:
		out.Finding = badRequest(r)
	case resp.Status == 415:
		out.Finding = finding(diagnose.CodeUnsupportedMedia, diagnose.SeverityError,
			"415 Unsupported Media Type: "+r.Detail,
			"DRF parses only the content types in DEFAULT_PARSER_CLASSES (JSON, form, multipart). A body sent as text/plain — what fetch uses for a string body without a Content-Type header — is refused.",
			"Send `headers: { \"Content-Type\": \"application/json\" }` with `body: JSON.stringify({ refresh })`.")
	case resp.Status >= 500:
		out.Finding = finding(diagnose.CodeServerError, diagnose.SeverityError,
			fmt.Sprintf("Server error %d at %s", resp.Status, url),
			serverErrorDetail(resp.Body),
			"Read the Django log for the traceback. For APPEND_SLASH errors, add the trailing slash to the URL.")
	case resp.Status >= 300 && resp.Status < 400:
		out.Finding = redirected(url, resp)
	default:
		out.Finding = finding(diagnose.CodeUnexpectedResponse, diagnose.SeverityWarn,
			fmt.Sprintf("Unexpected answer %d from %s", resp.Status, url),
			"Not an answer SimpleJWT's refresh view gives.",
			"Check that the URL points at the Django backend, not at the Next.js app or a proxy error page.")
	}
	out.Finding = with(out.Finding, "request", purposeLabel(purpose)+" · POST "+url, "status", statusText(resp), "body", snippet(redactTokens(resp.Body)), "time", resp.Elapsed.Round(time.Millisecond).String())
	return out
}

func purposeLabel(p Purpose) string { return string(p) }

// redactTokens removes signatures from any token in a response body before
// it becomes evidence: findings are exported, and a fresh refresh token in
// an issue would be a live credential.
func redactTokens(body string) string {
	for _, c := range token.Extract(body).Candidates {
		body = strings.ReplaceAll(body, c.Value, diagnose.Redact(token.Decode(c)))
	}
	return body
}

func statusText(resp Response) string {
	if resp.Opaque {
		return "opaque (" + resp.Type + ")"
	}
	return strconv.Itoa(resp.Status)
}

func serverErrorDetail(body string) string {
	if strings.Contains(body, "APPEND_SLASH") {
		return "Django's CommonMiddleware raised RuntimeError: the URL lacks its trailing slash, and with DEBUG on Django refuses to redirect a POST (it would lose the body)."
	}
	return "The backend crashed handling the request."
}

func redirected(url string, resp Response) diagnose.Finding {
	return with(finding(diagnose.CodeRedirected, diagnose.SeverityError,
		"The refresh URL redirects: "+url,
		"Django's APPEND_SLASH answers 301 to a URL without its trailing slash. A client that follows it re-sends the POST as a GET and gets 405; fetch from the browser stops at the redirect.",
		"Add the trailing slash: /api/token/refresh/ (not /api/token/refresh)."),
		"location", resp.Headers["location"])
}

func badRequest(r reply) diagnose.Finding {
	field := "refresh"
	for k := range r.FieldErrors {
		field = k
	}
	return with(finding(diagnose.CodeBadRequest, diagnose.SeverityError,
		"400 Bad Request: "+r.fieldErrorText(),
		"TokenRefreshView wants a JSON body with a non-empty string field \"refresh\". \"This field is required.\" means the field was absent (wrong name such as refresh_token, or the body was not parsed); \"may not be blank\" / \"may not be null\" means the app had no refresh token to send.",
		"Send exactly `{\"refresh\": token.backendRefresh}` with Content-Type application/json, and check the session really holds the refresh token."),
		"field", field)
}

func refreshed(purpose Purpose, r reply) diagnose.Finding {
	if purpose == PurposeProbe {
		return finding(diagnose.CodeUnexpectedResponse, diagnose.SeverityWarn,
			"The endpoint accepted an obviously invalid token (200)",
			"This is not SimpleJWT's refresh view: it must refuse a garbage token with 401.",
			"Check the path points at TokenRefreshView.")
	}
	if r.HasRefresh && r.Refresh != "" {
		return with(finding(diagnose.CodeProbeRotated, diagnose.SeverityWarn,
			"Refresh worked and returned a new refresh token (rotation is on)",
			"With ROTATE_REFRESH_TOKENS the backend issued a new refresh token. With BLACKLIST_AFTER_ROTATION the one you sent is now blacklisted: the app's next refresh with its stored token will 401 \"Token is blacklisted\" unless it saved this new one.",
			"In the jwt callback store both: `token.backendAccess = data.access; token.backendRefresh = data.refresh ?? token.backendRefresh`. Your app still holds the old token: sign in again."),
			"new access", tokenSummary(r.Access), "new refresh", tokenSummary(r.Refresh))
	}
	return with(finding(diagnose.CodeProbeRefreshOK, diagnose.SeverityOK,
		"Refresh worked: 200 with a new access token",
		"The backend accepts this refresh token from this origin. If the app still fails, compare what it sends with this request (curl and fetch below), and remember NextAuth refreshes on the server, where CORS does not apply.",
		""), "new access", tokenSummary(r.Access))
}

// tokenSummary names a token by its claims, never by its signature.
func tokenSummary(raw string) string {
	if raw == "" {
		return ""
	}
	rep := diagnose.Run(raw, diagnose.Options{})
	if len(rep.Tokens) == 0 {
		return "(not a JWT)"
	}
	t := rep.Tokens[0]
	s := t.SimpleJWT.TokenType + " token"
	if t.Exp != nil {
		s += ", exp " + diagnose.UTC(t.Exp.Time)
	}
	if t.SimpleJWT.JTI != "" {
		s += ", jti " + t.SimpleJWT.JTI
	}
	return s
}

// unauthorized reads SimpleJWT's 401s in both wordings (5.2.2 and 5.5+).
func unauthorized(purpose Purpose, r reply, local Local) (diagnose.Finding, bool) {
	detail := r.Detail
	if purpose == PurposeProbe {
		if r.Code == "token_not_valid" {
			return finding(diagnose.CodeProbeEndpointOK, diagnose.SeverityOK,
				"Endpoint works: SimpleJWT refused the probe's invalid token with 401 token_not_valid",
				"This proves the URL, the POST method, the JSON body format and CORS from this origin, without touching your refresh token.",
				""), true
		}
		return finding(diagnose.CodeUnexpectedResponse, diagnose.SeverityWarn,
			"401 without SimpleJWT's token_not_valid code: "+detail,
			"Something refused the request before SimpleJWT's view ran: an authentication middleware, a proxy, or a view with DEFAULT_PERMISSION_CLASSES = IsAuthenticated on the refresh URL.",
			"TokenRefreshView must be reachable without authentication: keep `permission_classes = ()` (its default) and exclude it from auth middleware."), false
	}
	low := strings.ToLower(detail)
	switch {
	case strings.Contains(low, "blacklisted"):
		return finding(diagnose.CodeBlacklisted, diagnose.SeverityError,
			"Token is blacklisted: this refresh token was already used",
			"With ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION each refresh token works once. The app refreshed before and did not store the new refresh token, or two refreshes raced (two tabs, or parallel server requests each running the jwt callback).",
			"Store the rotated token: `backendRefresh: data.refresh ?? token.backendRefresh`. To survive races, refresh in one place and tolerate a blacklisted token by signing in again; or turn BLACKLIST_AFTER_ROTATION off. Sign in again now."), true
	case strings.Contains(low, "wrong type"):
		return finding(diagnose.CodeWrongTokenType, diagnose.SeverityError,
			"Token has wrong type: an access token was sent as the refresh token",
			"SimpleJWT checks token_type; the app stored or sent the access token in the refresh field.",
			"Send the refresh token: `{\"refresh\": token.backendRefresh}` and store `user.refresh` at sign-in, not `user.access`."), true
	case r.Code == "no_active_account" || strings.Contains(low, "no active account") || strings.Contains(low, "inactive"):
		return finding(diagnose.CodeNoActiveAccount, diagnose.SeverityError,
			"The user is inactive or deleted: "+detail,
			"SimpleJWT (5.4+) checks the user on refresh; the account behind user_id is disabled or gone.",
			"Reactivate the user (is_active = True) or sign in as another; the app should send the user to sign-in on this error."), true
	case strings.Contains(low, "no valid refresh token found"):
		return finding(diagnose.CodeRefreshMissing, diagnose.SeverityError,
			"dj-rest-auth found no refresh token: "+detail,
			"With JWT_AUTH_HTTPONLY dj-rest-auth reads the refresh token from its HttpOnly cookie on the Django host, not from the body; a NextAuth server has no such cookie.",
			"Set REST_AUTH = {\"JWT_AUTH_HTTPONLY\": False} so login returns the refresh token in the body and refresh reads it from there."), true
	case r.Code == "token_not_valid":
		return tokenInvalid(detail, local), true
	}
	return finding(diagnose.CodeUnexpectedResponse, diagnose.SeverityWarn,
		"401 without SimpleJWT's token_not_valid code: "+detail,
		"Something other than SimpleJWT's refresh view refused the request (an auth middleware or proxy).",
		"Make sure the refresh URL is served by TokenRefreshView and needs no authentication."), false
}

func tokenInvalid(detail string, local Local) diagnose.Finding {
	low := strings.ToLower(detail)
	f := finding(diagnose.CodeTokenInvalid, diagnose.SeverityError, "SimpleJWT refused the refresh token: "+detail, "", "")
	switch {
	case strings.Contains(low, "is expired") || (strings.Contains(low, "invalid or expired") && local.Known && local.Expired):
		f.Title = "Refresh token expired: " + detail
		f.Detail = "The refresh token's exp has passed (SimpleJWT's LEEWAY is 0). 5.2.2 says \"Token is invalid or expired\" for both cases; the token's own exp shows it is the expiry."
		f.Fix = "Sign in again. To stop it recurring make REFRESH_TOKEN_LIFETIME at least the NextAuth session maxAge (30 days by default), or shorten the session."
	case strings.Contains(low, "invalid or expired") && local.Known:
		f.Title = "Refresh token rejected although unexpired: SIGNING_KEY / ALGORITHM mismatch or a damaged token"
		f.Detail = "SimpleJWT 5.2.2 says \"Token is invalid or expired\"; this token's exp is still ahead, so the signature failed: the backend verifies with a different SIGNING_KEY (default: SECRET_KEY) or ALGORITHM than the one that minted it, or the token was altered."
		f.Fix = "Make every Django instance use the same SECRET_KEY / SIMPLE_JWT['SIGNING_KEY'] and ALGORITHM; check the signature here with the key field. Then sign in again."
	case strings.Contains(low, "no type"), strings.Contains(low, "no id"), strings.Contains(low, "no 'exp'"):
		f.Detail = "The token lacks a claim SimpleJWT requires (token_type, jti or exp): it was not minted by this backend's TokenObtainPairView."
		f.Fix = "Store the refresh token the backend's login returned."
	default:
		f.Detail = "SimpleJWT 5.5+ says \"Token is invalid\" for a bad signature or a malformed token, \"Token is expired\" for expiry; 5.2.2 says \"Token is invalid or expired\" for both. Paste the token to see its exp, and type the signing key to check the signature."
		f.Fix = "If the signature is at fault, align SIGNING_KEY / ALGORITHM across instances; otherwise sign in again."
	}
	if local.Known {
		f = with(f, "token exp", diagnose.UTC(local.Exp), "expired locally", strconv.FormatBool(local.Expired))
		f.Token = local.Index
	}
	return f
}
