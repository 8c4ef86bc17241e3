// Package web holds the site's static assets. Go code embeds the ones it
// needs: the bridge source, from which the page builds its bookmarklet.
package web

import (
	_ "embed"
	"strings"
)

// BridgeJS is bridge.js, the host-page side of the bookmarklet.
//
//go:embed bridge.js
var BridgeJS string

// Bookmarklet returns the javascript: URL that opens the inspector at
// inspectorURL (its origin and path, ending in "/") and installs the bridge
// in the page it is clicked on.
func Bookmarklet(inspectorURL string) string {
	code := minify(BridgeJS)
	code = strings.Replace(code, "__I__", strings.ReplaceAll(inspectorURL, `"`, "%22"), 1)
	return "javascript:" + escape(code)
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
	var out strings.Builder
	var quote byte
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case quote != 0:
			out.WriteByte(c)
			if c == '\\' && i+1 < len(in) {
				i++
				out.WriteByte(in[i])
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
			out.WriteByte(c)
		case c == ' ':
			prev := out.String()
			if len(prev) > 0 && i+1 < len(in) && isIdent(prev[len(prev)-1]) && isIdent(in[i+1]) {
				out.WriteByte(' ')
			}
		default:
			out.WriteByte(c)
		}
	}
	return strings.TrimSpace(out.String())
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// escape percent-encodes only what a URL would otherwise change: the
// bookmarklet must stay short (at most 2 KB), so readable characters stay.
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
