package diagnose

// Finding codes. The table in docs/findings.md is generated from Catalog and
// a test keeps the two identical.
const (
	CodeNoToken           Code = "input.no_token"
	CodeMalformed         Code = "jwt.malformed"
	CodeAlgNone           Code = "jwt.alg_none"
	CodeAlgUnknown        Code = "jwt.alg_unsupported"
	CodeExpired           Code = "jwt.expired"
	CodeNotYetValid       Code = "jwt.not_yet_valid"
	CodeIssuedInFuture    Code = "jwt.issued_in_future"
	CodeNoExpiry          Code = "jwt.no_expiry"
	CodeExpiresSoon       Code = "jwt.expires_soon"
	CodeTimeValid         Code = "jwt.time_valid"
	CodeEncrypted         Code = "jwt.encrypted"
	CodeSimpleJWT         Code = "simplejwt.token"
	CodeWrongTokenType    Code = "simplejwt.wrong_token_type"
	CodeMissingClaim      Code = "simplejwt.missing_claim"
	CodeRefreshMissing    Code = "session.refresh_missing"
	CodeSessionError      Code = "session.error"
	CodeSignedOut         Code = "session.signed_out"
	CodeChunksJoined      Code = "cookie.chunks_joined"
	CodeStaleChunks       Code = "nextauth.stale_chunks"
	CodeCopyPasteRepaired Code = "input.repaired"
	CodeTooManyCandidates Code = "input.truncated"
	CodeInputTooLarge     Code = "input.too_large"
	CodeJSONTooDeep       Code = "input.json_too_deep"
	CodeChunkIndexTooHigh Code = "cookie.chunk_index_too_high"

	CodeDecrypted           Code = "nextauth.decrypted"
	CodeSecretMismatch      Code = "nextauth.secret_mismatch"
	CodeSaltMismatch        Code = "authjs.salt_mismatch"
	CodeCookieTooLarge      Code = "nextauth.cookie_too_large"
	CodeSignedSession       Code = "nextauth.signed_session"
	CodeRefreshExpiresFirst Code = "session.refresh_expires_first"
	CodeSignatureValid      Code = "jwt.signature_valid"
	CodeSignatureInvalid    Code = "jwt.signature_invalid"
	CodeSignatureUnchecked  Code = "jwt.signature_unchecked"
	CodeWeakSecret          Code = "jwt.weak_secret"
	CodeKeyUnreadable       Code = "input.key_unreadable"
	CodeTooManySecrets      Code = "input.too_many_secrets"

	CodeProbeEndpointOK    Code = "probe.endpoint_ok"
	CodeProbeRefreshOK     Code = "probe.refresh_ok"
	CodeProbeRotated       Code = "probe.rotated"
	CodeBlacklisted        Code = "simplejwt.blacklisted"
	CodeTokenInvalid       Code = "simplejwt.token_invalid"
	CodeNoActiveAccount    Code = "simplejwt.no_active_account"
	CodeEndpointNotFound   Code = "probe.endpoint_not_found"
	CodeMethodNotAllowed   Code = "probe.method_not_allowed"
	CodeBadRequest         Code = "probe.bad_request"
	CodeUnsupportedMedia   Code = "probe.unsupported_media_type"
	CodeServerError        Code = "probe.server_error"
	CodeRedirected         Code = "probe.redirected"
	CodeCORSBlocked        Code = "probe.cors_blocked"
	CodeUnreachable        Code = "probe.unreachable"
	CodeMixedContent       Code = "probe.mixed_content"
	CodeCSPBlocked         Code = "probe.csp_blocked"
	CodeTimeout            Code = "probe.timeout"
	CodeInvalidURL         Code = "probe.invalid_url"
	CodeUnexpectedResponse Code = "probe.unexpected_response"
	CodeCandidatesTried    Code = "probe.candidates_tried"
	CodeBackendTooLong     Code = "probe.backend_too_long"
	CodeClockSkew          Code = "clock.skew"

	CodeBridgeConnected  Code = "bookmarklet.connected"
	CodeHttpOnlySession  Code = "bookmarklet.httponly_session"
	CodeOpenerLost       Code = "bookmarklet.opener_lost"
	CodeBridgeCSPBlocked Code = "bookmarklet.csp_blocked"
	CodeBridgeNoAnswer   Code = "bookmarklet.no_answer"
	// The bridge's authenticity and bounds.
	CodeBridgeUntrusted      Code = "bookmarklet.untrusted_opener"
	CodeBridgeOutdated       Code = "bookmarklet.outdated"
	CodeBridgeReplyTooLarge  Code = "bookmarklet.reply_too_large"
	CodeBridgeBackendRefused Code = "bookmarklet.backend_refused"

	// The timeline (HAR files, pasted sessions) and pasted server logs.
	CodeTimelineLoaded     Code = "timeline.loaded"
	CodeTimelineSanitized  Code = "timeline.sanitized"
	CodeTimelineUnreadable Code = "timeline.unreadable"
	CodeTimelineTooLarge   Code = "timeline.too_large"
	CodeTimelineTruncated  Code = "timeline.truncated"
	CodeTimelineLocked     Code = "timeline.sessions_locked"
	CodeConcurrentRefresh  Code = "timeline.concurrent_refresh"
	CodeStaleRefreshReused Code = "timeline.stale_refresh_reused"
	CodeRefreshRotated     Code = "timeline.refresh_rotated"
	CodeRefreshForked      Code = "timeline.refresh_forked"
	CodeTimelineSession    Code = "timeline.session_error"
	CodeLogNextAuthError   Code = "log.nextauth_error"
	CodeLogAuthJSError     Code = "log.authjs_error"
	CodeLogBackendRefresh  Code = "log.backend_refresh_failed"
	CodeLogDjangoUnauth    Code = "log.django_unauthorized"
)

// CodeInfo documents one code.
type CodeInfo struct {
	Code     Code
	Severity Severity // the usual severity; a few codes vary, as Meaning says
	Meaning  string
}

// Catalog lists every code the inspector can emit, in documentation order.
var Catalog = []CodeInfo{
	{CodeNoToken, SeverityWarn, "Nothing in the paste looks like a JWT, a JWE, or a session/login JSON. Says what was looked for and what to copy instead."},
	{CodeCopyPasteRepaired, SeverityInfo, "Copy-paste damage was undone before decoding (quotes, line breaks, percent-encoding)."},
	{CodeTooManyCandidates, SeverityWarn, "The paste held more tokens than are analysed at once; the rest were ignored."},
	{CodeInputTooLarge, SeverityWarn, "The paste is longer than the page analyses (token.MaxInputBytes, 4 MiB): only its beginning, cut at a line break, was read. Says how much of how much."},
	{CodeJSONTooDeep, SeverityWarn, "A JSON document nested deeper than token.MaxJSONDepth (64) levels was not read as JSON; its lines were searched for tokens as plain text."},
	{CodeChunkIndexTooHigh, SeverityWarn, "Cookies named NAME.N with N above token.MaxChunkIndex (63) were read as cookies of their own, not joined as chunks of NAME. Names the first and counts them."},
	{CodeMalformed, SeverityError, "The token cannot be decoded. Names the segment, the byte offset and the character, or the JSON error and where it is."},
	{CodeAlgNone, SeverityError, "The header says alg none: the token is unsigned and any correct backend rejects it."},
	{CodeAlgUnknown, SeverityWarn, "The header's alg is not a JWS algorithm golang-jwt (or SimpleJWT) knows."},
	{CodeEncrypted, SeverityInfo, "A JWE (5 segments): an encrypted token such as a NextAuth / Auth.js session cookie. Names the format from its header."},
	{CodeExpired, SeverityError, "exp is in the past (beyond the leeway). Says how long ago, and whether NextAuth's 15 s tolerance would change the verdict."},
	{CodeNotYetValid, SeverityError, "nbf is in the future (beyond the leeway): the token is refused until then."},
	{CodeIssuedInFuture, SeverityWarn, "iat is in the future: the minting server's clock is ahead of yours (clock skew)."},
	{CodeNoExpiry, SeverityWarn, "The token has no exp claim: it never expires. SimpleJWT always sets exp."},
	{CodeExpiresSoon, SeverityWarn, "The token expires within a minute: a request sent now may race the expiry."},
	{CodeTimeValid, SeverityOK, "exp, nbf and iat are all fine at the clock and leeway used."},
	{CodeSimpleJWT, SeverityInfo, "The token carries SimpleJWT's claims: token_type, jti, user_id."},
	{CodeWrongTokenType, SeverityError, "A token stored under a refresh name has token_type access, or the reverse. SimpleJWT answers 401 \"Token has wrong type\"."},
	{CodeMissingClaim, SeverityWarn, "A token used with SimpleJWT lacks token_type or jti: SimpleJWT answers 401 \"Token has no type\" / \"Token has no id\"."},
	{CodeRefreshMissing, SeverityError, "A session or login JSON (or decoded session) has no refresh token, or a null/empty one. Error when the field is null/empty; warn when it is absent and the document could legitimately omit it."},
	{CodeSessionError, SeverityError, "The session carries an error marker (for example RefreshAccessTokenError) set by the app's jwt callback after a failed refresh."},
	{CodeSignedOut, SeverityInfo, "The paste is what /api/auth/session returns when signed out ({} for NextAuth v4, null for Auth.js)."},
	{CodeChunksJoined, SeverityInfo, "A cookie split into NAME.0, NAME.1, ... chunks was joined in order, as NextAuth does."},
	{CodeStaleChunks, SeverityError, "A bare NAME cookie sits beside NAME.0/NAME.1 chunks, a chunk is missing, or a short chunk is followed by leftovers of an earlier, larger session: NextAuth joins them all and the value is garbage."},
	{CodeCookieTooLarge, SeverityWarn, "A Cookie header near or over a limit: 4096 bytes per cookie (browsers), 8 KB per header line (nginx, Apache), 16 KB of headers (Node.js). Error when over, warn within 1 KB of the proxy limit."},
	{CodeDecrypted, SeverityInfo, "The session token was decrypted locally: names the format, which typed secret fit (by position, never its value), the cookie-name salt and the session's exp."},
	{CodeSecretMismatch, SeverityError, "No typed secret decrypts the session token (for Auth.js, no secret's key has the token's kid): NEXTAUTH_SECRET / AUTH_SECRET differs from the one that encrypted it."},
	{CodeSaltMismatch, SeverityError, "An Auth.js session decrypts only with the other cookie name's salt: the __Secure- prefix changed between http and https."},
	{CodeSignedSession, SeverityInfo, "The session cookie holds a signed JWS (a custom jwt.encode), not NextAuth's encrypted JWE."},
	{CodeRefreshExpiresFirst, SeverityWarn, "The backend refresh token inside the session expires before the session does: the \"works for a day, then 401\" pattern. Error once the refresh token has already expired."},
	{CodeSignatureValid, SeverityOK, "The signature verifies with a typed key (named by its label, never its value)."},
	{CodeSignatureInvalid, SeverityError, "No typed key of the right type verifies the signature. On an unexpired SimpleJWT token this is the backend's SIGNING_KEY / ALGORITHM mismatch 401."},
	{CodeSignatureUnchecked, SeverityInfo, "Keys were typed, but none fits the token's algorithm (an HMAC secret for an RS256 token, say), so the signature was not checked."},
	{CodeWeakSecret, SeverityWarn, "A typed HMAC secret is guessable: shorter than 32 bytes, or Django's django-insecure- development key."},
	{CodeKeyUnreadable, SeverityWarn, "The text in the key field, or a PEM or JSON block in the secrets box, is not a PEM public key, a JWK, a JWKS or a usable secret; says why."},
	{CodeTooManySecrets, SeverityWarn, "The secrets box holds more than MaxSecrets (32) secrets; only the first 32 were tried."},
	{CodeProbeEndpointOK, SeverityOK, "The side-effect-free probe (an obviously invalid token) got SimpleJWT's 401 token_not_valid: endpoint, method, JSON body and CORS all work from this origin."},
	{CodeProbeRefreshOK, SeverityOK, "The real refresh returned 200 with a new access token."},
	{CodeProbeRotated, SeverityWarn, "The refresh also returned a new refresh token (ROTATE_REFRESH_TOKENS): the app must store it; with BLACKLIST_AFTER_ROTATION the old one is now dead."},
	{CodeBlacklisted, SeverityError, "SimpleJWT answered \"Token is blacklisted\": the refresh token was already used once with rotation and blacklisting on (rotated token not persisted, or two refreshes raced)."},
	{CodeTokenInvalid, SeverityError, "SimpleJWT answered 401 token_not_valid (\"Token is invalid or expired\" in 5.2.2, \"Token is expired\" / \"Token is invalid\" from 5.5, or a missing claim); combined with the token's own exp to say expired or bad signature."},
	{CodeNoActiveAccount, SeverityError, "The backend refused because the user is inactive or gone (code no_active_account)."},
	{CodeEndpointNotFound, SeverityError, "The refresh URL given answered 404; names the usual path that works instead, if one does (the other paths tried go to probe.candidates_tried, info)."},
	{CodeMethodNotAllowed, SeverityError, "The path answered 405 to POST: it is not a refresh endpoint (or the view only allows other methods)."},
	{CodeBadRequest, SeverityError, "400: the backend did not find the field it wants; names the field and the message."},
	{CodeUnsupportedMedia, SeverityError, "415: the request's Content-Type is not one the view parses; send application/json."},
	{CodeServerError, SeverityError, "5xx from the backend (for example Django's APPEND_SLASH RuntimeError for a POST without the trailing slash in DEBUG)."},
	{CodeRedirected, SeverityError, "The path redirects (Django's APPEND_SLASH 301 for a missing trailing slash): a client that follows it turns the POST into a GET and gets 405."},
	{CodeCORSBlocked, SeverityError, "The CORS request failed but a no-cors request to the same URL got through: the server is up and refuses this origin. Gives the origin and the CORS_ALLOWED_ORIGINS line."},
	{CodeUnreachable, SeverityError, "Both the CORS request and the no-cors follow-up failed: server down, wrong host or port, DNS, TLS, or the browser blocking the address."},
	{CodeMixedContent, SeverityError, "An https page cannot call an http backend (mixed content): the browser blocks it before sending."},
	{CodeCSPBlocked, SeverityError, "The page's Content-Security-Policy blocked the request; names the directive (connect-src)."},
	{CodeTimeout, SeverityError, "No answer within the probe's timeout."},
	{CodeInvalidURL, SeverityError, "The backend URL is not an absolute http(s) URL."},
	{CodeUnexpectedResponse, SeverityWarn, "An answer that is not a SimpleJWT refresh response (status and body shown)."},
	{CodeCandidatesTried, SeverityInfo, "The URL given answered 404, so the usual refresh paths below the same base were tried; lists what each answered. Never raised when the given URL works."},
	{CodeBackendTooLong, SeverityError, "The backend field (or a template variable's value) is longer than probe.MaxBackendInput (8 KiB): not read."},
	{CodeClockSkew, SeverityWarn, "The backend's Date header differs from this browser's clock by more than 5 s; SimpleJWT's LEEWAY is 0."},
	{CodeBridgeConnected, SeverityInfo, "The bookmarklet's bridge answered: probes now go from the host page's origin, and the host's readable cookies and web storage are analysed."},
	{CodeHttpOnlySession, SeverityInfo, "The host's session cookie is HttpOnly, so page scripts (and the bridge) cannot read it; says how to copy it from DevTools."},
	{CodeOpenerLost, SeverityError, "The inspector has no link back to the app's page: at connection (the host sends Cross-Origin-Opener-Policy: same-origin; offers the self-hosted route), or later, when the app's tab was closed or navigated away (window.opener.closed, or the bridge stopped answering the inspector's ping). Says how to reconnect: go back to the app's tab and click the bookmarklet again."},
	{CodeBridgeCSPBlocked, SeverityError, "The host page's Content-Security-Policy blocked the bridge's request; names the directive."},
	{CodeBridgeNoAnswer, SeverityWarn, "The inspector was opened for the bookmarklet but the host page's bridge did not answer (the page navigated away, or was reloaded)."},
	{CodeBridgeUntrusted, SeverityError, "The page that opened this window is not this browser's bookmarklet: its answer lacks this browser's key (a bookmarklet from another browser or profile, a browser that never opened tokenscope directly, or a page posing as the bridge), or claims another origin than it came from. Nothing from it is shown or used; names only the page that tried."},
	{CodeBridgeOutdated, SeverityWarn, "The bookmarklet is from an older tokenscope (a bridge without version and key): it was not connected and sent no host data. Says where to drag the new one from."},
	{CodeBridgeReplyTooLarge, SeverityError, "The bridge's answer was over the inspector's size limit (1 MiB as JSON, 16 token entries of at most 16 KiB, 64 names): it was refused unread."},
	{CodeBridgeBackendRefused, SeverityError, "The bridge sends probes only to the backend origin you typed, and never to the app's own origin: this backend was refused. Offers the self-hosted inspector for a backend behind the app's own origin."},
	{CodeTimelineLoaded, SeverityInfo, "A HAR was read: how many entries, the time span, and how many were kept as auth-relevant (/api/auth/*, refresh and login endpoints, anything carrying a token)."},
	{CodeTimelineSanitized, SeverityWarn, "The HAR has NextAuth traffic but no Cookie, Set-Cookie or Authorization anywhere: Chrome's default export stripped them, so no session can be opened and no lineage drawn. Says how to export with sensitive data."},
	{CodeTimelineUnreadable, SeverityError, "The file is not a HAR 1.2 document (no log.entries array, or broken JSON); says where reading stopped."},
	{CodeTimelineTooLarge, SeverityError, "The HAR is larger than timeline.MaxHARBytes (64 MiB): it was not read."},
	{CodeTimelineTruncated, SeverityWarn, "The HAR has more entries than timeline.MaxEntries (20,000), or more auth-relevant ones than timeline.MaxKept (2,000): only the first were analysed."},
	{CodeTimelineLocked, SeverityWarn, "Session cookies in the HAR could not be opened (no secret typed, or none of the typed secrets fits), so the tokens they carry and the lineage through them are unknown. Says how many and why."},
	{CodeConcurrentRefresh, SeverityError, "Two or more requests refreshed with the same refresh token, overlapping in time or after a response had replaced it, and one was refused or produced a session error: a rotation race. Names the requests and times; the fix is on both sides."},
	{CodeStaleRefreshReused, SeverityError, "A request refreshed with a refresh token that an earlier refresh had already used, and whose new token was never stored (no Set-Cookie, or the callback kept the old token): the rotation was dropped. Points at that response."},
	{CodeRefreshRotated, SeverityOK, "A refresh replaced one refresh token with a new one (SimpleJWT's ROTATE_REFRESH_TOKENS), and the new one was delivered: the lineage link from jti to jti."},
	{CodeRefreshForked, SeverityWarn, "One refresh token was accepted twice and forked into two live refresh tokens: SimpleJWT 5.2.2's blacklist check and write are not atomic, so two refreshes within a few ms both pass. Blacklisting did not protect this token."},
	{CodeTimelineSession, SeverityError, "A session response (JSON body or the Set-Cookie's session) carried an error such as RefreshAccessTokenError, with the request that led to it."},
	{CodeLogNextAuthError, SeverityError, "A NextAuth v4 logger line [next-auth][error][CODE] (warn for [warn]): names the code and its cause; a decryption failure means the session secret (NEXTAUTH_SECRET) differs."},
	{CodeLogAuthJSError, SeverityError, "An Auth.js logger line [auth][error] with its [auth][cause]: names the error type and the cause; \"no matching decryption secret\" or \"decryption operation failed\" means AUTH_SECRET or the cookie-name salt differs."},
	{CodeLogBackendRefresh, SeverityError, "The app's own log line \"Backend refresh failed with status N\": the jwt callback's refresh was refused; the body, when logged, gives the SimpleJWT code too."},
	{CodeLogDjangoUnauth, SeverityWarn, "Django logged \"Unauthorized: PATH\" or a runserver access line with 401: the backend refused a request (for the refresh endpoint, the refresh token)."},
}

// Known reports whether code is in the catalog.
func Known(code Code) bool {
	for _, c := range Catalog {
		if c.Code == code {
			return true
		}
	}
	return false
}
