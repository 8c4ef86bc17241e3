package diagnose

import "tokenscope/app/token"

// Cause is which of the known reasons for "Backend refresh failed with
// status 401" a finding points at: the seed guide's five, the session
// secret, other, or none. The page's #verdict carries it as data-cause.
type Cause string

// Causes. The first five are the guide's, in its order.
const (
	// CauseEndpointMismatch: the refresh request goes to a path (or host)
	// that is not SimpleJWT's refresh view.
	CauseEndpointMismatch Cause = "endpoint_mismatch"
	// CauseInvalidRefreshToken: the refresh token sent is missing from the
	// session, malformed, expired, blacklisted, of the wrong type or signed
	// with another key.
	CauseInvalidRefreshToken Cause = "invalid_refresh_token"
	// CauseRefreshRequestFormat: the backend does not accept the request's
	// body or Content-Type.
	CauseRefreshRequestFormat Cause = "refresh_request_format"
	// CauseLoginMissingRefresh: the backend's login response never carried
	// a refresh token.
	CauseLoginMissingRefresh Cause = "login_missing_refresh"
	// CauseCORSOrNetwork: the request never reached the view, or its answer
	// never reached the page.
	CauseCORSOrNetwork Cause = "cors_or_network"
	// CauseSessionSecret: the NextAuth / Auth.js session cannot be opened
	// (secret, salt or chunks), so the app has no token to refresh with.
	CauseSessionSecret Cause = "session_secret"
	// CauseOther: a problem outside the causes above.
	CauseOther Cause = "other"
	// CauseNone: no error or warning.
	CauseNone Cause = "none"
)

// Causes lists every cause, in the order the documentation gives them.
var Causes = []Cause{
	CauseEndpointMismatch, CauseInvalidRefreshToken, CauseRefreshRequestFormat,
	CauseLoginMissingRefresh, CauseCORSOrNetwork, CauseSessionSecret, CauseOther, CauseNone,
}

// codeCauses maps every code in Catalog to its cause. A test fails for a
// code without one, so a new code cannot ship unmapped. Codes whose cause
// depends on which token they are about are listed in tokenScoped too.
var codeCauses = map[Code]Cause{
	CodeNoToken:           CauseOther,
	CodeCopyPasteRepaired: CauseNone,
	CodeTooManyCandidates: CauseOther,
	CodeInputTooLarge:     CauseOther,
	CodeTooManySecrets:    CauseOther,

	// The backend field: the candidates' answers are a hint about the path.
	CodeCandidatesTried: CauseEndpointMismatch,
	CodeBackendTooLong:  CauseOther,

	// The timeline: a refused reuse of a rotated refresh token is the
	// refresh token being invalid; the rest describe the file.
	CodeTimelineLoaded:     CauseNone,
	CodeTimelineSanitized:  CauseOther,
	CodeTimelineUnreadable: CauseOther,
	CodeTimelineTooLarge:   CauseOther,
	CodeTimelineTruncated:  CauseOther,
	CodeTimelineLocked:     CauseSessionSecret,
	CodeConcurrentRefresh:  CauseInvalidRefreshToken,
	CodeStaleRefreshReused: CauseInvalidRefreshToken,
	CodeRefreshRotated:     CauseNone,
	CodeRefreshForked:      CauseOther,
	CodeTimelineSession:    CauseOther,
	// Logs: a decryption failure sets Finding.Cause to session_secret.
	CodeLogNextAuthError:  CauseOther,
	CodeLogAuthJSError:    CauseOther,
	CodeLogBackendRefresh: CauseOther,
	CodeLogDjangoUnauth:   CauseOther,
	CodeJSONTooDeep:       CauseOther,
	CodeChunkIndexTooHigh: CauseOther,
	CodeMalformed:         CauseOther,
	CodeAlgNone:           CauseOther,
	CodeAlgUnknown:        CauseOther,
	CodeEncrypted:         CauseNone,
	CodeExpired:           CauseOther,
	CodeNotYetValid:       CauseOther,
	CodeIssuedInFuture:    CauseOther,
	CodeNoExpiry:          CauseOther,
	CodeExpiresSoon:       CauseOther,
	CodeTimeValid:         CauseNone,
	CodeSimpleJWT:         CauseNone,
	// Access stored as refresh: the refresh token sent is not one (token-
	// scoped). A refresh token stored as the access token breaks API calls,
	// not the refresh.
	CodeWrongTokenType: CauseOther,
	CodeMissingClaim:   CauseOther,
	// Missing from the session; a login response without one is refined to
	// CauseLoginMissingRefresh where the finding is made (Finding.Cause).
	CodeRefreshMissing: CauseInvalidRefreshToken,
	// The jwt callback's marker says a refresh failed, not why.
	CodeSessionError:   CauseOther,
	CodeSignedOut:      CauseNone,
	CodeChunksJoined:   CauseNone,
	CodeStaleChunks:    CauseSessionSecret,
	CodeCookieTooLarge: CauseOther,

	CodeDecrypted:           CauseNone,
	CodeSecretMismatch:      CauseSessionSecret,
	CodeSaltMismatch:        CauseSessionSecret,
	CodeSignedSession:       CauseNone,
	CodeRefreshExpiresFirst: CauseInvalidRefreshToken,
	CodeSignatureValid:      CauseNone,
	CodeSignatureInvalid:    CauseOther,
	CodeSignatureUnchecked:  CauseNone,
	CodeWeakSecret:          CauseOther,
	CodeKeyUnreadable:       CauseOther,

	CodeProbeEndpointOK: CauseNone,
	CodeProbeRefreshOK:  CauseNone,
	// A new refresh token the app must store: the "rotated token not
	// persisted" 401 comes next.
	CodeProbeRotated:     CauseInvalidRefreshToken,
	CodeBlacklisted:      CauseInvalidRefreshToken,
	CodeTokenInvalid:     CauseInvalidRefreshToken,
	CodeNoActiveAccount:  CauseOther,
	CodeEndpointNotFound: CauseEndpointMismatch,
	CodeMethodNotAllowed: CauseEndpointMismatch,
	CodeBadRequest:       CauseRefreshRequestFormat,
	CodeUnsupportedMedia: CauseRefreshRequestFormat,
	// A 5xx can be anything, APPEND_SLASH's RuntimeError included.
	CodeServerError:  CauseOther,
	CodeRedirected:   CauseEndpointMismatch,
	CodeCORSBlocked:  CauseCORSOrNetwork,
	CodeUnreachable:  CauseCORSOrNetwork,
	CodeMixedContent: CauseCORSOrNetwork,
	CodeCSPBlocked:   CauseCORSOrNetwork,
	CodeTimeout:      CauseCORSOrNetwork,
	// The typed URL, not the app's, is wrong.
	CodeInvalidURL: CauseOther,
	// Something answered that is not SimpleJWT's refresh view (a Next.js
	// page, a proxy's error page): the request went to the wrong place.
	CodeUnexpectedResponse: CauseEndpointMismatch,
	CodeClockSkew:          CauseOther,

	CodeBridgeConnected:      CauseNone,
	CodeHttpOnlySession:      CauseNone,
	CodeOpenerLost:           CauseOther,
	CodeBridgeCSPBlocked:     CauseCORSOrNetwork,
	CodeBridgeNoAnswer:       CauseOther,
	CodeBridgeUntrusted:      CauseOther,
	CodeBridgeOutdated:       CauseOther,
	CodeBridgeReplyTooLarge:  CauseOther,
	CodeBridgeBackendRefused: CauseOther,
}

// tokenScoped are the codes that, about a refresh token, mean the backend
// refuses that refresh token: an expired, unsigned, undecodable or
// wrongly signed refresh token is "invalid refresh token"; the same about an
// access token is not why a refresh fails.
var tokenScoped = map[Code]bool{
	CodeMalformed: true, CodeAlgNone: true, CodeAlgUnknown: true,
	CodeExpired: true, CodeNotYetValid: true, CodeNoExpiry: true,
	CodeMissingClaim: true, CodeSignatureInvalid: true, CodeWrongTokenType: true,
}

// CodeCause is the cause a code stands for on its own; ok reports whether
// the code is mapped.
func CodeCause(code Code) (Cause, bool) {
	c, ok := codeCauses[code]
	return c, ok
}

// TokenScoped reports whether code's cause becomes invalid_refresh_token
// when the finding is about a refresh token.
func TokenScoped(code Code) bool { return tokenScoped[code] }

// CauseOf is the cause finding f points at within r: the finding's own
// Cause when it set one, else its code's, refined by the token it is about.
func (r Report) CauseOf(f Finding) Cause {
	if f.Cause != "" {
		return f.Cause
	}
	c, ok := codeCauses[f.Code]
	if !ok {
		return CauseOther
	}
	if tokenScoped[f.Code] && r.aboutRefreshToken(f) {
		return CauseInvalidRefreshToken
	}
	return c
}

// aboutRefreshToken reports whether f is about a refresh token: one stored
// under a refresh name, or, when its name says nothing (a bare paste), one
// whose token_type is refresh. The name wins: a refresh token stored as the
// access token is the access token's problem.
func (r Report) aboutRefreshToken(f Finding) bool {
	if f.Token < 0 || f.Token >= len(r.Tokens) {
		return false
	}
	tr := r.Tokens[f.Token]
	if tr.Role != token.RoleUnknown {
		return tr.Role == token.RoleRefresh
	}
	return tokenKind(tr) == token.RoleRefresh
}

// Verdict is the one line the page shows first: the leading finding and the
// cause it points at.
type Verdict struct {
	Cause Cause
	// Lead is the index in Report.Findings of the leading finding; -1 when
	// there is no error or warning.
	Lead int
	// Severity is the leading finding's; SeverityOK without one.
	Severity Severity
}

// Priority tiers among findings of the same severity, most telling first.
const (
	// tierLive: what the backend itself answered to a probe beats anything
	// inferred from the paste.
	tierLive = iota
	// tierSession: an unreadable session hides every token inside it.
	tierSession
	// tierRefresh: about the refresh token (or its absence), which is what
	// the failing request sends.
	tierRefresh
	// tierKnown: another of the known causes.
	tierKnown
	// tierOther: the rest (access tokens, the paste, the bookmarklet).
	tierOther
)

// liveCodes are answers from the backend (or the browser's network layer)
// to a probe.
var liveCodes = map[Code]bool{
	CodeBlacklisted: true, CodeTokenInvalid: true, CodeNoActiveAccount: true,
	CodeEndpointNotFound: true, CodeMethodNotAllowed: true, CodeBadRequest: true,
	CodeUnsupportedMedia: true, CodeServerError: true, CodeRedirected: true,
	CodeCORSBlocked: true, CodeUnreachable: true, CodeMixedContent: true,
	CodeCSPBlocked: true, CodeTimeout: true, CodeUnexpectedResponse: true,
	CodeProbeRotated: true, CodeBridgeCSPBlocked: true,
}

func (r Report) tier(f Finding) int {
	cause := r.CauseOf(f)
	switch {
	case liveCodes[f.Code]:
		return tierLive
	case cause == CauseSessionSecret:
		return tierSession
	case (cause == CauseInvalidRefreshToken || cause == CauseLoginMissingRefresh) && (f.Token < 0 || r.aboutRefreshToken(f)):
		return tierRefresh
	case cause != CauseOther && cause != CauseNone:
		return tierKnown
	}
	return tierOther
}

// Verdict picks the leading finding: the worst severity, then the tier
// (probe answers, the session, the refresh token, other known causes, the
// rest), then report order. Only errors and warnings lead; without any the
// cause is none.
func (r Report) Verdict() Verdict {
	v := Verdict{Cause: CauseNone, Lead: -1, Severity: SeverityOK}
	bestRank, bestTier := 0, 0
	for i, f := range r.Findings {
		rank := f.Severity.Rank()
		if rank > SeverityWarn.Rank() {
			continue
		}
		t := r.tier(f)
		if v.Lead < 0 || rank < bestRank || rank == bestRank && t < bestTier {
			v.Lead, bestRank, bestTier = i, rank, t
		}
	}
	if v.Lead >= 0 {
		v.Cause, v.Severity = r.CauseOf(r.Findings[v.Lead]), r.Findings[v.Lead].Severity
		if v.Cause == CauseNone {
			v.Cause = CauseOther // a warning always says something is off
		}
	}
	return v
}

// Sentence says the verdict in one line, naming the cause; the page links it
// to the leading finding. A warning is a likely cause, an error the cause.
func (v Verdict) Sentence() string {
	if v.Cause == CauseNone {
		return "No errors or warnings: nothing here explains a refresh failure."
	}
	prefix := "Cause: "
	if v.Severity == SeverityWarn {
		prefix = "Likely cause: "
	}
	return prefix + causeSentences[v.Cause]
}

var causeSentences = map[Cause]string{
	CauseEndpointMismatch:     "the refresh request does not reach SimpleJWT's refresh view (wrong path, host or trailing slash).",
	CauseInvalidRefreshToken:  "the refresh token is missing, expired (or expiring first), revoked, or not a refresh token, so the backend refuses it.",
	CauseRefreshRequestFormat: "the backend does not accept the refresh request's format; send JSON {\"refresh\": \"…\"}.",
	CauseLoginMissingRefresh:  "login never returned a refresh token, so the app has nothing to refresh with.",
	CauseCORSOrNetwork:        "the refresh request is stopped before it reaches the backend, or its answer before it reaches the page: CORS or the network.",
	CauseSessionSecret:        "the session cannot be opened: the NextAuth / Auth.js secret, its salt (cookie name) or the cookie chunks do not match.",
	CauseOther:                "not one of the usual refresh causes, but something here needs attention.",
}
