package diagnose

import (
	"fmt"
	"strconv"
	"strings"

	"tokenscope/app/token"
)

// judgeToken runs every per-token check.
func (r *Report) judgeToken(tr TokenReport) {
	r.checkCopyPaste(tr)
	r.checkChunks(tr)
	if tr.Malformed() {
		r.reportMalformed(tr)
		return
	}
	if tr.Form == token.FormJWE {
		r.reportEncrypted(tr)
		return
	}
	r.checkAlg(tr)
	r.signatures = append(r.signatures, tr.Index)
	r.checkTimes(tr)
	r.checkSimpleJWT(tr)
	if token.SessionFormatOf(tr.Token) == token.FormatSignedSession {
		r.add(Finding{
			Code: CodeSignedSession, Severity: SeverityInfo, Token: tr.Index,
			Title:  "Signed (JWS) session token in " + tr.Source.Name + ": a custom jwt.encode",
			Detail: "NextAuth's default session token is encrypted (JWE); this app overrides jwt.encode/decode to sign instead. Its claims, including backend tokens, are readable by anyone who has the cookie.",
			Fix:    "Nothing to fix for the refresh itself. Type the signing secret to verify it; consider the default encrypted token if the session holds backend refresh tokens.",
		})
	}
}

func (r *Report) reportMalformed(tr TokenReport) {
	first := tr.Problems[0]
	f := r.add(Finding{
		Code: CodeMalformed, Severity: SeverityError, Token: tr.Index,
		Title:  fmt.Sprintf("Malformed token (%s): %s", tr.Source.Describe(), first),
		Detail: "Neither the backend nor NextAuth can read a token like this: SimpleJWT answers 401 \"Token is invalid or expired\" (5.2.2) or \"Token is invalid\" (5.5+), and NextAuth drops the session.",
		Fix:    malformedFix(first),
	})
	for _, p := range tr.Problems {
		if p.Segment != "" {
			f.with("segment", p.Segment)
		}
		if p.Offset >= 0 {
			f.with("offset", strconv.Itoa(p.Offset))
		}
		if p.Char != "" {
			f.with("character", strconv.Quote(p.Char))
		}
		f.with("problem", p.String())
	}
	f.with("length", strconv.Itoa(len(tr.Raw)))
}

func malformedFix(p token.Problem) string {
	switch {
	case p.Char == "+" || p.Char == "/":
		return "Encode segments with base64url without padding (RFC 7515 §2): replace + with -, / with _, drop trailing =. If your code builds tokens by hand, use a JWT library instead."
	case strings.Contains(p.Message, "length") || strings.Contains(p.Message, "cut short") || strings.Contains(p.Message, "empty"):
		return "Copy the whole value again: in DevTools → Application → Cookies (or Network → request headers) double-click the value and copy it; a JWT is three base64url segments joined by two dots, a session JWE five."
	case strings.Contains(p.Message, "JSON"):
		return "The segment decodes but its JSON is broken: the token was edited or produced by custom code. Mint it with a JWT library (SimpleJWT's RefreshToken.for_user, jose's SignJWT) instead of building JSON by hand."
	default:
		return "Copy the value again without surrounding text; a JWT contains only A–Z a–z 0–9 - _ and dots. If it was copied from a terminal or chat, look for inserted characters at the offset shown."
	}
}

func (r *Report) reportEncrypted(tr TokenReport) {
	alg, _ := tr.HeaderValue("alg")
	format := jweFormat(tr)
	f := r.add(Finding{
		Code: CodeEncrypted, Severity: SeverityInfo, Token: tr.Index,
		Title:  fmt.Sprintf("Encrypted token (JWE, %s) in the %s: %s", tr.Enc, tr.Source.Describe(), format),
		Detail: "Its claims — including backendAccess and backendRefresh if your jwt callback stores them — are encrypted with a key derived from the app's NEXTAUTH_SECRET / AUTH_SECRET. jwt.io cannot open it.",
		Fix:    "Type the app's NEXTAUTH_SECRET (v4) or AUTH_SECRET (Auth.js) in the session secret field to open it here, locally. Without this tool: log the token in your jwt callback on the server, `callbacks: { async jwt({ token }) { console.log(token); return token } }`.",
	})
	f.with("alg", alg.Text()).with("enc", tr.Enc)
	if tr.Kid != "" {
		f.with("kid", tr.Kid)
	}
}

// jweFormat names the session-token flavour from the header alone.
func jweFormat(tr TokenReport) string {
	alg, _ := tr.HeaderValue("alg")
	if alg.Text() != "dir" {
		return "not a NextAuth session token (alg is not dir)"
	}
	switch {
	case tr.Enc == "A256GCM":
		return "NextAuth v4 session token (or @auth/core ≤ 0.22)"
	case tr.Enc == "A256CBC-HS512" && tr.Kid != "":
		return "Auth.js (next-auth v5 / @auth/core ≥ 0.24) session token"
	case tr.Enc == "A256CBC-HS512":
		return "Auth.js session token from @auth/core 0.23"
	default:
		return "an encrypted token with enc " + tr.Enc
	}
}

func (r *Report) checkAlg(tr TokenReport) {
	switch {
	case strings.EqualFold(tr.Alg, "none"):
		r.add(Finding{
			Code: CodeAlgNone, Severity: SeverityError, Token: tr.Index,
			Title:  fmt.Sprintf("The token in the %s is unsigned (alg %q)", tr.Source.Describe(), tr.Alg),
			Detail: "Anyone can forge an unsigned token, so every correct backend rejects it. SimpleJWT never issues one: it signs with SIMPLE_JWT['ALGORITHM'] (HS256 by default).",
			Fix:    "Find the code that built this token and sign it, or use the token the backend's login (/api/token/) returned. Never configure a verifier to accept alg none.",
		}).with("alg", tr.Alg)
	case !tr.AlgSupported:
		r.add(Finding{
			Code: CodeAlgUnknown, Severity: SeverityWarn, Token: tr.Index,
			Title:  fmt.Sprintf("Unknown signing algorithm %q", tr.Alg),
			Detail: "golang-jwt and SimpleJWT (through PyJWT) know HS256/384/512, RS*, PS*, ES* and EdDSA. A verifier will refuse this token.",
			Fix:    "Set SIMPLE_JWT['ALGORITHM'] to one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512 and mint the token again.",
		}).with("alg", tr.Alg)
	}
}

func (r *Report) checkCopyPaste(tr TokenReport) {
	if len(tr.Source.Repairs) == 0 {
		return
	}
	r.add(Finding{
		Code: CodeCopyPasteRepaired, Severity: SeverityInfo, Token: tr.Index,
		Title:  "Undid copy-paste damage: " + strings.Join(tr.Source.Repairs, ", "),
		Detail: "The value was decoded as it would be before the damage. If your code stores or sends it in this damaged form, the backend sees the damaged one.",
		Fix:    "If the damage is in your app (a quoted or URL-encoded token in a header), strip it before sending: `Authorization: Bearer ${token}` with the bare token.",
	}).with("repairs", strings.Join(tr.Source.Repairs, ", "))
}

func (r *Report) checkChunks(tr TokenReport) {
	src := tr.Source
	if len(src.Chunks) > 0 {
		r.add(Finding{
			Code: CodeChunksJoined, Severity: SeverityInfo, Token: tr.Index,
			Title:  fmt.Sprintf("Joined %d cookie chunks into %s", len(src.Chunks), src.Name),
			Detail: "NextAuth splits a session cookie above 4096 bytes into NAME.0, NAME.1, ... and joins them in suffix order when reading; this is the value the server decodes.",
			Fix:    "Nothing to fix. To shrink the cookie, keep fewer claims in the jwt callback (store only backendAccess, backendRefresh and their expiry).",
		}).with("chunks", strings.Join(src.Chunks, ", ")).with("joined length", strconv.Itoa(len(tr.Raw)))
	}
	if problems := src.ChunkProblems(); len(problems) > 0 {
		f := r.add(Finding{
			Code: CodeStaleChunks, Severity: SeverityError, Token: tr.Index,
			Title:  "Stale or missing session cookie chunks for " + src.Name + ": " + problems[0],
			Detail: "NextAuth joins every cookie whose name starts with the session cookie's name, in suffix order. A leftover cookie or a missing chunk yields a value that is not a JWE at all (jose: \"Invalid Compact JWE\"): NextAuth logs JWT_SESSION_ERROR, clears the cookie and the user is signed out.",
			Fix:    "Delete all " + src.Name + "* cookies for the site (DevTools → Application → Cookies → right-click → Clear) and sign in again. If it recurs, something other than NextAuth sets these cookies (a proxy, a second app on the same host with a different basePath).",
		})
		for _, p := range problems {
			f.with("problem", p)
		}
		if n := src.MissingChunkCount(); n > 0 {
			f.with("missing chunks", strconv.Itoa(n))
		}
		f.with("chunks", strings.Join(src.Chunks, ", "))
	}
}
