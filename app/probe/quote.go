package probe

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors from Endpoint, matched with errors.Is.
var (
	// ErrBackendURL is a backend that is not an absolute http(s) URL with a
	// plain host (no user info: fetch refuses URLs carrying credentials).
	ErrBackendURL = errors.New("not an http(s) backend URL")
	// ErrRefreshPath is a refresh path that is not a path on the backend
	// ("//other.host/x" and "http://..." would leave it).
	ErrRefreshPath = errors.New("not a path on the backend")
)

// ExampleOrigin stands in a fix text for an origin that cannot be written
// into one: a bridge or page that reports "null", or anything that is not
// scheme://host[:port].
const ExampleOrigin = "https://your-app.example"

// Endpoint joins a backend base URL and a refresh path. It works on the
// escaped forms (URL.EscapedPath, RawQuery) so that "%23", "%2F" and "%20"
// stay what they were typed as instead of turning into a fragment, a path
// separator or a space; the fragment is dropped (it is never sent). The
// result is canonical: validated origin, escaped path, escaped query, so
// nothing in it needs more than ordinary quoting in a shell or JS line.
func Endpoint(backend, path string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(backend))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", fmt.Errorf("%w: %q; type it like %s", ErrBackendURL, backend, DefaultBackend)
	}
	origin, ok := ValidOrigin(u.Scheme + "://" + u.Host)
	if !ok {
		return "", fmt.Errorf("%w: %q has no valid host and port; type it like %s", ErrBackendURL, backend, DefaultBackend)
	}
	p, err := url.Parse(path)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil || p.Opaque != "" || strings.HasPrefix(path, "//") {
		return "", fmt.Errorf("%w: %q; type it like %s", ErrRefreshPath, path, CandidatePaths[0])
	}
	rel := p.EscapedPath()
	if !strings.HasPrefix(rel, "/") {
		rel = "/" + rel
	}
	out := origin + strings.TrimSuffix(u.EscapedPath(), "/") + rel
	var query []string
	for _, q := range []string{u.RawQuery, p.RawQuery} {
		if q != "" {
			query = append(query, escapeQuery(q))
		}
	}
	if len(query) > 0 {
		out += "?" + strings.Join(query, "&")
	}
	return out, nil
}

// escapeQuery percent-encodes what RFC 3986 does not allow in a query
// (spaces, quotes, backticks, <>, {}, |, \, ^, non-ASCII), leaving valid
// escapes and the characters that carry meaning (&, =, +, ...) alone.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]):
			b.WriteByte(c)
		case c < 0x80 && c != '%' && (isAlnum(c) || strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0):
			b.WriteByte(c)
		default:
			b.WriteString("%" + string(hex[c>>4]) + string(hex[c&15]))
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ValidOrigin parses an origin with net/url and rebuilds it as
// scheme://host[:port]: scheme http or https, a DNS name or an IP address,
// a port in range (the scheme's default dropped, as browsers send it), and
// nothing else (no user info, path, query or fragment). Only such a value
// may appear in a fix text: an origin claimed by a page or a bridge could
// otherwise carry Python or shell into the line the user pastes.
func ValidOrigin(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	switch ip := net.ParseIP(host); {
	case ip != nil && strings.Contains(host, ":"):
		if !strings.HasPrefix(u.Host, "[") {
			return "", false
		}
		host = "[" + ip.String() + "]"
	case ip != nil:
		host = ip.String()
	case !validHostname(host):
		return "", false
	}
	port := u.Port()
	if strings.HasSuffix(u.Host, ":") {
		return "", false
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", false
		}
		port = strconv.Itoa(n)
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, true
}

// validHostname is a DNS name: dot-separated labels of letters, digits and
// hyphens, none empty or longer than 63, not starting or ending with "-".
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if !isAlnum(label[i]) && label[i] != '-' {
				return false
			}
		}
	}
	return true
}

// originOrExample is the validated origin, or ExampleOrigin when raw is not
// one; ok says which.
func originOrExample(raw string) (string, bool) {
	if o, ok := ValidOrigin(raw); ok {
		return o, true
	}
	return ExampleOrigin, false
}

// urlOrigin is the validated origin of a request URL, or ExampleOrigin.
func urlOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ExampleOrigin
	}
	o, _ := originOrExample(u.Scheme + "://" + u.Host)
	return o
}

// shellQuote makes s one POSIX shell word. Inside single quotes nothing is
// special ($, `, \, !, spaces and newlines stay literal); a ' is closed,
// escaped and reopened. Every input-derived string in a shell line goes
// through it.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// curlCheck is the command a fix text offers for trying a URL by hand.
func curlCheck(u string) string { return "curl -i " + shellQuote(u) }

// jsString is s as a JavaScript string literal: JSON's escaping (quotes,
// backslashes, control characters, U+2028/U+2029), without HTML escaping so
// snippets read as typed ("<REFRESH_TOKEN>", not "\u003c...").
func jsString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// PythonString is s as a Python string literal in double quotes: backslash and
// quote escaped, anything not printable as \x, \u or \U escapes.
func PythonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, w := 0, 0; i < len(s); i += w {
		r, width := utf8.DecodeRuneInString(s[i:])
		w = width
		switch {
		case r == '\\' || r == '"':
			b.WriteString(`\` + string(r))
		case r == utf8.RuneError && width == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
