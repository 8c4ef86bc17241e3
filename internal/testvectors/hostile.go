package testvectors

import (
	"strconv"
	"strings"
)

// The hostile pastes of issue 8 ("one paste must never freeze the tab"),
// built to a size so that native tests, fuzz seeds and the browser tests
// share one definition. None of them needs a real token: the shapes are what
// made the page freeze.

// ChunkedCookieFlood is `Cookie: c0.999=eyJ.a.b; c1.999=eyJ.a.b; ...` grown
// to at least size bytes: every cookie is the last chunk of its own chunked
// cookie, so a reassembler that lists the missing chunks lists 999 of them
// for each.
func ChunkedCookieFlood(size int) string {
	return chunkedCookieFlood(size, 999)
}

// ChunkedCookieFloodIndex is ChunkedCookieFlood with another chunk index, to
// compare the work a low and a high index cost.
func ChunkedCookieFloodIndex(size, index int) string {
	return chunkedCookieFlood(size, index)
}

func chunkedCookieFlood(size, index int) string {
	var b strings.Builder
	b.Grow(size + 64)
	b.WriteString("Cookie: ")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString("c" + strconv.Itoa(i) + "." + strconv.Itoa(index) + "=eyJ.a.b")
	}
	return b.String()
}

// NestedJSON is a JSON document of at least size bytes whose bulk sits depth
// levels down: {"a":{"a":...{"items":[{"id":0,"v":"..."},...],"access":tok}}}.
// A parser that rescans a value at every level does depth times the work.
func NestedJSON(size, depth int, tok string) string {
	var b strings.Builder
	b.Grow(size + 64*depth)
	for range depth {
		b.WriteString(`{"a":`)
	}
	b.WriteString(`{"access":"` + tok + `","items":[`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":` + strconv.Itoa(i) + `,"v":"lorem ipsum dolor sit amet","n":[1,2.5,true,null]}`)
	}
	b.WriteString("]}")
	b.WriteString(strings.Repeat("}", depth))
	return b.String()
}

// PlainTextWithToken is at least size bytes of log-like lines with tok in an
// Authorization header an eighth of the way in (inside any sane input cap).
func PlainTextWithToken(size int, tok string) string {
	const line = "2026-11-30T06:00:00Z INFO request served path=/api/items status=200 bytes=5120\n"
	var b strings.Builder
	b.Grow(size + len(tok) + len(line))
	for b.Len() < size/8 {
		b.WriteString(line)
	}
	b.WriteString("Authorization: Bearer " + tok + "\n")
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.String()
}
