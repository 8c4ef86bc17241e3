package diagnose

import (
	"strings"

	"tokenscope/app/token"
)

// claimMeanings explains registered, SimpleJWT and NextAuth claims and
// header parameters.
var claimMeanings = map[string]string{
	"token_type": "SimpleJWT token type: refresh tokens go to /api/token/refresh/, access tokens in Authorization headers",
	"jti":        "token id; SimpleJWT's blacklist records it",
	"user_id":    "SimpleJWT user id (USER_ID_CLAIM); a number before 5.5.1, a string after",
	"sub":        "subject: the user the token is about",
	"iss":        "issuer",
	"aud":        "audience",
	"name":       "NextAuth: user's name",
	"email":      "NextAuth: user's email",
	"picture":    "NextAuth: user's image",
	"alg":        "signing algorithm",
	"typ":        "token type declared in the header",
	"kid":        "key id: which key signed (or, for Auth.js, encrypted) it",
	"enc":        "content encryption algorithm",
	"error":      "an error marker the app's jwt callback set",
}

// TimeClaimLabels name the NumericDate claims the page explains as times.
var TimeClaimLabels = map[string]string{"exp": "expires", "iat": "issued", "nbf": "not before"}

// ClaimMeaning says what a claim (or header parameter) is: its registered
// or conventional meaning, or, for a string under a token field name
// (backendRefresh), that it holds a token decoded separately. Empty when
// nothing is known. Time claims are described by the caller, which knows
// the viewer's zone (TimeClaimLabels).
func ClaimMeaning(m token.Member) string {
	if role := token.RoleOf(m.Key); role != token.RoleUnknown && m.Kind == token.KindString {
		article := "a "
		if strings.ContainsRune("aeiou", rune(role[0])) {
			article = "an "
		}
		return "holds " + article + string(role) + " token (decoded below)"
	}
	return claimMeanings[m.Key]
}
