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
	{CodeStaleChunks, SeverityError, "A bare NAME cookie sits beside NAME.0/NAME.1 chunks, or a chunk is missing: NextAuth joins them all and the value is garbage."},
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
