package diagnose

import (
	"fmt"
	"time"

	"tokenscope/app/token"
)

// NextAuthTolerance is the clock tolerance NextAuth applies when it decodes
// its own session token (jose's clockTolerance: 15 s).
const NextAuthTolerance = 15 * time.Second

// soon is how close to exp a token counts as about to expire.
const soon = time.Minute

// expiredAt applies the verifier rule used by PyJWT, SimpleJWT and jose: a
// token is expired when exp <= now - leeway.
func expiredAt(exp, now time.Time, leeway time.Duration) bool {
	return !exp.After(now.Add(-leeway))
}

// Expired is expiredAt for callers outside diagnose (the probe judging the
// token it sends), so that "expired" means the same everywhere.
func Expired(exp, now time.Time, leeway time.Duration) bool {
	return expiredAt(exp, now, leeway)
}

func (r *Report) checkTimes(tr TokenReport) {
	now := r.Now
	switch {
	case tr.Exp == nil:
		r.reportNoExpiry(tr)
	case expiredAt(tr.Exp.Time, now, r.Leeway):
		r.reportExpired(tr)
	}
	if tr.Nbf != nil && tr.Nbf.Time.After(now.Add(r.Leeway)) {
		r.add(Finding{
			Code: CodeNotYetValid, Severity: SeverityError, Token: tr.Index,
			Title:  fmt.Sprintf("Not valid yet: nbf is %s (%s)", UTC(tr.Nbf.Time), Relative(tr.Nbf.Time, now)),
			Detail: "Verifiers refuse a token before its nbf. When the token was just minted, the minting server's clock is ahead of this one.",
			Fix:    "Synchronise the clocks (NTP) of the machine that minted it and the one verifying it, or allow for the skew with SIMPLE_JWT['LEEWAY'] = timedelta(seconds=N).",
		}).with("nbf", tr.Nbf.Raw).with("nbf (UTC)", UTC(tr.Nbf.Time)).with("now (UTC)", UTC(now)).with("leeway", r.Leeway.String())
	}
	if tr.Iat != nil && tr.Iat.Time.After(now.Add(r.Leeway).Add(time.Second)) {
		r.add(Finding{
			Code: CodeIssuedInFuture, Severity: SeverityWarn, Token: tr.Index,
			Title:  fmt.Sprintf("Issued in the future: iat is %s ahead of the clock used", Span(tr.Iat.Time.Sub(now))),
			Detail: "The server that minted this token has a clock ahead of this one by at least that much. SimpleJWT does not check iat, but the same skew shifts exp: with LEEWAY 0 a token can be refused as expired earlier than its lifetime says.",
			Fix:    "Synchronise clocks with NTP on the Django host and on the Next.js host (`timedatectl status` should say 'System clock synchronized: yes'). To tolerate skew, set SIMPLE_JWT['LEEWAY'] = timedelta(seconds=30).",
		}).with("iat", tr.Iat.Raw).with("iat (UTC)", UTC(tr.Iat.Time)).with("now (UTC)", UTC(now))
	}
	r.reportTimeValid(tr)
}

func (r *Report) reportNoExpiry(tr TokenReport) {
	r.add(Finding{
		Code: CodeNoExpiry, Severity: SeverityWarn, Token: tr.Index,
		Title:  "No expiry: the token has no exp claim and never expires",
		Detail: "SimpleJWT always sets exp and refuses a token without it (\"Token has no 'exp' claim\"), so this token was not minted by SimpleJWT with its defaults. A token that never expires cannot be revoked by time.",
		Fix:    "Mint tokens with an expiry. In SimpleJWT, exp comes from ACCESS_TOKEN_LIFETIME / REFRESH_TOKEN_LIFETIME; with golang-jwt set RegisteredClaims.ExpiresAt; with jose call .setExpirationTime('5m').",
	})
}

func (r *Report) reportExpired(tr TokenReport) {
	now, exp := r.Now, tr.Exp.Time
	f := r.add(Finding{
		Code: CodeExpired, Severity: SeverityError, Token: tr.Index,
		Title:  fmt.Sprintf("Expired %s ago (exp %s)", Span(now.Sub(exp)), UTC(exp)),
		Detail: expiredDetail(tr),
		Fix:    expiredFix(tr),
	})
	f.with("exp", tr.Exp.Raw).with("exp (UTC)", UTC(exp)).with("now (UTC)", UTC(now)).with("leeway", r.Leeway.String())
	if tr.Lifetime > 0 {
		f.with("lifetime (exp − iat)", Span(tr.Lifetime))
	}
	if note := toleranceNote(exp, now, r.Leeway); note != "" {
		f.with("NextAuth 15 s tolerance", note)
	}
}

// toleranceNote says when NextAuth's 15 s tolerance and the leeway in use
// give different verdicts: a session NextAuth still accepts can carry a
// backend token SimpleJWT (leeway 0) already refuses.
func toleranceNote(exp, now time.Time, leeway time.Duration) string {
	withLeeway := expiredAt(exp, now, leeway)
	withNextAuth := expiredAt(exp, now, NextAuthTolerance)
	switch {
	case withLeeway && !withNextAuth:
		return "NextAuth would still accept it (it allows 15 s); a verifier with this leeway refuses it"
	case !withLeeway && withNextAuth:
		return "NextAuth (15 s) would refuse it; this leeway still accepts it"
	}
	return ""
}

func expiredDetail(tr TokenReport) string {
	switch tokenKind(tr) {
	case token.RoleRefresh:
		return "An expired refresh token is the most common cause of \"Backend refresh failed with status 401\": SimpleJWT answers 401 \"Token is invalid or expired\" (5.2.2) / \"Token is expired\" (5.5+). Nothing but a new sign-in gets a new one."
	case token.RoleAccess:
		return "Access tokens are short-lived by design (SimpleJWT: 5 min by default). Expiry is expected; the app must refresh it before use. Calls made with it get 401 \"Given token not valid for any token type\"."
	case token.RoleSession:
		return "NextAuth treats an expired session token as no session: the user is signed out."
	}
	return "Verifiers refuse a token whose exp has passed."
}

func expiredFix(tr TokenReport) string {
	switch tokenKind(tr) {
	case token.RoleRefresh:
		return "Sign in again to get a fresh refresh token. To stop it recurring, make the backend refresh token outlive the session: SIMPLE_JWT['REFRESH_TOKEN_LIFETIME'] = timedelta(days=30) to match NextAuth's session maxAge, or set `session: { maxAge: 24 * 60 * 60 }` in the NextAuth options to match SimpleJWT's 1 day; and when the refresh fails, return `{ ...token, error: \"RefreshAccessTokenError\" }` and call signIn() on the client."
	case token.RoleAccess:
		return "Refresh before use in the jwt callback: `if (Date.now() < token.backendAccessExpires - 10_000) return token; return refreshBackendToken(token)`, where backendAccessExpires is the access token's exp × 1000 recorded at sign-in and after each refresh."
	case token.RoleSession:
		return "Sign in again. If sessions expire sooner than expected, check `session.maxAge` in the NextAuth options."
	}
	return "Obtain a new token from whatever issued it."
}

// tokenKind prefers what the token says (SimpleJWT's token_type) over what
// its field name suggests.
func tokenKind(tr TokenReport) token.Role {
	switch tr.SimpleJWT.TokenType {
	case "refresh":
		return token.RoleRefresh
	case "access":
		return token.RoleAccess
	}
	return tr.Role
}

func (r *Report) reportTimeValid(tr TokenReport) {
	if tr.Exp == nil || expiredAt(tr.Exp.Time, r.Now, r.Leeway) {
		return
	}
	if tr.Nbf != nil && tr.Nbf.Time.After(r.Now.Add(r.Leeway)) {
		return
	}
	left := tr.Exp.Time.Sub(r.Now)
	f := Finding{
		Code: CodeTimeValid, Severity: SeverityOK, Token: tr.Index,
		Title:  fmt.Sprintf("Not expired: valid for another %s (until %s)", Span(left), UTC(tr.Exp.Time)),
		Detail: "exp is ahead of the clock used, with the leeway applied.",
	}
	if left < soon {
		f.Code, f.Severity = CodeExpiresSoon, SeverityWarn
		f.Title = fmt.Sprintf("Expires in %s (at %s)", Span(left), UTC(tr.Exp.Time))
		f.Detail = "A request made with it now may arrive after exp. Refresh a little before expiry rather than exactly at it."
		f.Fix = "Refresh with a margin: treat the token as expired 10–30 s before exp in the jwt callback."
	}
	r.add(f).with("exp", tr.Exp.Raw).with("exp (UTC)", UTC(tr.Exp.Time)).with("now (UTC)", UTC(r.Now))
}
