package diagnose_test

import (
	"strings"
	"testing"

	"tokenscope/app/diagnose"
)

// mdSeeds are the inputs that break naive Markdown writers.
var mdSeeds = []string{
	"", "plain", "a\n```\nb", "```", "````json", "~~~", "\n~~~~\n", "    ```", "   ```", "`", "``x``",
	"[link](http://evil)", "![img](http://evil/x.png)", "<img src=x onerror=alert(1)>", "@octocat", "a@b.example",
	"https://evil.example", "www.evil.example", "mailto:x@y", "| a | b |", "# h", "- item", "1. item", "> quote",
	"*em* **b** _u_ ~~s~~", "&#64;octocat", "&lt;b&gt;", "\\", "\\`", "\r\n```\r\n", "\u2028```", "\u202e", "\x00", "\xff\xfe",
	"[x]: http://evil", "<http://evil>", "<!-- -->", "a\u200b@b",
}

// FuzzMarkdownEscape: whatever the string, mdText keeps it on one line
// and GFM renders it, inside a table cell, a heading and a list item, as
// text: no element besides the ones the frame makes, no mention, no link.
// The committed corpus lives in testdata/fuzz/FuzzMarkdownEscape/.
func FuzzMarkdownEscape(f *testing.F) {
	for _, s := range mdSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text := diagnose.MarkdownText(s)
		if strings.ContainsAny(text, "\r\n") {
			t.Fatalf("mdText(%q) spans lines: %q", s, text)
		}
		md := "### Token 1 — " + text + "\n\n- Source: " + text + "\n\n| a | b |\n|---|---|\n| x | " + text + " |\n"
		rendered := renderGFM(t, md)
		if live := liveMarkup(rendered); len(live) > 0 {
			t.Fatalf("mdText(%q) renders live markup %q:\n%s", s, live, rendered)
		}
		if strings.Count(rendered, "<td>") != 2 || strings.Count(rendered, "<li>") != 1 || strings.Count(rendered, "<h3>") != 1 {
			t.Fatalf("mdText(%q) changed the frame:\n%s", s, rendered)
		}
	})
}

// FuzzMarkdownFence: whatever two bodies hold, blocks written by mdFence
// open and close where the writer meant: the scanner and GFM both count
// exactly two blocks, none left open, and the text after them is outside.
// The committed corpus lives in testdata/fuzz/FuzzMarkdownFence/.
func FuzzMarkdownFence(f *testing.F) {
	for _, s := range mdSeeds {
		f.Add(s, "```\n"+s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		md := "Header:\n\n" + diagnose.MarkdownFence("json", a) + "\nClaims:\n\n" + diagnose.MarkdownFence("json", b) + "\nafter the blocks\n"
		blocks, unclosed := fencedBlocks(md)
		if unclosed || blocks != 2 {
			t.Fatalf("scanner: %d blocks, unclosed %v:\n%s", blocks, unclosed, md)
		}
		rendered := renderGFM(t, md)
		if n := strings.Count(rendered, "<pre>"); n != 2 {
			t.Fatalf("GFM: %d code blocks:\n%s", n, rendered)
		}
		if !strings.HasSuffix(strings.TrimSpace(rendered), "<p>after the blocks</p>") {
			t.Fatalf("text after the blocks is not outside them:\n%s", rendered)
		}
	})
}
