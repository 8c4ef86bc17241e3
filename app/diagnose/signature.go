package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"tokenscope/app/token"
)

// readSecrets parses the secrets box and the key field into the keys every
// check uses, and warns about unreadable key blocks and guessable secrets.
func (r *Report) readSecrets() {
	box := ParseSecrets(r.opts.SecretText)
	r.secrets = box.Secrets
	if box.Dropped > 0 {
		r.add(Finding{
			Code: CodeTooManySecrets, Severity: SeverityWarn, Token: -1,
			Title:  fmt.Sprintf("Only the first %d secrets in the box were used; %s left out", MaxSecrets, plural(box.Dropped, "more was")),
			Detail: "Every secret is tried for every session format and every signed token. A box with more is a whole file pasted, not the app's secrets.",
			Fix:    "Keep the lines that hold NEXTAUTH_SECRET / AUTH_SECRET and Django's SECRET_KEY or SIMPLE_JWT SIGNING_KEY.",
		}).with("limit", fmt.Sprint(MaxSecrets)).with("left out", fmt.Sprint(box.Dropped))
	}
	for _, s := range r.secrets {
		switch s.Kind {
		case SecretText:
			r.boxKeys = append(r.boxKeys, boxKey{secret: s, key: token.VerifyKey{Label: s.Label(), Kind: token.KeyHMAC, HMAC: []byte(s.Value)}})
			if why := token.Weakness([]byte(s.Value)); why != "" {
				r.reportWeak(s.Label(), why)
			}
		default:
			keys, err := token.ParseVerifyKeys(s.Value, false)
			if err != nil {
				r.reportUnreadableKey(s.Label(), err)
				continue
			}
			for _, k := range keys {
				k.Label = s.Label() + ": " + k.Label
				r.boxKeys = append(r.boxKeys, boxKey{secret: s, key: k})
				if k.Weak != "" {
					r.reportWeak(k.Label, k.Weak)
				}
			}
		}
	}
	r.checkKeyField()
}

// boxKey is a verification key from the secrets box, with the entry it came
// from: its name decides whether a failure may blame it.
type boxKey struct {
	secret Secret
	key    token.VerifyKey
}

// sessionSecrets are the text secrets of the box, in order, for decryption.
func (r *Report) sessionSecrets() []string {
	out := make([]string, 0, len(r.secrets))
	for _, s := range r.secrets {
		if s.Kind == SecretText {
			out = append(out, s.Value)
		}
	}
	return out
}

// sessionSecret is the i-th text secret of the box (Decrypt's SecretIndex).
func (r *Report) sessionSecret(i int) (Secret, bool) {
	n := 0
	for _, s := range r.secrets {
		if s.Kind != SecretText {
			continue
		}
		if n == i {
			return s, true
		}
		n++
	}
	return Secret{}, false
}

// secretLabel names the i-th text secret of the box.
func (r *Report) secretLabel(i int) string {
	if s, ok := r.sessionSecret(i); ok {
		return s.Label()
	}
	return fmt.Sprintf("secret #%d", i+1)
}

// secretLabels names every text secret of the box, for "tried" evidence.
func (r *Report) secretLabels() string {
	var labels []string
	for _, s := range r.secrets {
		if s.Kind == SecretText {
			labels = append(labels, s.Label())
		}
	}
	return strings.Join(labels, ", ")
}

// checkKeyField reads the separate key field (a public key, JWK(S), or an
// HMAC secret, base64 if ticked).
func (r *Report) checkKeyField() {
	if strings.TrimSpace(r.opts.KeyText) != "" {
		keys, err := token.ParseVerifyKeys(r.opts.KeyText, r.opts.KeyBase64)
		if err != nil {
			r.reportUnreadableKey("the key field", err)
		}
		r.opts.Keys = append(append([]token.VerifyKey(nil), r.opts.Keys...), keys...)
	}
	for _, k := range r.opts.Keys {
		if k.Weak != "" {
			r.reportWeak(k.Label, k.Weak)
		}
	}
}

func (r *Report) reportUnreadableKey(where string, err error) {
	r.add(Finding{
		Code: CodeKeyUnreadable, Severity: SeverityWarn, Token: -1,
		Title:  "The key in " + where + " could not be read: " + err.Error(),
		Detail: "Accepted: an HMAC secret as text (or base64, with the box ticked), a PEM public key, a JWK, or a JWKS ({\"keys\": [...]}).",
		Fix:    "For SimpleJWT with HS256 paste SIMPLE_JWT['SIGNING_KEY'] (by default Django's SECRET_KEY) exactly; for RS256 paste VERIFYING_KEY, the PEM public key.",
	}).with("where", where)
}

func (r *Report) reportWeak(label, why string) {
	r.add(Finding{
		Code: CodeWeakSecret, Severity: SeverityWarn, Token: -1,
		Title:  "Weak secret: " + label + " — " + why,
		Detail: "Anyone who guesses an HMAC secret can mint tokens your backend accepts, and NEXTAUTH_SECRET / AUTH_SECRET also protects every session. Short or published secrets fall to offline guessing against a single captured token.",
		Fix:    "Generate 32 random bytes: `openssl rand -base64 32` (or `npx auth secret`), set it as SIMPLE_JWT['SIGNING_KEY'] / NEXTAUTH_SECRET in the environment, never in the repository, then sign everyone in again.",
	}).with("secret", label).with("why", why)
}

// MayBlame is the rule for naming a secret in jwt.signature_invalid: only a
// secret that could be the token's signing key is reported as the wrong
// one. Every secret is still tried, and one that verifies is named in
// jwt.signature_valid whatever its name.
//
//   - A session secret (NEXTAUTH_SECRET, AUTH_SECRET*) signs only a signed
//     (JWS) session cookie, never a backend token.
//   - A signing key (SECRET_KEY, SIGNING_KEY, JWT_SECRET, …) signs backend
//     tokens, never a NextAuth session.
//   - An unnamed line may be either. It is not blamed for a backend token
//     when it opened a session (it is that app's session secret), nor for
//     one found inside a session the box opened: next to the line that
//     opened it, an unnamed line is as likely a rotated session secret as
//     Django's key, and blaming it would be a false alarm.
func MayBlame(role SecretRole, sessionToken, openedASession, insideOpenedSession bool) bool {
	switch role {
	case RoleSessionSecret:
		return sessionToken
	case RoleSigningKey:
		return !sessionToken
	}
	return sessionToken || (!openedASession && !insideOpenedSession)
}

// openers are the box lines whose secret opened (or verified) a session.
func (r *Report) openers() map[int]bool {
	lines := map[int]bool{}
	for _, tr := range r.Tokens {
		if s := tr.Session; s != nil && s.Secret > 0 {
			lines[s.SecretLine] = true
		}
		if v := tr.Signature; v != nil && v.Valid && token.SessionFormatOf(tr.Token) == token.FormatSignedSession {
			for _, bk := range r.boxKeys {
				if bk.key.Label == v.Key {
					lines[bk.secret.Line] = true
				}
			}
		}
	}
	return lines
}

// insideOpenedSession reports whether token i was found in a session the
// box opened.
func (r *Report) insideOpenedSession(i int) bool {
	for p := r.Tokens[i].Parent; p >= 0; p = r.Tokens[p].Parent {
		if s := r.Tokens[p].Session; s != nil && s.Secret > 0 {
			return true
		}
		if v := r.Tokens[p].Signature; v != nil && v.Valid {
			return true
		}
	}
	return false
}

// checkSignature verifies a JWS with every typed key and every secret of
// the box that fits its alg.
func (r *Report) checkSignature(i int) {
	tr := &r.Tokens[i]
	if strings.EqualFold(tr.Alg, "none") {
		return
	}
	sessionToken := token.SessionFormatOf(tr.Token) == token.FormatSignedSession
	keys := append([]token.VerifyKey(nil), r.opts.Keys...)
	blamable := make(map[string]bool, len(keys))
	for _, k := range keys {
		blamable[k.Label] = true
	}
	openers, inside := r.openers(), r.insideOpenedSession(i)
	var spared []string // unnamed lines, not the session's own, tried but not blamable
	for _, bk := range r.boxKeys {
		keys = append(keys, bk.key)
		role := bk.secret.Role()
		if MayBlame(role, sessionToken, openers[bk.secret.Line], inside) {
			blamable[bk.key.Label] = true
		} else if role == RoleUnnamed && !openers[bk.secret.Line] {
			spared = append(spared, bk.key.Label)
		}
	}
	if len(keys) == 0 {
		return
	}
	v := token.Verify(tr.Token, keys)
	var blamed []string
	for _, label := range v.Tried {
		if blamable[label] {
			blamed = append(blamed, label)
		}
	}
	switch {
	case v.Valid:
		tr.Signature = &v
		r.add(Finding{
			Code: CodeSignatureValid, Severity: SeverityOK, Token: i,
			Title:  fmt.Sprintf("Signature valid (%s, %s)", tr.Alg, v.Key),
			Detail: "golang-jwt verified the signature with this key: the token was signed by whoever holds it, and has not been altered.",
		}).with("alg", tr.Alg).with("key", v.Key)
	case !v.Checked:
		if !anyBlamable(blamable) {
			return // only session secrets, which no one expects to fit
		}
		tr.Signature = &v
		r.add(Finding{
			Code: CodeSignatureUnchecked, Severity: SeverityInfo, Token: i,
			Title:  fmt.Sprintf("Signature not checked: no typed key fits alg %s", tr.Alg),
			Detail: "HS* tokens need the HMAC secret; RS*/PS* an RSA public key; ES* an EC public key; EdDSA an Ed25519 key.",
			Fix:    "Paste the key the issuer signs with: for SimpleJWT with HS256 that is SIMPLE_JWT['SIGNING_KEY'], which defaults to Django's SECRET_KEY.",
		}).with("alg", tr.Alg)
	case len(blamed) > 0:
		tr.Signature = &v
		r.reportBadSignature(*tr, v, blamed)
	default:
		r.reportSpared(*tr, v, spared)
	}
}

// reportSpared tells, without alarm, that unnamed lines did not verify a
// token they were not blamed for; the fix is to name the signing key.
func (r *Report) reportSpared(tr TokenReport, v token.Verification, spared []string) {
	var tried []string
	for _, label := range v.Tried {
		if slices.Contains(spared, label) {
			tried = append(tried, label)
		}
	}
	if len(tried) == 0 {
		return // only NEXTAUTH_SECRET / AUTH_SECRET*, which never sign backend tokens
	}
	r.add(Finding{
		Code: CodeSignatureUnchecked, Severity: SeverityInfo, Token: tr.Index,
		Title:  fmt.Sprintf("Signature not verified by %s, taken for session secrets: no signing key named", strings.Join(tried, ", ")),
		Detail: "Next to the line that opened the session, an unnamed line is as likely a session secret (an old AUTH_SECRET) as Django's key, so a mismatch is not reported as the backend's signing-key problem.",
		Fix:    "If one of these lines is the backend's key, write it as SECRET_KEY=… (Django) or SIGNING_KEY=… (SIMPLE_JWT): then a mismatch is reported.",
	}).with("alg", tr.Alg).with("secrets tried", strings.Join(tried, ", "))
}

func anyBlamable(m map[string]bool) bool {
	for _, ok := range m {
		if ok {
			return true
		}
	}
	return false
}

func (r *Report) reportBadSignature(tr TokenReport, v token.Verification, blamed []string) {
	f := Finding{
		Code: CodeSignatureInvalid, Severity: SeverityError, Token: tr.Index,
		Title:  fmt.Sprintf("Signature invalid: none of the %d typed key(s) verifies this %s token", len(blamed), tr.Alg),
		Detail: "Either the token was signed with another key or algorithm, or it was altered after signing.",
		Fix:    "Check the key you typed is the signing key, byte for byte (no quotes, no trailing newline; tick base64 if it is stored encoded).",
	}
	live := tr.Exp == nil || !expiredAt(tr.Exp.Time, r.Now, r.Leeway)
	if tr.SimpleJWT.Present && live {
		f.Title = "Signature invalid: SIGNING_KEY / ALGORITHM mismatch — this is the backend's \"Token is invalid\" 401"
		f.Detail = "The token is unexpired, so a SimpleJWT backend with this key refuses it only for the signature: 401 \"Token is invalid or expired\" (5.2.2) or \"Token is invalid\" (5.5+), code token_not_valid. Typically Django's SECRET_KEY (the default SIGNING_KEY) differs between the server that minted it and the one verifying it, or SIMPLE_JWT['ALGORITHM'] changed."
		f.Fix = "Make every Django instance use the same SIMPLE_JWT['SIGNING_KEY'] (or SECRET_KEY, its default) and ALGORITHM, from the environment; tokens minted with an old key stay invalid: sign in again."
	}
	added := r.add(f).with("alg", tr.Alg).with("keys tried", strings.Join(blamed, ", "))
	if others := len(v.Tried) - len(blamed); others > 0 {
		added.with("session secrets also tried", fmt.Sprint(others))
	}
}
