package probe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// pythonString writes s as a double-quoted Python string literal that
// evaluates to s, for fix texts that land in settings.py. Quotes and
// backslashes are escaped, and everything outside printable ASCII is
// written as an escape, so the line cannot end early, run code, or hide
// characters (a bidi override, a NUL) from the reader. Invalid UTF-8 becomes
// U+FFFD: a Python str cannot hold raw bytes.
func pythonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f:
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// corsSettingsLine is the django-cors-headers setting that allows origin.
func corsSettingsLine(origin string) string {
	return "CORS_ALLOWED_ORIGINS = [" + pythonString(origin) + "]"
}
