package diagnose

import (
	"fmt"
	"strings"

	"tokenscope/app/token"
)

func (r *Report) checkSimpleJWT(tr TokenReport) {
	s := tr.SimpleJWT
	if s.Present {
		f := r.add(Finding{
			Code: CodeSimpleJWT, Severity: SeverityInfo, Token: tr.Index,
			Title:  simpleJWTTitle(tr),
			Detail: "token_type, jti and user_id are SimpleJWT's default claims (TOKEN_TYPE_CLAIM, JTI_CLAIM, USER_ID_CLAIM). SimpleJWT checks token_type on every refresh and, with the blacklist app, the jti.",
		})
		f.with("token_type", s.TokenType).with("jti", s.JTI).with("user_id", s.UserID)
		if tr.Lifetime > 0 {
			f.with("lifetime", Span(tr.Lifetime))
		}
	}
	r.checkTokenType(tr)
	r.checkSimpleJWTClaims(tr)
}

func simpleJWTTitle(tr TokenReport) string {
	s := tr.SimpleJWT
	title := fmt.Sprintf("SimpleJWT %s token", s.TokenType)
	if s.UserID != "" {
		title += " for user_id " + s.UserID
	}
	if tr.Lifetime > 0 {
		title += ", lifetime " + Span(tr.Lifetime)
	}
	return title
}

// checkTokenType catches the swap the jwt callback makes most often: the login
// response's access token stored where the refresh token belongs.
func (r *Report) checkTokenType(tr TokenReport) {
	typ := tr.SimpleJWT.TokenType
	want := map[token.Role]string{token.RoleRefresh: "refresh", token.RoleAccess: "access"}[tr.Role]
	if want == "" || typ == "" || typ == want {
		return
	}
	name := tr.Source.LeafName()
	f := Finding{
		Code: CodeWrongTokenType, Severity: SeverityError, Token: tr.Index,
		Title: fmt.Sprintf("Wrong token type: %s holds a token_type %q token", name, typ),
	}
	if want == "refresh" {
		f.Detail = "POST /api/token/refresh/ with this token gets 401 \"Token has wrong type\" (code token_not_valid) while it is unexpired, and \"Token is invalid or expired\" after. The app stored the access token where the refresh token belongs."
		f.Fix = fmt.Sprintf("In the NextAuth jwt callback, store the login response's refresh field: `token.%s = user.refresh` (not `user.access`), and after a refresh keep the old refresh token unless the response has a new one: `refresh: data.refresh ?? token.%s`.", name, name)
	} else {
		f.Detail = "Every API call authenticated with this token gets 401 \"Given token not valid for any token type\": SimpleJWT's JWTAuthentication accepts only AUTH_TOKEN_CLASSES (access tokens by default)."
		f.Fix = fmt.Sprintf("Store the access token here: `token.%s = user.access` at sign-in and `data.access` after each refresh.", name)
	}
	r.add(f).with("field", tr.Source.Name).with("token_type", typ).with("expected", want)
}

// checkSimpleJWTClaims flags SimpleJWT-bound tokens that SimpleJWT will refuse
// for a missing claim, whatever their signature.
func (r *Report) checkSimpleJWTClaims(tr TokenReport) {
	if tr.Role != token.RoleRefresh && !tr.SimpleJWT.Present {
		return
	}
	if _, ok := tr.Claim("iss"); ok && !tr.SimpleJWT.Present {
		return // an OAuth/OIDC provider's token: not meant for SimpleJWT
	}
	var missing []string
	if !tr.SimpleJWT.Present {
		missing = append(missing, "token_type (\"Token has no type\")")
	}
	if tr.SimpleJWT.JTI == "" {
		missing = append(missing, "jti (\"Token has no id\")")
	}
	if len(missing) == 0 {
		return
	}
	r.add(Finding{
		Code: CodeMissingClaim, Severity: SeverityWarn, Token: tr.Index,
		Title:  "SimpleJWT would refuse this token: missing " + strings.Join(missing, ", "),
		Detail: "SimpleJWT verifies that a refresh token has its token_type and jti claims before anything else and answers 401 with the message quoted. Unless TOKEN_TYPE_CLAIM / JTI_CLAIM were renamed in SIMPLE_JWT, this token did not come from this backend's /api/token/.",
		Fix:    "Store the refresh token the backend's login response returned (`user.refresh` in the jwt callback), not a token from another issuer; or, if the claims were renamed, check SIMPLE_JWT['TOKEN_TYPE_CLAIM'] and ['JTI_CLAIM'].",
	}).with("missing", strings.Join(missing, ", "))
}
