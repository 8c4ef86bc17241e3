package token

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// MaxInputBytes bounds how much of a paste is analysed. Chosen by
// measurement in headless Chromium on the built site (the wasm build, no
// inlining): at this size the analysis (diagnose.Run) of the slowest shapes
// found took, best of three on a loaded 2-core machine, 202 ms for a Cookie
// header of chunk-suffixed cookies, 148 ms for log text with one token and
// 94 ms for JSON nested 60 deep; rendering the results comes on top. Real
// inputs (a Cookie header, a session JSON, a HAR entry) are far smaller.
const MaxInputBytes = 4 << 20

// CutInput returns the part of text that is analysed and whether it was cut.
// A cut ends at the last line break within MaxInputBytes, so no header or
// JSON line is split; a single line longer than half the cap is cut at the
// last whole UTF-8 character instead.
func CutInput(text string) (string, bool) { return CutAt(text, MaxInputBytes) }

// CutAt returns the beginning of text that fits in limit bytes, and whether
// it was cut: at the last line break within limit when that keeps at least
// half of it, else at the last whole UTF-8 character.
func CutAt(text string, limit int) (string, bool) {
	if len(text) <= limit {
		return text, false
	}
	head := text[:limit]
	if nl := strings.LastIndexByte(head, '\n'); nl >= limit/2 {
		return head[:nl+1], true
	}
	end := limit
	// Back up over continuation bytes to the start of the character that
	// straddles the cut (at most utf8.UTFMax-1 of them).
	for i := 0; i < utf8.UTFMax && end > 0 && !utf8.RuneStart(text[end]); i++ {
		end--
	}
	return text[:end], true
}

// noteJSONError remembers that a JSON document was refused for its depth, so
// the diagnosis can say the bound applied.
func (ex *extractor) noteJSONError(err error) {
	if errors.Is(err, ErrJSONTooDeep) {
		ex.result.JSONTooDeep = true
	}
}
