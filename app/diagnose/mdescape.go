package diagnose

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is the export's one Markdown escaper. Every string that came
// from the paste reaches the Markdown through mdText (a line's text: table
// cell, heading, list item) or sits in a block written by mdFence. Nothing
// else in the export writes input-derived text.
//
// The target is GitHub: CommonMark plus GFM tables, strikethrough and
// autolinks, and GitHub's own @mention and reference filters, which work on
// the rendered text (so a backslash does not stop a mention; a zero-width
// space between @ and the name does).

// mdZeroWidth is an HTML entity for U+200B ZERO WIDTH SPACE. Markdown decodes
// it inside text, so the rendered text shows nothing, but "@name", "://" and
// "www." no longer match GitHub's mention and autolink patterns.
const mdZeroWidth = "&#8203;"

// mdPunct are the ASCII characters with a meaning somewhere in GFM inline
// syntax or at the start of a block: emphasis, code, links, images, HTML,
// headings, list markers, tables, strikethrough, entities. Each is written
// with a backslash, which CommonMark defines for every ASCII punctuation
// character.
const mdPunct = "\\`*_{}[]<>()#+-!|~&"

// mdText returns s as Markdown inline text that renders as s: no emphasis,
// code, link, image, HTML, heading, list, table cell break, mention or
// autolink can start inside it, and it is one line. Control and
// format characters (bidi overrides among them) are shown as [U+XXXX].
//
// The result is meant to follow fixed text on its line ("- Source: ", a
// table's "| "): it never starts a line itself.
func mdText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\[invalid UTF-8\]`)
		case r == '\r' || r == '\n' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			b.WriteByte(' ') // one line: a break would end the cell or item
		case r == '\t':
			b.WriteByte(' ')
		case r == '@':
			b.WriteString("@" + mdZeroWidth)
		case r == ':' && (strings.HasPrefix(s[i+1:], "//") || endsWithFold(s[:i], "mailto") || endsWithFold(s[:i], "xmpp")):
			b.WriteString(":" + mdZeroWidth)
		case (r == '.') && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteString(mdZeroWidth + ".")
		case r < utf8.RuneSelf && strings.IndexByte(mdPunct, byte(r)) >= 0:
			b.WriteByte('\\')
			b.WriteRune(r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			fmt.Fprintf(&b, `\[U+%04X\]`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// mdFence returns body as a fenced code block with the given info string.
// The fence is a run of backticks longer than any backtick run in body, so no
// line of body can close it early; tildes cannot close a backtick fence at
// all. body's line breaks are normalised to \n, and its control and format
// characters (other than \n and \t) are shown as \u escapes, so nothing in it
// hides or reorders what a reader sees.
func mdFence(info, body string) string {
	body = mdBlockText(body)
	fence := strings.Repeat("`", max(3, longestRun(body, '`')+1))
	return fence + info + "\n" + body + "\n" + fence + "\n"
}

// mdBlockText prepares text for a fenced block: one kind of line break, no
// control or invisible format characters.
func mdBlockText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			b.WriteByte('\n')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// mdCode writes a finding code as inline code, so readers can search for
// it. Codes are dotted lower-case words; anything else goes through mdText.
func mdCode(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return mdText(s)
		}
	}
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

func endsWithFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
