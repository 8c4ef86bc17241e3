package diagnose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"tokenscope/app/token"
)

// This file decides what of a token's header and claims the export keeps.
// It starts from an allowlist: a string is shown only under a name known to
// hold an identifier or a word, and even then every credential in it
// (credential.go) is cut out. Everything else is described by its kind and
// length. Numbers, booleans and null are kept: they are the times and flags
// the findings are about, and cannot carry a token.

// exportedClaims are the claim and member names whose string values the
// export shows (credentials inside them removed). They are matched at any
// depth, because a session nests them (user.name, user.email) and the
// credential rules apply at every depth anyway; a name gives no licence,
// it only lifts the "opaque string" default.
//
// Left out on purpose: picture and image (URLs are where signed links and
// tokens travel, and a photo is no evidence), sid and nonce (session
// handles), at_hash and c_hash, and every *_token / backend* field (those
// are tokens: decoded on their own when they are JWTs).
var exportedClaims = map[string]bool{
	"sub": true, "email": true, "name": true, "user_id": true, "token_type": true,
	"jti": true, "iss": true, "aud": true, "azp": true, "scope": true,
	"error": true, "provider": true, "type": true,
}

// exportedHeader are the JOSE header members shown: they say how the token
// is protected and nothing else. jku, x5u, x5c, jwk and unknown members are
// URLs, certificates and keys: described, not shown.
var exportedHeader = map[string]bool{
	"alg": true, "typ": true, "kid": true, "enc": true, "cty": true, "zip": true,
}

// isDateTimeString reports whether s is an RFC 3339 date-time (a session's
// "expires"): shown under any name, since it is time evidence and cannot
// hold a secret. It is the pattern
//
//	^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$
//
// written out by hand (datetime_test.go holds the pattern and checks that
// both agree), so that the wasm app compiles no regular expression.
func isDateTimeString(s string) bool {
	// digits consumes n ASCII digits from the front of s.
	digits := func(n int) bool {
		if len(s) < n {
			return false
		}
		for i := 0; i < n; i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		s = s[n:]
		return true
	}
	// one consumes one of the bytes of c from the front of s.
	one := func(c string) bool {
		if s != "" && strings.IndexByte(c, s[0]) >= 0 {
			s = s[1:]
			return true
		}
		return false
	}
	if !digits(4) || !one("-") || !digits(2) || !one("-") || !digits(2) ||
		!one("T ") || !digits(2) || !one(":") || !digits(2) {
		return false
	}
	if one(":") {
		if !digits(2) {
			return false
		}
		if one(".") {
			n := 0
			for n < len(s) && s[n] >= '0' && s[n] <= '9' {
				n++
			}
			if n < 1 || n > 9 {
				return false
			}
			s = s[n:]
		}
	}
	switch {
	case one("Z"):
	case one("+-"):
		if !digits(2) {
			return false
		}
		one(":")
		if !digits(2) {
			return false
		}
	}
	return s == ""
}

// redactor carries what the export knows while it walks the report: the
// typed secrets to cut out, and the report for pointing at nested tokens.
type redactor struct {
	typed []string
	r     *Report
}

// text is the one path for input-derived text on a Markdown line: typed
// secrets and credentials removed, then escaped.
func (x *redactor) text(s string) string { return mdText(x.scrub(s)) }

// scrub removes typed secrets and credentials from s. A string that hides a
// credential under percent-encoding goes whole.
func (x *redactor) scrub(s string) string {
	for _, secret := range x.typed {
		s = strings.ReplaceAll(s, secret, "<typed secret removed>")
	}
	if label, ok := hiddenCredential(s); ok {
		return fmt.Sprintf("<string hiding a %s under URL encoding, %d chars, removed>", label, len(s))
	}
	spans := credentialSpans(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		b.WriteString(s[at:sp.start])
		fmt.Fprintf(&b, "<%s, %d chars, removed>", sp.label, sp.end-sp.start)
		at = sp.end
	}
	b.WriteString(s[at:])
	return b.String()
}

// typedSecrets lists what to cut out of the export for each typed secret or
// key: the value, trimmed, and each of its lines (a PEM, an .env paste).
// Shorter than minTypedSecret is too short to find without cutting words.
func typedSecrets(typed []string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); len(s) >= minTypedSecret {
			out = append(out, s)
		}
	}
	for _, t := range typed {
		add(t)
		for _, line := range strings.Split(t, "\n") {
			add(line)
			if _, v, ok := strings.Cut(line, "="); ok {
				add(strings.Trim(strings.TrimSpace(v), `"'`)) // NEXTAUTH_SECRET="..."
			}
		}
	}
	return out
}

// minTypedSecret is the shortest typed secret the export searches for.
const minTypedSecret = 6

// membersJSON writes an object's members, one a line, through the
// allowlist. token is the index of the token they belong to (for nested
// token references), allow the names whose strings are shown.
func (x *redactor) membersJSON(ms []token.Member, owner int, allow map[string]bool) string {
	var b bytes.Buffer
	x.writeObject(&b, ms, owner, allow, 0)
	return b.String()
}

func (x *redactor) writeObject(b *bytes.Buffer, ms []token.Member, owner int, allow map[string]bool, depth int) {
	if len(ms) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteString("{\n")
	for i, m := range ms {
		indent(b, depth+1)
		writeJSONString(b, x.key(m.Key))
		b.WriteString(": ")
		x.writeValue(b, m.Key, m.Kind, m.Raw, owner, allow, depth+1)
		if i < len(ms)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	indent(b, depth)
	b.WriteByte('}')
}

// key shows a member name: names are input too, and a name can be a token.
func (x *redactor) key(k string) string {
	if s := x.scrub(k); s != k {
		return "<name removed: " + strings.Trim(s, "<>") + ">"
	}
	return k
}

func (x *redactor) writeValue(b *bytes.Buffer, key string, kind token.Kind, raw json.RawMessage, owner int, allow map[string]bool, depth int) {
	switch kind {
	case token.KindNumber, token.KindBool, token.KindNull:
		b.Write(bytes.TrimSpace(raw))
	case token.KindString:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			writeJSONString(b, "<unreadable string removed>")
			return
		}
		writeJSONString(b, x.stringValue(key, s, owner, allow))
	case token.KindObject:
		ms, err := token.ParseObject(raw)
		if err != nil {
			writeJSONString(b, "<unreadable object removed>")
			return
		}
		x.writeObject(b, ms, owner, allow, depth)
	case token.KindArray:
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			writeJSONString(b, "<unreadable array removed>")
			return
		}
		if len(elems) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range elems {
			indent(b, depth+1)
			// Elements are judged under the array's name: aud: ["a", "b"].
			x.writeValue(b, key, kindOfRaw(e), e, owner, allow, depth+1)
			if i < len(elems)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(b, depth)
		b.WriteByte(']')
	default:
		writeJSONString(b, "<unreadable value removed>")
	}
}

// stringValue is what the export shows for the string s under key.
func (x *redactor) stringValue(key, s string, owner int, allow map[string]bool) string {
	trimmed := strings.TrimSpace(s)
	switch {
	case s == "":
		return "" // an empty refresh field is evidence, and empty
	case isDateTimeString(trimmed):
		return trimmed
	}
	if sp := credentialSpans(trimmed); len(sp) == 1 && sp[0].start == 0 && sp[0].end == len(trimmed) {
		return x.describeCredential(sp[0].label, trimmed, owner)
	}
	if allow[key] {
		return x.scrub(s)
	}
	return describeString(x.scrub(s) != s, s)
}

// describeCredential names a value that is one credential: a token decoded
// elsewhere in the report is pointed at by number.
func (x *redactor) describeCredential(label, s string, owner int) string {
	if x.r != nil {
		for _, t := range x.r.Tokens {
			if t.Parent == owner && owner >= 0 && strings.TrimSpace(t.Raw) == s {
				return fmt.Sprintf("<%s, %d chars: token %s below>", label, len(s), x.r.TokenNumber(t.Index))
			}
		}
	}
	return fmt.Sprintf("<%s, %d chars, removed>", label, len(s))
}

// describeString is a string outside the allowlist: its kind and length.
func describeString(holdsCredential bool, s string) string {
	kind := "opaque string"
	lower := strings.ToLower(strings.TrimSpace(s))
	switch {
	case holdsCredential:
		kind = "string holding a credential"
	case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://"):
		kind = "URL"
	}
	return fmt.Sprintf("<%s, %d chars>", kind, len(s))
}

func kindOfRaw(raw json.RawMessage) token.Kind {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '{':
		return token.KindObject
	case '[':
		return token.KindArray
	case '"':
		return token.KindString
	case 't', 'f':
		return token.KindBool
	case 'n':
		return token.KindNull
	}
	return token.KindNumber
}

func indent(b *bytes.Buffer, depth int) {
	for range depth {
		b.WriteString("  ")
	}
}

// writeJSONString writes s as a JSON string, one line. < > & stay as they
// are: the string sits in a fenced block, where Markdown shows them as
// text. mdFence shows any control or format character as an escape.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode ends with a newline
}
