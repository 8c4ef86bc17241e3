package diagnose

import (
	"strconv"
	"strings"
)

// SecretRole is what a secret's name says it is for. Every secret is still
// tried for every purpose; the role only decides whom a failure may blame.
type SecretRole int

// Secret roles.
const (
	// RoleUnnamed: a bare line. It may be a session secret or a signing key.
	RoleUnnamed SecretRole = iota
	// RoleSessionSecret: NEXTAUTH_SECRET, AUTH_SECRET, AUTH_SECRET_1..3.
	// NextAuth encrypts its session with it; it never signs backend tokens.
	RoleSessionSecret
	// RoleSigningKey: SECRET_KEY, SIGNING_KEY, JWT_SECRET and kin, the
	// HMAC key a SimpleJWT backend signs with.
	RoleSigningKey
)

// SecretKind tells a text secret from a key block.
type SecretKind int

// Secret kinds.
const (
	// SecretText is an HMAC secret or session secret, used byte for byte.
	SecretText SecretKind = iota
	// SecretPEM is a -----BEGIN … -----END … block: a public key.
	SecretPEM
	// SecretJSON is a { … } block: a JWK or a JWKS.
	SecretJSON
)

// Secret is one entry of the secrets box. Findings name it by Label, never
// by Value.
type Secret struct {
	// Name is the variable it was assigned to ("NEXTAUTH_SECRET"); empty for
	// a bare line or a key block.
	Name string
	// Line is the 1-based line of the box it starts on.
	Line  int
	Value string
	Kind  SecretKind
}

// Label names the secret for findings: "NEXTAUTH_SECRET (line 3)", "line 2".
func (s Secret) Label() string {
	at := "line " + strconv.Itoa(s.Line)
	switch {
	case s.Name != "":
		return s.Name + " (" + at + ")"
	case s.Kind == SecretPEM:
		return "PEM block (" + at + ")"
	case s.Kind == SecretJSON:
		return "JSON key (" + at + ")"
	}
	return at
}

// Role is what the secret's name says it is for.
func (s Secret) Role() SecretRole {
	if s.Kind != SecretText {
		return RoleSigningKey
	}
	return roleOf(s.Name)
}

// sessionSecretNames and signingKeyNames are the variables the box reads;
// any other assignment is configuration, not a secret, and is ignored.
var (
	sessionSecretNames = map[string]bool{
		"NEXTAUTH_SECRET": true, "AUTH_SECRET": true,
		"AUTH_SECRET_1": true, "AUTH_SECRET_2": true, "AUTH_SECRET_3": true,
	}
	signingKeyNames = map[string]bool{
		"SECRET_KEY": true, "DJANGO_SECRET_KEY": true,
		"SIGNING_KEY": true, "SIMPLE_JWT_SIGNING_KEY": true, "JWT_SIGNING_KEY": true,
		"JWT_SECRET": true, "JWT_SECRET_KEY": true,
	}
)

func roleOf(name string) SecretRole {
	name = strings.ToUpper(name)
	switch {
	case name == "":
		return RoleUnnamed
	case sessionSecretNames[name]:
		return RoleSessionSecret
	}
	return RoleSigningKey
}

// MaxSecrets is how many entries of the box are used. Each costs a key
// derivation per session format and an HMAC per token; a box with more is
// a pasted file, not a list of secrets.
const MaxSecrets = 32

// SecretBox is the secrets box read: what it uses, and what it ignored.
type SecretBox struct {
	Secrets []Secret
	// Ignored names the assignments that were not secrets ("DATABASE_URL
	// (line 4)"), so the page can say the line was read and left out.
	Ignored []string
	// Dropped counts secrets beyond MaxSecrets.
	Dropped int
}

// ParseSecrets reads the secrets box: one secret per line, or a pasted .env
// block (NAME=value, `export NAME=value`, 'single' or "double" quoted with
// escapes, # comments), or Django settings lines (SECRET_KEY = '…'), plus
// PEM blocks and JSON key blocks that span lines. Assignments to names that
// hold no secret (DATABASE_URL=…) are ignored, never tried.
func ParseSecrets(text string) SecretBox {
	var box SecretBox
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		start := i + 1
		var s Secret
		switch {
		case line == "", strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "-----BEGIN"):
			i = blockEnd(lines, i, func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "-----END") })
			s = Secret{Line: start, Kind: SecretPEM, Value: strings.Join(lines[start-1:i+1], "\n")}
		case strings.HasPrefix(line, "{"):
			depth := 0
			i = blockEnd(lines, i, func(l string) bool { depth += braceDelta(l); return depth <= 0 })
			s = Secret{Line: start, Kind: SecretJSON, Value: strings.Join(lines[start-1:i+1], "\n")}
		default:
			name, value, ok := assignment(line)
			switch {
			case !ok:
				s = Secret{Line: start, Value: unquote(line)}
			case !sessionSecretNames[strings.ToUpper(name)] && !signingKeyNames[strings.ToUpper(name)]:
				box.Ignored = append(box.Ignored, name+" (line "+strconv.Itoa(start)+")")
				continue
			default:
				s = Secret{Name: name, Line: start, Value: value}
			}
		}
		if s.Value == "" {
			continue
		}
		if len(box.Secrets) >= MaxSecrets {
			box.Dropped++
			continue
		}
		box.Secrets = append(box.Secrets, s)
	}
	return box
}

// blockEnd is the index of the line that closes a block opened at lines[i],
// or the last line when none does.
func blockEnd(lines []string, i int, closes func(string) bool) int {
	for j := i; j < len(lines); j++ {
		if closes(lines[j]) {
			return j
		}
	}
	return len(lines) - 1
}

// braceDelta counts { minus } outside JSON strings on one line.
func braceDelta(line string) int {
	d, inString, escaped := 0, false, false
	for _, c := range line {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{':
			d++
		case c == '}':
			d--
		}
	}
	return d
}

// assignment reads `NAME=value`, `export NAME=value` or `NAME = 'value'`.
// A name is an environment variable's: letters, digits and underscores,
// not starting with a digit, and either all upper case or one the box
// knows. So a base64 secret ending in "=" padding stays a bare secret.
func assignment(line string) (name, value string, ok bool) {
	rest := line
	if r, found := strings.CutPrefix(rest, "export"); found && r != "" && (r[0] == ' ' || r[0] == '\t') {
		rest = strings.TrimLeft(r, " \t")
	}
	eq := strings.IndexByte(rest, '=')
	if eq <= 0 {
		return "", "", false
	}
	name = strings.TrimRight(rest[:eq], " \t")
	raw := strings.TrimLeft(rest[eq+1:], " \t")
	if !envName(name) || strings.HasPrefix(raw, "=") {
		return "", "", false
	}
	return name, envValue(raw), true
}

func envName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	upper := true
	for _, c := range name {
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		case c >= 'a' && c <= 'z':
			upper = false
		default:
			return false
		}
	}
	u := strings.ToUpper(name)
	return upper || sessionSecretNames[u] || signingKeyNames[u]
}

// envValue reads the value of an assignment as dotenv does: a quoted value
// up to its closing quote ("…" with backslash escapes, '…' literal), else
// up to a comment that starts with whitespace and # (python-dotenv's rule:
// Django keys often hold a # with no space before it).
func envValue(raw string) string {
	if raw == "" {
		return ""
	}
	switch q := raw[0]; q {
	case '"':
		var b strings.Builder
		for i := 1; i < len(raw); i++ {
			c := raw[i]
			switch {
			case c == '"':
				return b.String()
			case c == '\\' && i+1 < len(raw):
				i++
				b.WriteString(unescape(raw[i]))
			default:
				b.WriteByte(c)
			}
		}
		return b.String() // unterminated: the rest of the line
	case '\'', '`':
		if end := strings.IndexByte(raw[1:], q); end >= 0 {
			return raw[1 : 1+end]
		}
		return raw[1:]
	}
	for i := 1; i < len(raw); i++ {
		if raw[i] == '#' && (raw[i-1] == ' ' || raw[i-1] == '\t') {
			return strings.TrimRight(raw[:i], " \t")
		}
	}
	return raw
}

func unescape(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 'r':
		return "\r"
	case 't':
		return "\t"
	case '"', '\\', '\'', '$':
		return string(c)
	}
	return "\\" + string(c)
}

// unquote strips one pair of matching quotes around a bare secret: a value
// copied from code ("…" or '…') means what is inside.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return envValue(s)
	}
	return s
}

// SecretValues are the values the box holds, for the export's redaction.
func SecretValues(text string) []string {
	box := ParseSecrets(text)
	out := make([]string, 0, len(box.Secrets))
	for _, s := range box.Secrets {
		out = append(out, s.Value)
	}
	return out
}
