// Package web holds the site's static assets. Go code embeds the ones it
// needs: the bridge source, from which the page builds its bookmarklet.
package web

import (
	_ "embed"
	"strings"
)

// MaxBookmarkletBytes is the bookmarklet's size budget: short enough for a
// user to read what they install.
const MaxBookmarkletBytes = 2560

// BridgeJS is bridge.js, the host-page side of the bookmarklet.
//
//go:embed bridge.js
var BridgeJS string

// Bookmarklet returns the javascript: URL that opens the inspector at
// inspectorURL (its origin and path, ending in "/") and installs the bridge
// in the page it is clicked on. key is this browser's bridge key
// (bridgeproto.ValidKey): the bridge signs every answer with it, and the
// inspector trusts no answer without it. The key is only ever in this
// bookmarklet and in messages to the inspector's origin, never in a URL the
// bridge opens.
func Bookmarklet(inspectorURL, key string) string {
	code := minify(BridgeJS)
	code = strings.Replace(code, "__I__", jsStringBody(inspectorURL), 1)
	code = strings.Replace(code, "__K__", jsStringBody(key), 1)
	return "javascript:" + escape(code)
}

// jsStringBody makes s safe between single quotes in the bridge's code. An
// inspector URL comes from the page's own location and a key is base64url,
// so neither normally holds a quote or a backslash; if one did it must not
// end the string literal.
func jsStringBody(s string) string {
	return strings.NewReplacer(`'`, "%27", `\`, "%5C", "\n", "%0A", "\r", "%0D").Replace(s)
}

// minify drops comment lines, line breaks and every space that does not sit
// between two identifier characters, outside string literals. bridge.js is
// written so that this is safe: semicolons end statements, no regex literal
// holds a space, no comment follows code on a line.
func minify(src string) string {
	var joined strings.Builder
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "//") {
			joined.WriteString(line)
			joined.WriteByte(' ')
		}
	}
	in := joined.String()
	var out []byte
	var quote byte
	for i := 0; i < len(in); i++ {
		c := in[i]
		last := byte(0)
		if len(out) > 0 {
			last = out[len(out)-1]
		}
		switch {
		case quote != 0:
			out = append(out, c)
			if c == '\\' && i+1 < len(in) {
				i++
				out = append(out, in[i])
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
			out = append(out, c)
		case c == '}' && last == ';':
			// The semicolon before a closing brace ends the block's last
			// statement, which the brace ends anyway (bridge.js has no
			// empty statement, such as "if (x);", where it would matter).
			out[len(out)-1] = c
		case c == ' ':
			if isIdent(last) && i+1 < len(in) && isIdent(in[i+1]) {
				out = append(out, ' ')
			}
		default:
			out = append(out, c)
		}
	}
	return strings.TrimSpace(string(out))
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// escape percent-encodes only what a URL would otherwise change: the
// bookmarklet must stay short (MaxBookmarkletBytes), so readable characters
// stay.
func escape(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '%' || c == '#' || c == '"' || c == '<' || c == '>' || c == ' ' || c == '\\' || c == '`' || c < 0x20 || c >= 0x7f:
			b.WriteString("%" + strings.ToUpper(hex(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func hex(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
