package diagnose_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// This file holds the checks every export test applies: a small
// CommonMark-style fence scanner, and a real GFM renderer (goldmark with
// tables, strikethrough and autolinks, raw HTML let through) to see what
// GitHub would make of the Markdown.

var fenceOpen = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})(.*)$")

// fencedBlocks counts the fenced code blocks in md the way CommonMark
// reads them: a line of three or more backticks or tildes (indented at most
// three spaces; a backtick fence's info string holds no backtick) opens a
// block, and only a line of the same character, at least as long, with
// nothing but spaces after it, closes it. unclosed reports a block still
// open at the end, which on GitHub swallows the rest of the report.
func fencedBlocks(md string) (blocks int, unclosed bool) {
	var open string
	for _, line := range strings.Split(md, "\n") {
		if open == "" {
			m := fenceOpen.FindStringSubmatch(line)
			if m == nil || (m[1][0] == '`' && strings.Contains(m[2], "`")) {
				continue
			}
			open = m[1]
			blocks++
			continue
		}
		t := strings.TrimLeft(line, " ")
		if len(line)-len(t) > 3 {
			continue
		}
		run := len(t) - len(strings.TrimLeft(t, open[:1]))
		if run >= len(open) && strings.TrimSpace(t[run:]) == "" {
			open = ""
		}
	}
	return blocks, open != ""
}

var gfm = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// renderGFM renders md as GitHub-flavoured Markdown, raw HTML included.
func renderGFM(t testing.TB, md string) string {
	t.Helper()
	var b bytes.Buffer
	if err := gfm.Convert([]byte(md), &b); err != nil {
		t.Fatalf("rendering: %v", err)
	}
	return b.String()
}

// exportTags are the only HTML elements the export's own Markdown makes.
var exportTags = map[string]bool{
	"h2": true, "h3": true, "p": true, "ul": true, "li": true, "table": true, "thead": true,
	"tbody": true, "tr": true, "th": true, "td": true, "pre": true, "code": true,
}

var (
	htmlTag = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`)
	// mention is what GitHub turns into a notification: @ then a name,
	// not after a word character.
	mention = regexp.MustCompile(`(^|[^A-Za-z0-9_` + "`" + `])@[A-Za-z0-9]`)
	// autolink is what GFM or GitHub turns into a link on its own.
	autolink = regexp.MustCompile(`(?i)(https?|ftp)://|www\.|(mailto|xmpp):[^\x{200b}]`)
)

// liveMarkup lists what in rendered HTML is not text the export wrote
// on purpose: links, images, raw HTML, mentions and bare URLs outside code.
func liveMarkup(rendered string) []string {
	var out []string
	for _, m := range htmlTag.FindAllStringSubmatch(rendered, -1) {
		if !exportTags[strings.ToLower(m[2])] {
			out = append(out, "<"+m[1]+m[2]+">")
		}
	}
	outside := regexp.MustCompile(`(?s)<pre>.*?</pre>|<code>.*?</code>`).ReplaceAllString(rendered, "")
	for _, re := range []*regexp.Regexp{mention, autolink} {
		out = append(out, re.FindAllString(outside, -1)...)
	}
	return out
}

// checkMarkdown holds md to the export's structure: fences balanced, as
// many fenced blocks as the writer opened, and nothing live when rendered.
func checkMarkdown(t testing.TB, md string, wantBlocks int) {
	t.Helper()
	blocks, unclosed := fencedBlocks(md)
	if unclosed || blocks != wantBlocks {
		t.Errorf("fenced blocks: %d (unclosed %v), the writer opened %d:\n%s", blocks, unclosed, wantBlocks, md)
	}
	rendered := renderGFM(t, md)
	if n := strings.Count(rendered, "<pre>"); n != wantBlocks {
		t.Errorf("GFM renders %d code blocks, the writer opened %d", n, wantBlocks)
	}
	if live := liveMarkup(rendered); len(live) > 0 {
		t.Errorf("rendered export holds live markup %q:\n%s", live, rendered)
	}
}
