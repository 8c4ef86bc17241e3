package token

import "strings"

// Role is what a field name says a token is for.
type Role string

// Roles by field name.
const (
	RoleUnknown Role = ""
	RoleAccess  Role = "access"
	RoleRefresh Role = "refresh"
	RoleID      Role = "id"
	RoleSession Role = "session"
)

// fieldRoles maps normalised field names (lower case, no _ or -) to roles. The
// names are those used by SimpleJWT, dj-rest-auth, OAuth and the common
// NextAuth jwt-callback recipes.
var fieldRoles = map[string]Role{
	"access": RoleAccess, "accesstoken": RoleAccess, "backendaccess": RoleAccess,
	"backendaccesstoken": RoleAccess, "accessjwt": RoleAccess, "jwt": RoleAccess,
	"token": RoleAccess, "authtoken": RoleAccess, "bearer": RoleAccess,
	"refresh": RoleRefresh, "refreshtoken": RoleRefresh, "backendrefresh": RoleRefresh,
	"backendrefreshtoken": RoleRefresh, "refreshjwt": RoleRefresh,
	"idtoken":      RoleID,
	"sessiontoken": RoleSession,
}

func normalizeName(name string) string {
	name = strings.ToLower(name)
	name = strings.ReplaceAll(name, "_", "")
	return strings.ReplaceAll(name, "-", "")
}

// RoleOf says what a field or cookie name implies the token is.
func RoleOf(name string) Role {
	if IsSessionCookie(name) {
		return RoleSession
	}
	return fieldRoles[normalizeName(name)]
}

// IsTokenKey reports whether a field name conventionally holds a token.
func IsTokenKey(name string) bool { return RoleOf(name) != RoleUnknown }
