package ui

import (
	"tokenscope/app/diagnose"
	"tokenscope/app/token"
)

// claimMeanings explains registered, SimpleJWT and NextAuth claims.
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

func (in *Inspector) explainClaim(t diagnose.TokenReport, m token.Member) string {
	now, zone := in.report.Now, in.env.Zone
	for name, label := range map[string]string{"exp": "expires", "iat": "issued", "nbf": "not before"} {
		if m.Key != name {
			continue
		}
		inst, ok := t.NumericDate(name)
		if !ok {
			return label + ": not a valid NumericDate"
		}
		utc, local, rel := describeInstant(inst.Time, now, zone)
		return label + " " + rel + " · " + utc + " · " + local
	}
	if role := token.RoleOf(m.Key); role != token.RoleUnknown && m.Kind == token.KindString {
		return "holds a " + string(role) + " token (decoded below)"
	}
	return claimMeanings[m.Key]
}
