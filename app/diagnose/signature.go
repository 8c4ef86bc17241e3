package diagnose

import (
	"fmt"
	"strings"

	"tokenscope/app/token"
)

// checkKeys warns once about guessable HMAC secrets among the typed keys and
// session secrets.
func (r *Report) checkKeys() {
	if strings.TrimSpace(r.opts.KeyText) != "" {
		keys, err := token.ParseVerifyKeys(r.opts.KeyText, r.opts.KeyBase64)
		if err != nil {
			r.add(Finding{
				Code: CodeKeyUnreadable, Severity: SeverityWarn, Token: -1,
				Title:  "The verification key could not be read: " + err.Error(),
				Detail: "Accepted: an HMAC secret as text (or base64, with the box ticked), a PEM public key or certificate, a JWK, or a JWKS ({\"keys\": [...]}).",
				Fix:    "For SimpleJWT with HS256 paste SIMPLE_JWT['SIGNING_KEY'] (by default Django's SECRET_KEY) exactly; for RS256 paste VERIFYING_KEY, the PEM public key.",
			})
		}
		r.opts.Keys = append(append([]token.VerifyKey(nil), r.opts.Keys...), keys...)
	}
	for _, k := range r.opts.Keys {
		if k.Weak != "" {
			r.reportWeak(k.Label, k.Weak)
		}
	}
	for i, s := range r.opts.Secrets {
		if why := token.Weakness([]byte(s)); why != "" {
			r.reportWeak(fmt.Sprintf("session secret #%d", i+1), why)
		}
	}
}

func (r *Report) reportWeak(label, why string) {
	r.add(Finding{
		Code: CodeWeakSecret, Severity: SeverityWarn, Token: -1,
		Title:  "Weak secret: " + label + " — " + why,
		Detail: "Anyone who guesses an HMAC secret can mint tokens your backend accepts, and NEXTAUTH_SECRET / AUTH_SECRET also protects every session. Short or published secrets fall to offline guessing against a single captured token.",
		Fix:    "Generate 32 random bytes: `openssl rand -base64 32` (or `npx auth secret`), set it as SIMPLE_JWT['SIGNING_KEY'] / NEXTAUTH_SECRET in the environment, never in the repository, then sign everyone in again.",
	}).with("secret", label).with("why", why)
}

// sessionKeys turns typed session secrets into HMAC keys, for a session
// cookie that a custom encoder signed (JWS) with NEXTAUTH_SECRET.
func (r *Report) sessionKeys() []token.VerifyKey {
	keys := make([]token.VerifyKey, 0, len(r.opts.Secrets))
	for i, s := range r.opts.Secrets {
		keys = append(keys, token.VerifyKey{Label: fmt.Sprintf("session secret #%d", i+1), Kind: token.KeyHMAC, HMAC: []byte(s)})
	}
	return keys
}

// checkSignature verifies a JWS with every typed key that fits its alg.
func (r *Report) checkSignature(i int) {
	tr := &r.Tokens[i]
	keys := r.opts.Keys
	if token.SessionFormatOf(tr.Token) == token.FormatSignedSession {
		keys = append(append([]token.VerifyKey(nil), keys...), r.sessionKeys()...)
	}
	if len(keys) == 0 || strings.EqualFold(tr.Alg, "none") {
		return
	}
	v := token.Verify(tr.Token, keys)
	tr.Signature = &v
	switch {
	case !v.Checked:
		r.add(Finding{
			Code: CodeSignatureUnchecked, Severity: SeverityInfo, Token: i,
			Title:  fmt.Sprintf("Signature not checked: no typed key fits alg %s", tr.Alg),
			Detail: "HS* tokens need the HMAC secret; RS*/PS* an RSA public key; ES* an EC public key; EdDSA an Ed25519 key.",
			Fix:    "Paste the key the issuer signs with: for SimpleJWT with HS256 that is SIMPLE_JWT['SIGNING_KEY'], which defaults to Django's SECRET_KEY.",
		}).with("alg", tr.Alg)
	case v.Valid:
		r.add(Finding{
			Code: CodeSignatureValid, Severity: SeverityOK, Token: i,
			Title:  fmt.Sprintf("Signature valid (%s, %s)", tr.Alg, v.Key),
			Detail: "golang-jwt verified the signature with this key: the token was signed by whoever holds it, and has not been altered.",
		}).with("alg", tr.Alg).with("key", v.Key)
	default:
		r.reportBadSignature(*tr, v)
	}
}

func (r *Report) reportBadSignature(tr TokenReport, v token.Verification) {
	f := Finding{
		Code: CodeSignatureInvalid, Severity: SeverityError, Token: tr.Index,
		Title:  fmt.Sprintf("Signature invalid: none of the %d typed key(s) verifies this %s token", len(v.Tried), tr.Alg),
		Detail: "Either the token was signed with another key or algorithm, or it was altered after signing.",
		Fix:    "Check the key you typed is the signing key, byte for byte (no quotes, no trailing newline; tick base64 if it is stored encoded).",
	}
	live := tr.Exp == nil || !expiredAt(tr.Exp.Time, r.Now, r.Leeway)
	if tr.SimpleJWT.Present && live {
		f.Title = "Signature invalid: SIGNING_KEY / ALGORITHM mismatch — this is the backend's \"Token is invalid\" 401"
		f.Detail = "The token is unexpired, so a SimpleJWT backend with this key refuses it only for the signature: 401 \"Token is invalid or expired\" (5.2.2) or \"Token is invalid\" (5.5+), code token_not_valid. Typically Django's SECRET_KEY (the default SIGNING_KEY) differs between the server that minted it and the one verifying it, or SIMPLE_JWT['ALGORITHM'] changed."
		f.Fix = "Make every Django instance use the same SIMPLE_JWT['SIGNING_KEY'] (or SECRET_KEY, its default) and ALGORITHM, from the environment; tokens minted with an old key stay invalid: sign in again."
	}
	r.add(f).with("alg", tr.Alg).with("keys tried", strings.Join(v.Tried, ", "))
}
