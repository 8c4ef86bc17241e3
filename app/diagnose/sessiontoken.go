package diagnose

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"tokenscope/app/token"
)

// defaultCookie is the cookie a bare pasted session token is assumed to come
// from, per format, when the user has not chosen one.
func defaultCookie(f token.SessionFormat) string {
	switch f {
	case token.FormatAuthJS, token.FormatAuthJS023, token.FormatAuthJS020:
		return "authjs.session-token"
	}
	return "next-auth.session-token"
}

// sessionSalt is the cookie name the key is derived with: the one the token
// came in, else the user's choice, else the format's default.
func (r *Report) sessionSalt(tr TokenReport) string {
	if token.IsSessionCookie(tr.Source.Name) {
		return tr.Source.Name
	}
	if r.opts.SessionCookie != "" {
		return r.opts.SessionCookie
	}
	return defaultCookie(token.SessionFormatOf(tr.Token))
}

// openSession recognises a session JWE, decrypts it with the typed secrets,
// and on success judges the session and every backend token inside it.
func (r *Report) openSession(i int) {
	tr := &r.Tokens[i]
	r.checkCopyPaste(*tr)
	r.checkChunks(*tr)
	if tr.Malformed() {
		r.reportMalformed(*tr)
		return
	}
	salt := r.sessionSalt(*tr)
	probe := tr.Token
	probe.Source.Name = salt
	format := token.SessionFormatOf(probe)
	tr.Session = &SessionInfo{Format: format, Salt: salt}
	d, err := token.Decrypt(tr.Token, r.sessionSecrets(), salt)
	if errors.Is(err, token.ErrSecretMismatch) && r.saltGuessed(*tr) {
		// Pasted bare, the cookie name is only a guess: every secret is
		// tried under every format and cookie name before a mismatch.
		if bare, bareErr := token.DecryptBare(tr.Token, r.sessionSecrets()); bareErr == nil {
			d, err = bare, nil
		}
	}
	switch {
	case errors.Is(err, token.ErrNotEncrypted), errors.Is(err, token.ErrNoSecret):
		tr.Session = sessionOrNil(format, salt)
		r.reportEncrypted(*tr)
	case errors.Is(err, token.ErrSecretMismatch):
		r.reportSecretMismatch(*tr, d)
	case errors.Is(err, token.ErrSaltMismatch):
		r.reportSaltMismatch(*tr, d)
		r.readSession(i, d)
	case err != nil:
		tr.Problems = append(tr.Problems, token.Problem{Offset: -1, Message: err.Error()})
		r.reportMalformed(*tr)
	default:
		r.readSession(i, d)
	}
}

// saltGuessed reports whether the session token's cookie name, and so its
// salt, is the format's default rather than known from the paste or chosen.
func (r *Report) saltGuessed(tr TokenReport) bool {
	return !token.IsSessionCookie(tr.Source.Name) && r.opts.SessionCookie == ""
}

func sessionOrNil(f token.SessionFormat, salt string) *SessionInfo {
	if f == token.FormatNone {
		return nil
	}
	return &SessionInfo{Format: f, Salt: salt}
}

// readSession turns the decrypted payload into claims, judges the session's
// own times, then decodes and judges the backend tokens inside.
func (r *Report) readSession(i int, d token.Decrypted) {
	tr := &r.Tokens[i]
	tr.Session = &SessionInfo{Format: d.Format, Salt: d.Salt, Secret: d.SecretIndex + 1, KidMatched: d.KidMatched}
	if s, ok := r.sessionSecret(d.SecretIndex); ok {
		tr.Session.SecretLabel, tr.Session.SecretLine = s.Label(), s.Line
	}
	members, err := token.ParseObject(d.Payload)
	if err != nil {
		tr.Problems = append(tr.Problems, token.Problem{Segment: "payload", Offset: -1, Message: "the decrypted payload is " + err.Error()})
		r.reportMalformed(*tr)
		return
	}
	tr.Claims = members
	tr.fillTimes()
	r.reportDecrypted(*tr)
	r.checkTimes(*tr)
	r.checkDecodedSession(*tr)
	for _, nested := range token.ExtractJSON(d.Payload) {
		r.addToken(nested, i)
	}
	r.compareLifetimes(i)
}

func (r *Report) reportDecrypted(tr TokenReport) {
	f := r.add(Finding{
		Code: CodeDecrypted, Severity: SeverityInfo, Token: tr.Index,
		Title:  fmt.Sprintf("Decrypted the %s with %s", tr.Session.Format.Describe(), tr.Session.SecretLabel),
		Detail: "Opened locally with the secret you typed; nothing was sent anywhere. The claims below are what the server's jwt callback stored.",
	})
	f.with("format", string(tr.Session.Format)).with("secret", fmt.Sprintf("%s, %d of %d tried", tr.Session.SecretLabel, tr.Session.Secret, len(r.sessionSecrets())))
	if tr.Session.KidMatched {
		f.with("kid", "matched the typed secret before decrypting")
	}
	if token.KeySpecFor(tr.Session.Format, tr.Session.Salt).UsesSalt() {
		f.with("salt (cookie name)", tr.Session.Salt)
	}
	if tr.Exp != nil {
		f.with("session exp", UTC(tr.Exp.Time)+" ("+Relative(tr.Exp.Time, r.Now)+")")
	}
}

func (r *Report) reportSecretMismatch(tr TokenReport, d token.Decrypted) {
	f := r.add(Finding{
		Code: CodeSecretMismatch, Severity: SeverityError, Token: tr.Index,
		Title:  fmt.Sprintf("None of the %d typed secrets decrypts this %s", len(r.sessionSecrets()), d.Format.Describe()),
		Detail: "The session was encrypted with a different secret. The app then treats it as no session: NextAuth logs JWT_SESSION_ERROR (\"decryption operation failed\"; Auth.js: \"no matching decryption secret\") and clears the cookie. Usual causes: NEXTAUTH_SECRET / AUTH_SECRET differs between the instance that signed the user in and the one reading the cookie (two servers, build vs runtime env, a preview deployment), it was changed (every existing session dies), or none is configured and NextAuth v4 derived one from its options, which no environment value can reproduce.",
		Fix:    "Make every instance read the same secret: set NEXTAUTH_SECRET (v4) or AUTH_SECRET (Auth.js) in the runtime environment of all of them, then sign in again. To rotate without signing everyone out on Auth.js, list the old secret too: AUTH_SECRET=new, AUTH_SECRET_1=old.",
	})
	f.with("format", string(d.Format)).with("secrets tried", r.secretLabels())
	if tr.Kid != "" {
		f.with("kid", tr.Kid+" (matches no typed secret)")
	}
	if token.KeySpecFor(d.Format, d.Salt).UsesSalt() {
		f.with("salt (cookie name)", d.Salt)
	}
}

func (r *Report) reportSaltMismatch(tr TokenReport, d token.Decrypted) {
	r.add(Finding{
		Code: CodeSaltMismatch, Severity: SeverityError, Token: tr.Index,
		Title:  fmt.Sprintf("%s fits, but only with the cookie name %q, not %q", r.secretLabel(d.SecretIndex), d.Salt, token.OtherSalt(d.Salt)),
		Detail: "Auth.js derives the key from the secret and the cookie name. The name carries a __Secure- prefix on https and none on http, so a token minted under one scheme cannot be read under the other: the app sees no session (\"no matching decryption secret\"). This happens behind a TLS-terminating proxy when AUTH_URL / NEXTAUTH_URL says http but the browser uses https, or the reverse.",
		Fix:    "Make the scheme agree: set AUTH_URL (or NEXTAUTH_URL) to the https URL users visit and AUTH_TRUST_HOST=true behind a proxy, or pin the name with `cookies: { sessionToken: { name: \"" + d.Salt + "\" } }`. Existing users must sign in again.",
	}).with("decrypts with salt", d.Salt).with("cookie name pasted", token.OtherSalt(d.Salt)).with("secret", r.secretLabel(d.SecretIndex))
}

// checkDecodedSession applies the refresh checks to the decrypted session:
// unlike /api/auth/session output, the session token is authoritative.
func (r *Report) checkDecodedSession(tr TokenReport) {
	obj := token.Object{Path: "", Members: tr.Claims}
	r.checkSessionError(obj)
	if r.refreshSettled(obj) {
		return
	}
	access := len(membersWithRole(obj, token.RoleAccess)) > 0
	detail := "The jwt callback stored a backend access token but no refresh token, so when the access token expires the app has nothing to refresh with: the refresh request sends an empty or missing field (400) or \"undefined\" (401)."
	if !access {
		detail = "The session holds no backend token at all: the jwt callback never copied the login response's tokens into it."
	}
	r.add(Finding{
		Code: CodeRefreshMissing, Severity: SeverityError, Token: tr.Index,
		Title:  "The decrypted session has no backend refresh token",
		Detail: detail,
		Fix:    "Store both at sign-in in the jwt callback: `if (user) { token.backendAccess = user.access; token.backendRefresh = user.refresh }` (with user being what authorize() returned from POST /api/token/), and keep them on every later call by returning the token.",
	}).with("claims", claimNames(tr.Claims))
}

func claimNames(ms []token.Member) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Key
	}
	return strings.Join(names, ", ")
}

// compareLifetimes lines up a session's exp with its backend tokens' and
// flags the refresh token dying first: the "works for a day, then 401".
func (r *Report) compareLifetimes(parent int) {
	p := &r.Tokens[parent]
	var rows []Lifetime
	var refresh *TokenReport
	for i := range r.Tokens {
		child := &r.Tokens[i]
		if child.Parent != parent || child.Exp == nil {
			continue
		}
		rows = append(rows, Lifetime{Label: child.Source.Name, Exp: child.Exp})
		if tokenKind(*child) == token.RoleRefresh && refresh == nil {
			refresh = child
		}
	}
	if len(rows) == 0 || p.Exp == nil {
		return
	}
	p.Lifetimes = append([]Lifetime{{Label: "session", Exp: p.Exp}}, rows...)
	if refresh == nil || !refresh.Exp.Time.Before(p.Exp.Time) {
		return
	}
	gap := p.Exp.Time.Sub(refresh.Exp.Time)
	f := r.add(Finding{
		Code: CodeRefreshExpiresFirst, Severity: SeverityWarn, Token: refresh.Index,
		Title:  fmt.Sprintf("The backend refresh token dies %s before the session (%s vs %s)", Span(gap), UTC(refresh.Exp.Time), UTC(p.Exp.Time)),
		Detail: "For the last " + Span(gap) + " of the session the user looks signed in, but every backend refresh fails with 401 \"Token is invalid or expired\": the \"works for a day, then 401\" pattern (SimpleJWT's REFRESH_TOKEN_LIFETIME is 1 day, NextAuth's session maxAge 30 days).",
		Fix:    "Align them. Django: SIMPLE_JWT = {\"REFRESH_TOKEN_LIFETIME\": timedelta(days=30), \"ROTATE_REFRESH_TOKENS\": True}. Or NextAuth: `session: { maxAge: 24 * 60 * 60 }`. In both cases, when the refresh fails, return `{ ...token, error: \"RefreshAccessTokenError\" }` from the jwt callback and call signIn() on the client when session.error is set.",
	})
	f.with("session exp", UTC(p.Exp.Time)).with(refresh.Source.Name+" exp", UTC(refresh.Exp.Time)).with("gap", Span(gap))
	if refresh.Exp.Time.Before(r.Now) {
		f.Severity = SeverityError
		f.Title = "The backend refresh token has expired while the session lives on: every refresh now 401s"
	}
}

// Cookie header limits that break sessions silently.
const (
	cookieLimit      = 4096      // browsers drop a cookie whose name=value exceeds this
	proxyHeaderLimit = 8190      // nginx large_client_header_buffers 8k, Apache LimitRequestFieldSize
	nearProxyLimit   = 7 * 1024  // within 1 KB of the proxy limit
	nodeHeaderLimit  = 16 * 1024 // Node.js --max-http-header-size (all headers together)
)

func (r *Report) checkCookieSizes(headers []token.CookieHeader) {
	for _, h := range headers {
		sev, why := cookieSizeVerdict(h)
		if sev == "" {
			continue
		}
		r.add(Finding{
			Code: CodeCookieTooLarge, Severity: sev, Token: -1,
			Title:  fmt.Sprintf("%s header of %d bytes (%d cookies): %s", headerName(h.Origin), h.Bytes, h.Count, why),
			Detail: "Browsers refuse a cookie whose name and value exceed 4096 bytes; nginx answers 400 \"Request Header Or Cookie Too Large\" above 8 KB per header line (large_client_header_buffers), Apache above 8190 bytes, and Node.js (next start) 431 above 16 KB for all headers together. NextAuth chunks its session cookie, but every chunk still travels in the one Cookie header.",
			Fix:    "Keep the session small: store only backendAccess, backendRefresh and their expiry in the jwt callback (not the whole user or provider profile), and drop stale cookies for the host. If you must, raise the proxy limit: nginx `large_client_header_buffers 4 16k;`.",
		}).with("header bytes", strconv.Itoa(h.Bytes)).with("largest cookie", fmt.Sprintf("%s (%d bytes)", h.Largest, h.LargestBytes)).with("limits", "cookie 4096 · proxy line 8190 · Node.js headers 16384")
	}
}

func cookieSizeVerdict(h token.CookieHeader) (Severity, string) {
	switch {
	case h.LargestBytes > cookieLimit:
		return SeverityError, fmt.Sprintf("%s is %d bytes, over the browser's 4096-byte cookie limit", h.Largest, h.LargestBytes)
	case h.Bytes >= nodeHeaderLimit:
		return SeverityError, "over Node.js's 16 KB header limit"
	case h.Bytes >= proxyHeaderLimit:
		return SeverityError, "over the 8 KB header-line limit of nginx and Apache"
	case h.Bytes >= nearProxyLimit:
		return SeverityWarn, fmt.Sprintf("within %d bytes of the 8 KB header-line limit of nginx and Apache", proxyHeaderLimit-h.Bytes)
	}
	return "", ""
}

func headerName(o token.Origin) string {
	if o == token.OriginSetCookie {
		return "Set-Cookie"
	}
	return "Cookie"
}
