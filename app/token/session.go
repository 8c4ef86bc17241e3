package token

import "strings"

// SessionFormat names a session-token flavour: which library wrote it, and
// so how its key is derived.
type SessionFormat string

// Session-token formats, told apart by header and cookie name alone.
const (
	FormatNone SessionFormat = ""
	// FormatNextAuthV4: next-auth 4.x. dir + A256GCM; key = HKDF-SHA256(secret,
	// salt "", info "NextAuth.js Generated Encryption Key", 32 bytes).
	FormatNextAuthV4 SessionFormat = "nextauth-v4"
	// FormatAuthJS: next-auth v5 / @auth/core >= 0.24. dir + A256CBC-HS512 with
	// a kid; salt = cookie name, info "Auth.js Generated Encryption Key (<salt>)",
	// 64 bytes.
	FormatAuthJS SessionFormat = "authjs"
	// FormatAuthJS023: @auth/core 0.23, as FormatAuthJS without the kid.
	FormatAuthJS023 SessionFormat = "authjs-0.23"
	// FormatAuthJS018: @auth/core <= 0.18.0: A256GCM, salt "", info
	// "Auth.js Generated Encryption Key", 32 bytes.
	FormatAuthJS018 SessionFormat = "authjs-0.18"
	// FormatAuthJS020: @auth/core 0.18.1-0.22: A256GCM, salt = cookie name.
	FormatAuthJS020 SessionFormat = "authjs-0.20"
	// FormatSignedSession: a session cookie holding a JWS, from a custom
	// jwt.encode; readable without a secret, verifiable with one.
	FormatSignedSession SessionFormat = "signed-jws"
)

// Describe is the format's name for people.
func (f SessionFormat) Describe() string {
	switch f {
	case FormatNextAuthV4:
		return "NextAuth v4 session token (JWE dir + A256GCM)"
	case FormatAuthJS:
		return "Auth.js session token (next-auth v5 / @auth/core ≥ 0.24; JWE dir + A256CBC-HS512 with kid)"
	case FormatAuthJS023:
		return "Auth.js session token from @auth/core 0.23 (A256CBC-HS512, no kid)"
	case FormatAuthJS018:
		return "Auth.js session token from @auth/core ≤ 0.18.0 (A256GCM, no salt)"
	case FormatAuthJS020:
		return "Auth.js session token from @auth/core 0.18.1–0.22 (A256GCM, cookie-name salt)"
	case FormatSignedSession:
		return "signed (JWS) session token from a custom jwt.encode"
	}
	return "not a session token"
}

// SessionFormatOf recognises a session token from its header and the cookie
// it came in, before any secret is typed. A256GCM is ambiguous between
// NextAuth v4 and old Auth.js: the cookie name decides (authjs.* cookies were
// introduced by Auth.js), defaulting to NextAuth v4, by far the most common.
func SessionFormatOf(t Token) SessionFormat {
	cookie := t.Source.Name
	switch t.Form {
	case FormJWS:
		if IsSessionCookie(cookie) {
			return FormatSignedSession
		}
		return FormatNone
	case FormJWE:
	default:
		return FormatNone
	}
	alg, _ := t.HeaderValue("alg")
	if alg.Text() != "dir" {
		return FormatNone
	}
	authjsCookie := strings.Contains(cookie, "authjs.")
	switch t.Enc {
	case "A256CBC-HS512":
		if t.Kid != "" {
			return FormatAuthJS
		}
		return FormatAuthJS023
	case "A256GCM":
		if authjsCookie {
			return FormatAuthJS020
		}
		return FormatNextAuthV4
	}
	return FormatNone
}

// CookieSalt is the salt Auth.js derives its key with: the cookie name, with
// its __Secure- prefix when it has one.
func CookieSalt(cookie string) string { return cookie }

// OtherSalt is the salt the same cookie gets on the other scheme: http uses
// the bare name, https the __Secure- one. A token that decrypts only with it
// was minted under the other scheme.
func OtherSalt(salt string) string {
	if rest, ok := strings.CutPrefix(salt, "__Secure-"); ok {
		return rest
	}
	return "__Secure-" + salt
}
